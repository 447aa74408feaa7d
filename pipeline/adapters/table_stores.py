"""The processor's state ports over Faust tables.

Faust writes a table key to the changelog partition of the *current event*. In a ``take_events`` batch the
current event is not the one a write belongs to, so every write here names its event explicitly; writes are
buffered per batch (one write per key per batch) and flushed after the batch's outputs were handed to the
producer.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import faust
from faust.streams import _current_event

from pipeline.domain.churn import CustomerState, StateDecodeError
from pipeline.domain.partitioning import kafka_partition
from pipeline.domain.stage_aggregate import AccumulatorDecodeError
from pipeline.stage_windows import StoredWindow, WindowKey

log = logging.getLogger(__name__)


def write_as(event: faust.types.EventT, table: faust.Table, key: bytes, value: bytes | None) -> None:
    """Write (or delete, for None) a table key on the changelog partition of ``event``."""
    token = _current_event.set(weakref.ref(event))
    try:
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    finally:
        _current_event.reset(token)


@dataclass
class BatchCustomerStore:
    """Customer state for one batch: read through, write back once per customer at ``flush``."""

    table: faust.Table
    current: Any = None
    _cache: dict[str, CustomerState | None] = field(default_factory=dict)
    _dirty: dict[str, tuple[CustomerState, Any]] = field(default_factory=dict)

    def get(self, customer_id: str) -> CustomerState | None:
        if customer_id in self._cache:
            return self._cache[customer_id]
        raw = self.table.get(customer_id.encode())
        state = None
        if raw is not None:
            try:
                state = CustomerState.from_bytes(raw)
            except StateDecodeError:
                log.exception("unreadable customer state: starting afresh", extra={"table": self.table.name})
        self._cache[customer_id] = state
        return state

    def put(self, customer_id: str, state: CustomerState) -> None:
        self._cache[customer_id] = state
        self._dirty[customer_id] = (state, self.current)

    def flush(self) -> None:
        for customer_id, (state, event) in self._dirty.items():
            write_as(event, self.table, customer_id.encode(), state.to_bytes())
        self._dirty.clear()
        self._cache.clear()


@dataclass
class BatchWatermarkStore:
    """Source-partition watermarks, written once per batch."""

    table: faust.Table
    current: Any = None
    _values: dict[int, int] = field(default_factory=dict)
    _dirty: dict[int, Any] = field(default_factory=dict)

    def get(self, partition: int) -> int | None:
        if partition not in self._values:
            raw = self.table.get(f"{partition}".encode())
            if raw is None:
                return None
            self._values[partition] = int(raw)
        return self._values[partition]

    def put(self, partition: int, watermark_ms: int) -> None:
        if self._values.get(partition) != watermark_ms:
            self._values[partition] = watermark_ms
            self._dirty[partition] = self.current

    def flush(self) -> dict[int, int]:
        """Write the changed watermarks; return them (they are announced to the window side)."""
        changed = {partition: self._values[partition] for partition in self._dirty}
        for partition, event in self._dirty.items():
            write_as(event, self.table, f"{partition}".encode(), str(self._values[partition]).encode())
        self._dirty.clear()
        return changed


class WindowIndex:
    """Which windows each partition of the contributions topic holds; rebuilt from the table after a rebalance.

    Faust tables cannot be scanned cheaply per message, so the keys of each scope are kept in memory and
    rebuilt from the (recovered) table the first time a scope is used after an assignment.
    """

    def __init__(self, table: faust.Table, partitions: int) -> None:
        self.table = table
        self.partitions = partitions
        self._scopes: dict[int, set[WindowKey]] = {}

    def reset(self) -> None:
        self._scopes.clear()

    def scope(self, partition: int) -> set[WindowKey]:
        keys = self._scopes.get(partition)
        if keys is None:
            keys = set()
            for raw_key in self.table.keys():
                key = WindowKey.from_id(raw_key.decode())
                if stage_partition(key.journey, key.stage, self.partitions) == partition:
                    keys.add(key)
            self._scopes[partition] = keys
        return keys


def stage_key(journey: str, stage: str) -> bytes:
    """The key of a stage's messages on the contributions topic (its partition is murmur2 of it)."""
    return f"{journey}/{stage}".encode()


def stage_partition(journey: str, stage: str, partitions: int) -> int:
    return kafka_partition(stage_key(journey, stage), partitions)


@dataclass
class TableWindowStore:
    """The windows of one contributions partition; writes buffered until ``flush``."""

    table: faust.Table
    keys_in_scope: set[WindowKey]
    event: Any
    _pending: dict[WindowKey, StoredWindow | None] = field(default_factory=dict)

    def get(self, key: WindowKey) -> StoredWindow | None:
        if key in self._pending:
            return self._pending[key]
        if key not in self.keys_in_scope:
            return None
        raw = self.table.get(key.window_id.encode())
        if raw is None:
            return None
        try:
            return StoredWindow.from_bytes(key, raw)
        except (AccumulatorDecodeError, ValueError, KeyError):
            log.exception("unreadable window state: starting it afresh", extra={"window_id": key.window_id})
            return None

    def put(self, window: StoredWindow) -> None:
        self._pending[window.key] = window
        self.keys_in_scope.add(window.key)

    def delete(self, key: WindowKey) -> None:
        self._pending[key] = None
        self.keys_in_scope.discard(key)

    def keys(self) -> Iterable[WindowKey]:
        return list(self.keys_in_scope)

    def flush(self) -> None:
        for key, window in self._pending.items():
            write_as(self.event, self.table, key.window_id.encode(), None if window is None else window.to_bytes())
        self._pending.clear()


@dataclass
class TableSourceWatermarks:
    """The source watermarks one contributions partition has heard."""

    table: faust.Table
    scope: int
    sources: int
    event: Any

    def get_all(self) -> dict[int, int]:
        known: dict[int, int] = {}
        for source in range(self.sources):
            raw = self.table.get(f"{self.scope}/{source}".encode())
            if raw is not None:
                known[source] = int(raw)
        return known

    def put(self, source_partition: int, watermark_ms: int) -> None:
        write_as(self.event, self.table, f"{self.scope}/{source_partition}".encode(), str(watermark_ms).encode())
