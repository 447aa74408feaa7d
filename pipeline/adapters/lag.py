"""Consumer lag of the input topic: end offset minus committed offset, per partition this worker owns.

Faust exposes end and committed offsets as separate sensor metrics but no lag, and only updates them when
messages flow; a timer asks the broker for the end offsets, so the gauge keeps rising while processing
is stalled, which is exactly when it matters.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Protocol

import faust
from faust.types import TP

log = logging.getLogger(__name__)

LAG_INTERVAL_SECONDS = 10.0


class LagGauge(Protocol):
    """Where lag goes (``PipelineMetrics``)."""

    def set_consumer_lag(self, topic: str, partition: int, lag: int) -> None: ...

    def forget_consumer_lag(self, topic: str, partition: int) -> None: ...


def partition_lags(
    highwaters: Mapping[TP, int], committed: Mapping[TP, int | None], earliest: Mapping[TP, int]
) -> dict[TP, int]:
    """Lag per partition; a partition never committed lags from its earliest retained offset."""
    lags: dict[TP, int] = {}
    for tp, end in highwaters.items():
        position = committed.get(tp)
        if position is None:
            position = earliest.get(tp, 0)
        lags[tp] = max(end - position, 0)
    return lags


class ConsumerLag:
    """Refreshes the lag gauge of one topic's assigned partitions and drops revoked ones."""

    def __init__(self, app: faust.App, topic: str, gauge: LagGauge) -> None:
        self.app = app
        self.topic = topic
        self.gauge = gauge
        self.reported: set[int] = set()

    async def refresh(self) -> None:
        """Ask the broker for end offsets and publish the lag of every assigned partition of the topic."""
        consumer = self.app.consumer
        assigned = sorted(tp for tp in consumer.assignment() if tp.topic == self.topic)
        current = {tp.partition for tp in assigned}
        self.forget(partition for partition in self.reported - current)
        if not assigned:
            return
        highwaters = await consumer.highwaters(*assigned)
        # Faust keeps the offsets it committed (or found committed on assignment) per partition; the
        # attribute is private but it is the consumer's own truth, with no extra round trip to the broker.
        committed: Mapping[TP, int | None] = getattr(consumer, "_committed_offset", {})
        never_committed = [tp for tp in assigned if committed.get(tp) is None]
        earliest = await consumer.earliest_offsets(*never_committed) if never_committed else {}
        for tp, lag in partition_lags(highwaters, committed, earliest).items():
            if tp.partition in current:
                self.gauge.set_consumer_lag(self.topic, tp.partition, lag)
                self.reported.add(tp.partition)

    def revoked(self, partitions: Iterable[TP]) -> None:
        """Drop the series of revoked partitions so two workers never report the same one."""
        self.forget(tp.partition for tp in partitions if tp.topic == self.topic)

    def forget(self, partitions: Iterable[int]) -> None:
        for partition in list(partitions):
            self.gauge.forget_consumer_lag(self.topic, partition)
            self.reported.discard(partition)
