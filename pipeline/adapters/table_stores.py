"""The processor's state ports over Faust tables.

Faust writes a table key to the changelog partition of the *current event*. In a ``take_events`` batch the
current event is not the one a write belongs to, so every write here names its event explicitly; writes are
buffered per batch (one write per key per batch) and flushed after the batch's outputs were handed to the
producer.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import faust
import orjson
from faust.streams import _current_event
from faust.types import EventT, Message

from pipeline.domain.churn import CustomerState, StateDecodeError
from pipeline.domain.partitioning import kafka_partition
from pipeline.domain.stage_aggregate import AccumulatorDecodeError
from pipeline.stage_windows import DueSchedule, StoredWindow, WindowKey, WindowSettings

log = logging.getLogger(__name__)

BytesTable = faust.Table[bytes, bytes]
Event = EventT[bytes]


def write_as(event: Event, table: BytesTable, key: bytes, value: bytes | None) -> None:
    """Write (or delete, for None) a table key on the changelog partition of ``event``."""
    token = _current_event.set(weakref.ref(event))
    try:
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    finally:
        _current_event.reset(token)


def event_in_context() -> Event | None:
    """The event a table write made now belongs to (what ``write_as`` sets), if any."""
    reference = _current_event.get(None)
    return None if reference is None else reference()


@dataclass
class BatchCustomerStore:
    """Customer state for one batch: read through, write back once per customer at ``flush``."""

    table: BytesTable
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

    def flush(self, owns: Callable[[Message], bool]) -> None:
        """Write each changed state once, skipping records no longer current (their new owner redoes them)."""
        for customer_id, (state, event) in self._dirty.items():
            if owns(event.message):
                write_as(event, self.table, customer_id.encode(), state.to_bytes())
        self._dirty.clear()
        self._cache.clear()


CHECKPOINTS_KEPT = 64

Checkpoint = tuple[int, int | None]
"""(offset, the partition's watermark before the record at that offset)."""


def _decode_checkpoints(raw: bytes) -> list[Checkpoint]:
    decoded = orjson.loads(raw)
    checkpoints: list[Checkpoint] = [(int(offset), watermark) for offset, watermark in decoded["cp"]]
    if "o" in decoded:  # the earlier layout also kept the watermark after its last offset
        checkpoints = _upsert(checkpoints, (int(decoded["o"]) + 1, decoded["w"]))
    return checkpoints


def _upsert(checkpoints: list[Checkpoint], checkpoint: Checkpoint) -> list[Checkpoint]:
    kept = [pair for pair in checkpoints if pair[0] != checkpoint[0]]
    return sorted([*kept, checkpoint])[-CHECKPOINTS_KEPT:]


@dataclass
class _BatchRun:
    """One partition's watermark within a batch, where it started, and whether that start is known exactly."""

    watermark: int | None
    exact: bool
    checkpoints: list[Checkpoint]
    started: int | None


class WatermarkMove(NamedTuple):
    """A source partition's watermark before and after one batch (``None``: none before it)."""

    before: int | None
    after: int


@dataclass
class BatchWatermarkStore:
    """Source-partition watermarks, exact under redelivery, written once per batch.

    Lateness must be judged against the watermark *as it was at the record's offset*, whatever was processed
    before: after a crash the stored watermark can be ahead of the committed offset, and Faust can even hand
    out a few records from below the committed offset while a partition is being assigned. So nothing here
    moves only forward. The table keeps checkpoints, each an offset with the watermark before it; every
    batch starts from the checkpoint at or below its first record and, when done, records the watermark
    after its last one. Commits fall on batch boundaries, so a redelivery starts at a checkpoint and is
    exact; one that does not (logged) can only see a lower watermark, and never overwrites an exact one.
    """

    table: BytesTable
    _current: Any = None
    _partitions: dict[int, _BatchRun] = field(default_factory=dict)
    _dirty: dict[int, Any] = field(default_factory=dict)
    _last_seen: dict[int, int] = field(default_factory=dict)
    _first_seen: dict[int, int] = field(default_factory=dict)

    @property
    def current(self) -> Any:
        return self._current

    @current.setter
    def current(self, event: Any) -> None:
        # Records that change no watermark (duplicates, dead letters) still move the checkpoint past them.
        self._current = event
        message = event.message
        self._last_seen[message.partition] = max(self._last_seen.get(message.partition, -1), message.offset)
        self._first_seen[message.partition] = min(
            self._first_seen.get(message.partition, message.offset), message.offset
        )

    def get(self, partition: int) -> int | None:
        run = self._partitions.get(partition)
        if run is None:
            # Records of the batch before this one changed no watermark: the run starts at its first.
            run = self._begin(partition, self._first_seen.get(partition, self.current.message.offset))
        return run.watermark

    def _begin(self, partition: int, offset: int) -> _BatchRun:
        raw = self.table.get(f"{partition}".encode())
        checkpoints = [] if raw is None else _decode_checkpoints(raw)
        earlier = [pair for pair in checkpoints if pair[0] <= offset]
        # At or past the newest checkpoint nothing was applied in between; below it only an exact one counts.
        # A partition's first batch writes a checkpoint at its first offset (no watermark before it), so a
        # redelivery from there is exact wherever the log starts; state written before that checkpoint
        # existed has none, and offset 0 stands in for it.
        at_checkpoint = (bool(earlier) and earlier[-1][0] == offset) or (offset == 0 and not earlier)
        exact = not checkpoints or offset >= checkpoints[-1][0] or at_checkpoint
        if not exact:
            log.warning(
                "no watermark checkpoint at a redelivered offset; lateness may differ",
                extra={"partition": partition, "offset": offset},
            )
        watermark = earlier[-1][1] if earlier else None
        run = _BatchRun(watermark, exact, checkpoints, started=watermark)
        self._partitions[partition] = run
        return run

    def put(self, partition: int, watermark_ms: int) -> None:
        self._partitions[partition].watermark = watermark_ms
        self._dirty[partition] = self.current

    def flush(self, owns: Callable[[Message], bool]) -> dict[int, WatermarkMove]:
        """Write the touched partitions' checkpoints; return how their watermarks moved (for the windows)."""
        changed: dict[int, WatermarkMove] = {}
        for partition, event in self._dirty.items():
            if not owns(event.message):
                continue
            run = self._partitions[partition]
            after = (self._last_seen[partition] + 1, run.watermark)
            if run.exact or all(pair[0] != after[0] for pair in run.checkpoints):
                # The partition's first batch: nothing was applied before its first record.
                known = run.checkpoints or [(self._first_seen[partition], None)]
                checkpoints = _upsert(known, after)
                write_as(event, self.table, f"{partition}".encode(), orjson.dumps({"cp": checkpoints}))
            if run.watermark is not None:
                changed[partition] = WatermarkMove(run.started, run.watermark)
        self._dirty.clear()
        self._partitions.clear()
        self._last_seen.clear()
        self._first_seen.clear()
        return changed


class WindowIndex:
    """Which windows each contributions partition holds and when each is due; rebuilt after a rebalance.

    Faust tables cannot be scanned cheaply per message, so keys and due times of each scope live in memory,
    rebuilt from the (recovered) table the first time a scope is used after an assignment changed.
    """

    def __init__(self, table: BytesTable, partitions: int, settings: WindowSettings) -> None:
        self.table = table
        self.partitions = partitions
        self.settings = settings
        self._scopes: dict[int, DueSchedule] = {}

    def reset(self) -> None:
        self._scopes.clear()

    def scope(self, partition: int) -> DueSchedule:
        schedule = self._scopes.get(partition)
        if schedule is None:
            schedule = DueSchedule()
            for raw_key, raw_value in self.table.items():
                key = WindowKey.from_id(raw_key.decode())
                if stage_partition(key.journey, key.stage, self.partitions) != partition:
                    continue
                emitted = StoredWindow.from_bytes(key, raw_value).emitted
                wait_ms = self.settings.retention_ms if emitted else self.settings.grace_ms
                schedule.schedule(key, key.end_ms + wait_ms)
            self._scopes[partition] = schedule
        return schedule


def stage_key(journey: str, stage: str) -> bytes:
    """The key of a stage's messages on the contributions topic (its partition is murmur2 of it)."""
    return f"{journey}/{stage}".encode()


def stage_partition(journey: str, stage: str, partitions: int) -> int:
    return kafka_partition(stage_key(journey, stage), partitions)


@dataclass
class TableWindowStore:
    """The windows of one contributions partition; writes buffered until ``flush``."""

    table: BytesTable
    due: DueSchedule
    event: Any
    _pending: dict[WindowKey, StoredWindow | None] = field(default_factory=dict)

    def get(self, key: WindowKey) -> StoredWindow | None:
        if key in self._pending:
            return self._pending[key]
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

    def delete(self, key: WindowKey) -> None:
        self._pending[key] = None

    def schedule(self, key: WindowKey, due_ms: int) -> None:
        self.due.schedule(key, due_ms)

    def pop_due(self, watermark_ms: int) -> list[WindowKey]:
        return self.due.pop_due(watermark_ms)

    def flush(self) -> None:
        for key, window in self._pending.items():
            write_as(
                self.event, self.table, key.window_id.encode(), None if window is None else window.to_bytes()
            )
        self._pending.clear()


HEARD_KEPT = 16


@dataclass
class TableSourceWatermarks:
    """The source watermarks one contributions partition has heard, each with where in the partition it was.

    Its changelog is not written atomically with the windows' changelog, so after a crash the stored
    watermarks can be ahead of the stored windows: redelivered contributions would then find a window closed
    before they were applied. Each source keeps its last few watermarks with the offset of the message that
    announced them, and a message sees only those announced up to it, exactly as in the first run, even when
    Faust redelivers messages from below the committed offset. A source whose earlier values were dropped
    reads as not heard yet, which only delays closing, and a later close gives the same result (what arrives
    after the watermark passed a window is late for it).
    """

    table: BytesTable
    scope: int
    sources: int
    event: Any

    def get_all(self) -> dict[int, int]:
        offset = self.event.message.offset
        known: dict[int, int] = {}
        for source in range(self.sources):
            heard = [watermark for at, watermark in self._heard(source) if at <= offset]
            if heard:
                known[source] = heard[-1]
        return known

    def put(self, source_partition: int, watermark_ms: int) -> None:
        # What each offset announced is a fact of the (immutable) partition: kept, whatever order it is heard.
        offset = self.event.message.offset
        history = [(at, watermark) for at, watermark in self._heard(source_partition) if at != offset]
        history = sorted([*history, (offset, watermark_ms)])[-HEARD_KEPT:]
        write_as(self.event, self.table, self._key(source_partition), orjson.dumps(history))

    def _key(self, source: int) -> bytes:
        return f"{self.scope}/{source}".encode()

    def _heard(self, source: int) -> list[tuple[int, int]]:
        raw = self.table.get(self._key(source))
        if raw is None:
            return []
        decoded = orjson.loads(raw)
        if isinstance(decoded, int):  # written before positions were kept: heard before everything
            return [(-1, decoded)]
        return [(int(at), int(watermark)) for at, watermark in decoded]
