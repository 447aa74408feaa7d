"""The Grafana dashboard and the alert rules query only metrics that the metrics container declares."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry

from pipeline.adapters.metrics import PipelineMetrics

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "emotion-pipeline.json"
PROVISIONING = ROOT / "deploy" / "grafana" / "provisioning"
RULES = ROOT / "deploy" / "prometheus" / "rules.yml"

PROMQL_KEYWORDS = frozenset(
    {
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "offset",
        "bool",
        "and",
        "or",
        "unless",
        "inf",
        "nan",
        "atan2",
    }
)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_BRACES = re.compile(r"\{[^}]*\}")
_BRACKETS = re.compile(r"\[[^\]]*\]")
_LABEL_LIST = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_GRAFANA_VARIABLE = re.compile(r"\$\{[^}]*\}|\$\w+")
_DURATION = re.compile(r"(?<![\w:])\d+(?:ms|s|m|h|d|w|y)\b")
_NUMBER = re.compile(r"(?<![\w:.])\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|(?<![\w:])\.\d+")
_IDENTIFIER = re.compile(r"[A-Za-z_:][\w:]*")
_LABEL_VALUES = re.compile(r"^\s*label_values\(\s*(?P<selector>.+?)\s*,\s*\w+\s*\)\s*$")


def metric_names(expr: str) -> set[str]:
    """The metric and recorded-series names a PromQL expression reads (not functions, labels, keywords)."""
    label_values = _LABEL_VALUES.match(expr)
    if label_values:
        expr = label_values["selector"]
    for pattern in (_STRING, _BRACES, _BRACKETS, _LABEL_LIST, _GRAFANA_VARIABLE, _DURATION, _NUMBER):
        expr = pattern.sub(" ", expr)
    names = set()
    for match in _IDENTIFIER.finditer(expr):
        is_function = expr[match.end() :].lstrip().startswith("(")
        if not is_function and match[0].lower() not in PROMQL_KEYWORDS:
            names.add(match[0])
    return names


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        ("up", {"up"}),
        (
            'sum by (outcome) (rate(pipeline_events_total{job="$job", outcome=~"a|b"}[$__rate_interval]))',
            {"pipeline_events_total"},
        ),
        ("histogram_quantile(0.99, sum by (le) (rate(latency_bucket[5m])))", {"latency_bucket"}),
        ("a / on (job) group_left b > 0.05 and on (job) c > 1e3", {"a", "b", "c"}),
        ("rate(x_total[1h] offset 7d) + job:x:rate5m", {"x_total", "job:x:rate5m"}),
        ('sum(x) by (job) == 0 or absent(up{job="emotion-pipeline"})', {"x", "up"}),
        ('label_values(emotion_pipeline_build_info{job="$job"}, instance)', {"emotion_pipeline_build_info"}),
        ("increase(misspelt_metric_totl[$__range]) > bool 2", {"misspelt_metric_totl"}),
    ],
)
def test_metric_names_are_parsed_out_of_promql(expr: str, names: set[str]) -> None:
    assert metric_names(expr) == names


@pytest.fixture(scope="module")
def declared() -> frozenset[str]:
    return PipelineMetrics(CollectorRegistry(), {"travel": ["booking"]}).series_names()


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return loaded


def all_panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in panels:
        yield panel
        yield from all_panels(panel.get("panels", []))


def dashboard_queries(dashboard: dict[str, Any]) -> list[str]:
    queries = [
        target["expr"] for panel in all_panels(dashboard["panels"]) for target in panel.get("targets", [])
    ]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            queries.append(variable["query"]["query"])
    return queries


def test_dashboard_has_a_datasource_variable_that_every_panel_uses(dashboard: dict[str, Any]) -> None:
    variables = {variable["name"]: variable for variable in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"

    for panel in all_panels(dashboard["panels"]):
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}", panel["title"]


def test_dashboard_panels_have_unique_ids_titles_and_queries(dashboard: dict[str, Any]) -> None:
    panels = list(all_panels(dashboard["panels"]))
    assert len({panel["id"] for panel in panels}) == len(panels)
    assert dashboard["uid"] == "emotion-pipeline"
    for panel in panels:
        assert panel["title"]
        if panel["type"] != "row":
            assert panel["targets"], panel["title"]
            assert panel["description"], panel["title"]


def test_dashboard_queries_name_only_declared_metrics(
    dashboard: dict[str, Any], declared: frozenset[str]
) -> None:
    queries = dashboard_queries(dashboard)
    assert queries

    unknown = {name: query for query in queries for name in metric_names(query) if name not in declared}
    assert unknown == {}


def test_dashboard_shows_every_declared_metric(dashboard: dict[str, Any], declared: frozenset[str]) -> None:
    used = set().union(*(metric_names(query) for query in dashboard_queries(dashboard)))

    suffix = re.compile(r"_(total|bucket|count|sum)$")
    families = {suffix.sub("", name) for name in declared if not name.endswith("_created")}
    shown = {suffix.sub("", name) for name in used}
    assert families - shown == set()


def test_rules_read_only_declared_metrics_up_and_their_own_recordings(declared: frozenset[str]) -> None:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    recorded = {rule["record"] for rule in rules if "record" in rule}

    unknown = {
        name: rule.get("alert") or rule.get("record")
        for rule in rules
        for name in metric_names(rule["expr"])
        if name not in declared | recorded | {"up"}
    }
    assert unknown == {}
    assert all(name.count(":") == 2 for name in recorded), "recording rules are named level:metric:operations"


def test_provisioning_points_grafana_at_prometheus_and_the_dashboards() -> None:
    datasources = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_bytes())
    providers = yaml.safe_load((PROVISIONING / "dashboards" / "dashboards.yml").read_bytes())

    assert [source["type"] for source in datasources["datasources"]] == ["prometheus"]
    assert [provider["type"] for provider in providers["providers"]] == ["file"]
    assert providers["providers"][0]["options"]["path"]
