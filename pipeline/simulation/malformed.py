"""Broken records as real producers send them: truncated, not UTF-8, missing or mistyped fields, and so on.

Each maker takes a valid event and returns the bytes of a record the pipeline must dead-letter. None of
them contains a newline byte, so a JSONL file holds each on one line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from random import Random
from typing import Any, Final, Literal, get_args

import orjson

from pipeline.domain.event import MAX_TEXT_CHARS

MalformedKind = Literal[
    "truncated_json",
    "not_utf8",
    "missing_field",
    "unknown_channel",
    "text_too_long",
    "wrong_type",
    "bad_timestamp",
    "not_object",
    "unsupported_schema_version",
]
MALFORMED_KINDS: Final[tuple[MalformedKind, ...]] = get_args(MalformedKind)

_REQUIRED: Final[tuple[str, ...]] = ("event_id", "customer_id", "occurred_at", "channel")


def malformed_record(rng: Random, kind: MalformedKind, event: dict[str, Any]) -> bytes:
    """The bytes of one broken record of the given kind, derived from a valid event."""
    broken = _MAKERS[kind](rng, dict(event))
    return broken if isinstance(broken, bytes) else orjson.dumps(broken)


def _truncated(rng: Random, event: dict[str, Any]) -> bytes:
    encoded = orjson.dumps(event)
    # A producer that died mid-write: the cut never lands on the closing brace, so it is never valid JSON.
    return encoded[: rng.randint(len(encoded) // 3, len(encoded) - 2)]


def _not_utf8(rng: Random, event: dict[str, Any]) -> bytes:
    text = str(event.get("text") or "Merci, café au lait")
    event["text"] = text
    legacy = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    # A legacy system writing its own code page: GBK for Chinese text, Latin-1 otherwise.
    encoded = (
        legacy.encode("gbk", errors="replace") if not text.isascii() else legacy.encode("latin-1", "replace")
    )
    try:
        encoded.decode("utf-8")
    except UnicodeDecodeError:
        return encoded
    position = encoded.index(b'"text":"') + len(b'"text":"')
    return encoded[:position] + b"caf\xe9 " + encoded[position:]


def _missing_field(rng: Random, event: dict[str, Any]) -> dict[str, Any]:
    del event[rng.choice(_REQUIRED)]
    return event


def _unknown_channel(rng: Random, event: dict[str, Any]) -> dict[str, Any]:
    event["channel"] = rng.choice(("fax", "whatsapp", "carrier_pigeon", "telegram", "PHONE"))
    return event


def _text_too_long(rng: Random, event: dict[str, Any]) -> dict[str, Any]:
    # A transcript pasted whole: repeated until it passes the limit.
    piece = str(event.get("text") or "the line kept dropping and I had to repeat myself ") + " "
    repeated = piece * (MAX_TEXT_CHARS // len(piece) + 2)
    event["text"] = repeated[: rng.randint(MAX_TEXT_CHARS + 1, MAX_TEXT_CHARS + 4000)]
    return event


def _wrong_type(rng: Random, event: dict[str, Any]) -> dict[str, Any]:
    change = rng.randrange(6)
    if change == 0:
        event["occurred_at"] = rng.randint(1_700_000_000, 1_760_000_000)
    elif change == 1:
        event["rating"] = {"scale": "csat5", "value": rng.choice(("five", "4", "bad"))}
    elif change == 2:
        event["signals"] = {**event.get("signals", {}), "transfers": "3"}
    elif change == 3:
        event["customer_id"] = rng.randint(1, 999_999)
    elif change == 4:
        event["selected_emotions"] = rng.choice(("angry", ["anger"]))
    else:
        event["signals"] = {**event.get("signals", {}), "reached_human": "no"}
    return event


def _bad_timestamp(rng: Random, event: dict[str, Any]) -> dict[str, Any]:
    stamp = str(event["occurred_at"])
    event["occurred_at"] = rng.choice(
        (stamp[:19], stamp[:10], "yesterday at 5pm", stamp[:19].replace("T", " "))
    )
    return event


def _not_object(rng: Random, event: dict[str, Any]) -> bytes:
    return orjson.dumps(rng.choice(([event], str(event.get("text") or "hello"), None, 42)))


def _unsupported_schema_version(rng: Random, event: dict[str, Any]) -> dict[str, Any]:
    event["schema_version"] = rng.choice((2, 3, 0))
    return event


_MAKERS: Final[dict[MalformedKind, Callable[[Random, dict[str, Any]], bytes | dict[str, Any]]]] = {
    "truncated_json": _truncated,
    "not_utf8": _not_utf8,
    "missing_field": _missing_field,
    "unknown_channel": _unknown_channel,
    "text_too_long": _text_too_long,
    "wrong_type": _wrong_type,
    "bad_timestamp": _bad_timestamp,
    "not_object": _not_object,
    "unsupported_schema_version": _unsupported_schema_version,
}
