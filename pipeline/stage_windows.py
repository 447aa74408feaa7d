"""The per-stage emotion windows (the journey map), fed by window contributions from every source partition.

Contributions for one journey stage arrive from all source partitions, each partition's in offset order.
Lateness is decided per contribution from its source partition's watermark (carried with it), so it does
not depend on how partitions interleave. A window closes, and its result is emitted once, when *every*
source partition's watermark has passed its end plus the grace period: from then on no source partition can
send a contribution that counts. Closed windows stay readable for the retention period, then are deleted.

The worker runs this over Faust tables (one scope per partition of the contributions topic); ``replay``
runs it over a dictionary. Both give the same windows.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.domain.records import StageWindowResult, stage_window_id
from pipeline.domain.stage_aggregate import StageAggregation, StageWindowAccumulator, WindowContribution
from pipeline.domain.windows import closing_step_ms, expired, is_closed, is_too_late, window_start
from pipeline.metrics_port import MetricsRecorder

MS_PER_SECOND = 1000


class WindowSettings(BaseModel):
    """Window sizes, grace for late events and how long closed windows stay readable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sizes_seconds: tuple[int, ...] = Field(default=(3600, 86_400), min_length=1)
    grace_seconds: int = Field(default=3600, ge=0)
    retention_seconds: int = Field(default=7 * 86_400, ge=0)
    peak_count: int = Field(default=5, ge=0, le=100)
    top_reason_count: int = Field(default=5, ge=0, le=100)

    @field_validator("sizes_seconds")
    @classmethod
    def _sizes_positive(cls, sizes: tuple[int, ...]) -> tuple[int, ...]:
        if any(size <= 0 for size in sizes) or len(set(sizes)) != len(sizes):
            raise ValueError("window sizes must be distinct positive numbers of seconds")
        return tuple(sorted(sizes))

    @property
    def grace_ms(self) -> int:
        return self.grace_seconds * MS_PER_SECOND

    @property
    def retention_ms(self) -> int:
        return max(self.retention_seconds, self.grace_seconds) * MS_PER_SECOND

    @property
    def closing_step_ms(self) -> int:
        """Windows close and expire only at multiples of this event time (see ``windows.closing_step_ms``)."""
        return closing_step_ms(
            (size * MS_PER_SECOND for size in self.sizes_seconds), self.grace_ms, self.retention_ms
        )


