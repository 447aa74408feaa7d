"""docker-compose.yml: valid against the Compose specification, and consistent with the product and itself."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from pipeline.cli import build_parser
from pipeline.config import TopicSettings

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
# Compose reads durations as Go durations (e.g. 1m30s, 90s, 500ms); the schema only says "string".
GO_DURATION = re.compile(r"^-?([0-9]+(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$|^0$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return document


def test_compose_file_matches_the_compose_specification(
    compose_schema_path: Path, compose: dict[str, Any]
) -> None:
    schema = json.loads(compose_schema_path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    problems = [
        f"{'/'.join(str(part) for part in error.absolute_path) or '<root>'}: {error.message}"
        for error in validator.iter_errors(compose)
    ]
    assert problems == []


def test_the_schema_check_can_fail(compose_schema_path: Path, compose: dict[str, Any]) -> None:
    schema = json.loads(compose_schema_path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    broken = json.loads(json.dumps(compose))
    broken["services"]["kafka"]["helthcheck"] = broken["services"]["kafka"].pop("healthcheck")
    broken["services"]["worker-1"]["ports"] = "127.0.0.1:6066:6066"
    messages = [error.message for error in validator.iter_errors(broken)]
    assert any("helthcheck" in message for message in messages)
    assert any("is not of type 'array'" in message for message in messages)


def test_references_between_services_and_volumes_resolve(compose: dict[str, Any]) -> None:
    services: dict[str, Any] = compose["services"]
    declared_volumes = set(compose.get("volumes", {}))
    for name, service in services.items():
        depends_on = service.get("depends_on", [])
        for dependency in depends_on:
            assert dependency in services, f"{name} depends on unknown service {dependency}"
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            if source.startswith("."):
                assert (REPO_ROOT / source).exists(), f"{name} mounts {source}, which does not exist"
            else:
                assert source in declared_volumes, f"{name} mounts undeclared volume {source}"


def test_workers_keep_separate_state_and_ports(compose: dict[str, Any]) -> None:
    services: dict[str, Any] = compose["services"]
    workers = {name: service for name, service in services.items() if service.get("command") == ["worker"]}
    assert sorted(workers) == ["worker-1", "worker-2"]
    workdirs = {service["environment"]["EMOTION_PIPELINE_WORKER__WORKDIR"] for service in workers.values()}
    assert len(workdirs) == 1
    state_volumes = [
        mount.split(":")[0]
        for service in workers.values()
        for mount in service["volumes"]
        if mount.split(":")[1] in workdirs
    ]
    assert len(state_volumes) == len(set(state_volumes)) == 2
    published = [port for service in services.values() for port in service.get("ports", [])]
    host_ports = [port.rsplit(":", 2)[-2] for port in published]
    assert len(host_ports) == len(set(host_ports))
    assert all(port.startswith("127.0.0.1:") for port in published)


def test_topic_setup_creates_the_products_topics_with_the_workers_partition_count(
    compose: dict[str, Any],
) -> None:
    services: dict[str, Any] = compose["services"]
    script = "\n".join(services["topics"]["command"])
    topic_defaults = TopicSettings()
    expected = {
        topic_defaults.interactions,
        topic_defaults.enriched,
        topic_defaults.alerts,
        topic_defaults.stage_emotions,
        topic_defaults.dlq,
    }
    loop = re.search(r"for topic in ([^;]+);", script)
    assert loop is not None
    assert set(loop.group(1).split()) == expected
    partitions = re.search(r"--partitions (\d+)", script)
    assert partitions is not None
    for name in ("worker-1", "worker-2"):
        assert services[name]["environment"]["EMOTION_PIPELINE_TOPICS__PARTITIONS"] == partitions.group(1)
    assert services["kafka"]["image"] == "apache/kafka:3.9.1"
    assert services["kafka"]["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_container_commands_are_ones_the_cli_accepts(compose: dict[str, Any]) -> None:
    parser = build_parser()
    images_of_ours = [
        service for service in compose["services"].values() if service["image"] == "emotion-pipeline:local"
    ]
    assert len(images_of_ours) == 3
    for service in images_of_ours:
        arguments = parser.parse_args(service["command"])
        assert callable(arguments.handler)


def test_demo_producer_only_runs_in_the_demo_profile(compose: dict[str, Any]) -> None:
    producer = compose["services"]["producer"]
    assert producer["profiles"] == ["demo"]
    assert producer["command"][:3] == ["simulate", "--bootstrap", "kafka:9092"]
    assert [name for name, service in compose["services"].items() if "profiles" in service] == ["producer"]


def test_durations_are_go_durations(compose: dict[str, Any]) -> None:
    durations = [
        value
        for service in compose["services"].values()
        for value in [service.get("stop_grace_period"), *service.get("healthcheck", {}).values()]
        if isinstance(value, str) and value[:1].isdigit()
    ]
    assert durations
    assert [value for value in durations if not GO_DURATION.match(value)] == []
