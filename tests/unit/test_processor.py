"""The processor: one record in, its outputs out, through in-memory ports."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from pipeline.assembly import assemble
from pipeline.config import load_settings
from pipeline.metrics_port import NullMetrics
from pipeline.processor import InputRecord, Processor
from pipeline.replay import MemoryCustomerStore, MemoryWatermarks

NOW = datetime(2026, 3, 20, tzinfo=UTC)


class RecordingMetrics(NullMetrics):
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattribute__(self, name: str) -> Any:
        attribute = object.__getattribute__(self, name)
        if name.startswith(("event_", "alert_")):

            def record(*args: Any, **kwargs: Any) -> None:
                object.__getattribute__(self, "calls").append((name, args))

            return record
        return attribute


@pytest.fixture(scope="module")
def base_processor() -> Processor:
    return assemble(load_settings(), NullMetrics(), clock=lambda: NOW).processor


@pytest.fixture
def processor(base_processor: Processor) -> Processor:
    return replace(base_processor, metrics=RecordingMetrics())


def event(event_id: str, day: int, **fields: Any) -> bytes:
    return orjson.dumps(
        {
            "event_id": event_id,
            "customer_id": "cust-1",
            "occurred_at": f"2026-03-{day:02d}T10:00:00+00:00",
            "channel": "phone",
            "journey": "telecom",
            **fields,
        }
    )


def record(value: bytes, offset: int, key: bytes | None = b"cust-1") -> InputRecord:
    return InputRecord(value, key, "cx.interactions", 3, offset)


class Ports:
    def __init__(self) -> None:
        self.customers = MemoryCustomerStore()
        self.watermarks = MemoryWatermarks()


def test_bad_experiences_raise_alerts_at_the_second_and_third(processor: Processor) -> None:
    ports = Ports()
    outputs = [
        processor.process(
            record(event(f"e{day}", day, signals={"hold_seconds": 1800}), day),
            ports.customers,
            ports.watermarks,
        )
        for day in (1, 2, 3)
    ]
    assert [len(output.alerts) for output in outputs] == [0, 1, 1]
    assert [output.alerts[0].data.level for output in outputs[1:]] == ["at_risk", "churn_threshold"]
    assert outputs[2].alerts[0].time == datetime(2026, 3, 3, 10, tzinfo=UTC)
    assert outputs[2].level_change == ("at_risk", "churn_threshold")


def test_a_replayed_offset_repeats_its_outputs_exactly(processor: Processor) -> None:
    ports = Ports()
    for day in (1, 2):
        first = processor.process(
            record(event(f"e{day}", day, signals={"transfers": 4}), day), ports.customers, ports.watermarks
        )
    again = processor.process(
        record(event("e2", 2, signals={"transfers": 4}), 2), ports.customers, ports.watermarks
    )
    assert again.outcome == "replayed"
    assert again.alerts == first.alerts
    assert again.contribution == first.contribution


def test_the_same_event_at_another_offset_is_a_duplicate_and_produces_nothing(processor: Processor) -> None:
    ports = Ports()
    processor.process(record(event("e1", 1), 1), ports.customers, ports.watermarks)
    duplicate = processor.process(record(event("e1", 1), 7), ports.customers, ports.watermarks)
    assert duplicate.outcome == "duplicate"
    assert (duplicate.enriched, duplicate.alerts, duplicate.contribution) == (None, (), None)
    assert ("event_duplicate", ()) in processor.metrics.calls  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("value", "key", "kind", "field"),
    [
        (b"\xff\xfe", b"cust-1", "not_utf8", None),
        (b"{nope", b"cust-1", "not_json", None),
        (event("e1", 1, channel="fax"), b"cust-1", "validation", "channel"),
        (event("e1", 1), None, "missing_key", None),
        (event("e1", 1), b"someone-else", "validation", "customer_id"),
    ],
)
def test_bad_records_become_dead_letters_with_reason_and_position(
    processor: Processor, value: bytes, key: bytes | None, kind: str, field: str | None
) -> None:
    ports = Ports()
    outputs = processor.process(record(value, 41, key), ports.customers, ports.watermarks)
    assert outputs.outcome == "invalid"
    letter = outputs.dead_letter
    assert letter is not None
    assert (letter.error_kind, letter.error_field, letter.partition, letter.offset) == (kind, field, 3, 41)
    assert letter.failed_at == NOW
    assert ("event_invalid", (kind,)) in processor.metrics.calls  # type: ignore[attr-defined]


def test_a_failure_inside_processing_costs_one_record_not_the_worker(processor: Processor) -> None:
    class Exploding:
        def get(self, customer_id: str) -> None:
            raise RuntimeError("store unavailable")

        def put(self, customer_id: str, state: object) -> None:
            raise AssertionError("not reached")

    ports = Ports()
    failed = processor.process(record(event("e1", 1), 1), Exploding(), ports.watermarks)  # type: ignore[arg-type]
    assert failed.dead_letter is not None
    assert failed.dead_letter.error_kind == "processing_error"
    assert "store unavailable" in failed.dead_letter.error_message
    assert (
        processor.process(record(event("e2", 2), 2), ports.customers, ports.watermarks).outcome == "enriched"
    )


def test_enriched_records_carry_masked_text_and_never_alerts_any_text(processor: Processor) -> None:
    ports = Ports()
    text = "Call me on +44 20 7946 0958, I was on hold for an hour!"
    outputs = [
        processor.process(
            record(event(f"e{day}", day, text=text, signals={"hold_seconds": 3600}), day),
            ports.customers,
            ports.watermarks,
        )
        for day in (1, 2)
    ]
    assert outputs[0].enriched is not None
    assert outputs[0].enriched.event.text == "Call me on [phone], I was on hold for an hour!"
    assert outputs[1].alerts
    assert "hold for an hour" not in outputs[1].alerts[0].model_dump_json()


def test_the_watermark_of_a_partition_only_moves_forward(processor: Processor) -> None:
    ports = Ports()
    processor.process(record(event("e5", 5), 1), ports.customers, ports.watermarks)
    late = processor.process(record(event("e2", 2), 2), ports.customers, ports.watermarks)
    assert late.contribution is not None
    assert late.contribution.watermark_ms == datetime(2026, 3, 5, 10, tzinfo=UTC).timestamp() * 1000


def test_an_event_dated_far_in_the_future_is_dead_lettered(processor: Processor) -> None:
    ports = Ports()
    outputs = processor.process(
        record(event("e1", 1).replace(b"2026-03-01", b"9999-12-31"), 1), ports.customers, ports.watermarks
    )
    assert outputs.dead_letter is not None
    assert (outputs.dead_letter.error_kind, outputs.dead_letter.error_field) == ("validation", "occurred_at")
    assert ports.watermarks.watermarks == {}


def test_a_huge_refused_record_still_makes_a_dead_letter_that_fits_a_kafka_message(
    processor: Processor,
) -> None:
    ports = Ports()
    outputs = processor.process(
        record(b'{"text": "' + b"x" * 1_100_000 + b'"}', 1), ports.customers, ports.watermarks
    )
    letter = outputs.dead_letter
    assert letter is not None
    assert letter.error_kind == "too_large"
    assert (letter.original_size_bytes, letter.original_truncated) == (1_100_012, True)
    assert len(letter.model_dump_json()) < 1_000_000


def test_a_duplicate_redelivered_after_a_crash_is_still_a_duplicate(processor: Processor) -> None:
    ports = Ports()
    processor.process(record(event("e1", 1), 1), ports.customers, ports.watermarks)
    processor.process(record(event("e1", 1), 2), ports.customers, ports.watermarks)  # producer retry
    processor.process(record(event("e3", 3), 3), ports.customers, ports.watermarks)
    # The worker crashed after saving state; the records from offset 1 come again.
    again = [
        processor.process(record(event(eid, day), offset), ports.customers, ports.watermarks)
        for eid, day, offset in (("e1", 1, 1), ("e1", 1, 2), ("e3", 3, 3))
    ]
    assert [output.outcome for output in again] == ["replayed", "duplicate", "replayed"]
    assert again[1].contribution is None
