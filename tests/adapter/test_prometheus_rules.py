"""The Prometheus config and alert rules: valid for promtool, unit-tested, and each alert documented."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
RULES = PROMETHEUS_DIR / "rules.yml"
RULE_TESTS = sorted((PROMETHEUS_DIR / "tests").glob("*.yml"))
OPERATIONS_DOC = ROOT / "docs" / "operations.md"
SEVERITIES = {"page", "ticket"}


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.skip("promtool not installed (Debian/Ubuntu package 'prometheus'); rule checks not run")
    return path


def run_promtool(promtool: str, *args: str) -> None:
    result = subprocess.run([promtool, *args], capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_pass_promtool_check_rules(promtool: str) -> None:
    run_promtool(promtool, "check", "rules", str(RULES))


def test_prometheus_config_passes_promtool_check_config(promtool: str) -> None:
    run_promtool(promtool, "check", "config", str(PROMETHEUS_DIR / "prometheus.yml"))


@pytest.mark.parametrize("rule_test", RULE_TESTS, ids=lambda path: path.name)
def test_rule_unit_tests_pass(promtool: str, rule_test: Path) -> None:
    run_promtool(promtool, "test", "rules", str(rule_test))


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda rule: rule["alert"])
def test_every_alert_waits_has_a_severity_and_says_what_to_do(rule: dict[str, Any]) -> None:
    assert re.fullmatch(r"\d+[smh]", rule.get("for", "")), "a pending period keeps blips from paging"
    assert rule["labels"]["severity"] in SEVERITIES
    assert set(rule["annotations"]) == {"summary", "description", "runbook"}
    assert rule["annotations"]["runbook"].startswith(f"docs/operations.md#{rule['alert'].lower()}:")


def markdown_anchors(text: str) -> set[str]:
    """GitHub-style anchors of the Markdown headings in text."""
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", text, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading).strip().lower().replace(" ", "-") for heading in headings}


def test_every_alert_has_a_runbook_section_in_the_operations_doc() -> None:
    anchors = markdown_anchors(OPERATIONS_DOC.read_text(encoding="utf-8"))

    missing = [rule["alert"] for rule in alert_rules() if rule["alert"].lower() not in anchors]
    assert missing == []


def test_every_alert_has_a_firing_and_a_silent_unit_test_case() -> None:
    firing: set[str] = set()
    silent: set[str] = set()
    for rule_test in RULE_TESTS:
        for case in yaml.safe_load(rule_test.read_text(encoding="utf-8"))["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check.get("exp_alerts") else silent).add(check["alertname"])

    names = {rule["alert"] for rule in alert_rules()}
    assert names - firing == set(), "alerts never seen firing"
    assert names - silent == set(), "alerts never seen staying silent"
    assert (firing | silent) <= names, "tests name alerts that rules.yml does not define"


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("## EmotionPipelineStalled", "emotionpipelinestalled"),
        ("### Worker down (up == 0)", "worker-down-up--0"),
    ],
)
def test_markdown_anchors_follow_github(heading: str, anchor: str) -> None:
    assert anchor in markdown_anchors(heading + "\n")
