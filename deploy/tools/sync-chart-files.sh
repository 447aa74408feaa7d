#!/usr/bin/env bash
# Copy the Prometheus alert rules and the Grafana dashboards into the Helm chart, which cannot read files
# outside its own directory. tests/deploy fails when the copies and the sources differ.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
chart_files="$root/deploy/helm/emotion-pipeline/files"

cp "$root/deploy/prometheus/rules.yml" "$chart_files/prometheus-rules.yml"
rm -f "$chart_files"/dashboards/*.json
mkdir -p "$chart_files/dashboards"
cp "$root"/deploy/grafana/dashboards/*.json "$chart_files/dashboards/"
echo "synced: $chart_files"
