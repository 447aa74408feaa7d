"""Every way an input record can be bad maps to one dead-letter kind and names the field at fault."""

from __future__ import annotations

import json
from base64 import b64decode
from datetime import UTC, datetime
from typing import Any

import pytest

from pipeline.domain.codec import MAX_DEAD_LETTER_ORIGINAL_BYTES, dead_letter, decode_event, decode_key
from pipeline.domain.errors import InvalidRecord

VALID: dict[str, Any] = {
    "event_id": "evt-1",
    "customer_id": "cust-1",
    "occurred_at": "2024-05-01T09:30:00+08:00",
    "channel": "chat",
}


def event_with(**changes: Any) -> bytes:
    """The valid event with fields replaced; a value of ``...`` removes the field."""
    fields = {**VALID, **changes}
    return json.dumps({name: value for name, value in fields.items() if value is not ...}).encode()


BAD_RECORDS = [
    pytest.param(b'{"event_id": "\xff\xfe"}', "not_utf8", None, id="not UTF-8"),
    pytest.param(
        event_with(text="caf\u00e9").replace(b"\\u00e9", b"\xe9"), "not_utf8", None, id="latin-1 text"
    ),
    pytest.param(b'{"event_id": "evt-1",', "not_json", None, id="not JSON"),
    pytest.param(b"", "not_json", None, id="empty value"),
    pytest.param(b"   \n", "not_json", None, id="whitespace only"),
    pytest.param(None, "not_json", None, id="tombstone"),
    pytest.param(event_with() + b" ok", "not_json", None, id="trailing garbage"),
    pytest.param(b'[{"event_id": "evt-1"}]', "not_object", None, id="array"),
    pytest.param(b'"hello"', "not_object", None, id="string"),
    pytest.param(b"42", "not_object", None, id="number"),
    pytest.param(b"null", "not_object", None, id="null"),
    pytest.param(event_with(text="x" * 1_100_000), "too_large", None, id="too large"),
    pytest.param(
        event_with(payload="X").replace(b'"X"', b"[" * 5_000 + b"]" * 5_000),
        "too_large",
        None,
        id="nested too deeply",
    ),
    pytest.param(event_with(event_id=...), "validation", "event_id", id="missing event_id"),
    pytest.param(event_with(event_id=""), "validation", "event_id", id="empty event_id"),
    pytest.param(event_with(event_id="e" * 129), "validation", "event_id", id="event_id of 129 chars"),
    pytest.param(event_with(channel="fax"), "validation", "channel", id="unknown channel"),
    pytest.param(event_with(text="長" * 20_001), "validation", "text", id="text over 20,000 chars"),
    pytest.param(
        event_with(occurred_at="2024-05-01T09:30:00"), "validation", "occurred_at", id="naive timestamp"
    ),
    pytest.param(
        event_with(occurred_at=1714527000), "validation", "occurred_at", id="epoch number timestamp"
    ),
    pytest.param(
        event_with(rating={"scale": "csat5", "value": 9}),
        "validation",
        "rating.value",
        id="rating out of scale",
    ),
    pytest.param(
        event_with(rating={"scale": "ces7", "value": 3}),
        "validation",
        "rating.scale",
        id="unknown rating scale",
    ),
    pytest.param(event_with(voice={"arousal": float("nan")}), "not_json", "voice.arousal", id="NaN"),
    pytest.param(
        event_with(signals={"wait_seconds": float("inf")}), "not_json", "signals.wait_seconds", id="Infinity"
    ),
    pytest.param(
        event_with(extra={"scores": [1, float("nan")]}),
        "not_json",
        "extra.scores[1]",
        id="NaN in an unknown field",
    ),
    pytest.param(
        event_with(schema_version=2),
        "unsupported_schema_version",
        "schema_version",
        id="unsupported schema_version",
    ),
    pytest.param(event_with(schema_version="1"), "validation", "schema_version", id="schema_version as text"),
    pytest.param(
        event_with(attributes={f"k{i}": "v" for i in range(33)}),
        "validation",
        "attributes",
        id="33 attributes",
    ),
    pytest.param(
        event_with(attributes={"tier": 3}), "validation", "attributes.tier", id="non-string attribute"
    ),
    pytest.param(
        event_with(attributes={"crm.tier": 3}),
        "validation",
        'attributes["crm.tier"]',
        id="dotted attribute key",
    ),
    pytest.param(
        event_with(signals={"transfers": -1}), "validation", "signals.transfers", id="negative transfers"
    ),
    pytest.param(event_with(signals={"mood": "bad"}), "validation", "signals.mood", id="unknown signal"),
    pytest.param(
        event_with(selected_emotions=[{"emotion": "joy"}, {"emotion": "rage"}]),
        "validation",
        "selected_emotions[1].emotion",
        id="unknown selected emotion",
    ),
    pytest.param(
        event_with(signals={"resolved": "yes"}), "validation", "signals.resolved", id="boolean as string"
    ),
    pytest.param(event_with(language="english please"), "validation", "language", id="bad language tag"),
]


