"""k8s-validate refuses what an API server (or a running cluster) would: each case breaks a rendered manifest
in one way and expects the validator to name the problem."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

Manifests = list[dict[str, Any]]


def _find(documents: Manifests, kind: str, name_suffix: str = "") -> dict[str, Any]:
    return next(
        document
        for document in documents
        if document["kind"] == kind and document["metadata"]["name"].endswith(name_suffix)
    )


def _pod_spec(documents: Manifests) -> dict[str, Any]:
    pod_spec: dict[str, Any] = _find(documents, "StatefulSet")["spec"]["template"]["spec"]
    return pod_spec


def _misspell_field(documents: Manifests) -> None:
    spec = _find(documents, "StatefulSet")["spec"]
    spec["podManagmentPolicy"] = spec.pop("podManagementPolicy")


def _quote_replicas(documents: Manifests) -> None:
    _find(documents, "StatefulSet")["spec"]["replicas"] = "2"


def _unknown_kind(documents: Manifests) -> None:
    _find(documents, "PodDisruptionBudget")["kind"] = "PodDisruptionBudgett"


def _relabel_pods(documents: Manifests) -> None:
    _find(documents, "StatefulSet")["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] = (
        "other"
    )


def _mount_missing_volume(documents: Manifests) -> None:
    _pod_spec(documents)["containers"][0]["volumeMounts"].append({"name": "cache", "mountPath": "/cache"})


def _probe_unnamed_port(documents: Manifests) -> None:
    _pod_spec(documents)["containers"][0]["readinessProbe"]["httpGet"]["port"] = "web"


def _drop_env_config_map(documents: Manifests) -> None:
    documents.remove(_find(documents, "ConfigMap", "-env"))


def _relative_mount_path(documents: Manifests) -> None:
    _pod_spec(documents)["containers"][0]["volumeMounts"][0]["mountPath"] = "var/lib/emotion-pipeline"


def _headless_service_not_headless(documents: Manifests) -> None:
    del _find(documents, "Service", "-headless")["spec"]["clusterIP"]


def _target_unnamed_port(documents: Manifests) -> None:
    _find(documents, "Service", "-pipeline")["spec"]["ports"][0]["targetPort"] = "metrics"


def _use_pod_name_before_it_is_set(documents: Manifests) -> None:
    env = _pod_spec(documents)["containers"][0]["env"]
    env.append(env.pop(next(i for i, variable in enumerate(env) if variable["name"] == "POD_NAME")))


BREAKAGES: list[tuple[str, Callable[[Manifests], None], str]] = [
    ("misspelt field", _misspell_field, 'unknown field "spec.podManagmentPolicy"'),
    ("wrong type", _quote_replicas, "spec.replicas"),
    ("unknown kind", _unknown_kind, 'no kind "PodDisruptionBudgett"'),
    ("selector misses pods", _relabel_pods, "does not match the pod template labels"),
    ("mount without volume", _mount_missing_volume, 'volumeMount "cache" names no volume'),
    ("probe port", _probe_unnamed_port, 'port "web" is not a named port of the container'),
    (
        "missing ConfigMap",
        _drop_env_config_map,
        'refers to ConfigMap "cx-emotion-pipeline-env", which is not',
    ),
    ("relative mount", _relative_mount_path, "is not absolute"),
    ("governing service", _headless_service_not_headless, "is not a headless Service"),
    (
        "dependent variable order",
        _use_pod_name_before_it_is_set,
        "refers to $(POD_NAME), which is not defined",
    ),
    ("service target port", _target_unnamed_port, 'targetPort "metrics" is not a named container port'),
]


@pytest.fixture(scope="module")
def default_documents(render: Any) -> Manifests:
    rendered = render()
    assert rendered.returncode == 0, rendered.stderr
    documents: Manifests = rendered.documents
    return documents


@pytest.mark.parametrize(
    ("breakage", "message"),
    [pytest.param(breakage, message, id=case) for case, breakage, message in BREAKAGES],
)
def test_validator_names_the_broken_part(
    default_documents: Manifests,
    validate_manifests: Any,
    breakage: Callable[[Manifests], None],
    message: str,
) -> None:
    documents = copy.deepcopy(default_documents)
    breakage(documents)
    checked = validate_manifests(yaml.safe_dump_all(documents))
    assert checked.returncode == 1, checked.stdout
    assert message in checked.stdout


def test_validator_refuses_duplicate_keys(default_documents: Manifests, validate_manifests: Any) -> None:
    text = yaml.safe_dump_all(default_documents).replace(
        "  replicas: 2\n", "  replicas: 2\n  replicas: 3\n", 1
    )
    checked = validate_manifests(text)
    assert checked.returncode == 1
    assert 'key "replicas" already set' in checked.stdout


def test_service_monitor_must_select_exactly_one_service(render: Any, validate_manifests: Any) -> None:
    rendered = render("secured.yaml")
    assert rendered.returncode == 0, rendered.stderr
    documents = rendered.documents
    del _find(documents, "Service", "-headless")["metadata"]["labels"]["emotion-pipeline/headless"]
    checked = validate_manifests(
        yaml.safe_dump_all(documents), external=("Secret/kafka-ca", "Secret/kafka-client-cert")
    )
    assert checked.returncode == 1
    assert "matches 2 Services" in checked.stdout
