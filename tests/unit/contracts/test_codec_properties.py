"""Hostile input never escapes the codec as anything but ``InvalidRecord``; valid events round-trip."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.domain.codec import decode_event, encode
from pipeline.domain.errors import InvalidRecord
from pipeline.domain.event import InteractionEvent
from pipeline.domain.records import DEAD_LETTER_KINDS

# Generous per-test limits guard against hangs only; they assert nothing about speed.
pytestmark = pytest.mark.timeout(300)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RFC3339_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)
VALID: dict[str, Any] = {
    "event_id": "evt-1",
    "customer_id": "cust-1",
    "occurred_at": "2024-05-01T09:30:00+08:00",
    "channel": "chat",
}
KNOWN_FIELDS = [
    *VALID,
    "journey",
    "stage",
    "text",
    "language",
    "rating",
    "selected_emotions",
    "signals",
    "voice",
    "agent_id",
    "case_id",
    "attributes",
    "schema_version",
]


def outcome(value: bytes) -> InteractionEvent | InvalidRecord:
    """The codec's answer; any exception other than InvalidRecord fails the calling test."""
    try:
        return decode_event(value)
    except InvalidRecord as error:
        refused = error
    assert refused.kind in DEAD_LETTER_KINDS
    assert refused.field is None or isinstance(refused.field, str)
    assert 0 < len(refused.message) <= 600
    return refused


@FUZZ
@given(st.binary(max_size=2_048))
def test_arbitrary_bytes(value: bytes) -> None:
    outcome(value)


@FUZZ
@given(json_values)
def test_arbitrary_json_documents(document: Any) -> None:
    outcome(json.dumps(document).encode())


@FUZZ
@given(st.dictionaries(st.sampled_from(KNOWN_FIELDS) | st.text(max_size=12), json_values, max_size=6))
def test_valid_event_with_arbitrary_fields_replaced(changes: dict[str, Any]) -> None:
    result = outcome(json.dumps({**VALID, **changes}).encode())
    if isinstance(result, InteractionEvent):
        # Whatever was accepted is finite and can be written back out and read again unchanged.
        assert decode_event(encode(result)) == result


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=20_000), st.sampled_from(["[", '{"a":']))
def test_deep_nesting_never_recurses_out(depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    nested = opener * depth + "1" + closer * depth
    result = outcome(json.dumps({**VALID, "payload": "X"}).replace('"X"', nested).encode())
    if depth > 1_000:
        assert isinstance(result, InvalidRecord)
        assert result.kind == "too_large"


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=1_500_000), st.sampled_from(["x", "情", "\U0001f621"]))
def test_huge_strings(length: int, char: str) -> None:
    result = outcome(json.dumps({**VALID, "text": char * length}, ensure_ascii=False).encode())
    if length > 20_000:
        assert isinstance(result, InvalidRecord)
        assert result.kind in {"too_large", "validation"}


@FUZZ
@given(st.binary(min_size=1, max_size=64), st.integers(min_value=0, max_value=200))
def test_valid_event_with_garbage_spliced_in(garbage: bytes, position: int) -> None:
    raw = json.dumps(VALID).encode()
    cut = min(position, len(raw))
    outcome(raw[:cut] + garbage + raw[cut:])


offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
identifiers = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=128
)
events = st.fixed_dictionaries(
    {
        "event_id": identifiers,
        "customer_id": identifiers,
        "occurred_at": st.datetimes(
            min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31), timezones=offsets
        ).map(lambda moment: moment.isoformat()),
        "channel": st.sampled_from(["phone", "chat", "email", "survey", "ivr"]),
    },
    optional={
        "text": st.text(max_size=300),
        "rating": st.sampled_from([{"scale": "csat5", "value": 4}, {"scale": "nps10", "value": 0.0}]),
        "signals": st.fixed_dictionaries(
            {},
            optional={
                "transfers": st.integers(min_value=0, max_value=1000),
                "hold_seconds": st.floats(min_value=0, max_value=31_536_000),
                "resolved": st.booleans(),
            },
        ),
        "attributes": st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=30), max_size=32),
        "unknown": json_values.filter(
            lambda value: "NaN" not in json.dumps(value) and "Inf" not in json.dumps(value)
        ),
    },
)


@FUZZ
@given(events)
def test_valid_events_round_trip_through_encode(document: dict[str, Any]) -> None:
    event = decode_event(json.dumps(document).encode())
    written = encode(event)
    assert decode_event(written) == event
    assert RFC3339_WITH_OFFSET.fullmatch(orjson.loads(written)["occurred_at"])
    assert event.occurred_at_ms == math.floor(
        datetime.fromisoformat(document["occurred_at"]).timestamp() * 1000
    )


def test_utc_is_written_with_z_and_other_offsets_are_kept() -> None:
    utc = decode_event(orjson.dumps({**VALID, "occurred_at": "2024-05-01T01:30:00+00:00"}))
    shanghai = decode_event(orjson.dumps(VALID))
    assert orjson.loads(encode(utc))["occurred_at"] == "2024-05-01T01:30:00Z"
    assert orjson.loads(encode(shanghai))["occurred_at"] == "2024-05-01T09:30:00+08:00"
    assert utc.occurred_at == shanghai.occurred_at == datetime(2024, 5, 1, 1, 30, tzinfo=UTC)
