"""Produce-to-alert latency at a fixed offered rate, through a worker subprocess and a real broker.

A worker is started on fresh topics and waits until it is ready (assigned, recovered). Then the simulator's
stream (where some customers reach at_risk and churn_threshold), its event time moving with the clock as in
production (``--compressed``: the simulator's two weeks), is produced at a steady rate; the wall time
each event id was first sent is stamped. A consumer in the same process reads the alert and enriched topics
as records arrive and matches ``data.triggering_event_id`` (alerts) and ``event.event_id`` (enriched) to
their stamps. Events sent during the warm-up are not counted.

Run alone it starts its own broker; the worker takes its settings from the environment as in production:

    EMOTION_PIPELINE_WORKER__BATCH_SIZE=100 .venv/bin/python bench/latency.py --rate 540 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from e2e import simulation_config
from harness import (
    TopicSet,
    assign_from_start,
    load_average,
    wait_ready,
    worker_on_fresh_topics,
)

from pipeline.devtools import local_kafka
from pipeline.simulation import SimulationConfig, generate

SEND_TICK_S = 0.005
SECONDS_PER_DAY = 86_400
STORY_DAYS = 10  # a real-time run squeezes this much of each customer's contacts into its duration
DRAIN_TIMEOUT_S = 60.0


@dataclass
class _Stamps:
    sent_at: dict[str, float] = field(default_factory=dict)
    counted_from: float = 0.0
    alert_ms: list[float] = field(default_factory=list)
    enriched_ms: list[float] = field(default_factory=list)
    enriched_seen: set[str] = field(default_factory=set)
    alerts_seen: int = 0
    # Per enriched record: when it was sent, when the worker produced its enriched record
    # (``processed_at``) and when it was received: where a slow record spent its time.
    legs: list[tuple[float, float, float]] = field(default_factory=list)

    def latency_ms(self, event_id: str, received_at: float) -> float | None:
        sent = self.sent_at.get(event_id)
        if sent is None or sent < self.counted_from:
            return None
        return (received_at - sent) * 1000


def _event_id(value: bytes) -> str | None:
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    event_id = parsed.get("event_id") if isinstance(parsed, dict) else None
    return event_id if isinstance(event_id, str) else None


def stream_config(events: int, seed: int, duration_s: float, *, realtime: bool) -> SimulationConfig:
    """The benchmarks' mix; ``realtime``: event time moves with the clock, as in production.

    The simulator spreads arrivals over two weeks of event time by default: offered in half a minute, every
    batch then spans hours of event time and closes windows, which a live stream does once an hour. The
    real-time stream has customers arrive over the run and squeezes their stories (days of contacts) into it.
    """
    config = simulation_config(events, seed)
    if not realtime:
        return config
    # Validated like any config (model_copy would not): a very short run would exceed the largest speedup.
    squeezed = {"arrival_days": duration_s / SECONDS_PER_DAY,
                "speedup": STORY_DAYS * SECONDS_PER_DAY / duration_s}
    return SimulationConfig.model_validate({**config.model_dump(), **squeezed})


def latency_stream(config: SimulationConfig) -> tuple[list[tuple[bytes | None, bytes]], set[str]]:
    """The records to offer, and the event ids the worker enriches (an id whose every copy is malformed only
    reaches the DLQ)."""
    records: list[tuple[bytes | None, bytes]] = []
    enriched: set[str] = set()
    for record in generate(config):
        records.append((record.key, record.value))
        event_id = _event_id(record.value) if record.kind != "malformed" else None
        if event_id is not None:
            enriched.add(event_id)
    return records, enriched


def percentiles(values: Sequence[float]) -> dict[str, float | int | None]:
    """p50, p90, p99 and max of a list of latencies, with how many there were."""
    if len(values) < 2:
        return {"count": len(values), "p50": None, "p90": None, "p99": None, "max": None}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"count": len(values), "p50": round(cuts[49], 1), "p90": round(cuts[89], 1),
            "p99": round(cuts[98], 1), "max": round(max(values), 1)}


def legs_summary(stamps: _Stamps) -> dict[str, Any]:
    """Where enriched records spent their time: sent to processed (the consumer's fetch, the worker's queue
    and its work) and processed to received (the wait for the batch's acknowledgements, the broker, the
    bench's consumer); and the three slowest seconds of sending, each with its slowest record's legs."""
    if not stamps.legs:
        return {}
    by_second: dict[int, tuple[float, float, float]] = {}
    for sent, processed, received in stamps.legs:
        second = int(sent - stamps.counted_from)
        legs = ((received - sent) * 1000, (processed - sent) * 1000, (received - processed) * 1000)
        if second not in by_second or legs[0] > by_second[second][0]:
            by_second[second] = legs
    slowest = sorted(by_second.items(), key=lambda item: item[1][0], reverse=True)[:3]
    return {
        "sent_to_processed_ms": percentiles(
            [(processed - sent) * 1000 for sent, processed, _ in stamps.legs]
        ),
        "processed_to_received_ms": percentiles(
            [(received - processed) * 1000 for _, processed, received in stamps.legs]
        ),
        "slowest_seconds": [
            {"second": second, "total_ms": round(total, 1), "sent_to_processed_ms": round(work, 1),
             "processed_to_received_ms": round(delivery, 1)}
            for second, (total, work, delivery) in slowest
        ],
    }


async def _collect(
    bootstrap: str, topics: TopicSet, partitions: int, stamps: _Stamps, stop: asyncio.Event
) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        await assign_from_start(consumer, [topics.alerts, topics.enriched], partitions)
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=100)
            received_at = time.time()
            for partition, messages in batches.items():
                for message in messages:
                    _record(stamps, partition.topic == topics.alerts, message.value, received_at)
    finally:
        await consumer.stop()


def _record(stamps: _Stamps, is_alert: bool, value: bytes, received_at: float) -> None:
    if is_alert:
        stamps.alerts_seen += 1
        trigger = orjson.loads(value).get("data", {}).get("triggering_event_id")
        latency = stamps.latency_ms(trigger, received_at) if isinstance(trigger, str) else None
        if latency is not None:
            stamps.alert_ms.append(latency)
        return
    record = orjson.loads(value)
    event = record.get("event", {})
    event_id = event.get("event_id") if isinstance(event, dict) else None
    if isinstance(event_id, str) and event_id not in stamps.enriched_seen:
        stamps.enriched_seen.add(event_id)
        latency = stamps.latency_ms(event_id, received_at)
        if latency is not None:
            stamps.enriched_ms.append(latency)
            processed_at = record.get("processed_at")
            if isinstance(processed_at, str):
                processed = datetime.fromisoformat(processed_at).timestamp()
                stamps.legs.append((stamps.sent_at[event_id], processed, received_at))


async def _offer(
    bootstrap: str, topic: str, records: list[tuple[bytes | None, bytes]], *, rate: float, warmup_s: float,
    stamps: _Stamps,
) -> float:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    await producer.start()
    try:
        started = time.perf_counter()
        stamps.counted_from = time.time() + warmup_s
        sent = 0
        while sent < len(records):
            due = min(len(records), int((time.perf_counter() - started) * rate) + 1)
            while sent < due:
                key, value = records[sent]
                event_id = _event_id(value)
                if event_id is not None:
                    stamps.sent_at.setdefault(event_id, time.time())
                await producer.send(topic, value=value, key=key)
                sent += 1
            await asyncio.sleep(SEND_TICK_S)
        await producer.flush()
        return sent / (time.perf_counter() - started)
    finally:
        await producer.stop()


async def _run(
    bootstrap: str, topics: TopicSet, records: list[tuple[bytes | None, bytes]], *, partitions: int,
    rate: float, warmup_s: float, expected_enriched: int,
) -> tuple[_Stamps, float]:
    stamps = _Stamps()
    stop = asyncio.Event()
    collector = asyncio.create_task(_collect(bootstrap, topics, partitions, stamps, stop))
    achieved = await _offer(bootstrap, topics.interactions, records, rate=rate, warmup_s=warmup_s,
                            stamps=stamps)
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while len(stamps.enriched_seen) < expected_enriched and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    stop.set()
    await collector
    return stamps, achieved


def alert_latency(
    bootstrap: str, *, rate: float, duration_s: float, partitions: int, workdir: Path, warmup_s: float = 5.0,
    seed: int = 23, realtime: bool = True,
) -> dict[str, Any]:
    """Offer ``rate`` events per second for ``duration_s`` to one ready worker; latency percentiles in ms."""
    events = max(1, round(rate * duration_s))
    records, enriched = latency_stream(stream_config(events, seed, duration_s, realtime=realtime))
    expected_enriched = len(enriched)
    topics, worker = worker_on_fresh_topics(bootstrap, "latency", partitions=partitions, workdir=workdir,
                                            app_prefix="bench")
    try:
        if not wait_ready([worker], timeout_s=180):
            return {"error": "the worker did not become ready", "log_tail": worker.log_tail()}
        load_before = load_average()
        cpu_before, wall_before = worker.cpu_seconds(), time.perf_counter()
        stamps, achieved = asyncio.run(_run(bootstrap, topics, records, partitions=partitions, rate=rate,
                                            warmup_s=warmup_s,
                                            expected_enriched=expected_enriched))
        cpu_used, wall = worker.cpu_seconds() - cpu_before, time.perf_counter() - wall_before
        alive = worker.alive()
    finally:
        worker.stop()
    return {
        "event_time": "real time" if realtime else "compressed",
        "offered_events_per_s": round(rate, 1),
        "achieved_events_per_s": round(achieved, 1),
        "duration_s": duration_s,
        "warmup_s": warmup_s,
        "records": len(records),
        "alerts_seen": stamps.alerts_seen,
        "alert_latency_ms": percentiles(stamps.alert_ms),
        "enriched_latency_ms": percentiles(stamps.enriched_ms),
        "enriched_legs": legs_summary(stamps),
        "enriched_seen": len(stamps.enriched_seen),
        "expected_enriched": expected_enriched,
        "worker_cpu_utilisation": round(cpu_used / wall, 2) if wall > 0 else None,
        "worker_alive": alive,
        "load_average_before": load_before,
        "load_average_after": load_average(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, required=True, help="offered events per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the load is offered")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--compressed", action="store_true",
                        help="the simulator's two weeks of event time in the run (windows close constantly)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="emotion-latency-") as scratch:
        broker_dir = Path(scratch) / "kafka"
        bootstrap = local_kafka.start(broker_dir, watch_pid=os.getpid(), heap="768m").bootstrap
        try:
            result = alert_latency(bootstrap, rate=args.rate, duration_s=args.seconds,
                                   partitions=args.partitions, workdir=Path(scratch) / "workers",
                                   realtime=not args.compressed)
        finally:
            local_kafka.stop(broker_dir)
    print(json.dumps(result))
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main())