@dataclass(frozen=True, slots=True, order=True)
class WindowKey:
    """One window of one journey stage."""

    journey: str
    stage: str
    size_ms: int
    start_ms: int

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.size_ms

    @property
    def window_id(self) -> str:
        return stage_window_id(self.journey, self.stage, self.size_ms // MS_PER_SECOND, self.start_ms)

    @classmethod
    def from_id(cls, window_id: str) -> WindowKey:
        journey, stage, size_seconds, start_ms = window_id.rsplit("/", 3)
        return cls(journey, stage, int(size_seconds) * MS_PER_SECOND, int(start_ms))


@dataclass(frozen=True, slots=True)
class StoredWindow:
    """A window's accumulator and whether its result was emitted."""

    key: WindowKey
    accumulator: StageWindowAccumulator = field(default_factory=StageWindowAccumulator)
    emitted: bool = False

    def to_bytes(self) -> bytes:
        return orjson.dumps({"e": self.emitted, "a": orjson.Fragment(self.accumulator.to_bytes())})

    @classmethod
    def from_bytes(cls, key: WindowKey, raw: bytes) -> StoredWindow:
        decoded: dict[str, Any] = orjson.loads(raw)
        accumulator = StageWindowAccumulator.from_bytes(orjson.dumps(decoded["a"]))
        return cls(key, accumulator, bool(decoded["e"]))


class WindowStore(Protocol):
    """The windows of one scope (a partition of the contributions topic, or everything in replay).

    Besides the windows it keeps a schedule: when each window is next due (to close, then to expire), so a
    watermark step looks only at the windows it concerns.
    """

    def get(self, key: WindowKey) -> StoredWindow | None: ...

    def put(self, window: StoredWindow) -> None: ...

    def delete(self, key: WindowKey) -> None: ...

    def schedule(self, key: WindowKey, due_ms: int) -> None: ...

    def pop_due(self, watermark_ms: int) -> list[WindowKey]: ...


class SourceWatermarks(Protocol):
    """The latest watermark heard from each source partition, in one scope."""

    def get_all(self) -> dict[int, int]: ...

    def put(self, source_partition: int, watermark_ms: int) -> None: ...


@dataclass
class StageWindows:
    """Applies contributions and watermarks to windows and says which windows closed."""

    settings: WindowSettings
    source_partitions: int
    metrics: MetricsRecorder
    aggregation: StageAggregation = field(init=False)

    def __post_init__(self) -> None:
        self.aggregation = StageAggregation(self.settings.peak_count, self.settings.top_reason_count)

    def apply(
        self,
        source_partition: int,
        items: Sequence[tuple[int, int, WindowContribution]],
        store: WindowStore,
    ) -> None:
        """Add (offset, watermark, contribution) items of one source partition to their windows.

        Closing is left to ``advance``: a source partition's contributions to different stages travel as
        separate messages, so only a watermark announced after all of them may close a window.
        """
        for offset, watermark_ms, contribution in items:
            late = False
            for size_s in self.settings.sizes_seconds:
                late |= self._add(
                    contribution, size_s * MS_PER_SECOND, source_partition, offset, watermark_ms, store
                )
            if late:
                self.metrics.event_late()

    def advance(
        self, source_partition: int, watermark_ms: int, store: WindowStore, watermarks: SourceWatermarks
    ) -> list[StageWindowResult]:
        """Record a source partition's watermark, announced after all its contributions up to that point;
        emit every window that all source partitions have passed."""
        known = watermarks.get_all()
        if watermark_ms > known.get(source_partition, watermark_ms - 1):
            watermarks.put(source_partition, watermark_ms)
            known[source_partition] = watermark_ms
        if len(known) < self.source_partitions:
            return []
        return self.close(min(known.values()), store)

    def close(self, watermark_ms: int, store: WindowStore) -> list[StageWindowResult]:
        """Emit windows closed at ``watermark_ms`` (not emitted before) and drop expired ones.

        A window holding only late events has nothing to report: it is marked emitted without a result.
        """
        results: list[StageWindowResult] = []
        for key in sorted(set(store.pop_due(watermark_ms))):
            window = store.get(key)
            if window is None:
                continue
            if expired(key.end_ms, watermark_ms, self.settings.retention_ms):
                store.delete(key)
            elif window.emitted:
                store.schedule(key, key.end_ms + self.settings.retention_ms)
            elif is_closed(key.end_ms, watermark_ms, self.settings.grace_ms):
                if window.accumulator.events:
                    results.append(self.result(window))
                    self.metrics.window_emitted()
                store.put(replace(window, emitted=True))
                store.schedule(key, key.end_ms + self.settings.retention_ms)
            else:
                store.schedule(key, key.end_ms + self.settings.grace_ms)
        return results

    def result(self, window: StoredWindow) -> StageWindowResult:
        """The contract record of a window (open or closed)."""
        key = window.key
        return self.aggregation.result(window.accumulator, key.journey, key.stage, key.start_ms, key.size_ms)

    def _add(  # noqa: PLR0917 - one call site, the loop in apply
        self,
        contribution: WindowContribution,
        size_ms: int,
        source_partition: int,
        offset: int,
        watermark_ms: int,
        store: WindowStore,
    ) -> bool:
        start = window_start(contribution.occurred_at_ms, size_ms)
        key = WindowKey(contribution.journey, contribution.stage, size_ms, start)
        late = is_too_late(contribution.occurred_at_ms, key.end_ms, watermark_ms, self.settings.grace_ms)
        if late and expired(key.end_ms, watermark_ms, self.settings.retention_ms):
            return True  # its window is gone: counted as late in metrics, nothing to keep
        window = store.get(key)
        if window is None:
            window = StoredWindow(key)
            store.schedule(key, key.end_ms + self.settings.grace_ms)
        if late:
            accumulator = self.aggregation.add_late(window.accumulator, source_partition, offset)
        else:
            accumulator = self.aggregation.add(window.accumulator, contribution, source_partition, offset)
        if accumulator is not window.accumulator:
            store.put(replace(window, accumulator=accumulator))
        return late


@dataclass
class DueSchedule:
    """Window keys by the event time they are next due at (a heap; stale entries are re-checked)."""

    entries: list[tuple[int, WindowKey]] = field(default_factory=list)

    def schedule(self, key: WindowKey, due_ms: int) -> None:
        heapq.heappush(self.entries, (due_ms, key))

    def pop_due(self, watermark_ms: int) -> list[WindowKey]:
        due: list[WindowKey] = []
        while self.entries and self.entries[0][0] <= watermark_ms:
            due.append(heapq.heappop(self.entries)[1])
        return due


@dataclass
class MemoryWindowStore:
    """Windows in a dictionary (replay, tests)."""

    windows: dict[WindowKey, StoredWindow] = field(default_factory=dict)
    due: DueSchedule = field(default_factory=DueSchedule)

    def get(self, key: WindowKey) -> StoredWindow | None:
        return self.windows.get(key)

    def put(self, window: StoredWindow) -> None:
        self.windows[window.key] = window

    def delete(self, key: WindowKey) -> None:
        self.windows.pop(key, None)

    def schedule(self, key: WindowKey, due_ms: int) -> None:
        self.due.schedule(key, due_ms)

    def pop_due(self, watermark_ms: int) -> list[WindowKey]:
        return self.due.pop_due(watermark_ms)


@dataclass
class MemorySourceWatermarks:
    """Source watermarks in a dictionary (replay, tests)."""

    watermarks: dict[int, int] = field(default_factory=dict)

    def get_all(self) -> dict[int, int]:
        return dict(self.watermarks)

    def put(self, source_partition: int, watermark_ms: int) -> None:
        self.watermarks[source_partition] = watermark_ms
