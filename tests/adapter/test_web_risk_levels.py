"""Customers per risk level: following the processor's level changes equals recounting the stored states."""

from __future__ import annotations

from collections import Counter

import pytest
from prometheus_client import CollectorRegistry
from support.streams import event_stream

from pipeline.adapters.metrics import PipelineMetrics
from pipeline.adapters.risk_levels import LevelChange, RiskLevelCounts, owned_customer_keys
from pipeline.assembly import assemble
from pipeline.config import load_settings
from pipeline.domain.churn import customer_level
from pipeline.domain.partitioning import kafka_partition
from pipeline.metrics_port import NullMetrics
from pipeline.processor import InputRecord
from pipeline.replay import MemoryCustomerStore, MemoryWatermarks, record_key

PARTITIONS = 4
ALL = set(range(PARTITIONS))


def gauge(registry: CollectorRegistry) -> dict[str, float | None]:
    return {level: registry.get_sample_value("emotion_pipeline_customers", {"level": level})
            for level in ("ok", "at_risk", "churn_threshold")}


class Run:
    """The real processor over in-memory state, fed in steps; level changes come back in batches of 50."""

    def __init__(self) -> None:
        self.processor = assemble(load_settings(topics={"partitions": PARTITIONS}), NullMetrics()).processor
        self.customers, self.watermarks = MemoryCustomerStore(), MemoryWatermarks()
        self.offsets: Counter[int] = Counter()

    def feed(self, records: list[bytes]) -> list[list[LevelChange]]:
        batches: list[list[LevelChange]] = [[]]
        for value in records:
            key = record_key(value)
            partition = kafka_partition(key, PARTITIONS) if key is not None else 0
            record = InputRecord(value, key, "in", partition, self.offsets[partition])
            outputs = self.processor.process(record, self.customers, self.watermarks)
            self.offsets[partition] += 1
            if outputs.level_change is not None:
                batches[-1].append(outputs.level_change)
            if len(batches[-1]) == 50:
                batches.append([])
        return batches


def process(records: list[bytes]) -> tuple[MemoryCustomerStore, list[list[LevelChange]]]:
    run = Run()
    return run.customers, run.feed(records)


@pytest.fixture(scope="module")
def processed() -> tuple[MemoryCustomerStore, list[list[LevelChange]]]:
    return process(event_stream(2500, 120, seed=5))


def stored(customers: MemoryCustomerStore) -> list[tuple[bytes, bytes]]:
    return [(customer_id.encode(), state.to_bytes()) for customer_id, state in customers.states.items()]


def test_following_changes_gives_the_same_counts_as_a_recount(
    processed: tuple[MemoryCustomerStore, list[list[LevelChange]]],
) -> None:
    customers, batches = processed
    registry = CollectorRegistry()
    followed = RiskLevelCounts(PipelineMetrics(registry, {}), load_settings().churn)
    followed.rebuild([], owned_customer_keys(ALL, PARTITIONS))
    for batch in batches:
        followed.apply(batch)
    recounted = RiskLevelCounts(PipelineMetrics(CollectorRegistry(), {}), load_settings().churn)
    recounted.rebuild(stored(customers), owned_customer_keys(ALL, PARTITIONS))
    expected = Counter(customer_level(state, load_settings().churn) for state in customers.states.values())
    assert min(followed.counts.values()) >= 0
    assert +followed.counts == +recounted.counts == expected
    assert expected["at_risk"] > 0
    assert expected["churn_threshold"] > 0
    assert gauge(registry) == {level: float(expected[level]) for level in gauge(registry)}


def test_a_rebuild_mid_stream_then_following_matches_the_end() -> None:
    policy = load_settings().churn
    records = event_stream(1500, 80, seed=9)
    run = Run()
    run.feed(records[:700])
    counts = RiskLevelCounts(PipelineMetrics(CollectorRegistry(), {}), policy)
    counts.rebuild(stored(run.customers), owned_customer_keys(ALL, PARTITIONS))
    for batch in run.feed(records[700:1100]):
        counts.apply(batch)
    assert +counts.counts == Counter(customer_level(state, policy) for state in run.customers.states.values())
    counts.invalidate()
    for batch in run.feed(records[1100:]):
        counts.apply(batch)  # ignored: stale until the table is scanned again
    assert counts.stale
    counts.rebuild(stored(run.customers), owned_customer_keys(ALL, PARTITIONS))
    assert +counts.counts == Counter(customer_level(state, policy) for state in run.customers.states.values())


@pytest.mark.parametrize("owned", [set(), {0}, {1, 3}, ALL])
def test_a_rebuild_counts_only_the_owned_partitions(
    processed: tuple[MemoryCustomerStore, list[list[LevelChange]]], owned: set[int]
) -> None:
    customers, _ = processed
    counts = RiskLevelCounts(PipelineMetrics(CollectorRegistry(), {}), load_settings().churn)
    counted = counts.rebuild(stored(customers), owned_customer_keys(owned, PARTITIONS))
    assert counted == sum(1 for customer_id in customers.states
                          if kafka_partition(customer_id.encode(), PARTITIONS) in owned)


def test_unreadable_states_are_left_out() -> None:
    counts = RiskLevelCounts(PipelineMetrics(CollectorRegistry(), {}), load_settings().churn)
    assert counts.rebuild([(b"c-1", b"not json"), (b"c-2", b'{"v": 99}')], lambda key: True) == 0
    assert not counts.stale
