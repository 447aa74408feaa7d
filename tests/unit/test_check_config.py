"""``emotion-pipeline check-config``: bad settings exit 2 naming the variable; secrets never show."""

from __future__ import annotations

import json
import os

import pytest

from pipeline.cli import main
from pipeline.cli.check_config import HIDDEN

SECRET = "s3cret-that-must-not-print"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the variables a test sets: nothing from the shell running the tests."""
    for name in list(os.environ):
        if name.upper().startswith("EMOTION_PIPELINE_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("EMOTION_PIPELINE_TOPICS__PARTITIONS", "zero", "EMOTION_PIPELINE_TOPICS__PARTITIONS"),
        ("EMOTION_PIPELINE_TOPICS__PARTITIONS", "0", "EMOTION_PIPELINE_TOPICS__PARTITIONS"),
        ("EMOTION_PIPELINE_WORKER__WEB_PORT", "70000", "EMOTION_PIPELINE_WORKER__WEB_PORT"),
        ("EMOTION_PIPELINE_KAFKA__SECURITY_PROTOCOL", "TLS", "EMOTION_PIPELINE_KAFKA__SECURITY_PROTOCOL"),
        ("EMOTION_PIPELINE_KAFKA__SECURITY_PROTOCOL", "SASL_SSL", "sasl_mechanism"),
        ("EMOTION_PIPELINE_WORKER__LOG_LEVEL", "LOUD", "EMOTION_PIPELINE_WORKER__LOG_LEVEL"),
        ("EMOTION_PIPELINE_EMOTION__ENGINE", "no-such-engine", "emotion.engine"),
        ("EMOTION_PIPELINE_PLAYBOOK__PATH", "missing-playbook.yaml", "missing-playbook.yaml"),
    ],
)
def test_a_bad_value_exits_2_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str, named: str
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["check-config"]) == 2
    captured = capsys.readouterr()
    assert named in captured.err
    assert captured.err.startswith("check-config: configuration error:")
    assert "configuration is valid" not in captured.out


@pytest.mark.parametrize("as_json", [False, True])
def test_secrets_are_hidden(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], as_json: bool
) -> None:
    monkeypatch.setenv("EMOTION_PIPELINE_WORKER__API_TOKEN", SECRET)
    monkeypatch.setenv("EMOTION_PIPELINE_KAFKA__SASL_PASSWORD", SECRET + "-kafka")
    assert main(["check-config", *(["--json"] if as_json else [])]) == 0
    out = capsys.readouterr().out
    assert "s3cret" not in out
    assert HIDDEN in out


def test_json_parses_and_holds_the_effective_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EMOTION_PIPELINE_TOPICS__PARTITIONS", "12")
    monkeypatch.setenv("EMOTION_PIPELINE_WORKER__API_TOKEN", SECRET)
    assert main(["check-config", "--json", "--bootstrap", "broker-1:9093,broker-2:9093"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["valid"] is True
    settings = document["settings"]
    assert settings["topics"]["partitions"] == 12
    assert settings["kafka"]["bootstrap_servers"] == "broker-1:9093,broker-2:9093"
    assert settings["worker"]["api_token"] == HIDDEN
    assert settings["kafka"]["sasl_password"] is None
    assert set(document["checks"]["journeys"]) >= {"ecommerce", "travel", "telecom", "banking"}
    assert document["checks"]["kafka"].startswith("not checked")
    from pipeline.domain.emotion import compiled

    assert document["checks"]["emotion_engine_build"] == (
        "compiled" if compiled.loaded() else "python (installed without a C compiler: same results, slower)"
    )


def test_says_when_the_engine_runs_without_its_compiled_helpers(capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.domain.emotion import compiled

    with compiled.python_only():
        assert main(["check-config", "--json"]) == 0
        said = json.loads(capsys.readouterr().out)["checks"]["emotion_engine_build"]
        assert main(["check-config"]) == 0
    assert said.startswith("python (installed without a C compiler")
    assert "engine build    python" in capsys.readouterr().out


def test_the_table_names_each_variable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config"]) == 0
    out = capsys.readouterr().out
    named = ("KAFKA__BOOTSTRAP_SERVERS", "TOPICS__PARTITIONS", "WORKER__API_TOKEN", "CHURN__THRESHOLD")
    for variable in named:
        assert variable in out
    assert "configuration is valid" in out
