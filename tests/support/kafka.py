"""Broker test helpers: topics, producing and consuming with kafka-python, worker subprocesses."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.structs import TopicPartition

TOPIC_ROLES = ("in", "enriched", "alerts", "stages", "dlq")


def role_topics(unique: str, prefix: str = "") -> dict[str, str]:
    """Topic names of one test by role (``TOPIC_ROLES``): ``{prefix}{role}-{unique}``."""
    return {role: f"{prefix}{role}-{unique}" for role in TOPIC_ROLES}


def worker_topics_env(bootstrap: str, topics: dict[str, str], partitions: int) -> dict[str, str]:
    """A worker's broker and topic variables for topics named by role (``role_topics``)."""
    return {
        "EMOTION_PIPELINE_KAFKA__BOOTSTRAP_SERVERS": bootstrap,
        "EMOTION_PIPELINE_TOPICS__INTERACTIONS": topics["in"],
        "EMOTION_PIPELINE_TOPICS__ENRICHED": topics["enriched"],
        "EMOTION_PIPELINE_TOPICS__ALERTS": topics["alerts"],
        "EMOTION_PIPELINE_TOPICS__STAGE_EMOTIONS": topics["stages"],
        "EMOTION_PIPELINE_TOPICS__DLQ": topics["dlq"],
        "EMOTION_PIPELINE_TOPICS__PARTITIONS": str(partitions),
    }


def create_topics(bootstrap: str, names: Iterable[str], partitions: int) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(name, partitions, 1) for name in names])
    finally:
        admin.close()


def produce(bootstrap: str, topic: str, records: Iterable[tuple[bytes | None, bytes]]) -> int:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    count = 0
    try:
        for key, value in records:
            producer.send(topic, key=key, value=value)
            count += 1
        producer.flush()
    finally:
        producer.close()
    return count


def consume_all(
    bootstrap: str,
    topic: str,
    expected: int,
    timeout_s: float = 60.0,
    alive: Callable[[], bool] | None = None,
) -> list[tuple[bytes | None, bytes]]:
    """Read a topic from the start until ``expected`` records arrived, time ran out or ``alive`` fails."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        records: list[tuple[bytes | None, bytes]] = []
        deadline = time.monotonic() + timeout_s
        while len(records) < expected and time.monotonic() < deadline:
            if alive is not None and not alive():
                break
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend((message.key, message.value) for message in batch)
        return records
    finally:
        consumer.close()


@dataclass
class WorkerProcess:
    """A worker run as a subprocess, as in production, so tests can kill it."""

    process: subprocess.Popen[bytes]
    log_path: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, timeout_s: float = 30.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def end_offsets_total(bootstrap: str, topic: str) -> int:
    """How many records a topic holds (sum of end offsets; nothing is deleted in tests)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


def wait_for(condition: Callable[[], bool], timeout_s: float, poll_s: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll_s)
    return condition()


def read_topic(bootstrap: str, topic: str, timeout_s: float = 30.0) -> list[tuple[bytes | None, bytes]]:
    """Every record a topic holds right now (up to the end offsets seen at the start)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            return []
        ends = consumer.end_offsets(partitions)
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        records: list[tuple[bytes | None, bytes]] = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and any(consumer.position(tp) < ends[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend((message.key, message.value) for message in batch)
        return records
    finally:
        consumer.close()
