"""Soak: one worker under a steady offered load for a long time, its memory sampled all along.

A broker is started (as ``make bench`` does) and one worker waits until it is ready. The simulator's stream
(bilingual journeys, signals, surveys, about 2% duplicates and 1% malformed records; new customers keep
arriving, so state grows as it would in production) is then offered at ``--rate`` events per second for
``--minutes``. Every ``--sample-seconds`` the worker's resident memory (VmRSS), its CPU seconds and its
progress (enriched plus dead-letter records) are recorded.

The verdict on memory: growth per hour fitted (least squares) over the samples after the warm-up, next to
the RSS at the end of the warm-up and at the end. Tracked customers grow with the stream, so a small slope
is state; a leak shows as growth that does not level off. Written to ``bench/out/soak.json``:

    .venv/bin/python bench/soak.py --minutes 30 --rate 50

The worker runs with the memory allocator of the container image, jemalloc (``--allocator jemalloc``, the
default; Debian's ``libjemalloc2``), or with the C library's own (``--allocator system``). With glibc's
allocator the worker's memory kept growing where neither RocksDB's counters nor Python's heap did
(docs/performance.md, "Soak").
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes.util
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from e2e import simulated_records
from harness import (
    OffsetWatch,
    WorkerProcess,
    describe_machine,
    load_average,
    wait_ready,
    worker_on_fresh_topics,
)

from pipeline.adapters.rocksdb_memory import memory_allocator
from pipeline.devtools import local_kafka

BENCH_DIR = Path(__file__).resolve().parent
PARTITIONS = 8
SEND_TICK_S = 0.01
DRAIN_TIMEOUT_S = 120.0


def allocator_env(allocator: str) -> dict[str, str]:
    """The environment that makes the worker use ``allocator`` ("system" or "jemalloc")."""
    if allocator == "system":
        return {}
    library = ctypes.util.find_library("jemalloc")
    if library is None:
        raise SystemExit("--allocator jemalloc: libjemalloc is not installed (Debian: apt-get install "
                         "libjemalloc2); or measure the C library's allocator with --allocator system")
    return {"LD_PRELOAD": library}


def rss_bytes(pid: int) -> int | None:
    """Resident memory of a process (Linux /proc), None once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


ROCKSDB_SAMPLE = re.compile(r'^emotion_pipeline_rocksdb_memory_bytes\{part="(\w+)"\} (\S+)$', re.MULTILINE)


def rocksdb_memory(worker: WorkerProcess) -> dict[str, float]:
    """The worker's RocksDB budget and use by part, as it exports them (empty if /metrics does not answer)."""
    try:
        text = worker.http_text("/metrics")
    except OSError:
        return {}
    return {part: float(value) for part, value in ROCKSDB_SAMPLE.findall(text)}


@dataclass(frozen=True)
class Sample:
    elapsed_s: float
    offered: int
    processed: int
    rss_bytes: int | None
    cpu_s: float
    rocksdb: dict[str, float]  # emotion_pipeline_rocksdb_memory_bytes by part, from the worker's /metrics


