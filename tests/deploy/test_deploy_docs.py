"""docs/deploy.md documents every value of the chart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
# Values documented as a whole: their inner keys are Kubernetes' own fields.
WHOLE_OBJECTS = {"resources", "podSecurityContext", "securityContext", "metrics.grafanaDashboard.labels"}


def _value_paths(values: dict[str, Any], prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for key, value in values.items():
        path = prefix + key
        if isinstance(value, dict) and value and path not in WHOLE_OBJECTS:
            paths |= _value_paths(value, path + ".")
        else:
            paths.add(path)
    return paths


def test_values_table_lists_every_chart_value() -> None:
    values = yaml.safe_load(
        (REPO_ROOT / "deploy/helm/emotion-pipeline/values.yaml").read_text(encoding="utf-8")
    )
    document = (REPO_ROOT / "docs/deploy.md").read_text(encoding="utf-8")
    section = document.split("### Values", 1)[1].split("\n#", 1)[0]
    documented = set(re.findall(r"^\| `([\w.]+)` \|", section, re.MULTILINE))
    expected = _value_paths(values)
    assert sorted(expected - documented) == []
    assert sorted(documented - expected) == []
