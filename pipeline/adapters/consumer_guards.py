"""Seven guards on Faust's consumer bookkeeping, each for a bug that loses or stalls records.

Acks of records that are no longer current. Faust's stream skips a record fetched in an earlier
generation, or taken while a rebalance has suspended the flow, and acks it all the same (so that lag does
not grow). The consumer has already forgotten the partition's acks and committed offset at that point, so
it accepts the skipped offset, and once the new generation has applied the records before it, the commit
jumps over every record that was skipped: they are applied later in this generation, but a crash or the
next rebalance first loses them for good. A record whose ack is refused is read again from the committed
offset by whoever owns the partition next, and applying it again changes nothing (state is idempotent by
offset).

Read positions left over from the last generation. Faust drops every fetched record below the partition's
last read offset. A rebalance forgets those offsets, but the fetch loop, woken by the same rebalance from
handing a record to a full stream buffer, writes the old generation's offset back afterwards. The new
generation then drops the records from its committed offset up to that stale mark, applies the ones
after it, and its commit never passes the hole: the worker stalls, and the records after the hole were
applied before the ones in it. Newly assigned partitions therefore start with no read position; Faust
sets it again from the committed offset when it seeks.

Fetched records cleared from the agents' buffers. After a rebalance Faust resumes the partitions, seeks
them to the committed offset, and then resumes the flow, which empties every stream buffer. The records
fetched between the resume and the seek are thrown away, but the fetch loop has already moved the read
position past them, so their second copies (fetched again after the seek) are dropped as already read:
a hole again, measured on a broker as hundreds of records of one partition. The agents' buffers are
therefore kept: a record fetched in the current generation is applied in order, one from an earlier
generation is skipped (and, by the first guard, never acked), and a second copy is applied as a duplicate,
which changes nothing.

Seeking back where nothing was committed. Records fetched while a rebalance has stopped the flow are
thrown away, and Faust seeks every partition back to its committed offset to read them again; a
partition with no committed offset yet is not moved at all, so the records just thrown away are never
read (measured: the first 500 records of a partition that changed owner before its first commit). Such
partitions are sought to their first available offset, where the group started reading them. Only those
the seek itself asked the broker about: Faust also seeks from its fetch loop while a rebalance has stopped
the flow, and a partition assigned while that seek ran would read as uncommitted (traced: two partitions
of a new generation sought to offset 0, and one's commit went from 64 back to 1).

Records fetched before that seek. After a rebalance Faust resumes the partitions first and seeks them to
the committed offset afterwards, so a fetch in between hands the agents records from wherever the fetch
position was, ahead of the commit, before the records from the commit on arrive (traced in a 100,000-event
chaos run: a partition committed at 4,513 had 5,013 to 5,045 applied first, and 4,513 to 5,012, read
again after the seek, were then skipped by the customers' offset idempotency as already applied). Records
of an input partition are therefore applied in offset order from where the generation's seek put it: one
beyond the next expected offset is neither applied nor acked, and comes again in order after the seek.

Commits past a record nobody acked. Faust commits the first run of consecutive acked offsets, and checks
only that the run starts no more than one past the committed offset (and not at all while the committed
offset is 0 or unknown): a single record released unapplied at the head, followed by acked ones, is
committed as if applied. Measured in a full-size chaos run: a contributions partition's commit went from
178 to 221 while the message at 203 had never reached the windows, and five hourly windows closed
without that source partition's events. A commit now moves only through a run that starts exactly at the
committed offset (or, before the first commit, where the generation's seek put the partition); a hole
at the head holds the commit and the partition is read again from it, once per hole and generation. Where
neither is known yet, Faust's own rule stands.

Records fetched before a seek, handed over after it. Faust's fetch loop hands a fetched batch to the
agents one record at a time, awaiting each, and moves the partition's read position past every record it
hands over. A seek that lands in between (the generation's seek to the committed offset, or a guard's seek
back) sets the read position back, and the rest of the old batch then moves it forward again: the records
the seek was for arrive and are dropped as already read. Traced in the shortened chaos test: a partition
committed at 45 was sought there while 432 to 931, fetched a few milliseconds earlier, were being handed
over; the re-read 45 to 930 were all dropped, the fifth guard refused everything after them as out of
order, and the partition stalled at 45 with nothing logged. Records of an input partition collected before
its fetch position last moved are therefore not handed over, and a read position moved by a record in
flight during the seek is put back where the seek left it.

The fifth, sixth and seventh guards take an input partition's offsets to be dense, as plain producers
write them: an offset taken by a transaction marker reads as a record missing, and the partition waits
for it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import faust
from faust.types import TP, Message
from faust.types.transports import ConsumerT

log = logging.getLogger(__name__)

# How long a hole in a partition's offsets may stay open after a seek back to it before it is sought again.
REWIND_AGAIN_SECONDS = 5.0


def is_current(app: faust.App, message: Message) -> bool:
    """Read in the current consumer generation, with no rebalance under way."""
    return message.generation_id == app.consumer_generation_id and bool(app.flow_control.is_active())


def count_current_acks_only(app: faust.App, consumer: ConsumerT) -> ConsumerT:
    """Make ``consumer`` refuse acks of records that are no longer current."""
    acknowledge = consumer.ack
    unacked: Any = getattr(consumer, "_unacked_messages", None)

    def ack(message: Message) -> bool:
        if is_current(app, message):
            return acknowledge(message)
        # Marked as acked, it never counts later either; untracked, a graceful stop does not wait for it.
        message.acked = True
        if unacked is not None:
            unacked.discard(message)
        return False

    # Message.ack reaches the consumer through this attribute (ConsumerMessage.on_final_ack).
    setattr(consumer, "ack", ack)  # noqa: B010 - an instance attribute: mypy forbids assigning a method
    return consumer


def input_partitions(app: faust.App, partitions: Iterable[TP]) -> list[TP]:
    """The partitions that agents read (changelog partitions belong to table recovery)."""
    changelogs = app.tables.changelog_topics  # a new set on every access: read it once
    return [tp for tp in partitions if tp.topic not in changelogs]


def forget_read_positions(app: faust.App, assigned: Iterable[TP]) -> None:
    """Drop the read positions of newly assigned input partitions."""
    positions: dict[TP, Any] = getattr(app.consumer, "_read_offset", {})
    for tp in input_partitions(app, assigned):
        positions.pop(tp, None)


def keep_fetched_records(app: faust.App) -> None:
    """Stop Faust from emptying the agents' input buffers when the flow resumes (see the module docstring).

    Table recovery keeps its own buffers as Faust has them; only channels of non-changelog topics change.
    """
    changelogs = set(app.tables.changelog_topics)
    channels: Any = getattr(app.topics, "_topics", ())
    managed: Any = getattr(app.flow_control, "_queues", None)
    for channel in list(channels):
        if changelogs & set(channel.topics):
            continue
        queue = channel.queue
        queue._clear_on_resume = False
        if managed is not None:
            managed.discard(queue)


def seek_committed_or_earliest(
    app: faust.App, consumer: ConsumerT, order: OffsetOrder | None = None
) -> ConsumerT:
    """Make ``consumer``'s seek to the committed offsets also seek partitions without one to their start,
    and tell ``order`` where each input partition was sought (its records are applied from there on)."""
    seek_to_committed = consumer.perform_seek
    faust_consumer: Any = consumer

    async def perform_seek() -> None:
        generation, before = app.consumer_generation_id, set(consumer.assignment())
        await seek_to_committed()
        if app.consumer_generation_id != generation:
            # A rebalance overtook the seek (Faust seeks from its fetch loop while the flow is stopped): it
            # covered the old assignment only, and the new generation seeks again once it is assigned.
            return
        # Partitions assigned while it ran were not sought: none of them reads as uncommitted here.
        assigned = input_partitions(app, before & set(consumer.assignment()))
        committed: dict[TP, int] = {}
        uncommitted: list[TP] = []
        for tp in assigned:
            offset = faust_consumer._committed_offset.get(tp)
            if offset is None:
                uncommitted.append(tp)
            else:
                committed[tp] = offset
        if order is not None:
            order.sought(committed)
        if uncommitted:
            try:
                starts = await faust_consumer.earliest_offsets(*uncommitted)
                # Sets each read position too, so the records read again are not dropped as already read.
                await faust_consumer.seek_wait(starts)
                if order is not None:
                    order.sought(starts)
            except Exception:  # the assignment changed under the seek: the next rebalance seeks again
                log.warning(
                    "could not seek partitions without a committed offset to their start",
                    extra={"partitions": sorted(f"{tp.topic}:{tp.partition}" for tp in uncommitted)},
                    exc_info=True,
                )
        if order is not None and app.consumer_generation_id == generation:
            order.seek_done()

    setattr(consumer, "perform_seek", perform_seek)  # noqa: B010 - as in count_current_acks_only
    return consumer


@dataclass
class OffsetOrder:
    """The fifth guard: records of each input partition are applied in offset order (see the module
    docstring), from the offset the generation's seek put the partition at."""

    app: faust.App
    # Per partition: (generation, offset) of the generation's seek, and of the next record to apply.
    _starts: dict[TP, tuple[int, int]] = field(default_factory=dict)
    _next: dict[TP, tuple[int, int]] = field(default_factory=dict)
    # Per hole (partition, generation, offset): when it was last sought back to.
    _rewinding: dict[tuple[TP, int, int], float] = field(default_factory=dict)
    _clock: Callable[[], float] = time.monotonic
    _seek_done: int | None = None

    def sought(self, offsets: Mapping[TP, int]) -> None:
        """Note where the current generation's seek put these partitions."""
        generation = self.app.consumer_generation_id
        for tp, offset in offsets.items():
            self._starts[tp] = (generation, offset)

    def seek_done(self) -> None:
        """Note that the current generation's seek has finished (wherever it put each partition)."""
        self._seek_done = self.app.consumer_generation_id

    def seek_done_in_this_generation(self) -> bool:
        """Whether the current generation's seek has finished: records taken before it came from wherever
        the fetch position was, and cannot be judged for order yet."""
        return self._seek_done == self.app.consumer_generation_id

    def start(self, tp: TP) -> int | None:
        """Where the current generation's seek put ``tp``, if it has been sought."""
        start = self._starts.get(tp)
        return start[1] if start is not None and start[0] == self.app.consumer_generation_id else None

    def admits(self, message: Message) -> bool:
        """Whether ``message`` may be applied now. Admitting the next record moves the expectation past
        it, so ask once per record before applying it (asked again, an admitted record stays admitted)."""
        tp, generation, offset = message.tp, message.generation_id, message.offset
        if generation is None:
            return True
        expected = self._expected(tp, generation)
        if expected is None or offset < expected:
            return True  # no seek seen in its generation, or a record applied before, read again
        if offset > expected:
            self._rewind(tp, generation, expected)
            return False
        self._next[tp] = (generation, offset + 1)
        return True

    def _expected(self, tp: TP, generation: int) -> int | None:
        applied = self._next.get(tp)
        if applied is not None and applied[0] == generation:
            return applied[1]
        start = self._starts.get(tp)
        return start[1] if start is not None and start[0] == generation else None

    def _rewind(self, tp: TP, generation: int, expected: int) -> None:
        """Seek back to the next expected offset: a hole that opened after the generation started, or the
        generation's own start once its seek is done. Until then, records ahead of the start need nothing:
        the seek reads the partition again from there. After it, they mean the records it sought were lost
        on the way (the seventh fault's signature, seen again after a restart on empty state: a partition
        refused everything ahead of its start, silently, for good). A hole still open
        ``REWIND_AGAIN_SECONDS`` after its seek is sought again."""
        if self._starts.get(tp) == (generation, expected) and self._seek_done != generation:
            return
        hole = (tp, generation, expected)
        now = self._clock()
        sought = self._rewinding.get(hole)
        if sought is not None and now - sought < REWIND_AGAIN_SECONDS:
            return
        self._rewinding[hole] = now
        log.warning(
            "records out of offset order: reading the partition again from the next expected offset",
            extra={"topic": tp.topic, "partition": tp.partition, "offset": expected},
        )
        task = asyncio.ensure_future(self.app.consumer.seek(tp, expected))
        task.add_done_callback(_warn_if_failed("could not seek back to the next expected offset"))


