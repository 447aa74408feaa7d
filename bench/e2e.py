"""End-to-end throughput: worker subprocesses against a raw aiokafka consumer, same broker, same records.

The input is the simulator's realistic mix (bilingual journeys, signals, surveys, about 2% duplicates and
1% malformed records). It is produced once to an input topic; then

- a raw aiokafka consumer reads the whole topic and does nothing else: the ceiling the broker and client
  library allow on this machine;
- one worker (then two) consume the same topic from the start into fresh output topics. Progress is the
  summed end offsets of the enriched and dead-letter topics, polled from outside; the rate runs from the
  first output seen to the last, converted to input records (duplicates produce no output).

Worker CPU time is read from /proc over the same interval, so events per worker CPU-second stays
meaningful on a machine shared with other work.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer
from harness import (
    OffsetWatch,
    TopicSet,
    WorkerProcess,
    assign_from_start,
    create_topics,
    load_average,
    produce_all,
    start_worker,
    worker_env,
)

from pipeline.devtools.local_kafka import free_port
from pipeline.simulation import SimulationConfig, generate

POLL_S = 0.2


@dataclass(frozen=True)
class BenchInput:
    """Records produced to the input topic, and how many outputs (enriched plus dead letters) they yield."""

    topic: str
    partitions: int
    records: int
    expected_outputs: int
    mean_record_bytes: float


def simulation_config(events: int, seed: int) -> SimulationConfig:
    """The benchmarks' stream: about eight events per customer."""
    return SimulationConfig(seed=seed, events=events, customers=max(100, events // 8))


def simulated_records(events: int, seed: int = 11) -> tuple[list[tuple[bytes | None, bytes]], int]:
    """The simulator's mix: (key, value) pairs and the number of outputs a worker writes for them."""
    config = simulation_config(events, seed)
    records: list[tuple[bytes | None, bytes]] = []
    outputs = 0
    for record in generate(config):
        records.append((record.key, record.value))
        outputs += record.kind != "duplicate"
    return records, outputs


def produce_input(bootstrap: str, events: int, partitions: int, seed: int = 11) -> BenchInput:
    """Create an input topic and fill it with ``events`` simulated records before anything consumes it."""
    records, outputs = simulated_records(events, seed)
    topic = TopicSet.fresh("e2e").interactions
    create_topics(bootstrap, [topic], partitions)
    produce_all(bootstrap, topic, records)
    mean_bytes = sum(len(value) for _, value in records) / len(records)
    return BenchInput(topic, partitions, len(records), outputs, round(mean_bytes, 1))


async def _raw_consume(
    bootstrap: str, topic: str, partitions: int, expected: int, timeout_s: float
) -> dict[str, Any]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        await assign_from_start(consumer, [topic], partitions)
        count = 0
        # From the first fetch request to the last record: the connection is already up.
        started, cpu_started = time.perf_counter(), time.process_time()
        deadline = time.monotonic() + timeout_s
        while count < expected and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            count += sum(len(messages) for messages in batches.values())
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    finally:
        await consumer.stop()
    return {
        "records": count,
        "events_per_s": round(count / elapsed) if elapsed > 0 else None,
        "events_per_cpu_s": round(count / cpu) if cpu > 0 else None,
        "seconds": round(elapsed, 3),
    }


def raw_consumer_rate(bootstrap: str, bench_input: BenchInput, timeout_s: float = 120.0) -> dict[str, Any]:
    """Read the whole input topic with a bare aiokafka consumer (no decoding): records per second."""
    result = asyncio.run(
        _raw_consume(bootstrap, bench_input.topic, bench_input.partitions, bench_input.records, timeout_s)
    )
    return {**result, "load_average": load_average()}


@dataclass
class _Sample:
    at: float
    outputs: int
    cpu_s: float


def _rate_between(samples: Sequence[_Sample], low: int, high: int, scale: float) -> float | None:
    inside = [sample for sample in samples if low <= sample.outputs <= high]
    if len(inside) < 2 or inside[-1].at <= inside[0].at:
        return None
    return (inside[-1].outputs - inside[0].outputs) / (inside[-1].at - inside[0].at) * scale


def worker_rate(
    bootstrap: str, bench_input: BenchInput, *, workers: int, partitions: int, workdir: Path,
    timeout_s: float = 900.0, profile_to: Path | None = None,
) -> dict[str, Any]:
    """Run ``workers`` worker subprocesses over the input from the start; input records per second.

    With ``profile_to`` the (single) worker runs under cProfile and writes its statistics there on exit.
    """
    topics = TopicSet.fresh(f"w{workers}", interactions=bench_input.topic)
    app_id = f"bench-{topics.enriched}"
    started: list[WorkerProcess] = []
    watch = OffsetWatch(bootstrap, [topics.enriched, topics.dlq])
    scale = bench_input.records / bench_input.expected_outputs
    samples: list[_Sample] = []
    load_before = load_average()
    launched_at = time.perf_counter()
    try:
        for number in range(workers):
            env = worker_env(bootstrap, topics, app_id=app_id, workdir=workdir / f"{app_id}-{number}",
                             web_port=free_port(), partitions=partitions)
            started.append(start_worker(env, workdir / f"{app_id}-{number}.log", profile_to=profile_to))
        deadline = time.monotonic() + timeout_s
        outputs = 0
        while outputs < bench_input.expected_outputs and time.monotonic() < deadline:
            if not all(worker.alive() for worker in started):
                break
            # Redelivery after a rebalance can repeat outputs; progress stops at what the input yields.
            outputs = min(watch.total(), bench_input.expected_outputs)
            if outputs:
                samples.append(_Sample(time.perf_counter(), outputs, sum(w.cpu_seconds() for w in started)))
            time.sleep(POLL_S)
        alive = all(worker.alive() for worker in started)
        logs = "" if alive else "\n".join(worker.log_tail() for worker in started)
    finally:
        for worker in started:
            worker.stop()
        watch.close()
    internal = OffsetWatch(bootstrap, [f"{app_id}-stage-contributions"])
    try:
        internal_messages = internal.total()
    finally:
        internal.close()
    if len(samples) < 2:
        return {"workers": workers, "error": "no progress", "alive": alive, "log_tail": logs[-2000:]}
    first, last = samples[0], samples[-1]
    elapsed = last.at - first.at
    cpu = last.cpu_s - first.cpu_s
    processed = (last.outputs - first.outputs) * scale
    expected = bench_input.expected_outputs
    return {
        "workers": workers,
        "complete": last.outputs >= expected,
        "outputs": last.outputs,
        "expected_outputs": expected,
        "startup_s": round(first.at - launched_at, 2),
        "seconds": round(elapsed, 2),
        "events_per_s": round(processed / elapsed) if elapsed > 0 else None,
        "steady_events_per_s": _round(_rate_between(samples, expected // 10, expected * 9 // 10, scale)),
        "worker_cpu_s": round(cpu, 2),
        "events_per_worker_cpu_s": round(processed / cpu) if cpu > 0 else None,
        "worker_cpu_utilisation": round(cpu / elapsed, 2) if elapsed > 0 else None,
        # Window contributions and watermarks the worker sends itself, per input record.
        "internal_messages_per_event": round(internal_messages / bench_input.records, 2),
        "alive": alive,
        "log_tail": logs[-2000:],
        "load_average_before": load_before,
        "load_average_after": load_average(),
    }


def _round(value: float | None) -> int | None:
    return None if value is None else round(value)
