"""Kafka's default partitioner for keyed records, so pure code can say where a customer's events land.

Java clients, kafka-python and librdkafka's ``murmur2_random`` partitioner all send a keyed record to
``positive(murmur2(key)) % partitions``; ``replay`` uses the same function to group events by partition
exactly as the broker would.
"""

from __future__ import annotations

from typing import Final

_MASK32: Final[int] = 0xFFFFFFFF
_SEED: Final[int] = 0x9747B28C
_M: Final[int] = 0x5BD1E995
_R: Final[int] = 24


def murmur2(key: bytes) -> int:
    """Kafka's 32-bit murmur2 hash of ``key`` (``org.apache.kafka.common.utils.Utils.murmur2``), signed."""
    length = len(key)
    h = (_SEED ^ length) & _MASK32
    whole = length - length % 4
    for index in range(0, whole, 4):
        k = int.from_bytes(key[index : index + 4], "little")
        k = (k * _M) & _MASK32
        k ^= k >> _R
        k = (k * _M) & _MASK32
        h = ((h * _M) & _MASK32) ^ k
    tail = length % 4
    if tail == 3:
        h ^= key[whole + 2] << 16
    if tail >= 2:
        h ^= key[whole + 1] << 8
    if tail >= 1:
        h ^= key[whole]
        h = (h * _M) & _MASK32
    h ^= h >> 13
    h = (h * _M) & _MASK32
    h ^= h >> 15
    # Java's int is signed; keep its value so vectors from Kafka's own tests compare directly.
    return h - (1 << 32) if h & 0x80000000 else h


def kafka_partition(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner picks for a keyed record.

    That is ``positive(murmur2(key)) % partitions``; ValueError for fewer than one partition.
    """
    if partitions < 1:
        raise ValueError(f"a topic has at least one partition, got {partitions}")
    # Kafka's Utils.toPositive masks the sign bit rather than taking abs(), so -1 maps to 0x7fffffff.
    return (murmur2(key) & 0x7FFFFFFF) % partitions
