"""The simulate command in file mode, the shared Kafka options, and how produce reads and keys lines."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.cli.common import settings_from_args
from pipeline.cli.produce import read_records
from pipeline.simulation import SimulationConfig, customer_key, generate


def test_the_file_holds_every_record_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "events.jsonl"
    status = main(
        ["simulate", "--seed", "3", "--customers", "25", "--malformed-rate", "0.1", "--out", str(out)]
    )
    expected = [
        record.value for record in generate(SimulationConfig(seed=3, customers=25, malformed_rate=0.1))
    ]
    assert status == 0
    with out.open("rb") as lines:
        assert list(read_records(lines)) == expected
    assert f"wrote {len(expected)} records" in capsys.readouterr().err


def test_options_reach_the_config(tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    argv = [
        "simulate",
        "--seed",
        "8",
        "--customers",
        "10",
        "--events",
        "77",
        "--journeys",
        "travel",
        "--languages",
        "zh-Hant=1",
        "--personas",
        "churner=1",
        "--start",
        "2024-01-01T00:00:00+08:00",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    config = SimulationConfig(
        seed=8,
        customers=10,
        events=77,
        journeys=("travel",),
        languages={"zh-Hant": 1.0},
        personas={"churner": 1.0},
        start="2024-01-01T00:00:00+08:00",  # type: ignore[arg-type]
    )
    with out.open("rb") as lines:
        assert list(read_records(lines)) == [record.value for record in generate(config)]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--journeys", "cruise"], "--journeys: choose from"),
        (["--languages", "fr=1"], "--languages"),
        (["--languages", "en"], "NAME=WEIGHT"),
        (["--events-per-customer", "5,2"], "--events-per-customer"),
        (["--start", "tomorrow"], "--start"),
        (["--start", "2025-01-01T00:00:00"], "--start"),
        (["--rate", "0"], "--rate must be positive"),
        ([], "say where the records go"),
        (["--bootstrap", "127.0.0.1:1", "--out", "x.jsonl"], "not both"),
    ],
)
def test_bad_options_are_refused_clearly(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with_output = (
        argv if any(arg in argv for arg in ("--out", "--bootstrap")) or not argv else [*argv, "--out", "-"]
    )
    assert main(["simulate", *with_output]) == 2
    assert message in capsys.readouterr().err


def test_read_records_keeps_bytes_and_skips_blank_lines() -> None:
    lines = io.BytesIO(b'{"a":1}\r\n\n   \n\xff\xfe{"broken"\n{"b":2}')
    assert list(read_records(lines)) == [b'{"a":1}', b'\xff\xfe{"broken"', b'{"b":2}']


@pytest.mark.parametrize(
    ("value", "key"),
    [
        (b'{"event_id":"e1","customer_id":"cust-000001"}', b"cust-000001"),
        (b'{"event_id":"e1","customer_id":"cust-000001","text":"caf\xe9"}', b"cust-000001"),
        (b'{"event_id":"e1","customer_id":"cust-0000', None),
        (b'{"event_id":"e1","customer_id":"cust-000002","te', b"cust-000002"),
        (b'{"event_id":"e1","customer_id":12}', None),
        (b'{"event_id":"e1"}', None),
        (b'[{"customer_id":"cust-000003"}]', None),
        (b'{"text":"say \\"customer_id\\":\\"evil\\"","event_id":"e1"', None),
        (b"not json at all", None),
    ],
)
def test_customer_key_reads_what_a_producer_could(value: bytes, key: bytes | None) -> None:
    assert customer_key(value) == key


def test_bootstrap_overrides_the_environment_and_security_still_applies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import argparse

    from pipeline.domain.errors import ConfigurationError

    monkeypatch.setenv("EMOTION_PIPELINE_KAFKA__BOOTSTRAP_SERVERS", "kafka-env:9092")
    monkeypatch.setenv("EMOTION_PIPELINE_KAFKA__CLIENT_ID", "from-env")
    settings = settings_from_args(argparse.Namespace(bootstrap="broker-a:9092,broker-b:9092"))
    assert settings.kafka.servers == ["broker-a:9092", "broker-b:9092"]
    assert settings.kafka.client_id == "from-env"
    assert settings_from_args(argparse.Namespace(bootstrap=None)).kafka.servers == ["kafka-env:9092"]
    monkeypatch.setenv("EMOTION_PIPELINE_KAFKA__SECURITY_PROTOCOL", "SASL_SSL")
    with pytest.raises(ConfigurationError, match="EMOTION_PIPELINE_KAFKA"):
        settings_from_args(argparse.Namespace(bootstrap="broker-a:9092"))


def test_produce_refuses_a_bad_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_bytes(b'{"customer_id":"cust-000001"}\n')
    monkeypatch.setenv("EMOTION_PIPELINE_KAFKA__SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    assert main(["produce", str(events), "--bootstrap", "127.0.0.1:9"]) == 2
    assert "configuration error: EMOTION_PIPELINE_KAFKA" in capsys.readouterr().err
