"""Customers per risk level, for the partitions this worker owns (the ``emotion_pipeline_customers`` gauge).

After every change of assignment the counts are rebuilt by scanning the (recovered) customers table; in
between they follow the level changes the processor reports. Both views agree because the agent applies a
batch's level changes right after it wrote the batch's states to the table, with no ``await`` in between,
and the scan is synchronous too: a scan sees either both the states and their changes, or neither.
"""

from __future__ import annotations

import logging
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

import faust

from pipeline.domain.churn import ChurnPolicy, CustomerState, StateDecodeError, customer_level
from pipeline.domain.partitioning import kafka_partition
from pipeline.domain.records import RiskLevel

if TYPE_CHECKING:
    from pipeline.adapters.worker_app import Worker

log = logging.getLogger(__name__)

LevelChange = tuple[RiskLevel | None, RiskLevel]


class LevelGauge(Protocol):
    """Where the counts go (``PipelineMetrics.set_customer_levels``)."""

    def set_customer_levels(self, counts: Mapping[str, int]) -> None: ...


class RiskLevelCounts:
    """Counts customers per risk level; stale from a rebalance until the next ``rebuild``."""

    def __init__(self, gauge: LevelGauge, policy: ChurnPolicy) -> None:
        self.gauge = gauge
        self.policy = policy
        self.counts: Counter[str] = Counter()
        self.stale = True

    def invalidate(self) -> None:
        """The assignment changes: ignore level changes until the table has been scanned again."""
        self.stale = True

    def apply(self, changes: Iterable[LevelChange]) -> None:
        """Follow the level changes of one batch (``RecordOutputs.level_change``), written to the table."""
        if self.stale:
            return
        changed = False
        for before, after in changes:
            if before is not None:
                self.counts[before] -= 1
            self.counts[after] += 1
            changed = True
        if changed:
            self.gauge.set_customer_levels(self.counts)

    def rebuild(self, states: Iterable[tuple[bytes, bytes]], owned: Callable[[bytes], bool]) -> int:
        """Recount from ``(customer key, stored state)`` pairs, keeping the keys ``owned`` accepts."""
        counts: Counter[str] = Counter()
        for key, raw in states:
            if not owned(key):
                continue
            try:
                state = CustomerState.from_bytes(raw)
            except StateDecodeError:
                log.warning("unreadable customer state left out of the level counts",
                            extra={"table": "customers"})
                continue
            counts[customer_level(state, self.policy)] += 1
        self.counts = counts
        self.stale = False
        self.gauge.set_customer_levels(counts)
        return sum(counts.values())


_COUNTS_BY_APP: weakref.WeakKeyDictionary[faust.App, RiskLevelCounts] = weakref.WeakKeyDictionary()


def risk_level_counts(worker: Worker) -> RiskLevelCounts:
    """The one counter of a worker, shared by its interactions agent (changes) and its operations (rebuilds).

    Memoised per Faust app, so the agent wiring and ``attach_operations`` get the same object whichever
    asks first.
    """
    counts = _COUNTS_BY_APP.get(worker.app)
    if counts is None:
        counts = _COUNTS_BY_APP[worker.app] = RiskLevelCounts(worker.metrics, worker.settings.churn)
    return counts


def owned_customer_keys(assigned_partitions: set[int], partitions: int) -> Callable[[bytes], bool]:
    """Whether a customer key belongs to an assigned partition (producers key input by customer id)."""
    return lambda key: kafka_partition(key, partitions) in assigned_partitions