def commit_only_from_the_committed_offset(
    app: faust.App, consumer: ConsumerT, order: OffsetOrder | None = None
) -> ConsumerT:
    """Make ``consumer`` commit only a run of acked offsets that starts where the partition's commit stands
    (the sixth guard, see the module docstring)."""
    faust_consumer: Any = consumer
    next_offset: Callable[[TP], int | None] = faust_consumer._new_offset
    reread: set[tuple[TP, int, int]] = set()
    # Where this guard last let each partition's commit go, and in which generation: Faust forgets its
    # committed offsets of partitions being revoked before it commits them a last time.
    committed_here: dict[TP, tuple[int, int]] = {}

    def new_offset(tp: TP) -> int | None:
        acked: list[int] = faust_consumer._acked[tp]
        if not acked:
            return None
        generation = app.consumer_generation_id
        base = faust_consumer._committed_offset.get(tp)
        if base is None:
            ours = committed_here.get(tp)
            base = ours[1] if ours is not None and ours[0] == generation else None
        if base is None and order is not None:
            base = order.start(tp)
        if base is None:
            # Where this generation began is not known (its seek is under way, or failed): Faust decides, as
            # before this guard. Holding here would stall a generation that ends before its start is known.
            return next_offset(tp)
        below = [offset for offset in acked if offset < base]
        if below:  # acked again after a redelivery, committed already
            acked[:] = [offset for offset in acked if offset >= base]
            faust_consumer._acked_index[tp].difference_update(below)
        head = min(acked, default=base)
        if head > base and not _gap_covers(faust_consumer._gap[tp], base, head):
            _read_again(tp, base)
            return None
        result = next_offset(tp)
        if result is not None:
            committed_here[tp] = (generation, result)
        return result

    def _read_again(tp: TP, base: int) -> None:
        hole = (tp, app.consumer_generation_id, base)
        if hole in reread:
            return
        reread.add(hole)
        log.warning(
            "commit held at a record not applied: reading the partition again from it",
            extra={"topic": tp.topic, "partition": tp.partition, "offset": base},
        )
        task = asyncio.ensure_future(consumer.seek(tp, base))
        task.add_done_callback(_warn_if_failed("could not seek back to the record holding the commit"))

    faust_consumer._new_offset = new_offset
    return consumer


