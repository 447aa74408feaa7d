"""The committed examples validate against the published schemas with an independent validator, and
against the models; the alert also passes the CloudEvents SDK and the CloudEvents JSON schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from cloudevents.http import from_json
from jsonschema import Draft202012Validator, FormatChecker
from pydantic import BaseModel

from pipeline.domain.codec import decode_event, decode_record, encode
from pipeline.domain.records import ChurnAlert, DeadLetter, EnrichedInteraction, StageWindowResult

EXAMPLES: list[tuple[str, type[BaseModel] | None]] = [
    ("interaction-event", None),
    ("enriched-interaction", EnrichedInteraction),
    ("churn-alert", ChurnAlert),
    ("stage-window", StageWindowResult),
    ("dead-letter", DeadLetter),
]

# The CloudEvents 1.0 JSON format's own constraints (spec, "JSON Event Format" and "Context Attributes"),
# written here so the test does not depend on our generated schema to judge our alerts.
CLOUDEVENTS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["specversion", "id", "source", "type"],
    "properties": {
        "specversion": {"const": "1.0"},
        "id": {"type": "string", "minLength": 1},
        "source": {"type": "string", "minLength": 1, "format": "uri-reference"},
        "type": {"type": "string", "minLength": 1},
        "subject": {"type": "string", "minLength": 1},
        "time": {"type": "string", "format": "date-time"},
        "datacontenttype": {"type": "string", "minLength": 1},
        "dataschema": {"type": "string", "minLength": 1, "format": "uri"},
        "data_base64": False,
    },
    # Attribute names: lower-case letters and digits only.
    "propertyNames": {"pattern": "^[a-z0-9]{1,20}$"},
}


@pytest.mark.parametrize(("name", "model"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_example_validates_against_its_published_schema(
    name: str,
    model: type[BaseModel] | None,
    example: Callable[[str], Any],
    validator_for: Callable[[str], Draft202012Validator],
) -> None:
    errors = [error.message for error in validator_for(f"{name}.schema.json").iter_errors(example(name))]
    assert errors == []


@pytest.mark.parametrize(("name", "model"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_example_validates_against_its_model_and_what_we_write_matches_the_schema(
    name: str,
    model: type[BaseModel] | None,
    example_bytes: Callable[[str], bytes],
    validator_for: Callable[[str], Draft202012Validator],
) -> None:
    raw = example_bytes(name)
    parsed = decode_event(raw) if model is None else decode_record(model, raw)
    written = json.loads(encode(parsed))
    assert [error.message for error in validator_for(f"{name}.schema.json").iter_errors(written)] == []


def test_input_and_enriched_examples_are_bilingual(example: Callable[[str], Any]) -> None:
    for text in (example("interaction-event")["text"], example("enriched-interaction")["event"]["text"]):
        assert any("a" <= char.lower() <= "z" for char in text)
        assert any("\u4e00" <= char <= "\u9fff" for char in text)


def test_enriched_example_keeps_the_unknown_input_field(example_bytes: Callable[[str], bytes]) -> None:
    enriched = decode_record(EnrichedInteraction, example_bytes("enriched-interaction"))
    assert enriched.event.unknown_fields == {"campaign": "spring-sale"}


def test_alert_example_is_a_cloudevent_for_the_sdk(example_bytes: Callable[[str], bytes]) -> None:
    event = from_json(example_bytes("churn-alert"))
    assert event["specversion"] == "1.0"
    assert event["type"].endswith(".churn_risk.churn_threshold.v1")
    assert event["partitionkey"] == event["subject"] == event.data["customer_id"]


def test_alert_we_write_is_a_cloudevent_for_the_sdk(example_bytes: Callable[[str], bytes]) -> None:
    alert = decode_record(ChurnAlert, example_bytes("churn-alert"))
    event = from_json(encode(alert))
    assert event["id"] == alert.id
    assert event.data == json.loads(encode(alert.data))


def test_alert_passes_the_cloudevents_json_format_schema(
    example: Callable[[str], Any], format_checker: FormatChecker
) -> None:
    validator = Draft202012Validator(CLOUDEVENTS_SCHEMA, format_checker=format_checker)
    assert [error.message for error in validator.iter_errors(example("churn-alert"))] == []


@pytest.mark.parametrize(
    ("name", "path", "bad_value"),
    [
        ("interaction-event", ("occurred_at",), "2024-05-01T09:30:00"),
        ("interaction-event", ("channel",), "fax"),
        ("interaction-event", ("rating", "value"), 7),
        ("interaction-event", ("signals", "transfers"), -1),
        ("interaction-event", ("schema_version",), 2),
        ("interaction-event", ("text",), "x" * 20_001),
        ("enriched-interaction", ("emotion", "valence"), -1.5),
        ("enriched-interaction", ("pipeline_version",), None),
        ("churn-alert", ("specversion",), "0.3"),
        ("churn-alert", ("type",), "com.emotion_pipeline.churn_risk.at_risk.v2"),
        ("churn-alert", ("data", "level"), "high"),
        ("churn-alert", ("data", "recommended_action", "respond_within"), "15 minutes"),
        ("stage-window", ("window_start",), "2024-05-01 01:00"),
        ("stage-window", ("bad",), -1),
        ("dead-letter", ("error_kind",), "oops"),
    ],
)
def test_the_schema_refuses_a_broken_example(
    name: str,
    path: tuple[str, ...],
    bad_value: object,
    example: Callable[[str], Any],
    validator_for: Callable[[str], Draft202012Validator],
) -> None:
    document = example(name)
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = bad_value
    assert not validator_for(f"{name}.schema.json").is_valid(document)


def test_the_schema_refuses_an_unknown_field_in_an_output(
    example: Callable[[str], Any], validator_for: Callable[[str], Draft202012Validator]
) -> None:
    document = example("stage-window")
    document["computed_at"] = "2024-05-01T02:00:00Z"
    assert not validator_for("stage-window.schema.json").is_valid(document)


def test_the_input_schema_refuses_33_attributes(
    example: Callable[[str], Any], validator_for: Callable[[str], Draft202012Validator]
) -> None:
    document = example("interaction-event")
    document["attributes"] = {f"key{index}": "value" for index in range(33)}
    assert not validator_for("interaction-event.schema.json").is_valid(document)
