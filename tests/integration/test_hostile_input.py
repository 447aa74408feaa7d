"""Hostile input through a real worker: every bad record dead-lettered with its reason, nothing else touched.

More than 10,000 malformed and adversarial records (random bytes, truncated and oversized JSON, deep
nesting, wrong types, invalid UTF-8, NaN and out-of-range numbers, texts one character over the limit,
unknown enum values, far-future event times, wrong, missing and unreadable keys, tombstones) are
interleaved with valid events, including awkward valid ones (texts of exactly 20,000 characters,
timestamps in year 1 and in 1970 at +14:00, control characters, unknown journeys and languages, unknown
nested fields). One worker subprocess consumes them all from a real broker. Then:

- every bad record is in the dead-letter topic exactly once, with its original bytes, position and an
  error kind allowed for how it was broken, and a message;
- every valid event is enriched (by event id), and the alerts are exactly those a clean in-memory run of
  the valid events alone produces, so bad records changed no customer's state;
- the worker is alive (``/healthz`` 200) and ``emotion_pipeline_dead_letters_total`` counts the same
  records per reason as the dead-letter topic holds.

``HOSTILE_INPUT_SCALE`` multiplies the number of records (default 1: about 10,700 bad and 4,300 valid).
"""

from __future__ import annotations

import base64
import os
import random
import re
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from support.kafka import (
    WorkerProcess,
    create_topics,
    end_offsets_total,
    produce,
    read_topic,
    role_topics,
    wait_for,
    worker_topics_env,
)
from support.streams import event_stream

from pipeline.assembly import assemble
from pipeline.config import load_settings
from pipeline.devtools.local_kafka import free_port
from pipeline.domain.codec import MAX_DEAD_LETTER_ORIGINAL_BYTES
from pipeline.domain.event import MAX_TEXT_CHARS
from pipeline.domain.partitioning import kafka_partition
from pipeline.metrics_port import NullMetrics
from pipeline.processor import InputRecord
from pipeline.replay import MemoryCustomerStore, MemoryWatermarks, record_key

pytestmark = [pytest.mark.broker, pytest.mark.reliability]

PARTITIONS = 4
MAX_RECORD_BYTES = 65_536
SCALE = float(os.environ.get("HOSTILE_INPUT_SCALE", "1"))
COMPLETION_TIMEOUT_S = 240 * max(1.0, SCALE)

# How many bad records of each way of breaking them, before scaling.
BAD_COUNTS: dict[str, int] = {
    "random_bytes": 1_400,
    "truncated_json": 1_200,
    "huge_json": 40,
    "deep_nesting": 400,
    "wrong_type": 1_200,
    "invalid_utf8": 900,
    "invalid_utf8_key": 150,
    "non_finite_number": 500,
    "out_of_range_number": 700,
    "text_over_limit": 150,
    "unknown_enum": 1_000,
    "key_not_customer_id": 800,
    "missing_key": 600,
    "oversized_key": 100,
    "missing_field": 600,
    "not_object": 300,
    "empty_value": 100,
    "tombstone": 60,
    "unsupported_schema_version": 200,
    "bad_timestamp": 300,
    "future_timestamp": 200,
}
VALID_STREAM_EVENTS = 4_000
AWKWARD_VALID_EVENTS = 300
LIMIT_LENGTH_TEXTS = 24

# The error kinds each way of breaking a record may legitimately be reported as.
ALLOWED_KINDS: dict[str, frozenset[str]] = {
    "random_bytes": frozenset({"not_utf8", "not_json", "not_object"}),
    "truncated_json": frozenset({"not_json", "not_utf8"}),
    "huge_json": frozenset({"too_large"}),
    "deep_nesting": frozenset({"too_large"}),
    "wrong_type": frozenset({"validation"}),
    "invalid_utf8": frozenset({"not_utf8"}),
    "invalid_utf8_key": frozenset({"not_utf8"}),
    "non_finite_number": frozenset({"not_json", "validation"}),
    "out_of_range_number": frozenset({"validation", "not_json"}),
    "text_over_limit": frozenset({"validation"}),
    "unknown_enum": frozenset({"validation"}),
    "key_not_customer_id": frozenset({"validation"}),
    "missing_key": frozenset({"missing_key"}),
    "oversized_key": frozenset({"validation"}),
    "missing_field": frozenset({"validation"}),
    "not_object": frozenset({"not_object"}),
    "empty_value": frozenset({"not_json"}),
    "tombstone": frozenset({"not_json"}),
    "unsupported_schema_version": frozenset({"unsupported_schema_version"}),
    "bad_timestamp": frozenset({"validation"}),
    "future_timestamp": frozenset({"validation"}),
}