def _gap_covers(gaps: Any, first: int, end: int) -> bool:
    """Whether Faust's known gaps (offsets that hold no record) cover ``first`` up to ``end``."""
    missing = set(range(first, end))
    for interval in gaps.overlap(first, end):
        missing.difference_update(range(interval.begin, interval.end))
    return not missing


def _warn_if_failed(message: str) -> Callable[[asyncio.Future[None]], None]:
    """A done-callback for a scheduled seek that logs ``message`` if the seek failed."""

    def done(task: asyncio.Future[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.warning(message, exc_info=task.exception())

    return done


class _CollectedRecords(dict[Any, Any]):
    """A fetch's records with the clock readings taken just before and just after they were collected."""

    began: int = -1
    ended: int = -1


@dataclass
class FetchPositions:
    """The seventh guard (see the module docstring): records of an input partition collected before its
    fetch position last moved are not handed over.

    One clock orders the fetches and the position moves, read just before and just after each. Records
    collected before a move began are stale; collected after it ended, current. Where the two overlap (the
    fetch runs on the consumer's thread, seeks come from either thread) the records are current only if
    they start where the move put the partition: the fetcher collects from the current position, and input
    offsets are dense."""

    app: faust.App
    _clock: Iterator[int] = field(default_factory=itertools.count)
    # Per partition: clock readings before and after its last position move, and the offset it moved to.
    _moves: dict[Any, tuple[int, int, int]] = field(default_factory=dict)
    _fetch: _CollectedRecords = field(default_factory=_CollectedRecords)

    @cached_property
    def _changelogs(self) -> frozenset[str]:
        """The tables' changelog topics: left to Faust (compacted, offsets not dense). Read on the first
        judgement, after the first fetch, when every table exists."""
        return frozenset(self.app.tables.changelog_topics)

    def install(self, consumer: ConsumerT) -> ConsumerT:
        faust_consumer: Any = consumer
        thread = faust_consumer._thread
        fetch_records = thread._fetch_records
        handed_over = faust_consumer.getmany
        fetch = faust_consumer._getmany

        async def collect(client: Any, *args: Any, **kwargs: Any) -> _CollectedRecords:
            self._watch(client._fetcher)
            began = next(self._clock)
            records = _CollectedRecords(await fetch_records(client, *args, **kwargs))
            records.began, records.ended = began, next(self._clock)
            return records

        async def fetched(*args: Any, **kwargs: Any) -> Any:
            records = await fetch(*args, **kwargs)
            if not isinstance(records, _CollectedRecords):  # not from the thread's fetch: judged as current
                records = _CollectedRecords(records)
                records.began = records.ended = next(self._clock)
            self._fetch = records
            return records

        async def getmany(timeout: float) -> AsyncIterator[tuple[TP, Message]]:
            async for tp, message in handed_over(timeout):
                if self._stale(tp):
                    continue
                handed = next(self._clock)
                yield tp, message
                self._restore_read_offset(faust_consumer, tp, handed)

        thread._fetch_records = collect
        faust_consumer._getmany = fetched
        faust_consumer.getmany = getmany
        return consumer

    def _watch(self, fetcher: Any) -> None:
        """Note every move of a fetch position (``seek_to`` serves every seek of aiokafka's consumer)."""
        if getattr(fetcher, "_pipeline_watched", False):
            return
        seek_to = fetcher.seek_to

        def watched_seek_to(tp: Any, offset: int) -> None:
            before = next(self._clock)
            seek_to(tp, offset)
            self._moves[tp] = (before, next(self._clock), offset)

        fetcher.seek_to = watched_seek_to
        fetcher._pipeline_watched = True

    def _stale(self, tp: TP) -> bool:
        """Whether the records of ``tp`` being handed over were collected before its last position move."""
        move = self._moves.get(tp)
        if move is None or move[1] < self._fetch.began or tp.topic in self._changelogs:
            return False
        if self._fetch.ended < move[0]:
            return True
        records = self._fetch.get(tp)
        return not records or records[0].offset != move[2]

    def _restore_read_offset(self, consumer: Any, tp: TP, handed: int) -> None:
        """A move that ended after the record just handed over may have been undone by the fetch loop, which
        sets the read position to that record's offset once it is taken: put it back where the move left it
        (unless the record came from a fetch after the move, whose records go on from there)."""
        move = self._moves.get(tp)
        if move is not None and move[1] > handed and self._stale(tp):
            consumer._read_offset[tp] = move[2] if move[2] else None