@pytest.mark.parametrize(("value", "kind", "field"), BAD_RECORDS)
def test_bad_record_gives_its_kind_and_field(value: bytes | None, kind: str, field: str | None) -> None:
    with pytest.raises(InvalidRecord) as caught:
        decode_event(value)  # type: ignore[arg-type]  # None is a tombstone, which adapters may pass
    assert (caught.value.kind, caught.value.field) == (kind, field)
    if field is not None:
        assert caught.value.message.startswith(f"{field}: ")


def test_message_quotes_at_most_a_short_part_of_a_bad_value() -> None:
    secret_text = "my card number is 4111 1111 1111 1111 " * 600
    with pytest.raises(InvalidRecord) as caught:
        decode_event(event_with(text=secret_text))
    assert "4111" not in caught.value.message
    assert "22800 characters" in caught.value.message


def test_message_counts_further_problems() -> None:
    with pytest.raises(InvalidRecord) as caught:
        decode_event(event_with(event_id=..., channel="fax"))
    assert caught.value.message == "event_id: Field required (and 1 more problem)"


def test_unsupported_version_wins_over_the_errors_it_explains() -> None:
    with pytest.raises(InvalidRecord) as caught:
        decode_event(event_with(channel="telepathy", schema_version=7))
    assert caught.value.kind == "unsupported_schema_version"


def test_a_larger_limit_admits_a_larger_record() -> None:
    value = event_with(text="x" * 20_000, padding="y" * 2_000_000)
    with pytest.raises(InvalidRecord, match="the limit is"):
        decode_event(value)
    assert decode_event(value, max_bytes=4_000_000).event_id == "evt-1"


@pytest.mark.parametrize(
    ("key", "kind"),
    [(None, "missing_key"), (b"", "missing_key"), (b"\xc3\x28", "not_utf8"), (b"k" * 129, "validation")],
)
def test_bad_key(key: bytes | None, kind: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        decode_key(key)
    assert caught.value.kind == kind


def test_key_is_the_customer_id() -> None:
    assert decode_key("客户-42".encode()) == "客户-42"


@pytest.mark.parametrize(("value", "kind", "field"), BAD_RECORDS)
def test_every_bad_record_makes_a_dead_letter_with_its_bytes(
    value: bytes | None, kind: str, field: str | None
) -> None:
    with pytest.raises(InvalidRecord) as caught:
        decode_event(value)  # type: ignore[arg-type]
    error = caught.value
    letter = dead_letter(
        value, b"cust-1", error.kind, error.message, error.field, "cx.interactions", 2, 99, datetime.now(UTC)
    )
    assert (letter.error_kind, letter.error_field) == (kind, field)
    original = value or b""
    kept = b64decode(letter.original_value_base64)
    assert original.startswith(kept)
    assert (letter.original_size_bytes, letter.original_truncated) == (len(original), kept != original)
    assert len(kept) == min(len(original), MAX_DEAD_LETTER_ORIGINAL_BYTES)
    assert letter.original_key_base64 is not None
    assert b64decode(letter.original_key_base64) == b"cust-1"


def test_dead_letter_reads_the_event_id_when_it_can() -> None:
    now = datetime.now(UTC)
    readable = dead_letter(event_with(channel="fax"), None, "validation", "m", "channel", "t", 0, 1, now)
    unreadable = dead_letter(b"\xff", None, "not_utf8", "m", None, "t", 0, 2, now)
    assert (readable.event_id, unreadable.event_id) == ("evt-1", None)
    assert unreadable.original_key_base64 is None


def test_dead_letter_keeps_an_unknown_kind_as_a_processing_error() -> None:
    letter = dead_letter(b"{}", None, "enricher_crashed", "boom", None, "t", None, None, datetime.now(UTC))
    assert letter.error_kind == "processing_error"
    assert letter.error_message == "enricher_crashed: boom"
