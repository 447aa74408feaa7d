"""Follows what the worker writes: alerts as they come, dead letters by kind, and enriched records counted.

One kafka-python consumer in a background thread reads the session's three output topics from the start
(they are fresh per session) and keeps a ``OutputTally`` the live view reads.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

import orjson
from kafka import KafkaConsumer
from kafka.structs import TopicPartition
from pydantic import ValidationError

from pipeline.adapters.kafka_security import kafka_python_config
from pipeline.config import Settings
from pipeline.domain.records import ChurnAlert

POLL_TIMEOUT_MS: Final[int] = 300


@dataclass(frozen=True)
class AlertLine:
    """What the terminal shows of one alert."""

    customer_id: str
    level: str
    transition: str
    strikes: int
    threshold: int
    dominant_emotion: str | None
    stage: str | None
    journey: str | None
    action: str
    respond_within: str


def alert_line(alert: ChurnAlert) -> AlertLine:
    """The readable essentials of an alert: the stage is the one of its latest counted bad experience."""
    data = alert.data
    latest = data.bad_experiences[-1] if data.bad_experiences else None
    return AlertLine(
        customer_id=data.customer_id,
        level=data.level,
        transition=data.transition,
        strikes=data.strikes,
        threshold=data.threshold,
        dominant_emotion=data.dominant_emotion,
        stage=latest.stage if latest else None,
        journey=latest.journey if latest else None,
        action=data.recommended_action.action,
        respond_within=data.recommended_action.respond_within,
    )


@dataclass
class OutputTally:
    """Counts of what the worker produced so far, and alerts not yet shown. Guarded by its lock."""

    enriched: int = 0
    dead_letters: Counter[str] = field(default_factory=Counter)
    alerts: Counter[str] = field(default_factory=Counter)
    unshown: list[AlertLine] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_unshown(self) -> list[AlertLine]:
        with self.lock:
            taken, self.unshown = self.unshown, []
        return taken

    @property
    def processed(self) -> int:
        with self.lock:
            return self.enriched + sum(self.dead_letters.values())


class OutputFollower:
    """Consumes the alert, dead-letter and enriched topics in a daemon thread until ``stop``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tally = OutputTally()
        self.error: BaseException | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-outputs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        topics = self.settings.topics
        consumer = KafkaConsumer(
            **kafka_python_config(self.settings.kafka), enable_auto_commit=False, auto_offset_reset="earliest"
        )
        try:
            consumer.assign(
                [
                    TopicPartition(topic, partition)
                    for topic in (topics.alerts, topics.dlq, topics.enriched)
                    for partition in range(topics.partitions)
                ]
            )
            while not self._stopping.is_set():
                for partition, messages in consumer.poll(timeout_ms=POLL_TIMEOUT_MS).items():
                    self._count(partition.topic, [message.value for message in messages])
        except Exception as error:  # the view shows it; the demo itself goes on
            self.error = error
        finally:
            with contextlib.suppress(Exception):
                consumer.close()

    def _count(self, topic: str, values: list[bytes]) -> None:
        topics = self.settings.topics
        with self.tally.lock:
            if topic == topics.enriched:
                self.tally.enriched += len(values)
            elif topic == topics.dlq:
                for value in values:
                    self.tally.dead_letters[_dead_letter_kind(value)] += 1
            elif topic == topics.alerts:
                for value in values:
                    try:
                        line = alert_line(ChurnAlert.model_validate_json(value))
                    except ValidationError:
                        continue
                    self.tally.alerts[line.level] += 1
                    self.tally.unshown.append(line)


def _dead_letter_kind(value: bytes) -> str:
    try:
        parsed: Any = orjson.loads(value)
    except orjson.JSONDecodeError:
        return "unreadable"
    kind = parsed.get("error_kind") if isinstance(parsed, dict) else None
    return str(kind) if kind else "unknown"
