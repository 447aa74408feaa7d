"""JSON log lines: one object per line, position fields kept, customer text never written."""

from __future__ import annotations

import io
import logging
import logging.config
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mode.utils.logging import setup_logging
from pydantic import ValidationError

from pipeline.config import load_settings
from pipeline.domain.event import InteractionEvent
from pipeline.logging_setup import (
    CONTEXT_FIELDS,
    CollapseKafkaClientRepeats,
    JsonLogFormatter,
    worker_logging_config,
)

SECRET_TEXT = "my card 4111 1111 1111 1111 was charged twice, I am furious"
# Defined here, not on the line that raises: tracebacks quote the source line, and this test checks data.
INVALID_EVENT = {
    "event_id": "ev-1",
    "customer_id": "c-1",
    "channel": "carrier-pigeon",
    "occurred_at": "2026-03-01T10:00:00Z",
    "text": SECRET_TEXT,
}


def record(
    message: str = "processed",
    *args: object,
    level: int = logging.INFO,
    exc_info: Any = None,
    **extra: object,
) -> logging.LogRecord:
    log_record = logging.LogRecord("pipeline.test", level, __file__, 1, message, args, exc_info)
    log_record.__dict__.update(extra)
    return log_record


def formatted(log_record: logging.LogRecord) -> dict[str, Any]:
    line = JsonLogFormatter().format(log_record)
    assert "\n" not in line
    decoded: dict[str, Any] = orjson.loads(line)
    return decoded


def test_a_line_holds_time_level_logger_message_and_position() -> None:
    line = formatted(
        record(
            "dead-lettered a record: %s",
            "validation",
            level=logging.WARNING,
            topic="cx.in",
            partition=3,
            offset=42,
            event_id="ev-1",
            error_kind="validation",
        )
    )
    assert line["level"] == "WARNING"
    assert line["logger"] == "pipeline.test"
    assert line["message"] == "dead-lettered a record: validation"
    assert line["time"].endswith("+00:00")
    assert {key: line[key] for key in ("topic", "partition", "offset", "event_id", "error_kind")} == {
        "topic": "cx.in",
        "partition": 3,
        "offset": 42,
        "event_id": "ev-1",
        "error_kind": "validation",
    }


@pytest.mark.parametrize("key", ["text", "customer_text", "payload", "event", "body", "value"])
def test_extra_keys_outside_the_allow_list_are_dropped(key: str) -> None:
    line = formatted(record(topic="cx.in", **{key: SECRET_TEXT}))
    assert key not in line
    assert SECRET_TEXT not in orjson.dumps(line).decode()


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=12).filter(lambda k: k.isidentifier()), st.text(max_size=40), max_size=6
    )
)
def test_only_allowed_context_fields_are_ever_written(extra: dict[str, str]) -> None:
    reserved = set(vars(record()))
    usable = {key: value for key, value in extra.items() if key not in reserved}
    line = formatted(record(**usable))
    assert set(line) <= {"time", "level", "logger", "message", *CONTEXT_FIELDS}


def test_a_multi_line_message_stays_on_one_line() -> None:
    assert formatted(record("first\nsecond"))["message"] == "first\nsecond"


def test_long_or_odd_context_values_are_bounded() -> None:
    line = formatted(record(event_id="x" * 5000, topics=["a", "b"], partitions={1, 2}, table=object()))
    assert len(line["event_id"]) == 256
    assert line["topics"] == ["a", "b"]
    assert sorted(line["partitions"]) == [1, 2]
    assert isinstance(line["table"], str)


def test_a_validation_error_is_logged_without_the_input_it_quotes() -> None:
    with pytest.raises(ValidationError) as caught:
        InteractionEvent.model_validate(INVALID_EVENT)
    assert SECRET_TEXT[:20] in str(caught.value) or "carrier-pigeon" in str(caught.value)
    line = formatted(record("processing failed", exc_info=(caught.type, caught.value, caught.tb)))
    assert line["exc_type"] == "ValidationError"
    assert "channel" in line["exc_message"]
    assert "carrier-pigeon" not in orjson.dumps(line).decode()
    assert SECRET_TEXT not in orjson.dumps(line).decode()
    assert "test_logging_json.py" in line["traceback"]


