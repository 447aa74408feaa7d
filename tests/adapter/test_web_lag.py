"""Consumer lag arithmetic and the gauge's life cycle across revocations (the broker path: integration)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kafka.structs import TopicPartition as TP  # the same (topic, partition) named tuple as Faust's TP
from prometheus_client import CollectorRegistry

from pipeline.adapters.faust_app import create_app
from pipeline.adapters.lag import ConsumerLag, partition_lags
from pipeline.adapters.metrics import PipelineMetrics
from pipeline.config import load_settings

TOPIC = "cx.interactions"


def tp(partition: int, topic: str = TOPIC) -> TP:
    return TP(topic, partition)


@pytest.mark.parametrize(
    ("highwater", "committed", "earliest", "lag"),
    [
        (100, 60, 0, 40),
        (100, 100, 0, 0),
        (100, None, 0, 100),  # never committed: everything retained is waiting
        (100, None, 70, 30),  # never committed, older records deleted by retention
        (100, 105, 0, 0),  # the end offset was read just before a commit landed
        (0, None, 0, 0),
    ],
)
def test_partition_lag(highwater: int, committed: int | None, earliest: int, lag: int) -> None:
    assert partition_lags({tp(0): highwater}, {tp(0): committed}, {tp(0): earliest}) == {tp(0): lag}


def lag_series(registry: CollectorRegistry) -> dict[tuple[str, str], float]:
    return {
        (sample.labels["topic"], sample.labels["partition"]): sample.value
        for family in registry.collect()
        if family.name == "emotion_pipeline_consumer_lag"
        for sample in family.samples
    }


def test_revoked_partitions_of_the_topic_lose_their_series(tmp_path: Path) -> None:
    registry = CollectorRegistry()
    metrics = PipelineMetrics(registry, {})
    app = create_app(load_settings(worker={"store": "memory", "workdir": tmp_path, "app_id": "lag-test"}))
    lag = ConsumerLag(app, TOPIC, metrics)
    for partition, value in ((0, 5), (1, 7), (2, 0)):
        metrics.set_consumer_lag(TOPIC, partition, value)
        lag.reported.add(partition)
    lag.revoked([tp(1), tp(2, topic="other-topic")])
    assert lag_series(registry) == {(TOPIC, "0"): 5.0, (TOPIC, "2"): 0.0}
    assert lag.reported == {0, 2}
    lag.forget([0, 2, 3])
    assert lag_series(registry) == {}
