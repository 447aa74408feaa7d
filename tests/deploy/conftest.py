"""Fixtures for the deployment tests: the pre-built tools and a helm renderer.

The tools (helm, k8s-validate, the Compose JSON Schema) are installed by deploy/tools/install-tools.sh into
``${XDG_CACHE_HOME:-~/.cache}/emotion-pipeline/tools`` (or ``$EMOTION_PIPELINE_TOOLS``); a test that needs a
missing tool is skipped with a message saying how to install it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CHART_DIR = REPO_ROOT / "deploy" / "helm" / "emotion-pipeline"
VALUES_DIR = Path(__file__).resolve().parent / "values"
INSTALL_HINT = "run deploy/tools/install-tools.sh (needs Go 1.24+) to install it"


def tools_dir() -> Path:
    """Where install-tools.sh puts the tools."""
    if configured := os.environ.get("EMOTION_PIPELINE_TOOLS"):
        return Path(configured)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "emotion-pipeline" / "tools"


def _tool(relative: str) -> Path:
    path = tools_dir() / relative
    if not path.exists():
        pytest.skip(f"{path.name} is not installed in {path.parent}: {INSTALL_HINT}")
    return path


@pytest.fixture(scope="session")
def helm() -> Path:
    return _tool("bin/helm")


@pytest.fixture(scope="session")
def k8s_validate() -> Path:
    return _tool("bin/k8s-validate")


@pytest.fixture(scope="session")
def compose_schema_path() -> Path:
    return _tool("compose-spec.json")


@dataclass(frozen=True)
class Rendered:
    """The outcome of one ``helm template``: its manifests (when it succeeded) and its messages."""

    returncode: int
    manifest_text: str
    stderr: str

    @property
    def documents(self) -> list[dict[str, Any]]:
        return [document for document in yaml.safe_load_all(self.manifest_text) if document]

    def one(self, kind: str, name_suffix: str = "") -> dict[str, Any]:
        """The single rendered object of a kind whose name ends with ``name_suffix``."""
        found = [
            document
            for document in self.documents
            if document["kind"] == kind and document["metadata"]["name"].endswith(name_suffix)
        ]
        assert len(found) == 1, f"expected one {kind} *{name_suffix}, found {len(found)}"
        return found[0]

    def kinds(self) -> list[str]:
        return sorted(document["kind"] for document in self.documents)


Renderer = Callable[..., Rendered]


@pytest.fixture(scope="session")
def render(helm: Path) -> Renderer:
    """Render the chart as release ``cx`` with values files (from tests/deploy/values) and ``--set`` pairs."""

    def run(*values_files: str, settings: Sequence[str] = ()) -> Rendered:
        command = [str(helm), "template", "cx", str(CHART_DIR), "--namespace", "cx"]
        for values_file in values_files:
            command += ["--values", str(VALUES_DIR / values_file)]
        for setting in settings:
            command += ["--set", setting]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        return Rendered(completed.returncode, completed.stdout, completed.stderr)

    return run


@pytest.fixture(scope="session")
def validate_manifests(k8s_validate: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run k8s-validate over manifest text; ``external`` names objects that exist outside the render."""

    def run(manifest_text: str, external: Sequence[str] = ()) -> subprocess.CompletedProcess[str]:
        command = [str(k8s_validate)]
        for name in external:
            command += ["-external", name]
        return subprocess.run(
            command, input=manifest_text, capture_output=True, text=True, timeout=60, check=False
        )

    return run