def test_other_exceptions_keep_type_message_and_traceback() -> None:
    try:
        raise RuntimeError("state store closed")
    except RuntimeError as error:
        line = formatted(record("batch failed", exc_info=(type(error), error, error.__traceback__)))
    assert (line["exc_type"], line["exc_message"]) == ("RuntimeError", "state store closed")
    assert "raise RuntimeError" in line["traceback"]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
def test_faust_logging_setup_with_the_worker_config_writes_json_for_every_logger(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    early = logging.getLogger("pipeline.adapters.agents")  # created before logging is configured
    setup_logging(loglevel="info", logging_config=worker_logging_config("INFO"))
    early.warning("a batch could not be completed", extra={"records": 3, "first_offset": 10})
    logging.getLogger("faust.worker").info("[^Worker]: Ready")
    logging.getLogger("mode.service").debug("below the level")
    lines = [orjson.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["logger"], line["message"]) for line in lines] == [
        ("pipeline.adapters.agents", "a batch could not be completed"),
        ("faust.worker", "[^Worker]: Ready"),
    ]
    assert (lines[0]["records"], lines[0]["first_offset"]) == (3, 10)
    assert not early.disabled


def test_the_config_is_valid_for_dict_config() -> None:
    config = worker_logging_config("warning")
    assert config["root"]["level"] == "WARNING"
    assert config["disable_existing_loggers"] is False


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize(("spinner", "root_level"), [(True, logging.DEBUG), (False, logging.WARNING)])
def test_a_warning_level_worker_keeps_debug_records_unmade(
    tmp_path: Path, spinner: bool, root_level: int
) -> None:
    """Faust's terminal spinner lowers the root logger to DEBUG at WARNING; the worker runs without it."""
    from faust.worker import Worker as FaustWorker  # as run_worker: imported where it is used

    from pipeline.adapters.worker_app import build_worker, without_spinner

    settings = load_settings(worker={"store": "memory", "workdir": tmp_path, "log_level": "WARNING"})
    worker = FaustWorker(
        build_worker(settings).app, loglevel="warning", logging_config=worker_logging_config("WARNING")
    )
    if not spinner:
        without_spinner(worker)
    setup_logging(loglevel="warning", logging_config=worker_logging_config("WARNING"))
    worker.on_setup_root_logger(logging.getLogger(), logging.WARNING)

    assert logging.getLogger().level == root_level
    assert logging.getLogger("aiokafka.producer.producer").isEnabledFor(logging.DEBUG) is spinner


def _client_line(message: str, *args: object, name: str = "aiokafka") -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, message, args, None)


def test_a_kafka_client_line_repeated_during_an_outage_passes_once_per_window() -> None:
    now = [0.0]
    collapse = CollapseKafkaClientRepeats(window_s=10.0, clock=lambda: now[0])
    failed = "Unable connect to node with id %s: %s"
    passed = []
    for tick in range(200):  # 20 a second for 10 s, as aiokafka logs them while the broker is away
        now[0] = tick / 20
        line = _client_line(failed, 1, "[Errno 111] Connect call failed")
        if collapse.filter(line):
            passed.append(line)
    assert len(passed) == 1
    now[0] = 10.0
    after_the_window = _client_line(failed, 1, "[Errno 111] Connect call failed")
    assert collapse.filter(after_the_window)
    assert formatted(after_the_window)["repeated"] == 199
    assert "repeated" not in formatted(passed[0])


def test_different_client_lines_and_the_workers_own_lines_are_not_collapsed() -> None:
    collapse = CollapseKafkaClientRepeats(window_s=10.0, clock=lambda: 0.0)
    assert collapse.filter(_client_line("Unable to update metadata from %s", [1]))
    assert collapse.filter(_client_line("Unable to update metadata from %s", [2]))
    assert collapse.filter(_client_line("Unable to update metadata from %s", [1], name="kafka.client"))
    for offset in range(3):  # a dead letter per record, same message, different offsets: all kept
        assert collapse.filter(record("dead-lettered a record: %s", "validation", offset=offset))


def test_the_worker_config_collapses_client_repeats_on_its_handler() -> None:
    config = worker_logging_config("INFO")
    assert config["handlers"]["json"]["filters"] == ["kafka_client_repeats"]
    assert config["filters"]["kafka_client_repeats"]["()"].endswith(CollapseKafkaClientRepeats.__name__)
