"""Bytes to contracts and back: the one place that decides whether an input record is usable.

``decode_event`` turns every way a record can be bad into ``InvalidRecord(kind, message, field)`` and
nothing else, so the adapter can dead-letter it without guessing. Validation goes straight from bytes
(pydantic's Rust JSON parser), which is both the fastest path and the one that limits nesting depth.
"""

from __future__ import annotations

import base64
import math
import re
from datetime import datetime
from typing import Any, Final, TypeVar

import orjson
import pydantic_core
from pydantic import BaseModel, ValidationError

from pipeline import __version__
from pipeline.domain.errors import InvalidRecord
from pipeline.domain.event import InteractionEvent
from pipeline.domain.records import DEAD_LETTER_KINDS, DeadLetter, DeadLetterKind

DEFAULT_MAX_BYTES: Final[int] = 1_048_576
MAX_KEY_CHARS: Final[int] = 128
# How much of a bad value a message may quote: enough to recognise it, never a whole text.
MAX_QUOTED_CHARS: Final[int] = 80
MAX_MESSAGE_CHARS: Final[int] = 2_000

_PLAIN_NAME: Final[re.Pattern[str]] = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_KNOWN_KINDS: Final[dict[str, DeadLetterKind]] = {kind: kind for kind in DEAD_LETTER_KINDS}

_ModelT = TypeVar("_ModelT", bound=BaseModel)

_JSON_TYPE_NAMES: Final[dict[type, str]] = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
    dict: "an object",
}


