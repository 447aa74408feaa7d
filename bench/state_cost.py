"""Memory and disk per tracked customer: states built by the real churn code, stored as the worker does.

Every customer walks a story of several interactions (the simulator's default of 3 to 12) whose labels come
from a pool of simulated events enriched by the real enricher; each interaction goes through
``apply_event`` exactly as in the processor, so strikes, recoveries, sent alerts, recent ids and source
offsets are all there. Then:

- memory: the RSS growth of this process after holding every ``CustomerState`` in a dict (what ``replay``
  and a warm cache hold), measured after a garbage collection;
- disk: every state's ``to_bytes()`` written under its customer id into a RocksDB (``rocksdict.Rdict``
  opened with the options Faust's store uses), flushed and compacted, then the directory measured.

Prints one JSON line. Run one size per process so the RSS figure belongs to that size alone:

    .venv/bin/python bench/state_cost.py --customers 100000
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from faust.stores.rocksdb import RocksDBOptions

from pipeline.assembly import assemble
from pipeline.config import load_settings
from pipeline.domain.churn import ChurnPolicy, CustomerState, ExperienceFact, apply_event
from pipeline.domain.codec import decode_event
from pipeline.metrics_port import NullMetrics
from pipeline.simulation import SimulationConfig, generate

PARTITIONS = 8
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


def fact_pool(size: int, seed: int) -> list[ExperienceFact]:
    """Facts of ``size`` simulated events, labelled by the real enricher (the mix of bad, good, neutral)."""
    components = assemble(load_settings(), NullMetrics())
    config = SimulationConfig(seed=seed, events=size, customers=max(10, size // 6), duplicate_rate=0.0,
                              malformed_rate=0.0)
    pool: list[ExperienceFact] = []
    for record in generate(config):
        event = decode_event(record.value)
        labels = components.processor.enricher.enrich(event)
        pool.append(
            ExperienceFact.from_labels(event, labels.emotion, labels.stage, labels.experience, labels.pace)
        )
    return pool


def customer_story(
    rng: random.Random, pool: list[ExperienceFact], customer: int, stories: tuple[int, int]
) -> Iterator[ExperienceFact]:
    """One customer's interactions: labels drawn from the pool, ids and event times of this customer."""
    customer_id = f"cust-{customer:08d}"
    occurred_ms = 1_740_000_000_000 + rng.randrange(30 * DAY_MS)
    for number in range(rng.randint(*stories)):
        occurred_ms += rng.randrange(HOUR_MS, 6 * DAY_MS)
        yield replace(rng.choice(pool), event_id=f"evt-{customer:08d}-{number:03d}", customer_id=customer_id,
                      occurred_at_ms=occurred_ms)


def build_states(
    customers: int, pool: list[ExperienceFact], policy: ChurnPolicy, stories: tuple[int, int], seed: int
) -> tuple[dict[str, CustomerState], int]:
    """Every customer's final state, and how many interactions were applied."""
    rng = random.Random(seed)
    states: dict[str, CustomerState] = {}
    offsets = [0] * PARTITIONS
    applied = 0
    for customer in range(customers):
        partition = customer % PARTITIONS
        state: CustomerState | None = None
        fact: ExperienceFact | None = None
        for fact in customer_story(rng, pool, customer, stories):
            state = apply_event(state, fact, policy, source_partition=partition,
                                source_offset=offsets[partition]).state
            offsets[partition] += 1
            applied += 1
        if state is not None and fact is not None:
            states[fact.customer_id] = state
    return states, applied


def worst_case_state(pool: list[ExperienceFact], policy: ChurnPolicy) -> CustomerState:
    """A customer with every bound of the policy filled: longest history, all recent ids and sent alerts."""
    bad = [fact for fact in pool if fact.is_bad] or pool
    other = [fact for fact in pool if not fact.is_bad] or pool
    state: CustomerState | None = None
    occurred_ms = 1_740_000_000_000
    for number in range(policy.max_history * 2 + policy.recent_ids * 2):
        source = bad if number % 3 else other
        occurred_ms += HOUR_MS
        fact = replace(source[number % len(source)], event_id=f"evt-worst-case-customer-{number:06d}",
                       customer_id="cust-worst-case", occurred_at_ms=occurred_ms)
        state = apply_event(state, fact, policy, source_partition=number % PARTITIONS,
                            source_offset=number).state
    assert state is not None
    return state


def rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def directory_bytes(directory: Path, suffix: str = "") -> int:
    return sum(path.stat().st_size for path in directory.rglob(f"*{suffix}") if path.is_file())


def store_on_disk(states: dict[str, CustomerState], directory: Path) -> dict[str, Any]:
    """Write the encoded states to RocksDB, one database per partition as Faust does; bytes on disk."""
    databases = [RocksDBOptions().open(directory / f"customers-{number}.db") for number in range(PARTITIONS)]
    value_bytes = key_bytes = 0
    started = time.perf_counter()
    for index, (customer_id, state) in enumerate(states.items()):
        key, value = customer_id.encode(), state.to_bytes()
        databases[index % PARTITIONS][key] = value
        key_bytes += len(key)
        value_bytes += len(value)
    for database in databases:
        database.flush()
        database.compact_range(None, None)
        database.close()
    return {
        "write_s": round(time.perf_counter() - started, 2),
        "disk_bytes": directory_bytes(directory),
        "sst_bytes": directory_bytes(directory, ".sst"),
        "key_bytes": key_bytes,
        "value_bytes": value_bytes,
    }


def measure(customers: int, stories: tuple[int, int], pool_size: int, seed: int) -> dict[str, Any]:
    """Build ``customers`` states and report bytes per customer in memory and on disk."""
    policy = load_settings().churn
    pool = fact_pool(pool_size, seed)
    gc.collect()
    rss_before = rss_bytes()
    started = time.perf_counter()
    cpu_started = time.process_time()
    states, applied = build_states(customers, pool, policy, stories, seed)
    build_cpu_s = time.process_time() - cpu_started
    gc.collect()
    rss_growth = rss_bytes() - rss_before
    build_s = time.perf_counter() - started
    sample = random.Random(seed).sample(list(states.values()), min(len(states), 5_000))
    encoded = sorted(len(state.to_bytes()) for state in sample)
    directory = Path(tempfile.mkdtemp(prefix="state-cost-"))
    try:
        disk = store_on_disk(states, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    worst = worst_case_state(pool, policy)
    return {
        "customers": len(states),
        "interactions_applied": applied,
        "interactions_per_customer": list(stories),
        "build_s": round(build_s, 1),
        "apply_event_us": round(build_cpu_s / applied * 1e6, 1),
        "rss_growth_bytes": rss_growth,
        "memory_bytes_per_customer": round(rss_growth / len(states)),
        "disk_bytes_per_customer": round(disk["disk_bytes"] / len(states)),
        "sst_bytes_per_customer": round(disk["sst_bytes"] / len(states)),
        "encoded_bytes_per_customer": {
            "mean": round(statistics.fmean(encoded)),
            "p50": encoded[len(encoded) // 2],
            "p99": encoded[min(len(encoded) - 1, len(encoded) * 99 // 100)],
            "max": encoded[-1],
        },
        "worst_case_encoded_bytes": len(worst.to_bytes()),
        "store": disk,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--stories", type=int, nargs=2, default=(3, 12), metavar=("MIN", "MAX"),
                        help="interactions per customer (the simulator's default)")
    parser.add_argument("--pool", type=int, default=2_000, help="simulated events whose labels are reused")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(args.customers, tuple(args.stories), args.pool, args.seed)))


if __name__ == "__main__":
    main()