def slope_per_hour(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of (seconds, value) points, per hour."""
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread * 3600


class Soak:
    """Offers the records at a steady rate and samples the worker while it does."""

    def __init__(self, worker: WorkerProcess, watch: OffsetWatch, sample_s: float) -> None:
        self.worker = worker
        self.watch = watch
        self.sample_s = sample_s
        self.samples: list[Sample] = []
        self.offered = 0

    def sample(self, started: float) -> None:
        self.samples.append(Sample(round(time.perf_counter() - started, 1), self.offered, self.watch.total(),
                                   rss_bytes(self.worker.pid), round(self.worker.cpu_seconds(), 2),
                                   rocksdb_memory(self.worker)))

    async def offer(self, bootstrap: str, topic: str, records: list[tuple[bytes | None, bytes]],
                    rate: float) -> float:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
        await producer.start()
        started = next_sample = time.perf_counter()
        try:
            while self.offered < len(records) and self.worker.alive():
                due = min(len(records), int((time.perf_counter() - started) * rate) + 1)
                while self.offered < due:
                    key, value = records[self.offered]
                    await producer.send(topic, value=value, key=key)
                    self.offered += 1
                if time.perf_counter() >= next_sample:
                    self.sample(started)
                    next_sample += self.sample_s
                await asyncio.sleep(SEND_TICK_S)
            await producer.flush()
        finally:
            await producer.stop()
        return started

    def drain(self, started: float, expected: int) -> None:
        deadline = time.monotonic() + DRAIN_TIMEOUT_S
        while self.watch.total() < expected and time.monotonic() < deadline and self.worker.alive():
            time.sleep(1.0)
        self.sample(started)


def summarise(samples: list[Sample], warmup_s: float) -> dict[str, Any]:
    steady = [sample for sample in samples if sample.elapsed_s >= warmup_s and sample.rss_bytes is not None]
    if not steady:
        return {"error": "no samples after the warm-up"}
    lag = [sample.offered - sample.processed for sample in samples]
    return {
        "rss_mib_after_warmup": round((steady[0].rss_bytes or 0) / 2**20, 1),
        "rss_mib_at_end": round((steady[-1].rss_bytes or 0) / 2**20, 1),
        "rss_mib_max": round(max(sample.rss_bytes or 0 for sample in steady) / 2**20, 1),
        "rss_growth_mib_per_hour": _round(slope_per_hour(
            [(sample.elapsed_s, (sample.rss_bytes or 0) / 2**20) for sample in steady])),
        "rss_growth_mib_per_hour_second_half": _round(slope_per_hour(
            [(sample.elapsed_s, (sample.rss_bytes or 0) / 2**20)
             for sample in steady[len(steady) // 2:]])),
        "rocksdb_mib_at_end": {part: round(value / 2**20, 1) for part, value in steady[-1].rocksdb.items()},
        "max_lag_records": max(lag),
        "worker_cpu_utilisation": _round((steady[-1].cpu_s - steady[0].cpu_s)
                                         / max(steady[-1].elapsed_s - steady[0].elapsed_s, 1e-9)),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def run(bootstrap: str, workdir: Path, *, minutes: float, rate: float, sample_s: float,
        warmup_s: float, keep_log: Path, allocator: str) -> dict[str, Any]:
    events = round(minutes * 60 * rate)
    records, expected_outputs = simulated_records(events, seed=29)
    topics, worker = worker_on_fresh_topics(bootstrap, "soak", partitions=PARTITIONS, workdir=workdir,
                                            app_prefix="soak", extra_env=allocator_env(allocator))
    watch = OffsetWatch(bootstrap, [topics.enriched, topics.dlq])
    try:
        if not wait_ready([worker], timeout_s=180):
            return {"error": "the worker did not become ready", "log_tail": worker.log_tail()}
        jemalloc_loaded = memory_allocator(Path(f"/proc/{worker.pid}/maps")) == "jemalloc"
        soak = Soak(worker, watch, sample_s)
        started = asyncio.run(soak.offer(bootstrap, topics.interactions, records, rate))
        soak.drain(started, expected_outputs)
        alive = worker.alive()
        processed = watch.total()
    finally:
        worker.stop()
        watch.close()
        shutil.copyfile(worker.log_path, keep_log)
    return {
        "allocator": allocator,
        "jemalloc_loaded": jemalloc_loaded,
        "offered_events_per_s": rate,
        "minutes": minutes,
        "records": len(records),
        "expected_outputs": expected_outputs,
        "outputs": processed,
        # More outputs than expected are records processed twice (redelivered): the worker log says why.
        "worker_log": str(keep_log),
        "all_processed": processed >= expected_outputs,
        "worker_alive_at_end": alive,
        "summary": summarise(soak.samples, warmup_s),
        "samples": [sample.__dict__ for sample in soak.samples],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=50.0, help="offered events per second")
    parser.add_argument("--sample-seconds", type=float, default=10.0)
    parser.add_argument("--warmup-seconds", type=float, default=120.0,
                        help="samples before this are left out of the memory verdict")
    parser.add_argument("--allocator", choices=("jemalloc", "system"), default="jemalloc",
                        help="the worker's memory allocator (jemalloc: as in the container image)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "out" / "soak.json")
    args = parser.parse_args()
    allocator_env(args.allocator)  # fail before starting a broker
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started_at = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="emotion-soak-") as scratch:
        broker_dir = Path(scratch) / "kafka"
        bootstrap = local_kafka.start(broker_dir, watch_pid=os.getpid(), heap="768m").bootstrap
        try:
            result = run(bootstrap, Path(scratch) / "workers", minutes=args.minutes, rate=args.rate,
                         sample_s=args.sample_seconds, warmup_s=args.warmup_seconds,
                         keep_log=args.out.with_suffix(".worker.log"), allocator=args.allocator)
        finally:
            local_kafka.stop(broker_dir)
    report = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "started_at": started_at.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "machine": {**describe_machine(), "load_average_at_end": load_average()},
        **result,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({key: value for key, value in report.items() if key != "samples"}, indent=2))
    print(f"[soak] written to {args.out}", file=sys.stderr)
    return 0 if result.get("all_processed") and result.get("worker_alive_at_end") else 1


if __name__ == "__main__":
    sys.exit(main())