SENTENCES = (
    "The courier never came and nobody answers the phone. ",
    "Thanks, the agent sorted it out in minutes! ",
    "我的退款到现在还没到账，太失望了。",
    "服務很好，謝謝你們的耐心。",
    "Can I move my booking to next Friday? ",
)


@dataclass(frozen=True)
class HostileRecord:
    """One record to produce; ``breakage`` names how a bad one is broken (None: a valid event)."""

    key: bytes | None
    value: bytes | None
    breakage: str | None = None


def _event(number: int, rng: random.Random, **fields: Any) -> dict[str, Any]:
    customer = f"hostile-cust-{rng.randrange(400):04d}"
    return {
        "event_id": f"hostile-{number:07d}",
        "customer_id": customer,
        "occurred_at": "2026-03-02T10:15:00+08:00",
        "channel": rng.choice(["chat", "phone", "email", "survey"]),
        "journey": rng.choice(["ecommerce", "travel", "telecom", "banking"]),
        "text": rng.choice(SENTENCES),
        **fields,
    }


def _keyed(event: dict[str, Any]) -> bytes:
    return str(event["customer_id"]).encode()


def _nested(depth: int, rng: random.Random) -> bytes:
    if rng.random() < 0.5:
        return b"[" * depth + b"1" + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


def _with_raw_field(event: dict[str, Any], name: str, raw_json: bytes) -> bytes:
    return orjson.dumps(event)[:-1] + b',"' + name.encode() + b'":' + raw_json + b"}"


def _replace_raw(event: dict[str, Any], path: str, raw_json: bytes) -> bytes:
    """The event with ``path`` (top-level or one level down) set to raw JSON that orjson cannot write."""
    parent, _, child = path.partition(".")
    if not child:
        return _with_raw_field({k: v for k, v in event.items() if k != parent}, parent, raw_json)
    inner = {k: v for k, v in event.get(parent, {}).items() if k != child}
    separator = b"," if inner else b""
    inner_json = orjson.dumps(inner)[:-1] + separator + b'"' + child.encode() + b'":' + raw_json + b"}"
    return _with_raw_field({k: v for k, v in event.items() if k != parent}, parent, inner_json)


def _random_bytes(number: int, rng: random.Random) -> HostileRecord:
    size = rng.choice([1, 2, 3, 7, 16, 64, 300, 2_000])
    # The number at the end keeps every record distinct.
    value = rng.randbytes(size) + number.to_bytes(4, "big")
    return HostileRecord(f"hostile-cust-{number % 400:04d}".encode(), value)


def _truncated(number: int, rng: random.Random) -> HostileRecord:
    event = _event(number, rng)
    encoded = orjson.dumps(event)
    return HostileRecord(_keyed(event), encoded[: rng.randint(1, len(encoded) - 2)])


def _huge(number: int, rng: random.Random) -> HostileRecord:
    # Above the worker's limit; the dead letter (base64, 4/3 larger) must still fit a 1 MB Kafka record.
    size = rng.randint(MAX_RECORD_BYTES + 1, 700_000)
    event = _event(number, rng, notes="x" * size)
    return HostileRecord(_keyed(event), orjson.dumps(event))


def _deep(number: int, rng: random.Random) -> HostileRecord:
    event = _event(number, rng)
    if rng.random() < 0.5:
        return HostileRecord(_keyed(event), _nested(rng.randint(300, 20_000), rng))
    nested = _nested(rng.randint(300, 20_000), rng)
    return HostileRecord(_keyed(event), _with_raw_field(event, "payload", nested))


