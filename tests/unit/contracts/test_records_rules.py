"""The output models refuse records that contradict themselves, and round-trip what they accept."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from pipeline.domain.codec import decode_record, encode
from pipeline.domain.records import (
    DEFAULT_ALERT_TYPE_PREFIX,
    ChurnAlert,
    DeadLetter,
    EnrichedInteraction,
    StageWindowResult,
    alert_type,
    iso_duration,
    iso_duration_seconds,
    stage_window_id,
)


@pytest.mark.parametrize(
    ("transition", "expected"),
    [
        ("at_risk", "com.emotion_pipeline.churn_risk.at_risk.v1"),
        ("churn_threshold", "com.emotion_pipeline.churn_risk.churn_threshold.v1"),
        ("recovered", "com.emotion_pipeline.churn_risk.recovered.v1"),
    ],
)
def test_alert_type(transition: Any, expected: str) -> None:
    assert alert_type(DEFAULT_ALERT_TYPE_PREFIX, transition) == expected
    assert alert_type("com.acme.cx", transition) == expected.replace("com.emotion_pipeline", "com.acme.cx")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "PT0S"),
        (45, "PT45S"),
        (900, "PT15M"),
        (3_600, "PT1H"),
        (5_400, "PT1H30M"),
        (86_400, "P1D"),
        (90_061, "P1DT1H1M1S"),
        (172_800, "P2D"),
    ],
)
def test_iso_durations(seconds: int, text: str) -> None:
    assert iso_duration(seconds) == text
    assert iso_duration_seconds(text) == seconds


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "15M", "PT1.5S", "P1W", "PT-5M"])
def test_iso_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        iso_duration_seconds(text)


def test_stage_window_id() -> None:
    assert (
        stage_window_id("travel", "check_in", 3_600, 1_714_525_200_000)
        == "travel/check_in/3600/1714525200000"
    )


ROUND_TRIPS: list[tuple[str, type[BaseModel]]] = [
    ("enriched-interaction", EnrichedInteraction),
    ("churn-alert", ChurnAlert),
    ("stage-window", StageWindowResult),
    ("dead-letter", DeadLetter),
]


@pytest.mark.parametrize(("name", "model"), ROUND_TRIPS, ids=[name for name, _ in ROUND_TRIPS])
def test_examples_round_trip(
    name: str, model: type[BaseModel], example_bytes: Callable[[str], bytes]
) -> None:
    record = decode_record(model, example_bytes(name))
    assert decode_record(model, encode(record)) == record
    assert encode(decode_record(model, encode(record))) == encode(record)


def test_alert_without_dataschema_omits_it_and_with_one_writes_it(
    example_bytes: Callable[[str], bytes],
) -> None:
    alert = decode_record(ChurnAlert, example_bytes("churn-alert"))
    assert b"dataschema" not in encode(alert)
    described = alert.model_copy(update={"dataschema": "https://example.com/churn-alert.schema.json"})
    assert b'"dataschema":"https://example.com/churn-alert.schema.json"' in encode(described)


def patched(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """The document with the value at a dotted path replaced (``...`` deletes it)."""
    target = document
    *parents, last = path.split(".")
    for step in parents:
        target = target[int(step)] if step.isdigit() else target[step]  # type: ignore[index]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return document


ALERT_CONTRADICTIONS = [
    pytest.param("subject", "someone-else", "subject and partitionkey", id="subject is not the customer"),
    pytest.param(
        "partitionkey", "someone-else", "subject and partitionkey", id="partition key is not the customer"
    ),
    pytest.param(
        "type", "com.emotion_pipeline.churn_risk.at_risk.v1", "must end with", id="type of another transition"
    ),
    pytest.param("data.level", "at_risk", "must leave level", id="level disagrees with transition"),
    pytest.param("data.previous_level", "churn_threshold", "no transition", id="level did not change"),
    pytest.param("data.strikes", 2, "bad_experiences lists 3", id="strikes and list disagree"),
    pytest.param("data.recommended_action.respond_within_seconds", 600, "is 900 s", id="two response times"),
    pytest.param("data.recommended_action.channel", "ivr", "human", id="recommends the IVR"),
    pytest.param(
        "data.memory_score", -1.5, "less than or equal|greater than or equal", id="memory score range"
    ),
    pytest.param("data.explanation", "", "at least 1", id="no explanation"),
    pytest.param("data.dominant_emotion", "rage", "Input should be", id="not a Plutchik primary"),
    pytest.param("time", "2024-05-01T09:30:00", "timezone", id="naive time"),
    pytest.param("datacontenttype", "text/plain", "application/json", id="content type"),
    pytest.param("data.unexpected", 1, "Extra inputs", id="unknown data field"),
    pytest.param("id", ..., "Field required", id="no id"),
]


@pytest.mark.parametrize(("path", "value", "problem"), ALERT_CONTRADICTIONS)
def test_alert_refuses_contradictions(
    path: str, value: Any, problem: str, example: Callable[[str], Any]
) -> None:
    with pytest.raises(ValidationError, match=problem):
        ChurnAlert.model_validate(patched(example("churn-alert"), path, value))


WINDOW_CONTRADICTIONS = [
    pytest.param("window_id", "ecommerce/delivery/3600/0", "window_id must be", id="wrong window id"),
    pytest.param("window_end", "2024-05-01T03:00:00Z", "window_size_seconds", id="end does not match size"),
    pytest.param("good", 21, "must equal events", id="counts do not add up"),
    pytest.param("positive_negative_ratio", 3.0, "good / bad", id="ratio is not good / bad"),
    pytest.param("positive_negative_ratio", None, "good / bad", id="ratio missing although bad > 0"),
    pytest.param(
        "negative_peaks.0.occurred_at", "2024-05-01T02:00:00Z", "outside", id="peak after the window"
    ),
    pytest.param("emotion_sums.anger", -0.1, "greater than or equal", id="negative sum"),
]


@pytest.mark.parametrize(("path", "value", "problem"), WINDOW_CONTRADICTIONS)
def test_window_refuses_contradictions(
    path: str, value: Any, problem: str, example: Callable[[str], Any]
) -> None:
    with pytest.raises(ValidationError, match=problem):
        StageWindowResult.model_validate(patched(example("stage-window"), path, value))


def test_window_with_no_bad_event_has_no_ratio(example: Callable[[str], Any]) -> None:
    document = example("stage-window")
    document.update(good=30, bad=0, positive_negative_ratio=None)
    assert StageWindowResult.model_validate(document).positive_negative_ratio is None


def test_window_bounds_are_written_in_utc(example: Callable[[str], Any]) -> None:
    document = example("stage-window")
    shanghai = timezone(timedelta(hours=8))
    document["window_start"] = datetime(2024, 5, 1, 9, tzinfo=shanghai)
    document["window_end"] = datetime(2024, 5, 1, 10, tzinfo=shanghai)
    written = encode(StageWindowResult.model_validate(document))
    assert b'"window_start":"2024-05-01T01:00:00Z"' in written
    assert b'"window_end":"2024-05-01T02:00:00Z"' in written


def test_output_records_are_frozen(example_bytes: Callable[[str], bytes]) -> None:
    letter = decode_record(DeadLetter, example_bytes("dead-letter"))
    with pytest.raises(ValidationError):
        letter.error_kind = "too_large"  # type: ignore[misc]


def test_enriched_record_refuses_unknown_top_level_fields(example: Callable[[str], Any]) -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        EnrichedInteraction.model_validate_json(
            json.dumps({**example("enriched-interaction"), "debug": True})
        )
