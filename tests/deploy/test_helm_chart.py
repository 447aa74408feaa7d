"""The Helm chart: it lints, renders manifests an API server would accept, and refuses bad values."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Settings
from pipeline.domain.journeys.loader import parse_journey
from pipeline.domain.playbook import parse_playbook

CHART_DIR = Path(__file__).resolve().parents[2] / "deploy" / "helm" / "emotion-pipeline"
VALUES_DIR = Path(__file__).resolve().parent / "values"
# Renders the chart (fixture from this directory's conftest): values files, --set pairs -> Rendered.
Renderer = Callable[..., Any]
SECURED_EXTERNAL = ("Secret/kafka-ca", "Secret/kafka-client-cert")


def _container(rendered_statefulset: dict[str, Any]) -> dict[str, Any]:
    containers: list[dict[str, Any]] = rendered_statefulset["spec"]["template"]["spec"]["containers"]
    assert [container["name"] for container in containers] == ["worker"]
    return containers[0]


def _env_names(container: dict[str, Any]) -> list[str]:
    return [variable["name"] for variable in container["env"]]


def _settings_env_names(model: type[Any] = Settings, prefix: str = "EMOTION_PIPELINE_") -> set[str]:
    """Every environment variable the settings read (one per leaf field)."""
    names: set[str] = set()
    for field_name, field in model.model_fields.items():
        annotation = field.annotation
        name = prefix + field_name.upper()
        if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
            names |= _settings_env_names(annotation, name + "__")
        else:
            names.add(name)
    return names


@pytest.mark.parametrize("values_files", [(), ("secured.yaml",), ("existing-secret.yaml",)])
def test_chart_lints_cleanly(helm: Path, values_files: tuple[str, ...]) -> None:
    command = [str(helm), "lint", "--strict", str(CHART_DIR)]
    for values_file in values_files:
        command += ["--values", str(VALUES_DIR / values_file)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.parametrize(
    ("values_files", "external"),
    [
        ((), ()),
        (("secured.yaml",), SECURED_EXTERNAL),
        (("existing-secret.yaml",), ("Secret/emotion-pipeline-credentials",)),
    ],
)
def test_rendered_manifests_pass_strict_validation(
    render: Renderer, validate_manifests: Any, values_files: tuple[str, ...], external: tuple[str, ...]
) -> None:
    rendered = render(*values_files)
    assert rendered.returncode == 0, rendered.stderr
    checked = validate_manifests(rendered.manifest_text, external)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_default_render_holds_the_worker_statefulset_and_its_services(render: Renderer) -> None:
    rendered = render()
    assert rendered.returncode == 0, rendered.stderr
    assert rendered.kinds() == [
        "ConfigMap",
        "PodDisruptionBudget",
        "Service",
        "Service",
        "ServiceAccount",
        "StatefulSet",
    ]
    statefulset = rendered.one("StatefulSet")
    spec = statefulset["spec"]
    assert spec["podManagementPolicy"] == "Parallel"
    assert spec["serviceName"] == rendered.one("Service", "-headless")["metadata"]["name"]
    # Kafka's default session and rebalance timeouts are 60 s; a stopping worker must outlive a rebalance.
    assert spec["template"]["spec"]["terminationGracePeriodSeconds"] > 60
    assert [claim["metadata"]["name"] for claim in spec["volumeClaimTemplates"]] == ["state"]

    container = _container(statefulset)
    assert container["args"] == ["worker"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert spec["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
    env = rendered.one("ConfigMap", "-env")["data"]
    assert mounts[env["EMOTION_PIPELINE_WORKER__WORKDIR"]] == "state"
    assert "EMOTION_PIPELINE_KAFKA__SASL_PASSWORD" not in _env_names(container)
    # Peers reach each worker by its stable name under the governing headless Service.
    values = {variable["name"]: variable.get("value") for variable in container["env"]}
    assert values["NODE_CANONICAL_URL"] == f"http://$(POD_NAME).{spec['serviceName']}:6066"
    assert _env_names(container).index("POD_NAME") < _env_names(container).index("NODE_CANONICAL_URL")


@pytest.mark.parametrize("values_files", [(), ("secured.yaml",), ("existing-secret.yaml",)])
def test_every_rendered_setting_is_one_the_worker_reads(
    render: Renderer, values_files: tuple[str, ...]
) -> None:
    rendered = render(*values_files)
    assert rendered.returncode == 0, rendered.stderr
    known = _settings_env_names()
    configured = set(rendered.one("ConfigMap", "-env")["data"])
    configured |= {
        name
        for name in _env_names(_container(rendered.one("StatefulSet")))
        if name.startswith("EMOTION_PIPELINE_")
    }
    assert configured - known == set()


def test_default_settings_load_as_the_worker_would(render: Renderer, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = render()
    assert rendered.returncode == 0, rendered.stderr
    for name, value in rendered.one("ConfigMap", "-env")["data"].items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.worker.web_host == "0.0.0.0"
    assert settings.topics.partitions == 8
    assert str(settings.worker.workdir) == "/var/lib/emotion-pipeline"


def test_secured_render_wires_credentials_certificates_and_files(render: Renderer) -> None:
    rendered = render("secured.yaml")
    assert rendered.returncode == 0, rendered.stderr
    env = rendered.one("ConfigMap", "-env")["data"]
    assert env["EMOTION_PIPELINE_KAFKA__SECURITY_PROTOCOL"] == "SASL_SSL"
    assert env["EMOTION_PIPELINE_KAFKA__SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert env["EMOTION_PIPELINE_TOPICS__PARTITIONS"] == "12"
    assert env["EMOTION_PIPELINE_WORKER__BATCH_SIZE"] == "1000"
    assert "s3cret-for-tests" not in json.dumps(env)

    container = _container(rendered.one("StatefulSet"))
    secret_refs = {
        variable["name"]: variable["valueFrom"]["secretKeyRef"]
        for variable in container["env"]
        if "secretKeyRef" in variable.get("valueFrom", {})
    }
    assert set(secret_refs) == {
        "EMOTION_PIPELINE_KAFKA__SASL_PASSWORD",
        "EMOTION_PIPELINE_KAFKA__SSL_KEY_PASSWORD",
        "EMOTION_PIPELINE_WORKER__API_TOKEN",
    }
    secret = rendered.one("Secret")
    assert {ref["name"] for ref in secret_refs.values()} == {secret["metadata"]["name"]}

    mounts = {mount["mountPath"] for mount in container["volumeMounts"]}
    for variable in ("SSL_CAFILE", "SSL_CERTFILE", "SSL_KEYFILE"):
        assert str(Path(env[f"EMOTION_PIPELINE_KAFKA__{variable}"]).parent) in mounts
    assert json.loads(env["EMOTION_PIPELINE_JOURNEYS__PATHS"])[0] in mounts
    assert str(Path(env["EMOTION_PIPELINE_PLAYBOOK__PATH"]).parent) in mounts

    monitor = rendered.one("ServiceMonitor")
    assert monitor["metadata"]["labels"]["release"] == "prometheus"
    assert monitor["spec"]["jobLabel"] == "app.kubernetes.io/name"
    assert rendered.one("PrometheusRule")["spec"]["groups"]
    assert rendered.one("ConfigMap", "-dashboards")["data"]


def test_configured_journeys_and_playbook_are_valid_for_the_product(render: Renderer) -> None:
    rendered = render("secured.yaml")
    assert rendered.returncode == 0, rendered.stderr
    journeys = rendered.one("ConfigMap", "-journeys")["data"]
    assert [parse_journey(text, name).name for name, text in journeys.items()] == ["retail"]
    playbook_text = rendered.one("ConfigMap", "-playbook")["data"]["playbook.yaml"]
    assert parse_playbook(playbook_text, "playbook.yaml").rules[0].action == "personal_follow_up"


def test_existing_secret_replaces_the_charts_secret(render: Renderer) -> None:
    rendered = render("existing-secret.yaml")
    assert rendered.returncode == 0, rendered.stderr
    assert "Secret" not in rendered.kinds()
    container = _container(rendered.one("StatefulSet"))
    refs = {
        variable["name"]: variable["valueFrom"]["secretKeyRef"]
        for variable in container["env"]
        if "secretKeyRef" in variable.get("valueFrom", {})
    }
    assert refs["EMOTION_PIPELINE_KAFKA__SASL_PASSWORD"] == {
        "name": "emotion-pipeline-credentials",
        "key": "kafka-sasl-password",
    }
    assert refs["EMOTION_PIPELINE_WORKER__API_TOKEN"]["optional"] is True


@pytest.mark.parametrize(
    ("replicas", "partitions", "accepted"),
    [(1, 1, True), (8, 8, True), (2, 8, True), (9, 8, False), (2, 1, False), (13, 12, False)],
)
def test_replicas_are_bounded_by_partitions(
    render: Renderer, replicas: int, partitions: int, accepted: bool
) -> None:
    rendered = render(settings=[f"replicaCount={replicas}", f"kafka.partitions={partitions}"])
    if accepted:
        assert rendered.returncode == 0, rendered.stderr
        assert rendered.one("StatefulSet")["spec"]["replicas"] == replicas
    else:
        assert rendered.returncode != 0
        assert f"replicaCount ({replicas}) is larger than kafka.partitions ({partitions})" in rendered.stderr


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            ["kafka.securityProtocol=SASL_SSL", "kafka.sasl.mechanism=PLAIN", "kafka.sasl.username=u"],
            "needs a SASL password",
        ),
        (
            ["kafka.securityProtocol=SASL_PLAINTEXT", "kafka.sasl.username=u", "kafka.sasl.password=p"],
            "kafka.sasl.mechanism must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512",
        ),
        (["kafka.tls.caSecret=kafka-ca"], "need securityProtocol SSL or SASL_SSL"),
        (["journeys.retail=name: retail"], "must be a file name ending in .yaml"),
        # values.schema.json: typos, unknown choices and wrong types fail before any template runs.
        (["replicaCont=3"], "additional properties 'replicaCont' not allowed"),
        (["kafka.securityProtocol=TLS"], "value must be one of 'PLAINTEXT', 'SSL'"),
        (["kafka.sasl.mechanism=GSSAPI"], "/kafka/sasl/mechanism"),
        (
            ["extraConfig.WORKER__BATCH_SIZE=1000"],
            "/extraConfig/WORKER__BATCH_SIZE': got number, want string",
        ),
        (["worker.webPort=http"], "/worker/webPort"),
        (["persistence.size=ten"], "/persistence/size"),
    ],
)
def test_unworkable_values_are_refused_with_a_reason(
    render: Renderer, settings: list[str], message: str
) -> None:
    rendered = render(settings=settings)
    assert rendered.returncode != 0
    assert message in rendered.stderr
