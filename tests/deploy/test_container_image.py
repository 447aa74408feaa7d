"""The Dockerfile and .dockerignore, checked without a Docker engine: what the image promises and what the
chart and compose file rely on must agree."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from fnmatch import fnmatchcase
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import WorkerSettings

REPO_ROOT = Path(__file__).resolve().parents[2]
CHART_VALUES = REPO_ROOT / "deploy" / "helm" / "emotion-pipeline" / "values.yaml"


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    joined = re.sub(
        r"\\\n", " ", "\n".join(line for line in dockerfile.splitlines() if not line.lstrip().startswith("#"))
    )
    pairs = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, arguments = line.strip().partition(" ")
            pairs.append((instruction.upper(), arguments.strip()))
    return pairs


@pytest.fixture(scope="module")
def instructions() -> list[tuple[str, str]]:
    return _instructions((REPO_ROOT / "Dockerfile").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(index for index, (instruction, _) in enumerate(instructions) if instruction == "FROM")
    return instructions[last_from:]


def _values(instructions: list[tuple[str, str]], name: str) -> list[str]:
    return [arguments for instruction, arguments in instructions if instruction == name]


def _env(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for arguments in _values(stage, "ENV"):
        env.update(dict(re.findall(r"(\w+)=(\S+)", arguments)))
    return env


@pytest.fixture(scope="module")
def chart_values() -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load(CHART_VALUES.read_text(encoding="utf-8"))
    return values


def test_base_image_is_pinned_to_an_exact_python_311_slim_bookworm(
    instructions: list[tuple[str, str]],
) -> None:
    default = re.search(r"PYTHON_IMAGE=(\S+)", " ".join(_values(instructions, "ARG")))
    assert default is not None
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", default.group(1))
    assert _values(instructions, "FROM") == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"]


def test_runs_as_the_non_root_user_the_chart_expects(
    final_stage: list[tuple[str, str]], chart_values: dict[str, Any]
) -> None:
    (user,) = _values(final_stage, "USER")
    uid, gid = (int(part) for part in user.split(":"))
    assert uid != 0
    assert (uid, gid) == (
        chart_values["podSecurityContext"]["runAsUser"],
        chart_values["podSecurityContext"]["runAsGroup"],
    )


def test_serves_on_all_interfaces_at_the_documented_port(
    final_stage: list[tuple[str, str]], chart_values: dict[str, Any]
) -> None:
    env = _env(final_stage)
    assert env["EMOTION_PIPELINE_WORKER__WEB_HOST"] == "0.0.0.0"
    port = int(env["EMOTION_PIPELINE_WORKER__WEB_PORT"])
    assert _values(final_stage, "EXPOSE") == [str(port)]
    assert port == WorkerSettings().web_port == chart_values["worker"]["webPort"]


def test_state_directory_is_the_volume_and_the_workdir(final_stage: list[tuple[str, str]]) -> None:
    workdir = _env(final_stage)["EMOTION_PIPELINE_WORKER__WORKDIR"]
    assert json.loads(_values(final_stage, "VOLUME")[0]) == [workdir]
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert compose["services"]["worker-1"]["environment"]["EMOTION_PIPELINE_WORKER__WORKDIR"] == workdir


def test_entrypoint_is_the_cli_and_the_default_command_the_worker(final_stage: list[tuple[str, str]]) -> None:
    assert json.loads(_values(final_stage, "ENTRYPOINT")[0]) == ["emotion-pipeline"]
    assert json.loads(_values(final_stage, "CMD")[-1]) == ["worker"]


def test_healthcheck_asks_healthz_with_python_alone(final_stage: list[tuple[str, str]]) -> None:
    (healthcheck,) = _values(final_stage, "HEALTHCHECK")
    command = json.loads(healthcheck[healthcheck.index("CMD") + len("CMD") :].strip())
    assert command[:2] == ["python", "-c"]
    code = command[2]
    compile(code, "<healthcheck>", "exec")
    assert "/healthz" in code
    imported = set(re.findall(r"import ([\w., ]+?);", code)[0].replace(" ", "").split(","))
    assert imported <= {"os", "urllib.request"}


class _HealthServer(ThreadingHTTPServer):
    """A stand-in worker HTTP server whose /healthz answers with ``health_status``."""

    health_status = 200


class _HealthHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        assert isinstance(self.server, _HealthServer)
        self.send_response(self.server.health_status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def health_server() -> Iterator[_HealthServer]:
    server = _HealthServer(("127.0.0.1", 0), _HealthHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (204, True), (503, False), (500, False)])
def test_healthcheck_exit_status_follows_healthz(
    final_stage: list[tuple[str, str]], health_server: _HealthServer, status: int, healthy: bool
) -> None:
    (healthcheck,) = _values(final_stage, "HEALTHCHECK")
    command = json.loads(healthcheck[healthcheck.index("CMD") + len("CMD") :].strip())
    health_server.health_status = status
    port = str(health_server.server_address[1])
    completed = subprocess.run(
        [sys.executable, *command[1:]],
        env={"EMOTION_PIPELINE_WORKER__WEB_PORT": port},
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert (completed.returncode == 0) is healthy, completed.stderr


def test_healthcheck_fails_when_nothing_listens(final_stage: list[tuple[str, str]]) -> None:
    (healthcheck,) = _values(final_stage, "HEALTHCHECK")
    command = json.loads(healthcheck[healthcheck.index("CMD") + len("CMD") :].strip())
    with _HealthServer(("127.0.0.1", 0), _HealthHandler) as closed:
        port = str(closed.server_address[1])
    completed = subprocess.run(
        [sys.executable, *command[1:]],
        env={"EMOTION_PIPELINE_WORKER__WEB_PORT": port},
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert completed.returncode != 0


def _excluded(path: str, patterns: list[str]) -> bool:
    """Docker's .dockerignore rule: the last pattern matching the path or one of its parents wins."""
    parts = path.split("/")
    candidates = ["/".join(parts[: length + 1]) for length in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        glob = pattern.removeprefix("!").rstrip("/")
        regex = re.escape(glob).replace(r"\*\*/", "(.*/)?").replace(r"\*", "[^/]*")
        if any(re.fullmatch(regex, candidate) or fnmatchcase(candidate, glob) for candidate in candidates):
            excluded = not negated
    return excluded


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        ("pyproject.toml", False),
        ("README.md", False),
        ("pipeline/cli/__init__.py", False),
        ("pipeline/domain/playbook.yaml", False),
        ("pipeline/domain/emotion/__pycache__/engine.cpython-311.pyc", True),
        (".venv/bin/python", True),
        (".git/HEAD", True),
        (".kafka/bootstrap", True),
        (".worker/emotion-pipeline-data/tables", True),
        ("tests/conftest.py", True),
        ("bench/out/results.json", True),
    ],
)
def test_build_context_holds_only_what_the_image_needs(path: str, excluded: bool) -> None:
    patterns = [
        line.strip()
        for line in (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert _excluded(path, patterns) is excluded


def test_everything_copied_from_the_context_is_in_it(instructions: list[tuple[str, str]]) -> None:
    patterns = [
        line.strip()
        for line in (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    sources = [
        source
        for arguments in _values(instructions, "COPY")
        if not arguments.startswith("--from")
        for source in arguments.split()[:-1]
    ]
    assert sources
    for source in sources:
        assert (REPO_ROOT / source).exists(), source
        assert not _excluded(source.rstrip("/"), patterns), source


def test_the_worker_runs_on_jemalloc_installed_in_the_same_stage(final_stage: list[tuple[str, str]]) -> None:
    """glibc's allocator let a worker's memory grow outside RocksDB's budget and Python's heap (the soak)."""
    assert _env(final_stage)["LD_PRELOAD"] == "libjemalloc.so.2"
    runs = _values(final_stage, "RUN")
    installs = " ".join(arguments for arguments in runs if "apt-get install" in arguments)
    assert re.search(r"apt-get install -y --no-install-recommends\b.*\blibjemalloc2\b", installs)
