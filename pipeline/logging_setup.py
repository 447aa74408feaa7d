"""Structured logs: one JSON object per line, for the worker and anything else that logs through ``logging``.

Each line holds ``time`` (RFC 3339, UTC), ``level``, ``logger`` and ``message``, plus the position fields
the processor and agents pass with ``extra=`` (topic, partition, offset, event id and a few others named in
``CONTEXT_FIELDS``). Other ``extra`` keys are dropped rather than trusted: a stray ``extra={"text": ...}``
must not put customer text into the log. Exceptions keep their traceback, but a pydantic validation error
is rendered without the input values it would otherwise quote.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Final

import orjson
from pydantic import ValidationError

#: ``extra=`` keys copied into the JSON line; every other key is left out.
CONTEXT_FIELDS: Final[tuple[str, ...]] = (
    "topic",
    "partition",
    "offset",
    "event_id",
    "error_kind",
    "error_field",
    "window_id",
    "table",
    "records",
    "first_offset",
    "topics",
    "partitions",
    "repeated",
)

_SCALARS: Final = (str, int, float, bool, type(None))
_MAX_FIELD_CHARS: Final[int] = 256

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class JsonLogFormatter(logging.Formatter):
    """Formats a record as one compact JSON object (no newline inside)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                line[name] = _safe_value(value)
        if record.exc_info and record.exc_info[0] is not None:
            line.update(exception_fields(record.exc_info))
        if record.stack_info:
            line["stack"] = record.stack_info
        return orjson.dumps(line, default=str).decode()


def exception_fields(exc_info: ExcInfo) -> dict[str, str]:
    """The exception type, its message and the traceback; validation errors without their input values."""
    kind, error, trace = exc_info
    message = _validation_summary(error) if isinstance(error, ValidationError) else str(error)
    frames = "".join(traceback.format_tb(trace)) if trace is not None else ""
    return {"exc_type": kind.__name__, "exc_message": message, "traceback": frames}


def _validation_summary(error: ValidationError) -> str:
    problems = "; ".join(
        f"{'.'.join(str(part) for part in detail['loc']) or '<root>'}: {detail['type']}"
        for detail in error.errors(include_input=False, include_url=False)
    )
    return f"{error.error_count()} validation error(s) for {error.title}: {problems}"


def _safe_value(value: object) -> object:
    if isinstance(value, str):
        return value[:_MAX_FIELD_CHARS]
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [item if isinstance(item, _SCALARS) else str(item) for item in list(value)[:64]]
    return str(value)[:_MAX_FIELD_CHARS]


class CollapseKafkaClientRepeats(logging.Filter):
    """Lets the first of identical Kafka client lines through, then one per ``window_s`` with how many like
    it were held back (``repeated``).

    While a broker is unreachable the client logs the same failed connection and metadata update some 20
    times a second, for as long as the outage lasts; one line per window says the same. Only the Kafka
    client libraries' loggers are collapsed: the worker's own lines (a dead letter per record, with its
    offset) always pass.
    """

    LOGGERS: Final[tuple[str, ...]] = ("aiokafka", "kafka")

    def __init__(self, window_s: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.window_s = window_s
        self._clock = clock
        # (logger, level, message) -> (when the last line passed, lines held back since)
        self._recent: dict[tuple[str, int, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.partition(".")[0] not in self.LOGGERS:
            return True
        key = (record.name, record.levelno, record.getMessage())
        now = self._clock()
        passed = self._recent.get(key)
        if passed is not None and now - passed[0] < self.window_s:
            self._recent[key] = (passed[0], passed[1] + 1)
            return False
        if passed is not None and passed[1]:
            record.repeated = passed[1]
        self._recent[key] = (now, 0)
        if len(self._recent) > 1024:
            self._recent = {
                seen: entry for seen, entry in self._recent.items() if now - entry[0] < self.window_s
            }
        return True


def worker_logging_config(level: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` mapping: JSON lines on standard error at ``level``.

    Loggers created before it is applied (module loggers, Faust's and mode's) keep working: it only swaps
    the root handler, it disables nothing.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonLogFormatter"}},
        "filters": {"kafka_client_repeats": {"()": f"{__name__}.CollapseKafkaClientRepeats"}},
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["kafka_client_repeats"],
                "stream": "ext://sys.stderr",
            },
        },
        "root": {"level": level.upper(), "handlers": ["json"]},
    }
