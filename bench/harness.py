"""Shared pieces of the broker benchmarks: the machine, CPU clocks, topics, producing and worker subprocesses.

The benchmarks run the worker exactly as production does (``python -m pipeline worker``, configured by
environment variables) against a real local broker, and read progress from the output topics' end offsets,
so nothing in the measured path is instrumented.
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition as AioTopicPartition
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.structs import TopicPartition

from pipeline.devtools import local_kafka
from pipeline.devtools.local_kafka import free_port
from pipeline.devtools.processes import cpu_seconds


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages: how busy the shared machine was during a figure."""
    return [round(value, 2) for value in os.getloadavg()]


def _meminfo_gib() -> float:
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return 0.0


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe_machine() -> dict[str, Any]:
    """Cores, memory, load, CPU model and the versions that decide the figures."""
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": _meminfo_gib(),
        "load_average": load_average(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "kafka": local_kafka.KAFKA_VERSION,
        "faust_streaming": _version("faust-streaming"),
        "aiokafka": _version("aiokafka"),
        "rocksdict": _version("rocksdict"),
    }


@dataclass(frozen=True)
class TopicSet:
    """The five product topics of one benchmark deployment, named uniquely so runs never share state."""

    interactions: str
    enriched: str
    alerts: str
    stage_emotions: str
    dlq: str

    @classmethod
    def fresh(cls, label: str, interactions: str | None = None) -> TopicSet:
        token = uuid.uuid4().hex[:8]
        return cls(
            interactions=interactions or f"bench-{label}-in-{token}",
            enriched=f"bench-{label}-enriched-{token}",
            alerts=f"bench-{label}-alerts-{token}",
            stage_emotions=f"bench-{label}-stages-{token}",
            dlq=f"bench-{label}-dlq-{token}",
        )

    def env(self) -> dict[str, str]:
        return {
            "EMOTION_PIPELINE_TOPICS__INTERACTIONS": self.interactions,
            "EMOTION_PIPELINE_TOPICS__ENRICHED": self.enriched,
            "EMOTION_PIPELINE_TOPICS__ALERTS": self.alerts,
            "EMOTION_PIPELINE_TOPICS__STAGE_EMOTIONS": self.stage_emotions,
            "EMOTION_PIPELINE_TOPICS__DLQ": self.dlq,
        }


def create_topics(bootstrap: str, names: Iterable[str], partitions: int) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(name, partitions, 1) for name in names])
    finally:
        admin.close()


def produce_all(bootstrap: str, topic: str, records: Iterable[tuple[bytes | None, bytes]]) -> int:
    """Send every record and wait until the broker has them all; returns how many were sent."""
    producer = KafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=20, batch_size=256 * 1024,
        max_request_size=1_048_000,
    )
    sent = 0
    try:
        for key, value in records:
            producer.send(topic, key=key, value=value)
            sent += 1
        producer.flush()
    finally:
        producer.close()
    return sent


class OffsetWatch:
    """Reads the summed end offsets of topics, repeatedly and cheaply, from one consumer connection."""

    def __init__(self, bootstrap: str, topics: Sequence[str]) -> None:
        self._consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        self._topics = list(topics)
        self._partitions: list[TopicPartition] = []

    def _discover(self) -> None:
        partitions: list[TopicPartition] = []
        for topic in self._topics:
            found = self._consumer.partitions_for_topic(topic) or set()
            partitions.extend(TopicPartition(topic, number) for number in sorted(found))
        self._partitions = partitions

    def total(self) -> int:
        """How many records the topics hold now (nothing is deleted during a benchmark)."""
        if len(self._partitions) == 0 or len({tp.topic for tp in self._partitions}) < len(self._topics):
            self._consumer.topics()  # refresh metadata: the worker creates its output topics on start
            self._discover()
        if not self._partitions:
            return 0
        return int(sum(self._consumer.end_offsets(self._partitions).values()))

    def close(self) -> None:
        self._consumer.close()


@dataclass
class WorkerProcess:
    """One ``python -m pipeline worker`` subprocess, its log and its HTTP port."""

    process: subprocess.Popen[bytes]
    log_path: Path
    web_port: int

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    def http_status(self, path: str) -> int | None:
        """The status of GET path on the worker's web server, None when it does not answer."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}{path}", timeout=2) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except (urllib.error.URLError, OSError):
            return None

    def http_text(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}{path}", timeout=5) as response:
            return str(response.read().decode("utf-8"))

    def stop(self, timeout_s: float = 30.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def worker_env(
    bootstrap: str, topics: TopicSet, *, app_id: str, workdir: Path, web_port: int, partitions: int,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment a benchmark worker runs with: production defaults except names, ports and logging."""
    return {
        "EMOTION_PIPELINE_KAFKA__BOOTSTRAP_SERVERS": bootstrap,
        **topics.env(),
        "EMOTION_PIPELINE_TOPICS__PARTITIONS": str(partitions),
        "EMOTION_PIPELINE_WORKER__APP_ID": app_id,
        "EMOTION_PIPELINE_WORKER__WORKDIR": str(workdir),
        "EMOTION_PIPELINE_WORKER__WEB_PORT": str(web_port),
        "EMOTION_PIPELINE_WORKER__LOG_LEVEL": "WARNING",
        **(extra or {}),
    }


def start_worker(env: dict[str, str], log_path: Path, profile_to: Path | None = None) -> WorkerProcess:
    """Start ``python -m pipeline worker`` with env; with profile_to, under cProfile (stats saved on exit)."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    profiler = [] if profile_to is None else ["-m", "cProfile", "-o", str(profile_to)]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, *profiler, "-m", "pipeline", "worker"], env=full_env, stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    return WorkerProcess(process, log_path, int(env["EMOTION_PIPELINE_WORKER__WEB_PORT"]))


def worker_on_fresh_topics(bootstrap: str, label: str, *, partitions: int, workdir: Path,
                           app_prefix: str, extra_env: dict[str, str] | None = None,
                           ) -> tuple[TopicSet, WorkerProcess]:
    """Create the five product topics under fresh names and start one worker on them (not waited for)."""
    topics = TopicSet.fresh(label)
    create_topics(bootstrap, [topics.interactions, topics.enriched, topics.alerts, topics.stage_emotions,
                              topics.dlq], partitions)
    app_id = f"{app_prefix}-{topics.enriched}"
    env = worker_env(bootstrap, topics, app_id=app_id, workdir=workdir / app_id, web_port=free_port(),
                     partitions=partitions, extra=extra_env)
    return topics, start_worker(env, workdir / f"{app_id}.log")


async def assign_from_start(consumer: AIOKafkaConsumer, topics: Sequence[str], partitions: int) -> None:
    """Assign partitions 0..partitions-1 of each topic to a group-less consumer, at the beginning."""
    assigned = [AioTopicPartition(topic, number) for topic in topics for number in range(partitions)]
    consumer.assign(assigned)
    await consumer.seek_to_beginning(*assigned)


def wait_ready(workers: Sequence[WorkerProcess], timeout_s: float) -> bool:
    """Wait until every worker answers /readyz with 200 (assigned, recovered), or one exits."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not all(worker.alive() for worker in workers):
            return False
        if all(worker.http_status("/readyz") == 200 for worker in workers):
            return True
        time.sleep(0.5)
    return False
