#!/usr/bin/env bash
# Install the tools the deployment tests use, once, into a per-user cache; later runs only check they are there.
#
#   helm           helm lint / helm template of deploy/helm/emotion-pipeline
#   k8s-validate   strict offline validation of rendered manifests (cmd/k8s-validate in this directory)
#   compose-spec   the Compose specification JSON Schema, for validating docker-compose.yml
#
# Everything comes from the Go module proxy (needs Go 1.24 or newer). Each tool lives in a directory named
# after its version (or, for k8s-validate, a hash of its sources), so a version bump installs afresh.
# Prints the tools directory on its last line; tests find the tools there (or via EMOTION_PIPELINE_TOOLS).
set -euo pipefail

HELM_VERSION=v3.19.5
# The Kubernetes version helm assumes offline (helm template, helm lint): that of the client-go it is built
# with. Release builds set it with -ldflags; a plain `go install` would leave helm's fallback, v1.20.
HELM_KUBE_MAJOR=1
HELM_KUBE_MINOR=34
COMPOSE_GO_VERSION=v2.16.2

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="${EMOTION_PIPELINE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/emotion-pipeline/tools}"
mkdir -p "$tools/bin"

if ! command -v go >/dev/null 2>&1; then
  echo "install-tools: go is not installed; the deployment tests will skip (install Go 1.24+ to run them)" >&2
  exit 1
fi

# Installs into a temporary directory first and renames it, so an interrupted run leaves nothing half-built.
install_into() {
  local target="$1"; shift
  local partial="$target.partial.$$"
  rm -rf "$partial"
  mkdir -p "$partial"
  if ! "$@" "$partial"; then
    rm -rf "$partial"
    return 1
  fi
  rm -rf "$target"
  mv "$partial" "$target"
}

timed() {
  local name="$1"; shift
  local started=$SECONDS
  "$@"
  echo "install-tools: $name ready in $((SECONDS - started)) s" >&2
}

build_helm() {
  local flags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  local package
  for package in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
    flags+=" -X $package.k8sVersionMajor=$HELM_KUBE_MAJOR -X $package.k8sVersionMinor=$HELM_KUBE_MINOR"
  done
  GOBIN="$1" go install -trimpath -ldflags "$flags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
}

# No VCS stamping: a CI checkout owned by another user makes git, and so the build, fail.
build_validator() { (cd "$here" && go build -trimpath -buildvcs=false -o "$1/k8s-validate" ./cmd/k8s-validate); }

fetch_compose_schema() {
  local module_dir
  module_dir="$(go mod download -json "github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  cp "$module_dir/schema/compose-spec.json" "$1/compose-spec.json"
}

helm_dir="$tools/helm-$HELM_VERSION-kube$HELM_KUBE_MAJOR.$HELM_KUBE_MINOR"
if [ ! -x "$helm_dir/helm" ]; then
  timed "helm $HELM_VERSION" install_into "$helm_dir" build_helm
fi
ln -sfn "$helm_dir/helm" "$tools/bin/helm"

validator_hash="$(cat "$here/go.mod" "$here/go.sum" "$here"/cmd/k8s-validate/*.go | sha256sum | cut -c1-12)"
validator_dir="$tools/k8s-validate-$validator_hash"
if [ ! -x "$validator_dir/k8s-validate" ]; then
  timed "k8s-validate $validator_hash" install_into "$validator_dir" build_validator
fi
ln -sfn "$validator_dir/k8s-validate" "$tools/bin/k8s-validate"

schema_dir="$tools/compose-spec-$COMPOSE_GO_VERSION"
if [ ! -f "$schema_dir/compose-spec.json" ]; then
  timed "compose-spec.json $COMPOSE_GO_VERSION" install_into "$schema_dir" fetch_compose_schema
fi
ln -sfn "$schema_dir/compose-spec.json" "$tools/compose-spec.json"

echo "$tools"
