"""The chart carries copies of the alert rules and dashboards (helm cannot read outside the chart): they
must equal their sources. Fix a failure with deploy/tools/sync-chart-files.sh."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CHART_FILES = REPO_ROOT / "deploy" / "helm" / "emotion-pipeline" / "files"
SYNC_HINT = "run deploy/tools/sync-chart-files.sh"


def test_chart_rules_equal_the_prometheus_rules() -> None:
    source = REPO_ROOT / "deploy" / "prometheus" / "rules.yml"
    copy = CHART_FILES / "prometheus-rules.yml"
    assert copy.read_bytes() == source.read_bytes(), f"{copy.name} differs from {source.name}: {SYNC_HINT}"


def test_chart_dashboards_equal_the_grafana_dashboards() -> None:
    sources = {
        path.name: path.read_bytes()
        for path in (REPO_ROOT / "deploy" / "grafana" / "dashboards").glob("*.json")
    }
    copies = {path.name: path.read_bytes() for path in (CHART_FILES / "dashboards").glob("*.json")}
    assert sources, "deploy/grafana/dashboards holds no dashboard"
    assert sorted(copies) == sorted(sources), SYNC_HINT
    for name, content in sources.items():
        assert copies[name] == content, f"dashboards/{name} differs from its source: {SYNC_HINT}"
