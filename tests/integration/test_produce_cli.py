"""produce and simulate against a real broker: every record arrives byte for byte, on the partition that
Kafka's murmur2 partitioner (and so ``kafka_partition``) assigns to its customer."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
from kafka import KafkaConsumer
from kafka.structs import TopicPartition
from support.kafka import create_topics

from pipeline.cli import main
from pipeline.domain.partitioning import kafka_partition
from pipeline.simulation import SimulationConfig, customer_key, generate

pytestmark = pytest.mark.broker

PARTITIONS = 4


def _read_topic(
    bootstrap: str, topic: str, expected: int, timeout_s: float = 60.0
) -> list[tuple[int, bytes | None, bytes]]:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    try:
        partitions = [TopicPartition(topic, partition) for partition in range(PARTITIONS)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        records: list[tuple[int, bytes | None, bytes]] = []
        deadline = time.monotonic() + timeout_s
        while len(records) < expected and time.monotonic() < deadline:
            for partition, batch in consumer.poll(timeout_ms=500).items():
                records.extend((partition.partition, message.key, message.value) for message in batch)
        return records
    finally:
        consumer.close()


def test_produce_puts_each_line_on_its_customers_partition(
    bootstrap: str, unique: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    topic = f"produce-{unique}"
    create_topics(bootstrap, [topic], PARTITIONS)
    values = [
        record.value for record in generate(SimulationConfig(seed=4, customers=60, malformed_rate=0.08))
    ]
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"\n".join(values) + b"\n")

    assert main(["produce", str(events), "--bootstrap", bootstrap, "--topic", topic]) == 0
    assert f"produced {len(values)} records" in capsys.readouterr().out

    received = _read_topic(bootstrap, topic, len(values))
    assert Counter(value for _, _, value in received) == Counter(values)
    unkeyed = 0
    for partition, key, value in received:
        assert key == customer_key(value)
        if key is None:
            unkeyed += 1
        else:
            assert partition == kafka_partition(key, PARTITIONS)
    assert 0 < unkeyed < len(values) // 10  # broken records without a readable customer_id


def test_simulate_to_kafka_keeps_each_customers_order(bootstrap: str, unique: str) -> None:
    topic = f"simulate-{unique}"
    create_topics(bootstrap, [topic], PARTITIONS)
    argv = ["simulate", "--seed", "9", "--customers", "30", "--events", "300", "--rate", "3000"]
    assert main([*argv, "--bootstrap", bootstrap, "--topic", topic]) == 0

    expected = list(generate(SimulationConfig(seed=9, customers=30, events=300)))
    received = _read_topic(bootstrap, topic, len(expected))
    assert len(received) == len(expected)
    for partition in range(PARTITIONS):
        sent_here = [
            r.value for r in expected if r.key is not None and kafka_partition(r.key, PARTITIONS) == partition
        ]
        arrived_here = [value for p, key, value in received if p == partition and key is not None]
        assert arrived_here == sent_here


def test_produce_says_clearly_when_the_topic_is_missing(
    bootstrap: str, unique: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_bytes(b'{"customer_id":"cust-000001"}\n')
    assert main(["produce", str(events), "--bootstrap", bootstrap, "--topic", f"missing-{unique}"]) == 1
    assert f"topic 'missing-{unique}'" in capsys.readouterr().err
