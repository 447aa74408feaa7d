"""Customers per risk level, for the partitions this worker owns (the ``emotion_pipeline_customers`` gauge).

After every change of assignment the counts are rebuilt by reading the (recovered) customers table; in
between they follow the level changes the processor reports. The rebuild reads in chunks and yields to the
event loop between them (a worker may own hundreds of thousands of customers), so the agent keeps writing
meanwhile. The counts stay exact because the agent hands over a batch's changes right after it wrote the
batch's states, with no ``await`` in between, and a change is counted only for a customer whose state the
rebuild has already read (or never will: customers first seen after the rebuild listed the keys). A
customer still waiting to be read is counted from its state when read, which already holds the change.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Protocol

import faust

from pipeline.domain.churn import ChurnPolicy, CustomerState, StateDecodeError, customer_level
from pipeline.domain.partitioning import kafka_partition
from pipeline.domain.records import RiskLevel

if TYPE_CHECKING:
    from pipeline.adapters.worker_app import Worker

log = logging.getLogger(__name__)

#: (customer id, level before or None for a new customer, level after), from ``RecordOutputs``.
LevelChange = tuple[str, RiskLevel | None, RiskLevel]

REBUILD_CHUNK: Final[int] = 250


@dataclass(frozen=True)
class Counted:
    """What one ``apply`` added to the counts: the changes it counted, and which counts (see ``revert``)."""

    epoch: int
    changes: tuple[LevelChange, ...]


class LevelGauge(Protocol):
    """Where the counts go (``PipelineMetrics.set_customer_levels``)."""

    def set_customer_levels(self, counts: Mapping[str, int]) -> None: ...


class RiskLevelCounts:
    """Counts customers per risk level; stale from a change of assignment until a rebuild completes."""

    def __init__(self, gauge: LevelGauge, policy: ChurnPolicy, chunk: int = REBUILD_CHUNK) -> None:
        self.gauge = gauge
        self.policy = policy
        self.chunk = chunk
        self.counts: Counter[str] = Counter()
        self.stale = True
        self._unread: set[bytes] | None = None  # keys a running rebuild has still to read
        # Customers whose level changed while the counts were stale, for the next rebuild to read: their
        # states may still wait for their changelog records (``changelog_first``), where the table's key
        # listing does not see them.
        self._changed_while_stale: set[bytes] = set()
        # Which counts: a new epoch at each invalidation and each recount (the web timer starts one recount
        # at a time, so a recount that sees the epoch move was interrupted by an invalidation).
        self._epoch = 0

    @property
    def rebuilding(self) -> bool:
        return self._unread is not None

    def invalidate(self) -> None:
        """The assignment changes: drop the counts (and any rebuild in progress) until the next rebuild."""
        self.stale = True
        self._unread = None
        self._epoch += 1

    def apply(self, changes: Iterable[LevelChange]) -> Counted:
        """Follow one batch's level changes, handed over right after its states were written to the table;
        returns what it counted, for ``revert``."""
        if self.stale and self._unread is None:
            # No rebuild running: the next one reads these states.
            self._changed_while_stale.update(customer_id.encode() for customer_id, _, _ in changes)
            return Counted(self._epoch, ())
        counted: list[LevelChange] = []
        for change in changes:
            customer_id, before, after = change
            if self._unread is not None and customer_id.encode() in self._unread:
                continue  # its state, read later, already holds this change
            if before is not None:
                self.counts[before] -= 1
            self.counts[after] += 1
            counted.append(change)
        if not self.stale:
            self.gauge.set_customer_levels(self.counts)
        return Counted(self._epoch, tuple(counted))

    def revert(self, counted: Counted) -> None:
        """Take back what ``apply`` counted for a batch whose state writes were then dropped (a changelog
        write failed): the batch is done again from the states before it and counts its changes then.
        Counts begun since (a recount, a new assignment) are left alone: this apply did not move them."""
        if counted.epoch != self._epoch or not counted.changes:
            return
        for _, before, after in counted.changes:
            self.counts[after] -= 1
            if before is not None:
                self.counts[before] += 1
        if not self.stale:
            self.gauge.set_customer_levels(self.counts)

    async def rebuild(
        self, keys: Iterable[bytes], read: Callable[[bytes], bytes | None], owned: Callable[[bytes], bool]
    ) -> int | None:
        """Recount the ``owned`` customers from their stored states; None if a new assignment interrupted."""
        self._epoch += 1
        epoch = self._epoch
        changed, self._changed_while_stale = self._changed_while_stale, set()
        listed = list(dict.fromkeys([*keys, *changed]))
        unread = self._unread = set(listed)
        self.counts = Counter()
        for position, key in enumerate(listed, start=1):
            unread.discard(key)
            raw = read(key) if owned(key) else None
            if raw is not None:
                self._count(raw)
            if position % self.chunk == 0:
                await asyncio.sleep(0)
                if epoch != self._epoch:
                    return None
        self._unread = None
        self.stale = False
        self.gauge.set_customer_levels(self.counts)
        return sum(self.counts.values())

    def _count(self, raw: bytes) -> None:
        try:
            state = CustomerState.from_bytes(raw)
        except StateDecodeError:
            log.warning(
                "unreadable customer state left out of the level counts", extra={"table": "customers"}
            )
            return
        self.counts[customer_level(state, self.policy)] += 1


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
