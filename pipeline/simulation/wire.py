"""Records as they travel: compact UTF-8 JSON values keyed by the customer id they carry."""

from __future__ import annotations

import re
from typing import Any, Final

import orjson

_CUSTOMER_ID: Final[re.Pattern[bytes]] = re.compile(rb'"customer_id"\s*:\s*"([^"\\]{1,128})"')


def encode_event(event: dict[str, Any]) -> bytes:
    """One event as compact JSON in the dict's key order, with no newline inside: one JSONL line."""
    return orjson.dumps(event)


def customer_key(value: bytes) -> bytes | None:
    """The record key a producer would use: the value's ``customer_id`` if it can be read, else None.

    A record that is not JSON (truncated, not UTF-8) still names its customer most of the time, and keying it
    puts its dead letter on that customer's partition; escaped quotes inside a text never match.
    """
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError:
        found = _CUSTOMER_ID.search(value)
        if found is None:
            return None
        try:
            found.group(1).decode("utf-8")
        except UnicodeDecodeError:
            return None
        return found.group(1)
    if isinstance(parsed, dict):
        customer_id = parsed.get("customer_id")
        if isinstance(customer_id, str) and 0 < len(customer_id) <= 128:
            return customer_id.encode("utf-8")
    return None
