"""Where the processor's CPU goes: cProfile over ``replay`` of the simulator's mix.

``replay`` runs the same ``Processor`` the worker runs (decode, enrich, churn rule, alerts, window
contributions and window closing), without Kafka and Faust. The report groups cumulative time by step and
lists the functions with the most own time. The worker's CPU per event minus this figure is what Faust,
aiokafka and the record encoding for Kafka add (see ``run_all.py``).

    .venv/bin/python bench/profile_processor.py --events 3000 --out bench/out/profile.txt
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import pstats
import time
from pathlib import Path
from typing import Any

from pipeline.assembly import assemble
from pipeline.config import load_settings
from pipeline.domain.codec import encode
from pipeline.metrics_port import NullMetrics
from pipeline.replay import ReplayRun, ReplaySinks
from pipeline.simulation import SimulationConfig, generate

# (step, file suffix, function name): cumulative time of these functions is the step's time.
STEPS: list[tuple[str, str, str]] = [
    ("decode and validate", "pipeline/domain/codec.py", "decode_event"),
    ("emotion", "pipeline/domain/emotion/lexicon_engine.py", "analyze"),
    ("stage", "pipeline/domain/journeys/catalog.py", "infer_stage"),
    ("experience", "pipeline/domain/experience.py", "judge_experience"),
    ("pace", "pipeline/domain/pace.py", "assess_pace"),
    ("churn rule", "pipeline/domain/churn/machine.py", "apply_event"),
    ("alert building", "pipeline/domain/alert_builder.py", "build"),
    ("enriched record", "pipeline/processor.py", "_enriched"),
    ("windows", "pipeline/stage_windows.py", "apply"),
    ("encoding outputs", "pipeline/domain/codec.py", "encode"),
]


# (label, file suffix, function): cumulative seconds of these in a profiled worker.
WORKER_HOTSPOTS: list[tuple[str, str, str]] = [
    ("interactions agent batches", "pipeline/adapters/agents.py", "process_batch"),
    ("processor (decode, enrich, churn)", "pipeline/processor.py", "process"),
    ("stage-windows agent messages", "pipeline/adapters/agents.py", "process"),
    ("faust publish_message", "faust/topics.py", "publish_message"),
    ("logging records", "logging/__init__.py", "_log"),
    ("prometheus labels()", "prometheus_client/metrics.py", "labels"),
    ("rocksdict put", "~", "<method 'put' of 'builtins.Rdict' objects>"),
    ("module imports", "<frozen importlib._bootstrap>", "_find_and_load"),
]


def step_times(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds per step (the first matching function per step, so nothing is counted twice)."""
    found: dict[str, float] = {}
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    for step, suffix, name in STEPS:
        if step in found:
            continue
        for (filename, _, function), (_, _, _, cumulative, _) in raw.items():
            if function == name and filename.endswith(suffix):
                found[step] = found.get(step, 0.0) + cumulative
    return found


def _area(filename: str) -> str:
    # Group by where the code lives: our packages by module, libraries by distribution.
    if "/pipeline/" in filename:
        return "pipeline." + filename.rsplit("/pipeline/", 1)[1].split("/", maxsplit=1)[0].removesuffix(".py")
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", maxsplit=1)[0].removesuffix(".py")
    if filename.startswith(("~", "<")):
        return "builtins (C)"
    return "stdlib." + Path(filename).stem


def summarise_worker_profile(stats_path: Path, listing_path: Path) -> dict[str, Any]:
    """Own time of a profiled worker grouped by package (asyncio, faust, aiokafka, pipeline, ...)."""
    stats = pstats.Stats(str(stats_path))
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    by_area: dict[str, float] = {}
    for (filename, _, _), (_, _, own, _, _) in raw.items():
        by_area[_area(filename)] = by_area.get(_area(filename), 0.0) + own
    # The event loop's idle wait (select/epoll) is not work: leave it out of the shares.
    idle = sum(row[2] for (filename, _, name), row in raw.items() if "poll" in name and filename == "~")
    busy = sum(by_area.values()) - idle
    text = io.StringIO()
    pstats.Stats(str(stats_path), stream=text).sort_stats("tottime").print_stats(40)
    pstats.Stats(str(stats_path), stream=text).sort_stats("cumulative").print_stats(60)
    listing_path.write_text(text.getvalue(), encoding="utf-8")
    top = sorted(by_area.items(), key=lambda item: item[1], reverse=True)[:15]
    hotspots = {
        label: round(sum(row[3] for (filename, _, function), row in raw.items()
                         if function == name and filename.endswith(suffix)), 2)
        for label, suffix, name in WORKER_HOTSPOTS
    }
    return {
        "cumulative_s": hotspots,
        "idle_s": round(idle, 2),
        "busy_s": round(busy, 2),
        "share_of_busy_by_area": {area: round(seconds / busy, 3) for area, seconds in top if busy > 0},
    }


def profile(events: int, seed: int) -> tuple[dict[str, Any], str]:
    records = [record.value for record in generate(SimulationConfig(seed=seed, events=events,
                                                                    customers=max(50, events // 8)))]
    run = ReplayRun(assemble(load_settings(), NullMetrics()), partitions=8)
    sinks = ReplaySinks(enriched=encode, alert=encode, window=encode, dead_letter=encode)
    # Lazily loaded models are loaded by an untimed pass over a few records.
    ReplayRun(assemble(load_settings(), NullMetrics()), partitions=8).feed(records[:200], sinks)
    # Unprofiled CPU time first: cProfile's own overhead inflates every figure.
    unprofiled = ReplayRun(assemble(load_settings(), NullMetrics()), partitions=8)
    cpu_started = time.process_time()
    unprofiled.feed(records, sinks)
    cpu_per_event_us = (time.process_time() - cpu_started) / len(records) * 1e6
    profiler = cProfile.Profile()
    profiler.enable()
    run.feed(records, sinks)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    steps = step_times(stats)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(30)
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
    summary = {
        "events": len(records),
        "processor_cpu_us_per_event": round(cpu_per_event_us, 1),
        "processor_events_per_cpu_s": round(1e6 / cpu_per_event_us),
        "share_by_step": {step: round(seconds / total, 3) for step, seconds in steps.items()},
    }
    return summary, text.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, help="where to write the full cProfile listing")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # one warning per dead-lettered record would flood the output
    summary, listing = profile(args.events, args.seed)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(listing, encoding="utf-8")
    print(json.dumps({"bench": "processor_profile", **summary}))


if __name__ == "__main__":
    main()
