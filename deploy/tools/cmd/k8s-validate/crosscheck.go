package main

import (
	"fmt"
	"path"
	"regexp"
	"sort"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

func identity(value runtime.Object) (kind, name string) {
	kind = value.GetObjectKind().GroupVersionKind().Kind
	if accessor, err := meta.Accessor(value); err == nil {
		name = accessor.GetName()
	}
	return kind, name
}

// podTemplate is a workload's pod template with what its volume mounts may name besides its volumes.
type podTemplate struct {
	owner  object
	spec   *corev1.PodTemplateSpec
	claims map[string]bool
}

// catalog indexes the rendered objects so that references between them can be resolved.
type catalog struct {
	objects  []object
	byKey    map[string]object
	pods     []podTemplate
	external map[string]bool
	problems []string
}

func crossCheck(objects []object, external map[string]bool) []string {
	c := &catalog{objects: objects, byKey: map[string]object{}, external: external}
	for _, o := range objects {
		key := o.kind + "/" + o.name
		if first, seen := c.byKey[key]; seen {
			c.report(o, "duplicates %s", first.where)
		}
		c.byKey[key] = o
		switch v := o.value.(type) {
		case *appsv1.StatefulSet:
			claims := map[string]bool{}
			for _, claim := range v.Spec.VolumeClaimTemplates {
				claims[claim.Name] = true
			}
			c.pods = append(c.pods, podTemplate{owner: o, spec: &v.Spec.Template, claims: claims})
		case *appsv1.Deployment:
			c.pods = append(c.pods, podTemplate{owner: o, spec: &v.Spec.Template, claims: map[string]bool{}})
		case *appsv1.DaemonSet:
			c.pods = append(c.pods, podTemplate{owner: o, spec: &v.Spec.Template, claims: map[string]bool{}})
		}
	}
	for _, o := range objects {
		c.checkMetadata(o)
		switch v := o.value.(type) {
		case *appsv1.StatefulSet:
			c.checkStatefulSet(o, v)
		case *appsv1.Deployment:
			c.checkWorkload(o, v.Spec.Selector, &v.Spec.Template, nil)
		case *appsv1.DaemonSet:
			c.checkWorkload(o, v.Spec.Selector, &v.Spec.Template, nil)
		case *corev1.Service:
			c.checkService(o, v)
		case *policyv1.PodDisruptionBudget:
			c.checkDisruptionBudget(o, v)
		case *monitoringv1.ServiceMonitor:
			c.checkServiceMonitor(o, v)
		case *monitoringv1.PrometheusRule:
			c.checkRules(o, v)
		}
	}
	return c.problems
}

func (c *catalog) report(o object, format string, args ...any) {
	c.problems = append(c.problems, o.String()+": "+fmt.Sprintf(format, args...))
}

func (c *catalog) checkMetadata(o object) {
	accessor, err := meta.Accessor(o.value)
	if err != nil {
		c.report(o, "has no metadata: %v", err)
		return
	}
	if accessor.GetName() == "" {
		c.report(o, "metadata.name is required")
	}
	for _, message := range validation.IsDNS1123Subdomain(accessor.GetName()) {
		c.report(o, "metadata.name %q: %s", accessor.GetName(), message)
	}
	if _, isService := o.value.(*corev1.Service); isService {
		for _, message := range validation.IsDNS1035Label(accessor.GetName()) {
			c.report(o, "a Service name %q: %s", accessor.GetName(), message)
		}
	}
	c.checkLabels(o, "metadata.labels", accessor.GetLabels())
	for key := range accessor.GetAnnotations() {
		for _, message := range validation.IsQualifiedName(key) {
			c.report(o, "annotation key %q: %s", key, message)
		}
	}
}

func (c *catalog) checkLabels(o object, field string, set map[string]string) {
	for _, key := range sortedKeys(set) {
		for _, message := range validation.IsQualifiedName(key) {
			c.report(o, "%s key %q: %s", field, key, message)
		}
		for _, message := range validation.IsValidLabelValue(set[key]) {
			c.report(o, "%s[%q] value %q: %s", field, key, set[key], message)
		}
	}
}

func (c *catalog) checkStatefulSet(o object, set *appsv1.StatefulSet) {
	claims := map[string]bool{}
	for _, claim := range set.Spec.VolumeClaimTemplates {
		claims[claim.Name] = true
		if len(claim.Spec.AccessModes) == 0 {
			c.report(o, "volumeClaimTemplate %q has no accessModes", claim.Name)
		}
		if _, ok := claim.Spec.Resources.Requests[corev1.ResourceStorage]; !ok {
			c.report(o, "volumeClaimTemplate %q requests no storage", claim.Name)
		}
	}
	c.checkWorkload(o, set.Spec.Selector, &set.Spec.Template, claims)
	if set.Spec.ServiceName == "" {
		// Optional since Kubernetes 1.33, but pods then get no stable DNS names, which a StatefulSet is for.
		c.report(o, "spec.serviceName is empty: pods get no stable network identity")
		return
	}
	governing, found := c.byKey["Service/"+set.Spec.ServiceName]
	if !found {
		if !c.external["Service/"+set.Spec.ServiceName] {
			c.report(o, "spec.serviceName %q names no rendered Service", set.Spec.ServiceName)
		}
		return
	}
	service := governing.value.(*corev1.Service)
	if service.Spec.ClusterIP != corev1.ClusterIPNone {
		c.report(o, "spec.serviceName %q is not a headless Service (clusterIP: None)", set.Spec.ServiceName)
	}
	if !labels.SelectorFromSet(service.Spec.Selector).Matches(labels.Set(set.Spec.Template.Labels)) {
		c.report(o, "governing Service %q does not select this StatefulSet's pods", set.Spec.ServiceName)
	}
}

func (c *catalog) checkWorkload(o object, selector *metav1.LabelSelector, template *corev1.PodTemplateSpec,
	claims map[string]bool) {
	if selector == nil {
		c.report(o, "spec.selector is required")
	} else if parsed, err := metav1.LabelSelectorAsSelector(selector); err != nil {
		c.report(o, "spec.selector: %v", err)
	} else if parsed.Empty() {
		c.report(o, "spec.selector is empty and would select every pod")
	} else if !parsed.Matches(labels.Set(template.Labels)) {
		c.report(o, "spec.selector %s does not match the pod template labels %v", parsed, template.Labels)
	}
	c.checkLabels(o, "spec.template.metadata.labels", template.Labels)
	c.checkPodSpec(o, &template.Spec, claims)
}

func (c *catalog) checkPodSpec(o object, pod *corev1.PodSpec, claims map[string]bool) {
	volumes := map[string]bool{}
	for name := range claims {
		volumes[name] = true
	}
	for _, volume := range pod.Volumes {
		if volumes[volume.Name] {
			c.report(o, "volume %q is declared twice", volume.Name)
		}
		volumes[volume.Name] = true
		c.checkVolumeSource(o, volume)
	}
	if len(pod.Containers) == 0 {
		c.report(o, "the pod has no containers")
	}
	containerNames := map[string]bool{}
	all := append(append([]corev1.Container{}, pod.InitContainers...), pod.Containers...)
	for i := range all {
		container := &all[i]
		if containerNames[container.Name] {
			c.report(o, "container name %q is used twice", container.Name)
		}
		containerNames[container.Name] = true
		c.checkContainer(o, container, volumes)
	}
}

func (c *catalog) checkVolumeSource(o object, volume corev1.Volume) {
	switch {
	case volume.ConfigMap != nil:
		c.requireKeys(o, "ConfigMap", volume.ConfigMap.Name, volume.ConfigMap.Optional, keyPaths(volume.ConfigMap.Items))
	case volume.Secret != nil:
		c.requireKeys(o, "Secret", volume.Secret.SecretName, volume.Secret.Optional, keyPaths(volume.Secret.Items))
	case volume.Projected != nil:
		for _, source := range volume.Projected.Sources {
			if source.ConfigMap != nil {
				c.requireKeys(o, "ConfigMap", source.ConfigMap.Name, source.ConfigMap.Optional, keyPaths(source.ConfigMap.Items))
			}
			if source.Secret != nil {
				c.requireKeys(o, "Secret", source.Secret.Name, source.Secret.Optional, keyPaths(source.Secret.Items))
			}
		}
	}
}

func keyPaths(items []corev1.KeyToPath) []string {
	keys := make([]string, 0, len(items))
	for _, item := range items {
		keys = append(keys, item.Key)
	}
	return keys
}

func (c *catalog) checkContainer(o object, container *corev1.Container, volumes map[string]bool) {
	where := fmt.Sprintf("container %q", container.Name)
	for _, message := range validation.IsDNS1123Label(container.Name) {
		c.report(o, "%s: name: %s", where, message)
	}
	if container.Image == "" {
		c.report(o, "%s: image is required", where)
	}
	ports := map[string]bool{}
	for _, port := range container.Ports {
		if port.Name == "" {
			continue
		}
		for _, message := range validation.IsValidPortName(port.Name) {
			c.report(o, "%s: port name %q: %s", where, port.Name, message)
		}
		ports[port.Name] = true
	}
	mountPaths := map[string]bool{}
	for _, mount := range container.VolumeMounts {
		if !volumes[mount.Name] {
			c.report(o, "%s: volumeMount %q names no volume or volumeClaimTemplate", where, mount.Name)
		}
		if !path.IsAbs(mount.MountPath) {
			c.report(o, "%s: mountPath %q is not absolute", where, mount.MountPath)
		}
		if mountPaths[mount.MountPath] {
			c.report(o, "%s: mountPath %q is mounted twice", where, mount.MountPath)
		}
		mountPaths[mount.MountPath] = true
	}
	c.checkProbe(o, where+": livenessProbe", container.LivenessProbe, ports)
	c.checkProbe(o, where+": readinessProbe", container.ReadinessProbe, ports)
	c.checkProbe(o, where+": startupProbe", container.StartupProbe, ports)
	envNames := c.envFromNames(container)
	setInEnv := map[string]bool{}
	for _, variable := range container.Env {
		if setInEnv[variable.Name] {
			c.report(o, "%s: env %s is set twice", where, variable.Name)
		}
		// Kubernetes expands $(NAME) only for variables defined before; otherwise it is left as is, silently.
		for _, match := range dependentVariable.FindAllStringSubmatch(variable.Value, -1) {
			if match[1] == "" && !envNames[match[2]] {
				c.report(o, "%s: env %s refers to $(%s), which is not defined before it", where, variable.Name, match[2])
			}
		}
		setInEnv[variable.Name] = true
		envNames[variable.Name] = true
		if variable.ValueFrom == nil {
			continue
		}
		if ref := variable.ValueFrom.ConfigMapKeyRef; ref != nil {
			c.requireKeys(o, "ConfigMap", ref.Name, ref.Optional, []string{ref.Key})
		}
		if ref := variable.ValueFrom.SecretKeyRef; ref != nil {
			c.requireKeys(o, "Secret", ref.Name, ref.Optional, []string{ref.Key})
		}
	}
	for _, source := range container.EnvFrom {
		if source.ConfigMapRef != nil {
			c.requireKeys(o, "ConfigMap", source.ConfigMapRef.Name, source.ConfigMapRef.Optional, nil)
		}
		if source.SecretRef != nil {
			c.requireKeys(o, "Secret", source.SecretRef.Name, source.SecretRef.Optional, nil)
		}
	}
}

// dependentVariable finds $(NAME) references; a leading "$" ($$(NAME)) escapes one.
var dependentVariable = regexp.MustCompile(`(\$?)\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)`)

// envFromNames is every variable a container gets from the rendered ConfigMaps and Secrets in its envFrom.
func (c *catalog) envFromNames(container *corev1.Container) map[string]bool {
	names := map[string]bool{}
	for _, source := range container.EnvFrom {
		var target object
		var found bool
		if source.ConfigMapRef != nil {
			target, found = c.byKey["ConfigMap/"+source.ConfigMapRef.Name]
		}
		if source.SecretRef != nil {
			target, found = c.byKey["Secret/"+source.SecretRef.Name]
		}
		if !found {
			continue
		}
		switch v := target.value.(type) {
		case *corev1.ConfigMap:
			for key := range v.Data {
				names[source.Prefix+key] = true
			}
		case *corev1.Secret:
			for key := range v.Data {
				names[source.Prefix+key] = true
			}
			for key := range v.StringData {
				names[source.Prefix+key] = true
			}
		}
	}
	return names
}

func (c *catalog) checkProbe(o object, where string, probe *corev1.Probe, ports map[string]bool) {
	if probe == nil {
		return
	}
	handlers := 0
	var port *intstr.IntOrString
	if probe.HTTPGet != nil {
		handlers++
		port = &probe.HTTPGet.Port
	}
	if probe.TCPSocket != nil {
		handlers++
		port = &probe.TCPSocket.Port
	}
	if probe.Exec != nil {
		handlers++
	}
	if probe.GRPC != nil {
		handlers++
	}
	if handlers != 1 {
		c.report(o, "%s: needs exactly one handler, has %d", where, handlers)
	}
	if port != nil && port.Type == intstr.String && !ports[port.StrVal] {
		c.report(o, "%s: port %q is not a named port of the container", where, port.StrVal)
	}
}

// requireKeys reports a reference to a ConfigMap or Secret that is neither rendered, nor declared external,
// nor optional, and a key that the rendered object does not hold.
func (c *catalog) requireKeys(o object, kind, name string, optional *bool, keys []string) {
	if optional != nil && *optional {
		return
	}
	target, found := c.byKey[kind+"/"+name]
	if !found {
		if !c.external[kind+"/"+name] {
			c.report(o, "refers to %s %q, which is not rendered", kind, name)
		}
		return
	}
	held := map[string]bool{}
	switch v := target.value.(type) {
	case *corev1.ConfigMap:
		for key := range v.Data {
			held[key] = true
		}
		for key := range v.BinaryData {
			held[key] = true
		}
	case *corev1.Secret:
		for key := range v.Data {
			held[key] = true
		}
		for key := range v.StringData {
			held[key] = true
		}
	}
	for _, key := range keys {
		if !held[key] {
			c.report(o, "refers to key %q of %s %q, which does not hold it", key, kind, name)
		}
	}
}

// selected is every pod template whose labels a selector matches.
func (c *catalog) selected(selector labels.Selector) []podTemplate {
	var matched []podTemplate
	for _, pod := range c.pods {
		if selector.Matches(labels.Set(pod.spec.Labels)) {
			matched = append(matched, pod)
		}
	}
	return matched
}

func (c *catalog) checkService(o object, service *corev1.Service) {
	if len(service.Spec.Ports) > 1 {
		for _, port := range service.Spec.Ports {
			if port.Name == "" {
				c.report(o, "port %d needs a name: the Service has more than one port", port.Port)
			}
		}
	}
	if len(service.Spec.Selector) == 0 {
		return
	}
	pods := c.selected(labels.SelectorFromSet(service.Spec.Selector))
	if len(pods) == 0 {
		c.report(o, "selector %v matches no rendered pod template", service.Spec.Selector)
	}
	for _, port := range service.Spec.Ports {
		if port.TargetPort.Type != intstr.String {
			continue
		}
		for _, pod := range pods {
			if !hasContainerPort(pod.spec, port.TargetPort.StrVal) {
				c.report(o, "targetPort %q is not a named container port of %s", port.TargetPort.StrVal, pod.owner)
			}
		}
	}
}

func hasContainerPort(template *corev1.PodTemplateSpec, name string) bool {
	for _, container := range template.Spec.Containers {
		for _, port := range container.Ports {
			if port.Name == name {
				return true
			}
		}
	}
	return false
}

func (c *catalog) checkDisruptionBudget(o object, budget *policyv1.PodDisruptionBudget) {
	if (budget.Spec.MinAvailable == nil) == (budget.Spec.MaxUnavailable == nil) {
		c.report(o, "set exactly one of spec.minAvailable and spec.maxUnavailable")
	}
	if budget.Spec.Selector == nil {
		c.report(o, "spec.selector is required")
		return
	}
	selector, err := metav1.LabelSelectorAsSelector(budget.Spec.Selector)
	if err != nil {
		c.report(o, "spec.selector: %v", err)
		return
	}
	if len(c.selected(selector)) == 0 {
		c.report(o, "spec.selector %s matches no rendered pod template", selector)
	}
}

func (c *catalog) checkServiceMonitor(o object, monitor *monitoringv1.ServiceMonitor) {
	selector, err := metav1.LabelSelectorAsSelector(&monitor.Spec.Selector)
	if err != nil {
		c.report(o, "spec.selector: %v", err)
		return
	}
	var services []*corev1.Service
	for _, candidate := range c.objects {
		if service, ok := candidate.value.(*corev1.Service); ok && selector.Matches(labels.Set(service.Labels)) {
			services = append(services, service)
		}
	}
	if len(services) == 0 {
		c.report(o, "spec.selector %s matches no rendered Service", selector)
	}
	if len(services) > 1 {
		// Each matched Service's endpoints are scraped: the same pods several times, with doubled metrics.
		names := make([]string, 0, len(services))
		for _, service := range services {
			names = append(names, service.Name)
		}
		c.report(o, "spec.selector %s matches %d Services %v: their pods would be scraped once per Service",
			selector, len(services), names)
	}
	if len(monitor.Spec.Endpoints) == 0 {
		c.report(o, "spec.endpoints is empty")
	}
	for _, endpoint := range monitor.Spec.Endpoints {
		if endpoint.Port == "" {
			continue
		}
		for _, service := range services {
			if !hasServicePort(service, endpoint.Port) {
				c.report(o, "endpoint port %q is not a port name of Service %q", endpoint.Port, service.Name)
			}
		}
	}
}

func hasServicePort(service *corev1.Service, name string) bool {
	for _, port := range service.Spec.Ports {
		if port.Name == name {
			return true
		}
	}
	return false
}

func (c *catalog) checkRules(o object, rule *monitoringv1.PrometheusRule) {
	if len(rule.Spec.Groups) == 0 {
		c.report(o, "spec.groups is empty")
	}
	groups := map[string]bool{}
	for _, group := range rule.Spec.Groups {
		if group.Name == "" || groups[group.Name] {
			c.report(o, "group name %q is empty or used twice", group.Name)
		}
		groups[group.Name] = true
		if len(group.Rules) == 0 {
			c.report(o, "group %q has no rules", group.Name)
		}
		for index, item := range group.Rules {
			if (item.Alert == "") == (item.Record == "") {
				c.report(o, "group %q rule %d: set exactly one of alert and record", group.Name, index+1)
			}
			if item.Expr.String() == "" {
				c.report(o, "group %q rule %d: expr is empty", group.Name, index+1)
			}
		}
	}
}

func sortedKeys(set map[string]string) []string {
	keys := make([]string, 0, len(set))
	for key := range set {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}
