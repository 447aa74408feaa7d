"""The benchmark suite behind ``make bench``: end to end through a real broker, latency, per-core figures,
state cost, text length scaling and a processor profile. Writes ``bench/out/results.json``.

Starts its own local Kafka broker (stopped at the end, and by a watchdog if this process dies), so it needs
Java 17+ and the cached broker jars (Maven on first use). Sections run one after another; the machine's
load average is recorded with each, because figures from a shared machine are only as good as its quiet.

    .venv/bin/python bench/run_all.py             # the full suite (about 20-30 minutes on 2 cores)
    .venv/bin/python bench/run_all.py --quick     # a smoke run in a few minutes
    .venv/bin/python bench/run_all.py --only e2e,latency --events 20000
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from e2e import produce_input, raw_consumer_rate, worker_rate
from harness import describe_machine, load_average
from latency import alert_latency
from profile_processor import summarise_worker_profile

from pipeline.devtools import local_kafka

BENCH_DIR = Path(__file__).resolve().parent
# Broker sections first, so the broker can be stopped before the long CPU-only ones.
SECTIONS = ("e2e", "latency", "profile", "enrichment", "decode", "text", "state")
PARTITIONS = 8
STATE_BYTES_TARGET = 1024
E2E_RATIO_TARGET = 0.20
P99_ALERT_TARGET_MS = 100.0


@dataclass(frozen=True)
class Plan:
    """How big each section is: the full suite or the quick smoke run."""

    events: int
    latency_seconds: float
    enrichment_args: tuple[str, ...]
    decode_args: tuple[str, ...]
    state_sizes: tuple[int, ...]
    text_args: tuple[str, ...]
    profile_events: int


FULL = Plan(
    events=20_000,
    latency_seconds=60.0,
    enrichment_args=("--events", "5000", "--repeat", "3"),
    decode_args=("--events", "20000", "--repeat", "5"),
    state_sizes=(10_000, 100_000, 1_000_000),
    text_args=("--repeat", "3"),
    profile_events=3_000,
)
QUICK = Plan(
    events=3_000,
    latency_seconds=20.0,
    enrichment_args=("--events", "1000", "--repeat", "1"),
    decode_args=("--events", "5000", "--repeat", "2"),
    state_sizes=(10_000,),
    text_args=("--repeat", "1", "--lengths", "50", "500", "5000"),
    profile_events=800,
)


def run_script(name: str, *args: str) -> dict[str, Any]:
    """Run a bench script in its own process (its own core pinning, its own RSS); its JSON line."""
    command = [sys.executable, str(BENCH_DIR / name), *args]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=BENCH_DIR.parent)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        return {"error": f"exit status {result.returncode}", "stderr_tail": result.stderr[-2000:]}
    return {**json.loads(lines[-1]), "wall_s": round(time.perf_counter() - started, 1),
            "load_average": load_average()}


class Suite:
    """Runs the chosen sections and keeps what each measured."""

    def __init__(self, plan: Plan, workdir: Path, out_dir: Path) -> None:
        self.plan = plan
        self.workdir = workdir
        self.out_dir = out_dir
        self.results: dict[str, Any] = {}
        self.bootstrap: str | None = None

    def section(self, name: str, body: Callable[[], Any]) -> None:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            self.results[name] = body()
        except Exception as error:  # one broken section must not lose the others' figures
            self.results[name] = {"error": f"{type(error).__name__}: {error}"}
        print(f"[bench] {name} done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)

    def e2e(self) -> dict[str, Any]:
        assert self.bootstrap is not None
        bench_input = produce_input(self.bootstrap, self.plan.events, PARTITIONS)
        raw = raw_consumer_rate(self.bootstrap, bench_input)
        one = worker_rate(self.bootstrap, bench_input, workers=1, partitions=PARTITIONS, workdir=self.workdir)
        two = worker_rate(self.bootstrap, bench_input, workers=2, partitions=PARTITIONS, workdir=self.workdir)
        return {"input": {"records": bench_input.records, "expected_outputs": bench_input.expected_outputs,
                          "mean_record_bytes": bench_input.mean_record_bytes, "partitions": PARTITIONS},
                "raw_consumer": raw, "one_worker": one, "two_workers": two}

    def latency(self) -> dict[str, Any]:
        assert self.bootstrap is not None
        saturation = self.results.get("e2e", {}).get("one_worker", {}).get("events_per_s")
        rate = saturation / 2 if saturation else 100.0
        return alert_latency(self.bootstrap, rate=rate, duration_s=self.plan.latency_seconds,
                             partitions=PARTITIONS, workdir=self.workdir)

    def state(self) -> dict[str, Any]:
        return {str(size): run_script("state_cost.py", "--customers", str(size))
                for size in self.plan.state_sizes}

    def profile(self) -> dict[str, Any]:
        """cProfile of the processor over replay, and of a real worker subprocess over the broker."""
        assert self.bootstrap is not None
        processor = run_script("profile_processor.py", "--events", str(self.plan.profile_events),
                               "--out", str(self.out_dir / "profile_processor.txt"))
        bench_input = produce_input(self.bootstrap, self.plan.profile_events * 2, PARTITIONS, seed=17)
        # Kept next to the listing: callers and callees are only in the stats (`python -m pstats`).
        stats_path = self.out_dir / "worker.prof"
        run = worker_rate(self.bootstrap, bench_input, workers=1, partitions=PARTITIONS, workdir=self.workdir,
                          profile_to=stats_path)
        if not stats_path.exists():
            return {"processor": processor, "worker": {"error": "no profile written", **run}}
        worker = summarise_worker_profile(stats_path, self.out_dir / "profile_worker.txt")
        return {"processor": processor,
                "worker": {**worker, "events_per_s_under_profiler": run.get("events_per_s")}}


def headline(results: dict[str, Any]) -> dict[str, Any]:
    """The figures the issue asks for, pulled out of the sections (None where a section did not run)."""
    e2e = results.get("e2e", {})
    worker = e2e.get("one_worker", {}).get("events_per_s")
    raw = e2e.get("raw_consumer", {}).get("events_per_s")
    alerts = results.get("latency", {}).get("alert_latency_ms", {})
    state = results.get("state", {})
    largest = state[max(state, key=int)] if state else {}
    ratio = round(worker / raw, 4) if worker and raw else None
    return {
        "e2e_events_per_s": worker,
        "raw_consumer_events_per_s": raw,
        "e2e_ratio": ratio,
        "two_workers_events_per_s": e2e.get("two_workers", {}).get("events_per_s"),
        "p50_alert_latency_ms": alerts.get("p50"),
        "p99_alert_latency_ms": alerts.get("p99"),
        "bytes_per_customer": largest.get("disk_bytes_per_customer"),
        "memory_bytes_per_customer": largest.get("memory_bytes_per_customer"),
        "enrichment_events_per_cpu_s": results.get("enrichment", {}).get("events_per_cpu_s"),
        "decode_events_per_s": results.get("decode", {}).get("events_per_s"),
        "targets": {
            "e2e_ratio_at_least": E2E_RATIO_TARGET,
            "e2e_ratio_met": None if ratio is None else ratio >= E2E_RATIO_TARGET,
            "p99_alert_latency_ms_below": P99_ALERT_TARGET_MS,
            "p99_alert_latency_met": (None if alerts.get("p99") is None
                                      else alerts["p99"] < P99_ALERT_TARGET_MS),
            "bytes_per_customer_below": STATE_BYTES_TARGET,
            "bytes_per_customer_met": (None if largest.get("disk_bytes_per_customer") is None
                                       else largest["disk_bytes_per_customer"] < STATE_BYTES_TARGET),
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run in a few minutes")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default all: {','.join(SECTIONS)})")
    parser.add_argument("--events", type=int, help="records for the end-to-end section")
    parser.add_argument("--latency-seconds", type=float,
                        help="how long load is offered in the latency section")
    parser.add_argument("--state-sizes", type=int, nargs="+", help="customers per state-cost run")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "out" / "results.json")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    plan = QUICK if args.quick else FULL
    if args.events or args.latency_seconds or args.state_sizes:
        plan = Plan(**{**plan.__dict__, "events": args.events or plan.events,
                       "latency_seconds": args.latency_seconds or plan.latency_seconds,
                       "state_sizes": tuple(args.state_sizes or plan.state_sizes)})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started_at = datetime.now(UTC)
    machine_before = describe_machine()

    with tempfile.TemporaryDirectory(prefix="emotion-bench-") as scratch:
        suite = Suite(plan, Path(scratch) / "workers", args.out.parent)
        needs_broker = any(name in chosen for name in ("e2e", "latency", "profile"))
        broker_dir = Path(scratch) / "kafka"
        try:
            if needs_broker:
                suite.bootstrap = local_kafka.start(broker_dir, watch_pid=os.getpid(), heap="768m").bootstrap
            for name in SECTIONS:
                if needs_broker and name not in ("e2e", "latency", "profile"):
                    local_kafka.stop(broker_dir)
                    needs_broker = False
                if name not in chosen:
                    continue
                if name == "enrichment":
                    suite.section(name, lambda: run_script("bench_enrichment.py", *plan.enrichment_args))
                elif name == "decode":
                    suite.section(name, lambda: run_script("bench_decode.py", *plan.decode_args))
                elif name == "text":
                    suite.section(name, lambda: run_script("text_scaling.py", *plan.text_args))
                else:
                    suite.section(name, getattr(suite, name))
        finally:
            if needs_broker:
                local_kafka.stop(broker_dir)

    results = {
        **headline(suite.results),
        "command": shlex.join([Path(sys.executable).name, *sys.argv]),
        "mode": "quick" if args.quick else "full",
        "started_at": started_at.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "machine": {**machine_before, "load_average_at_end": load_average()},
        "sections": suite.results,
    }
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(headline(suite.results), indent=2))
    print(f"[bench] results written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
