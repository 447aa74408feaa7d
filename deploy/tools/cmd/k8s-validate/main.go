// Command k8s-validate checks rendered Kubernetes manifests offline, the way an API server would refuse them.
//
// Each YAML document is decoded strictly into the Go type of its kind (the client-go scheme plus the
// Prometheus Operator's monitoring.coreos.com/v1 types): an unknown kind, an unknown or duplicated field, or
// a value of the wrong type fails. Then the documents are checked against each other for the mistakes that
// decode cleanly but break a deployment: a selector that does not match its pod template, a volume mount
// or probe port that names nothing, a reference to a ConfigMap or Secret that is not rendered, a Service or
// ServiceMonitor that selects nothing.
//
// Usage: helm template ... | k8s-validate [-external Kind/name]... [FILE...]
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

func main() {
	var external stringList
	flag.Var(&external, "external", "Kind/name of an object that exists in the cluster but is not rendered (repeatable)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: k8s-validate [-external Kind/name]... [FILE...]\n"+
			"Reads multi-document YAML from the files, or standard input when none is named.\n")
		flag.PrintDefaults()
	}
	flag.Parse()

	decoder, err := newStrictDecoder()
	if err != nil {
		fmt.Fprintln(os.Stderr, "k8s-validate:", err)
		os.Exit(2)
	}
	sources := flag.Args()
	if len(sources) == 0 {
		sources = []string{"-"}
	}
	var objects []object
	var problems []string
	for _, source := range sources {
		found, bad, err := readSource(decoder, source)
		if err != nil {
			fmt.Fprintln(os.Stderr, "k8s-validate:", err)
			os.Exit(2)
		}
		objects = append(objects, found...)
		problems = append(problems, bad...)
	}
	problems = append(problems, crossCheck(objects, external.set())...)
	for _, problem := range problems {
		fmt.Println(problem)
	}
	if len(problems) > 0 {
		fmt.Printf("k8s-validate: %d problem(s) in %d object(s)\n", len(problems), len(objects))
		os.Exit(1)
	}
	fmt.Printf("k8s-validate: %d object(s) valid\n", len(objects))
}

type stringList []string

func (list *stringList) String() string { return strings.Join(*list, ",") }

func (list *stringList) Set(value string) error {
	if !strings.Contains(value, "/") {
		return fmt.Errorf("%q is not Kind/name", value)
	}
	*list = append(*list, value)
	return nil
}

func (list *stringList) set() map[string]bool {
	names := make(map[string]bool, len(*list))
	for _, name := range *list {
		names[name] = true
	}
	return names
}

// object is one decoded document and where it came from, for messages.
type object struct {
	where string
	kind  string
	name  string
	value runtime.Object
}

func (o object) String() string { return fmt.Sprintf("%s (%s/%s)", o.where, o.kind, o.name) }

type strictDecoder struct {
	serializer *json.Serializer
}

func newStrictDecoder() (*strictDecoder, error) {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := monitoringv1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	serializer := json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme,
		json.SerializerOptions{Strict: true})
	return &strictDecoder{serializer: serializer}, nil
}

// decode turns one YAML document into its typed object; a duplicated key, an unknown kind or field, or a
// wrong type is an error.
func (d *strictDecoder) decode(document []byte) (runtime.Object, error) {
	asJSON, err := yaml.YAMLToJSONStrict(document)
	if err != nil {
		return nil, err
	}
	value, _, err := d.serializer.Decode(asJSON, nil, nil)
	if err != nil {
		return nil, err
	}
	return value, nil
}

func readSource(decoder *strictDecoder, source string) ([]object, []string, error) {
	var input io.Reader = os.Stdin
	label := "<stdin>"
	if source != "-" {
		file, err := os.Open(source)
		if err != nil {
			return nil, nil, err
		}
		defer file.Close()
		input, label = file, source
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(input))
	var objects []object
	var problems []string
	for index := 1; ; index++ {
		document, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objects, problems, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", label, err)
		}
		if isBlank(document) {
			continue
		}
		where := fmt.Sprintf("%s: document %d%s", label, index, helmSource(document))
		value, err := decoder.decode(document)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", where, err))
			continue
		}
		kind, name := identity(value)
		objects = append(objects, object{where: where, kind: kind, name: name, value: value})
	}
}

// helmSource is the template a document came from, from the "# Source:" comment helm writes above it.
func helmSource(document []byte) string {
	for _, line := range strings.Split(string(document), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "# Source: "); ok {
			return " [" + rest + "]"
		}
	}
	return ""
}

// isBlank says whether a document holds nothing but comments and whitespace (helm renders such documents
// for templates whose content is switched off).
func isBlank(document []byte) bool {
	for _, line := range bytes.Split(document, []byte("\n")) {
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) > 0 && trimmed[0] != '#' {
			return false
		}
	}
	return true
}