WRONG_TYPES: tuple[tuple[str, Any], ...] = (
    ("customer_id", 12345), ("event_id", None), ("occurred_at", 1_767_225_600), ("channel", ["chat"]),
    ("text", 42), ("text", {"body": "hi"}), ("journey", False), ("signals", "on hold"),
    ("signals", {"transfers": "three"}), ("signals", {"resolved": "yes"}), ("rating", 5),
    ("rating", {"scale": "csat5", "value": "5"}), ("attributes", ["a", "b"]), ("attributes", {"tier": 3}),
    ("selected_emotions", {"emotion": "joy"}), ("voice", {"arousal": True}), ("language", 7),
    ("schema_version", "1"), ("stage", 3.5), ("agent_id", ["x"]),
)


def _wrong_type(number: int, rng: random.Random) -> HostileRecord:
    name, bad = WRONG_TYPES[number % len(WRONG_TYPES)]
    event = _event(number, rng)
    key = _keyed(event)
    event[name] = bad
    return HostileRecord(key, orjson.dumps(event))


def _invalid_utf8(number: int, rng: random.Random) -> HostileRecord:
    event = _event(number, rng, text="PLACEHOLDER")
    encoded = orjson.dumps(event)
    bad = rng.choice([b"caf\xe9", b"\xc3\x28", b"\xed\xa0\x80", b"\xf0\x28\x8c\xbc", b"\xc0\xaf", b"\xff\xfe",
                      "退款".encode("gbk"), b"\xe2\x82"])
    return HostileRecord(_keyed(event), encoded.replace(b"PLACEHOLDER", b"abc " + bad + b" xyz"))


def _invalid_utf8_key(number: int, rng: random.Random) -> HostileRecord:
    event = _event(number, rng)
    return HostileRecord(b"cust-\xff\xfe-" + str(number).encode(), orjson.dumps(event))


NON_FINITE_PATHS = (
    "rating.value", "voice.arousal", "signals.wait_seconds", "extra_score", "selected_emotions",
)