def decode_event(value: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> InteractionEvent:
    """Parse and validate one input record value; raise ``InvalidRecord`` (and only that) if it is bad."""
    try:
        return _decode_event(value, max_bytes)
    except InvalidRecord:
        raise
    except Exception as unexpected:  # any other failure is still a bad record, never a crashed worker
        raise InvalidRecord(
            "validation", f"record could not be validated: {type(unexpected).__name__}: {unexpected}"[:500]
        ) from unexpected


def decode_record(model_type: type[_ModelT], value: bytes) -> _ModelT:
    """Parse one of our own output records (enriched, alert, window, dead letter) back into its model."""
    try:
        return model_type.model_validate_json(value)
    except ValidationError as error:
        raise _invalid_from_validation(error, value) from error
    except Exception as unexpected:
        message = f"{model_type.__name__} could not be validated: {unexpected}"
        raise InvalidRecord("validation", message) from unexpected


def encode(model: BaseModel) -> bytes:
    """Serialise a contract to compact UTF-8 JSON; timestamps are RFC 3339 with offset (``Z`` for UTC)."""
    # pydantic-core's serializer honours the models' exclusions, writes integers of any size and is
    # faster than model_dump followed by orjson.
    return pydantic_core.to_json(model)


def decode_key(key: bytes | None) -> str:
    """The customer id a record is keyed by; a missing, empty or unreadable key is an ``InvalidRecord``."""
    if key is None or len(key) == 0:
        raise InvalidRecord("missing_key", "record has no key; records must be keyed by customer_id")
    try:
        customer_id = bytes(key).decode("utf-8")
    except UnicodeDecodeError as error:
        reason = f"record key is not valid UTF-8 ({error.reason} at byte {error.start})"
        raise InvalidRecord("not_utf8", reason) from error
    if len(customer_id) > MAX_KEY_CHARS:
        reason = f"record key is {len(customer_id)} characters; a customer_id has at most {MAX_KEY_CHARS}"
        raise InvalidRecord("validation", reason)
    return customer_id


# A dead letter carries the refused bytes base64-encoded (4/3 larger); capped so the dead letter of a record
# near the broker's size limit still fits in a Kafka message. Larger originals keep their first bytes.
MAX_DEAD_LETTER_ORIGINAL_BYTES: Final[int] = 512 * 1024


def dead_letter(  # noqa: PLR0917 - the agreed positional signature, one argument per DeadLetter field
    value: bytes | None,
    key: bytes | None,
    kind: str,
    message: str,
    field: str | None,
    topic: str,
    partition: int | None,
    offset: int | None,
    failed_at: datetime,
    *,
    pipeline_version: str = __version__,
) -> DeadLetter:
    """The dead-letter record for an input that could not be processed, keeping its original bytes."""
    error_kind = _KNOWN_KINDS.get(kind)
    if error_kind is None:
        # A kind outside the contract must not make the error path itself fail.
        error_kind, message = "processing_error", f"{kind}: {message}"
    original = value or b""
    kept = original[:MAX_DEAD_LETTER_ORIGINAL_BYTES]
    return DeadLetter(
        error_kind=error_kind,
        error_message=message[:MAX_MESSAGE_CHARS],
        error_field=field,
        original_value_base64=base64.b64encode(kept).decode("ascii"),
        original_size_bytes=len(original),
        original_truncated=len(kept) < len(original),
        original_key_base64=None if key is None else base64.b64encode(key).decode("ascii"),
        topic=topic,
        partition=partition,
        offset=offset,
        failed_at=failed_at,
        pipeline_version=pipeline_version,
        event_id=_readable_event_id(value),
    )


def _decode_event(value: bytes, max_bytes: int) -> InteractionEvent:
    if value is None:
        raise InvalidRecord("not_json", "record has no value (a tombstone); expected a JSON object")
    if not isinstance(value, bytes | bytearray | memoryview):
        raise InvalidRecord("validation", f"record value must be bytes, got {type(value).__name__}")
    if len(value) > max_bytes:
        raise InvalidRecord("too_large", f"record value is {len(value)} bytes; the limit is {max_bytes}")
    raw = bytes(value)
    try:
        event = InteractionEvent.model_validate_json(raw)
    except ValidationError as error:
        raise _invalid_from_validation(error, raw) from error
    if event.model_extra:
        _refuse_non_finite(event.model_extra)
    return event


def _invalid_from_validation(error: ValidationError, raw: bytes) -> InvalidRecord:
    problems = error.errors(include_url=False)
    first = problems[0]
    if first["type"] == "json_invalid":
        return _invalid_json(raw, str(first["msg"]))
    if first["loc"] == () and first["type"] in {"model_type", "model_attributes_type", "dict_type"}:
        got = _json_type(first["input"])
        return InvalidRecord("not_object", f"record value must be a JSON object, got {got}")
    for problem in problems:
        if problem["loc"] == ("schema_version",) and problem["type"] == "value_error":
            return InvalidRecord("unsupported_schema_version", _describe(problem), "schema_version")
    if first["type"] == "finite_number":
        field = _dotted(first["loc"])
        return InvalidRecord("not_json", f"{field}: NaN and Infinity are not JSON numbers (RFC 8259)", field)
    message = _describe(first)
    if len(problems) > 1:
        more = len(problems) - 1
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InvalidRecord("validation", message, _dotted(first["loc"]) or None)


def _invalid_json(raw: bytes, parser_message: str) -> InvalidRecord:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        reason = f"record value is not valid UTF-8 ({error.reason} at byte {error.start})"
        return InvalidRecord("not_utf8", reason)
    reason = parser_message.removeprefix("Invalid JSON: ")
    if "recursion limit" in reason:
        return InvalidRecord("too_large", f"record value is nested too deeply ({reason})")
    if not raw.strip():
        return InvalidRecord("not_json", "record value is empty; expected a JSON object")
    return InvalidRecord("not_json", f"record value is not valid JSON: {reason}")


def _refuse_non_finite(extras: dict[str, Any]) -> None:
    # pydantic's parser accepts NaN and Infinity; fields with a declared type refuse them, but unknown
    # fields would carry them into records that strict JSON consumers cannot read. Iterative: no recursion.
    pending: list[tuple[tuple[int | str, ...], Any]] = [((key,), child) for key, child in extras.items()]
    while pending:
        loc, item = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            path = _dotted(loc)
            raise InvalidRecord("not_json", f"{path}: NaN and Infinity are not JSON numbers (RFC 8259)", path)
        if isinstance(item, dict):
            pending.extend(((*loc, key), child) for key, child in item.items())
        elif isinstance(item, list):
            pending.extend(((*loc, index), child) for index, child in enumerate(item))


def _describe(problem: Any) -> str:
    field = _dotted(problem["loc"])
    text = str(problem["msg"]).removeprefix("Value error, ")
    if problem["loc"] and problem["loc"][-1] == "[key]":
        text = f"key {text[0].lower()}{text[1:]}"
    # Our own validators already name the bad value in their message.
    unquoted = problem["type"] in {"missing", "extra_forbidden", "value_error"}
    quoted = "" if unquoted else f" (got {_quote(problem.get('input'))})"
    if problem["type"] == "extra_forbidden":
        text = "unknown field"
    where = f"{field}: " if field else ""
    return f"{where}{text}{quoted}"


def _dotted(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for step in loc:
        if step == "[key]":
            continue
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif not _PLAIN_NAME.fullmatch(step):
            parts.append(f"[{orjson.dumps(step).decode()}]")
        else:
            parts.append(f".{step}" if parts else step)
    return "".join(parts)


def _quote(bad_value: Any) -> str:
    if isinstance(bad_value, str):
        if len(bad_value) > MAX_QUOTED_CHARS:
            return f"a string of {len(bad_value)} characters"
        return repr(bad_value)
    if isinstance(bad_value, dict):
        return f"an object with {len(bad_value)} entries"
    if isinstance(bad_value, list):
        return f"an array of {len(bad_value)} items"
    text = repr(bad_value)
    return text if len(text) <= MAX_QUOTED_CHARS else f"{text[:MAX_QUOTED_CHARS]}..."


def _json_type(parsed: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(parsed), type(parsed).__name__)


def _readable_event_id(value: bytes | None) -> str | None:
    # Best effort only: a dead letter is written whatever happens here.
    if not value or len(value) > DEFAULT_MAX_BYTES:
        return None
    try:
        parsed = orjson.loads(value)
    except Exception:  # whatever the bytes hold, the dead letter is still written
        return None
    if isinstance(parsed, dict):
        event_id = parsed.get("event_id")
        if isinstance(event_id, str) and 0 < len(event_id) <= MAX_KEY_CHARS:
            return event_id
    return None
