"""Kafka's default partitioner: vectors from Kafka's own tests and agreement with kafka-python."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kafka.partitioner.default import DefaultPartitioner
from kafka.partitioner.default import murmur2 as kafka_python_murmur2

from pipeline.domain.partitioning import kafka_partition, murmur2


class _OneTopicCluster:
    """The three metadata questions kafka-python's partitioner asks, for one topic of a given size."""

    def __init__(self, partitions: int) -> None:
        self._partitions = set(range(partitions))

    def topics(self) -> set[str]:
        return {"cx.interactions"}

    def partitions_for_topic(self, topic: str) -> set[int]:
        return self._partitions

    def available_partitions_for_topic(self, topic: str) -> set[int]:
        return self._partitions


def kafka_python_partition(key: bytes, partitions: int) -> int:
    partition: int = DefaultPartitioner().partition(
        "cx.interactions", key, key, b"{}", b"{}", _OneTopicCluster(partitions)
    )
    return partition

# org.apache.kafka.common.utils.UtilsTest#testMurmur2: the values Java clients compute.
JAVA_VECTORS = [
    (b"21", -973932308),
    (b"foobar", -790332482),
    (b"a-little-bit-long-string", -985981536),
    (b"a-little-bit-longer-string", -1486304829),
    (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
    (b"abc", 479470107),
]


@pytest.mark.parametrize(("key", "expected"), JAVA_VECTORS)
def test_murmur2_matches_java_vectors(key: bytes, expected: int) -> None:
    assert murmur2(key) == expected


@settings(max_examples=500, deadline=None)
@given(key=st.binary(max_size=64))
def test_murmur2_matches_kafka_python(key: bytes) -> None:
    assert murmur2(key) & 0xFFFFFFFF == kafka_python_murmur2(key)


@settings(max_examples=500, deadline=None)
@given(key=st.binary(min_size=1, max_size=64), partitions=st.integers(min_value=1, max_value=500))
def test_partition_matches_kafka_python_default_partitioner(key: bytes, partitions: int) -> None:
    assert kafka_partition(key, partitions) == kafka_python_partition(key, partitions)


@pytest.mark.parametrize("customer", [f"cust-{n:06d}" for n in range(0, 5000, 97)])
def test_customer_ids_land_where_kafka_python_puts_them(customer: str) -> None:
    key = customer.encode()
    for partitions in (1, 3, 4, 8, 12, 64):
        assert kafka_partition(key, partitions) == kafka_python_partition(key, partitions)


def test_a_topic_needs_a_partition() -> None:
    with pytest.raises(ValueError, match="at least one partition"):
        kafka_partition(b"cust-000001", 0)