def _non_finite(number: int, rng: random.Random) -> HostileRecord:
    event = _event(number, rng, rating={"scale": "csat5"}, voice={}, signals={})
    literal = rng.choice([b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e999"])
    path = NON_FINITE_PATHS[number % len(NON_FINITE_PATHS)]
    if path == "selected_emotions":
        raw = _with_raw_field({k: v for k, v in event.items() if k != path}, path,
                              b'[{"emotion":"joy","intensity":' + literal + b"}]")
    else:
        raw = _replace_raw(event, path, literal)
    return HostileRecord(_keyed(event), raw)


OUT_OF_RANGE: tuple[tuple[str, Any], ...] = (
    ("rating", {"scale": "nps10", "value": 11}), ("rating", {"scale": "csat5", "value": 0}),
    ("rating", {"scale": "stars5", "value": -1}), ("voice", {"valence": 1.5}), ("voice", {"arousal": -0.1}),
    ("signals", {"wait_seconds": -5}), ("signals", {"hold_seconds": 10**12}),
    ("signals", {"transfers": 1001}),
    ("selected_emotions", [{"emotion": "anger", "intensity": 2}]), ("voice", {"overtalk": 7}),
    ("attributes", {f"k{i}": "v" for i in range(40)}), ("event_id", ""), ("customer_id", "c" * 129),
)


def _out_of_range(number: int, rng: random.Random) -> HostileRecord:
    name, bad = OUT_OF_RANGE[number % len(OUT_OF_RANGE)]
    event = _event(number, rng)
    key = _keyed(event)
    event[name] = bad
    if name == "customer_id":
        key = b"hostile-cust-0000"
    huge_int = rng.random() < 0.15
    raw = _replace_raw(event, "signals.transfers", b"1" + b"0" * 40) if huge_int else orjson.dumps(event)
    return HostileRecord(key, raw)


def _text_over_limit(number: int, rng: random.Random) -> HostileRecord:
    text = (rng.choice(SENTENCES) * (MAX_TEXT_CHARS // 10 + 2))[: MAX_TEXT_CHARS + 1]
    event = _event(number, rng, text=text)
    return HostileRecord(_keyed(event), orjson.dumps(event))


UNKNOWN_ENUMS: tuple[tuple[str, Any], ...] = (
    ("channel", "fax"), ("channel", "PHONE"), ("channel", "whatsapp"), ("channel", ""),
    ("rating", {"scale": "csat7", "value": 3}),
    ("selected_emotions", [{"emotion": "rage", "intensity": 0.5}]),
    ("selected_emotions", [{"emotion": "love", "intensity": 0.5}]), ("signals", {"mood": "angry"}),
    ("voice", {"pitch": 0.3}), ("rating", {"scale": "csat5", "value": 3, "comment": "ok"}),
)


def _unknown_enum(number: int, rng: random.Random) -> HostileRecord:
    name, bad = UNKNOWN_ENUMS[number % len(UNKNOWN_ENUMS)]
    event = _event(number, rng)
    event[name] = bad
    return HostileRecord(_keyed(event), orjson.dumps(event))


def _key_not_customer_id(number: int, rng: random.Random) -> HostileRecord:
    event = _event(number, rng)
    customer_id = str(event["customer_id"])
    wrong = rng.choice([f"{customer_id}-x", "someone-else", customer_id.upper()])
    return HostileRecord(wrong.encode(), orjson.dumps(event))


def _missing_key(number: int, rng: random.Random) -> HostileRecord:
    event = _event(number, rng)
    return HostileRecord(rng.choice([None, b""]), orjson.dumps(event))


def _oversized_key(number: int, rng: random.Random) -> HostileRecord:
    event = _event(number, rng, customer_id="k" * 129)
    return HostileRecord(b"k" * rng.randint(129, 4_000), orjson.dumps(event))


def _missing_field(number: int, rng: random.Random) -> HostileRecord:
    event = _event(number, rng)
    key = _keyed(event)
    for name in rng.sample(["event_id", "customer_id", "occurred_at", "channel"], rng.randint(1, 4)):
        del event[name]
    return HostileRecord(key, orjson.dumps(event))


NOT_OBJECTS = (b"null", b"true", b"42", b'"a string"', b"[]", b"[1,2,3]", b'[{"event_id":"x"}]', b"-0.5e3")


def _not_object(number: int, rng: random.Random) -> HostileRecord:
    return HostileRecord(b"hostile-cust-0001", NOT_OBJECTS[number % len(NOT_OBJECTS)] + b" " * (number % 7))


def _empty(number: int, rng: random.Random) -> HostileRecord:
    return HostileRecord(b"hostile-cust-0002", b" " * (number % 4))


def _tombstone(number: int, rng: random.Random) -> HostileRecord:
    return HostileRecord(f"hostile-cust-{number % 400:04d}".encode(), None)


def _schema_version(number: int, rng: random.Random) -> HostileRecord:
    event = _event(number, rng, schema_version=rng.choice([0, 2, 99, -1]))
    return HostileRecord(_keyed(event), orjson.dumps(event))


BAD_TIMESTAMPS = ("2026-03-02T10:15:00", "2026-02-30T10:00:00Z", "yesterday", "", "2026-13-01T00:00:00Z",
                  "10000-01-01T00:00:00Z", "2026-03-02 10:15", "0000-01-01T00:00:00Z")


def _bad_timestamp(number: int, rng: random.Random) -> HostileRecord:
    event = _event(number, rng, occurred_at=BAD_TIMESTAMPS[number % len(BAD_TIMESTAMPS)])
    return HostileRecord(_keyed(event), orjson.dumps(event))


# Far-future event times are refused (they would drag a partition's watermark ahead of every real event).
FUTURE_TIMESTAMPS = ("9999-12-31T23:59:59Z", "2999-01-01T00:00:00+08:00", "2200-06-15T12:00:00-05:00")


def _future_timestamp(number: int, rng: random.Random) -> HostileRecord:
    event = _event(number, rng, occurred_at=FUTURE_TIMESTAMPS[number % len(FUTURE_TIMESTAMPS)])
    return HostileRecord(_keyed(event), orjson.dumps(event))


MAKERS: dict[str, Callable[[int, random.Random], HostileRecord]] = {
    "random_bytes": _random_bytes,
    "truncated_json": _truncated,
    "huge_json": _huge,
    "deep_nesting": _deep,
    "wrong_type": _wrong_type,
    "invalid_utf8": _invalid_utf8,
    "invalid_utf8_key": _invalid_utf8_key,
    "non_finite_number": _non_finite,
    "out_of_range_number": _out_of_range,
    "text_over_limit": _text_over_limit,
    "unknown_enum": _unknown_enum,
    "key_not_customer_id": _key_not_customer_id,
    "missing_key": _missing_key,
    "oversized_key": _oversized_key,
    "missing_field": _missing_field,
    "not_object": _not_object,
    "empty_value": _empty,
    "tombstone": _tombstone,
    "unsupported_schema_version": _schema_version,
    "bad_timestamp": _bad_timestamp,
    "future_timestamp": _future_timestamp,
}

AWKWARD_FIELDS: tuple[dict[str, Any], ...] = (
    {"occurred_at": "0001-01-01T00:00:00Z"},
    {"occurred_at": "1970-01-01T00:00:00+14:00"},
    {"occurred_at": "2026-03-02T10:15:00.123456789-12:00"},
    {"journey": "spaceflight", "stage": "launch_pad"},
    {"language": "tlh", "text": "Heghlu'meH QaQ jajvam"},
    {"language": "ar", "text": "الخدمة كانت سيئة جدا"},
    {"text": "😡😡😡 \u200b\u200d zero width \u202e reversed"},
    {"text": "nul \u0000 bell \u0007 escape \u001b[31m red"},
    {"text": ""},
    {"extra": {"deep": [[[[[[[[[[{"ok": True}]]]]]]]]]]}, "tags": [1, "two", None]},
    {"rating": {"scale": "nps10", "value": 0}, "signals": {"transfers": 1000, "hold_seconds": 31_536_000}},
    {"selected_emotions": [{"emotion": "anticipation", "intensity": 0.0}] * 16},
    {"attributes": {f"k{i}": "v" * 1024 for i in range(32)}},
)


def awkward_valid(number: int, rng: random.Random) -> HostileRecord:
    event = _event(number, rng, **AWKWARD_FIELDS[number % len(AWKWARD_FIELDS)])
    event["event_id"] = f"awkward-{number:06d}"
    return HostileRecord(_keyed(event), orjson.dumps(event))


def limit_length_text(number: int, rng: random.Random) -> HostileRecord:
    text = (rng.choice(SENTENCES) * (MAX_TEXT_CHARS // 10))[:MAX_TEXT_CHARS]
    event = _event(number, rng, text=text)
    event["event_id"] = f"limit-text-{number:04d}"
    return HostileRecord(_keyed(event), orjson.dumps(event))


def hostile_stream(scale: float, seed: int = 41) -> list[HostileRecord]:
    """Bad records of every kind and valid events, shuffled together; valid events keep their order."""
    rng = random.Random(seed)
    bad = [
        replace(MAKERS[breakage](number, rng), breakage=breakage)
        for breakage, count in BAD_COUNTS.items()
        for number in range(max(1, round(count * scale)))
    ]
    stream = event_stream(round(VALID_STREAM_EVENTS * scale), 300, seed=seed)
    valid = [HostileRecord(record_key(value), value) for value in stream]
    valid += [awkward_valid(number, rng) for number in range(round(AWKWARD_VALID_EVENTS * scale))]
    valid += [limit_length_text(number, rng) for number in range(LIMIT_LENGTH_TEXTS)]
    rng.shuffle(bad)
    merged: list[HostileRecord] = []
    bad_iter, valid_iter = iter(bad), iter(valid)
    remaining_bad, remaining_valid = len(bad), len(valid)
    while remaining_bad or remaining_valid:
        if rng.random() * (remaining_bad + remaining_valid) < remaining_bad:
            merged.append(next(bad_iter))
            remaining_bad -= 1
        else:
            merged.append(next(valid_iter))
            remaining_valid -= 1
    return merged


def expected_outputs(records: list[HostileRecord]) -> tuple[set[str], set[str]]:
    """Event ids enriched and alert ids sent by a clean in-memory run of the valid records alone."""
    components = assemble(load_settings(topics={"partitions": PARTITIONS}), NullMetrics())
    customers, watermarks = MemoryCustomerStore(), MemoryWatermarks()
    next_offset: Counter[int] = Counter()
    enriched: set[str] = set()
    alerts: set[str] = set()
    for record in records:
        if record.breakage is not None or record.key is None or record.value is None:
            continue
        partition = kafka_partition(record.key, PARTITIONS)
        position = InputRecord(record.value, record.key, "in", partition, next_offset[partition])
        outputs = components.processor.process(position, customers, watermarks)
        next_offset[partition] += 1
        assert outputs.dead_letter is None, f"a valid record was refused: {outputs.dead_letter}"
        if outputs.enriched is not None:
            enriched.add(outputs.enriched.event.event_id)
        alerts.update(alert.id for alert in outputs.alerts)
    return enriched, alerts


def dead_letter_counts(metrics_text: str) -> Counter[str]:
    pattern = re.compile(
        r'^emotion_pipeline_dead_letters_total\{reason="([^"]+)"\} ([0-9.e+]+)$', re.MULTILINE
    )
    return Counter({reason: round(float(value)) for reason, value in pattern.findall(metrics_text)})


def _http(port: int, path: str) -> tuple[int, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return int(response.status), response.read().decode("utf-8")


def _identity(key: bytes | None, value: bytes | None) -> tuple[str | None, str]:
    """How a bad record is found in the dead-letter topic: its key and the part of its value kept there."""
    kept = (value or b"")[:MAX_DEAD_LETTER_ORIGINAL_BYTES]
    return (None if key is None else base64.b64encode(key).decode(), base64.b64encode(kept).decode())


def _worker_env(
    bootstrap: str, topics: dict[str, str], unique: str, tmp_path: Path, web_port: int
) -> dict[str, str]:
    return {
        **worker_topics_env(bootstrap, topics, PARTITIONS),
        "EMOTION_PIPELINE_WORKER__APP_ID": f"app-{unique}",
        "EMOTION_PIPELINE_WORKER__WORKDIR": str(tmp_path / "state"),
        "EMOTION_PIPELINE_WORKER__WEB_PORT": str(web_port),
        "EMOTION_PIPELINE_WORKER__MAX_RECORD_BYTES": str(MAX_RECORD_BYTES),
        "EMOTION_PIPELINE_WORKER__LOG_LEVEL": "ERROR",
    }


def _records_by_breakage(records: list[HostileRecord]) -> Iterator[tuple[str, int]]:
    yield from Counter(record.breakage for record in records if record.breakage is not None).items()


def test_hostile_records_are_dead_lettered_and_valid_events_are_untouched(
    bootstrap: str, unique: str, tmp_path: Path, start_worker: Callable[..., WorkerProcess]
) -> None:
    records = hostile_stream(SCALE)
    bad = [record for record in records if record.breakage is not None]
    assert len(bad) >= 10_000 * min(1.0, SCALE), dict(_records_by_breakage(records))
    want_enriched, want_alerts = expected_outputs(records)
    assert len(want_alerts) > 50, "the valid events must exercise the churn rule"
    topics = role_topics(unique, "hostile-")
    create_topics(bootstrap, topics.values(), PARTITIONS)
    produce(bootstrap, topics["in"], ((record.key, record.value) for record in records))
    web_port = free_port()
    worker = start_worker(_worker_env(bootstrap, topics, unique, tmp_path, web_port), name="hostile")

    def done() -> bool:
        enriched = end_offsets_total(bootstrap, topics["enriched"])
        dead = end_offsets_total(bootstrap, topics["dlq"])
        return enriched + dead >= len(want_enriched) + len(bad) or not worker.alive()

    finished = wait_for(done, COMPLETION_TIMEOUT_S, poll_s=2)
    assert worker.alive(), worker.log()[-4000:]
    assert finished, f"the worker did not get through the stream in time\n{worker.log()[-4000:]}"

    letters = [orjson.loads(value) for _, value in read_topic(bootstrap, topics["dlq"], timeout_s=60)]
    by_identity = {_identity(r.key, r.value): r.breakage for r in bad}
    sizes = {_identity(r.key, r.value): len(r.value or b"") for r in bad}
    found: Counter[tuple[str | None, str]] = Counter()
    wrong_kinds: list[str] = []
    for letter in letters:
        identity = (letter["original_key_base64"], letter["original_value_base64"])
        breakage = by_identity.get(identity)
        assert breakage is not None, f"a record was dead-lettered that is not bad: {letter['error_message']}"
        found[identity] += 1
        assert letter["original_size_bytes"] == sizes[identity]
        assert letter["original_truncated"] == (sizes[identity] > MAX_DEAD_LETTER_ORIGINAL_BYTES)
        assert letter["error_message"]
        assert letter["topic"] == topics["in"]
        assert letter["offset"] is not None
        if letter["error_kind"] not in ALLOWED_KINDS[breakage]:
            wrong_kinds.append(f"{breakage} -> {letter['error_kind']}: {letter['error_message'][:160]}")
    missing = Counter(by_identity[identity] for identity in by_identity if identity not in found)
    assert not missing, f"bad records missing from the dead-letter topic: {dict(missing)}"
    assert not wrong_kinds, "\n".join(wrong_kinds[:20])
    assert len(letters) == len(bad), f"{len(letters) - len(bad)} dead letters were written twice"

    enriched_ids = {orjson.loads(value)["event"]["event_id"]
                    for _, value in read_topic(bootstrap, topics["enriched"], timeout_s=60)}
    missing_ids, unexpected_ids = sorted(want_enriched - enriched_ids), sorted(enriched_ids - want_enriched)
    assert enriched_ids == want_enriched, f"missing {missing_ids[:10]}, unexpected {unexpected_ids[:10]}"
    alerts = read_topic(bootstrap, topics["alerts"], timeout_s=60)
    alert_ids = {orjson.loads(value)["id"] for _, value in alerts}
    assert alert_ids == want_alerts

    status, _ = _http(web_port, "/healthz")
    assert status == 200
    _, metrics_text = _http(web_port, "/metrics")
    by_kind = Counter(letter["error_kind"] for letter in letters)
    counted = dead_letter_counts(metrics_text)
    assert +counted == by_kind, f"metrics {dict(counted)} vs dead-letter topic {dict(by_kind)}"
    assert worker.alive()
    print(f"\nhostile input: {len(bad)} bad records by kind {dict(sorted(by_kind.items()))}, "
          f"{len(want_enriched)} valid events enriched, {len(want_alerts)} alerts")


def test_a_refused_record_near_the_broker_limit_loses_nothing(
    bootstrap: str, unique: str, tmp_path: Path, start_worker: Callable[..., WorkerProcess]
) -> None:
    rng = random.Random(5)
    customer = {"customer_id": "near-limit-customer"}
    valid = [orjson.dumps(_event(number, rng, **customer)) for number in range(30)]
    refused = orjson.dumps(_event(999, rng, channel="fax", notes="x" * 850_000, **customer))
    topics = role_topics(unique, "near-limit-")
    create_topics(bootstrap, topics.values(), PARTITIONS)
    web_port = free_port()
    worker = start_worker(_worker_env(bootstrap, topics, unique, tmp_path, web_port), name="near-limit")
    key = b"near-limit-customer"
    produce(bootstrap, topics["in"], [(key, value) for value in valid[:10]] + [(key, refused)]
            + [(key, value) for value in valid[10:29]])
    # The last event goes out once the worker has handled something, so it lands in a later batch than the
    # refused record: once it is enriched, everything before it was handled.
    def started() -> bool:
        enriched = end_offsets_total(bootstrap, topics["enriched"])
        return enriched + end_offsets_total(bootstrap, topics["dlq"]) > 0

    assert wait_for(started, 240, poll_s=1), worker.log()[-3000:]
    produce(bootstrap, topics["in"], [(key, valid[29])])

    def last_event_enriched() -> bool:
        values = [value for _, value in read_topic(bootstrap, topics["enriched"], timeout_s=30)]
        return any(b'"event_id":"hostile-0000029"' in value for value in values)

    assert wait_for(last_event_enriched, 120, poll_s=2), worker.log()[-3000:]
    assert end_offsets_total(bootstrap, topics["dlq"]) == 1, worker.log()[-3000:]
    assert end_offsets_total(bootstrap, topics["enriched"]) == len(valid)
