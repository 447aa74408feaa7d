"""Faust agents: thin adapters between Kafka topics and the processor.

Two agents, both at concurrency 1 (Faust can commit past in-flight messages otherwise):

- ``interactions`` reads input records in batches, runs the processor on each, sends enriched records,
  alerts and dead letters, and sends each stage's window contributions (one message per stage per batch) to
  the internal contributions topic, keyed by stage, plus each source partition's watermark to every
  contributions partition;
- ``stage-windows`` applies contributions and watermarks to the per-stage window tables and emits closed
  windows to the stage-emotions topic.

No exception escapes an agent loop: Faust would still ack the records (see FAUST.md). Nor is a record given
up on: a batch or message that fails is done again, after a pause, until it completes (``until_done``).
"""

from __future__ import annotations

import asyncio
import base64
import functools
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import faust
import orjson

from pipeline.adapters.deliveries import Deliveries
from pipeline.adapters.risk_levels import Counted, LevelChange, RiskLevelCounts
from pipeline.adapters.table_stores import (
    BatchCustomerStore,
    BatchWatermarkStore,
    BytesTable,
    Event,
    TableSourceWatermarks,
    TableWindowStore,
    WatermarkMove,
    WindowIndex,
    stage_key,
)
from pipeline.domain.codec import encode
from pipeline.domain.records import StageWindowResult
from pipeline.domain.stage_aggregate import WindowContribution
from pipeline.domain.windows import crosses_closing_point
from pipeline.metrics_port import INTERACTIONS, STAGE_WINDOWS, MetricsRecorder, NullMetrics
from pipeline.processor import InputRecord, Processor, RecordOutputs, SourcedContribution
from pipeline.stage_windows import StageWindows

log = logging.getLogger(__name__)

Ownership = Callable[[faust.types.Message], bool]
"""Whether a fetched record is still this worker's to apply: read in the current consumer generation, from
a partition still assigned. After a rebalance the records fetched before it are not, even when the same
partition comes back: the new generation reads them again from the committed offset, and applying a stale
copy of a later record first would let offset-based idempotency skip the earlier ones for good."""


def owns_everything(message: faust.types.Message) -> bool:
    return True


Readiness = Callable[[], Awaitable[None]]
"""Waits until the tables are fully recovered and no rebalance is in progress. Faust can hand an agent
records while a partition is still being assigned (even records from below the committed offset); read
before recovery ends, a table answers with missing or old values, and a write then puts a stale value at
the end of the changelog."""


async def always_ready() -> None:
    return None


def release(message: faust.types.Message) -> None:
    """Keep Faust from acking a record that is no longer current (see ``Ownership``).

    A stale record that is acked lands in the new generation's ack list and can move the committed offset
    past records the new generation has not applied yet; a crash then loses them. Marked as acked already,
    its ack is a no-op, and its fresh copy is acked when processed.
    """
    message.acked = True


CLOUDEVENTS_HEADERS = [("content-type", b"application/cloudevents+json")]

RETRY_FIRST_PAUSE_S: Final = 0.1
RETRY_LONGEST_PAUSE_S: Final = 5.0


async def until_done(
    work: Callable[[], Awaitable[None]],
    failure: str,
    context: dict[str, Any],
    after_failure: Callable[[], Awaitable[None]],
    retried: Callable[[], None],
) -> None:
    """Do ``work`` (one batch or message) until it completes, pausing longer after each failure.

    Faust acks what an agent took as soon as the agent moves on, failed or not, so a record given up on
    here is a record lost (seen: a changelog topic missing from a worker's metadata made every window write
    fail for seconds, and the messages were skipped). Doing it again is what a crash and redelivery would
    do, without the restart: the work is idempotent by source offset, and records that stopped being this
    worker's to apply are released by the work itself. ``after_failure`` puts the agent where a restart
    would: its sends settled (the writes they acknowledge reach the local tables, those of a failed one are
    dropped, ``changelog_first``), so that the next try reads a state the changelog holds, and whatever it
    keeps in memory of the tables read again. A failure that does not pass stalls the partition, loudly (an
    error each time, ``retried`` counts it, and the lag grows), rather than losing records silently.
    """
    pause = RETRY_FIRST_PAUSE_S
    while True:
        try:
            await work()
            return
        except Exception:
            log.exception(failure, extra={**context, "retry_in_s": pause})
            retried()
            await after_failure()
        await asyncio.sleep(pause)
        pause = min(2 * pause, RETRY_LONGEST_PAUSE_S)


@dataclass(frozen=True)
class Topics:
    """The topics the agents use."""

    interactions: faust.TopicT
    enriched: faust.TopicT
    alerts: faust.TopicT
    stage_emotions: faust.TopicT
    dlq: faust.TopicT
    contributions: faust.TopicT


@dataclass(frozen=True)
class Tables:
    """The durable state: customers, source watermarks, windows and their watermarks."""

    customers: BytesTable
    source_watermarks: BytesTable
    windows: BytesTable
    window_watermarks: BytesTable


def contribution_message(source_partition: int, items: Sequence[SourcedContribution]) -> bytes:
    """One stage's contributions from one source partition, in offset order."""
    return orjson.dumps(
        {
            "t": "c",
            "p": source_partition,
            "items": [
                [
                    item.source_offset,
                    item.watermark_ms,
                    c.journey,
                    c.stage,
                    c.occurred_at_ms,
                    c.event_id,
                    c.experience,
                    c.scores,
                    c.valence,
                    c.reasons,
                ]
                for item in items
                for c in (item.contribution,)
            ],
        }
    )


def watermark_message(watermarks: dict[int, int]) -> bytes:
    """The watermarks of the source partitions a batch touched, announced after its contributions."""
    return orjson.dumps({"t": "w", "w": {str(partition): value for partition, value in watermarks.items()}})


def parse_contributions(items: list[list[Any]]) -> list[tuple[int, int, WindowContribution]]:
    return [
        (
            offset,
            watermark,
            WindowContribution(
                journey, stage, occurred, event_id, experience, tuple(scores), valence, tuple(reasons)
            ),
        )
        for (
            offset,
            watermark,
            journey,
            stage,
            occurred,
            event_id,
            experience,
            scores,
            valence,
            reasons,
        ) in items
    ]


class InteractionsAgent:
    """Consumes input records in batches and produces every output of each."""

    def __init__(  # noqa: PLR0917 - the agent's collaborators, wired in one place
        self,
        processor: Processor,
        topics: Topics,
        tables: Tables,
        partitions: int,
        levels: RiskLevelCounts | None = None,
        owns: Ownership = owns_everything,
        deliveries: Deliveries | None = None,
        ready: Readiness = always_ready,
        closing_step_ms: int = 1,
        metrics: MetricsRecorder | None = None,
    ) -> None:
        self.ready = ready
        self.metrics = metrics if metrics is not None else NullMetrics()
        self.processor = processor
        self.topics = topics
        self.tables = tables
        self.partitions = partitions
        self.levels = levels
        self.owns = owns
        self.closing_step_ms = closing_step_ms
        self._announced: set[int] = set()
        # Its tables' changelog writes are tracked here too (see ``deliveries.make_changelog_first``).
        self.deliveries = deliveries if deliveries is not None else Deliveries()
        # The level changes counted for the batch in hand, until its writes are kept or dropped.
        self._counted: Counted | None = None
        self.deliveries.on_settled(self._writes_kept, self._writes_dropped)
        self._retried = functools.partial(self.metrics.work_retried, INTERACTIONS)

    async def run(self, batches: AsyncIterator[Sequence[Event]]) -> AsyncIterator[None]:
        """Process each batch (``batching.take_ready`` forms them) and yield after it."""
        async for batch in batches:
            await until_done(
                functools.partial(self.process_batch, batch),
                "a batch could not be completed",
                {"records": len(batch), "first_offset": batch[0].message.offset},
                self._after_failure,
                self._retried,
            )
            yield None

    async def _after_failure(self) -> None:
        self._announced.clear()  # the failed try's announcements may be lost: announce every partition
        await self.deliveries.settle_quietly()

    def _writes_kept(self) -> None:
        self._counted = None

    def _writes_dropped(self) -> None:
        # The batch's states are dropped with its failed changelog writes: its retry starts from the states
        # before it and finds the same level changes again, which must not count twice.
        if self._counted is not None and self.levels is not None:
            self.levels.revert(self._counted)
        self._counted = None

    async def process_batch(self, batch: Sequence[Event]) -> None:
        await self.ready()
        customers = BatchCustomerStore(self.tables.customers)
        watermarks = BatchWatermarkStore(self.tables.source_watermarks)
        contributions: dict[tuple[bytes, int], list[SourcedContribution]] = defaultdict(list)
        level_changes: list[LevelChange] = []
        skipped: list[Event] = []
        applied: list[Event] = []
        for event in batch:
            message = event.message
            # A rebalance can happen while this batch awaits sends: from then on its records are the new
            # generation's to read again (here or on another worker); never apply them out of turn.
            if not self.owns(message):
                skipped.append(event)
                continue
            applied.append(event)
            customers.current = watermarks.current = event
            outputs = self.processor.process(
                InputRecord(
                    message.value or b"", message.key, message.topic, message.partition, message.offset
                ),
                customers,
                watermarks,
            )
            await self._send(outputs)
            if outputs.level_change is not None and outputs.customer_id is not None:
                level_changes.append((outputs.customer_id, *outputs.level_change))
            if outputs.contribution is not None:
                contribution = outputs.contribution.contribution
                group = (stage_key(contribution.journey, contribution.stage), message.partition)
                contributions[group].append(outputs.contribution)
        for (key, source_partition), items in contributions.items():
            self.deliveries.add(
                await self.topics.contributions.send(
                    key=key, value=contribution_message(source_partition, items)
                )
            )
        # A rebalance may have begun while the batch awaited its sends. Its partitions then still read as
        # owned until the new generation is assigned, and a late state write would land among the next
        # owner's changelog records (and move this worker's recorded changelog offset past them): wait it
        # out, so that a partition handed on is seen as such and nothing of it is written from here.
        await self.ready()
        customers.flush(self.owns)
        if skipped:
            log.info("skipped records not current or out of order", extra={"records": len(skipped)})
        if self.levels is not None:  # right after the flush, no await between: see risk_levels
            self._counted = self.levels.apply(level_changes)
        announced = self._worth_announcing(watermarks.flush(self.owns))
        if announced:
            heartbeat = watermark_message(announced)
            for target in range(self.partitions):
                self.deliveries.add(
                    await self.topics.contributions.send(key=None, value=heartbeat, partition=target)
                )
        # Faust acks the batch as soon as this returns: everything it produced must be on the broker first.
        await self.deliveries.settle()
        # Skipped records are released as they were judged, never asked about again: one skipped as out
        # of order may be next in order by now, and asking would count it as applied.
        for event in skipped:
            release(event.message)
        for event in applied:
            if not self.owns(event.message):
                release(event.message)

    def _worth_announcing(self, moves: dict[int, WatermarkMove]) -> dict[int, int]:
        """The watermarks the window side must hear. Each announcement goes to every contributions partition
        and is applied there; windows close and expire only at multiples of the closing step, so a watermark
        that reaches none can change nothing there.
        A redelivered batch starts from its checkpoint and announces again whatever it crossed. Each
        partition's first batch in this process is announced regardless, so that new window settings (a
        new step) take effect at once.
        """
        announced: dict[int, int] = {}
        for partition, move in moves.items():
            first = partition not in self._announced
            if first or crosses_closing_point(move.before, move.after, self.closing_step_ms):
                announced[partition] = move.after
                self._announced.add(partition)
        return announced

    async def _send(self, outputs: RecordOutputs) -> None:
        if outputs.dead_letter is not None:
            letter = outputs.dead_letter
            key = None if letter.original_key_base64 is None else outputs_key(letter.original_key_base64)
            self.deliveries.add(await self.topics.dlq.send(key=key, value=encode(letter)))
            return
        if outputs.customer_id is None:
            return
        key = outputs.customer_id.encode()
        if outputs.enriched is not None:
            self.deliveries.add(await self.topics.enriched.send(key=key, value=encode(outputs.enriched)))
        for alert in outputs.alerts:
            self.deliveries.add(
                await self.topics.alerts.send(key=key, value=encode(alert), headers=CLOUDEVENTS_HEADERS)
            )


def outputs_key(key_base64: str) -> bytes:
    return base64.b64decode(key_base64)


class StageWindowsAgent:
    """Applies contributions and watermarks to the window tables; emits closed windows once."""

    def __init__(  # noqa: PLR0917 - the agent's collaborators, wired in one place
        self,
        windows: StageWindows,
        topics: Topics,
        tables: Tables,
        index: WindowIndex,
        source_partitions: int,
        owns: Ownership = owns_everything,
        deliveries: Deliveries | None = None,
        ready: Readiness = always_ready,
        metrics: MetricsRecorder | None = None,
    ) -> None:
        self.ready = ready
        self.metrics = metrics if metrics is not None else NullMetrics()
        self._retried = functools.partial(self.metrics.work_retried, STAGE_WINDOWS)
        self.windows = windows
        self.topics = topics
        self.tables = tables
        self.index = index
        self.source_partitions = source_partitions
        self.owns = owns
        self.deliveries = deliveries if deliveries is not None else Deliveries()

    async def run(self, stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for event in stream.events():
            await until_done(
                functools.partial(self.process, event),
                "a contributions message could not be applied",
                {
                    "topic": event.message.topic,
                    "partition": event.message.partition,
                    "offset": event.message.offset,
                },
                self._after_failure,
                self._retried,
            )
            yield None

    async def _after_failure(self) -> None:
        await self.deliveries.settle_quietly()
        self.index.reset()  # its due times may have been taken by the failed try: read them again

    async def process(self, event: Event) -> None:
        await self.ready()
        if not self.owns(event.message):
            release(event.message)
            return  # fetched before a rebalance: the new generation reads it again
        scope = event.message.partition
        message = orjson.loads(event.value)
        store = TableWindowStore(self.tables.windows, self.index.scope(scope), event)
        heard = TableSourceWatermarks(self.tables.window_watermarks, scope, self.source_partitions, event)
        closed: list[StageWindowResult] = []
        if message["t"] == "c":
            self.windows.apply(message["p"], parse_contributions(message["items"]), store)
        else:
            for source_partition, watermark in message["w"].items():
                closed.extend(self.windows.advance(int(source_partition), watermark, store, heard))
        await self._emit(closed)
        # A rebalance during the sends hands the partition on: its owner applies the message again.
        await self.ready()
        if self.owns(event.message):
            store.flush()
        else:
            release(event.message)
        # The window writes (and watermarks heard) reach their changelog before Faust acks the message.
        await self.deliveries.settle()

    async def _emit(self, closed: Sequence[StageWindowResult]) -> None:
        # Delivered before the window is marked emitted: a crash may repeat a result, never lose it.
        for result in closed:
            self.deliveries.add(
                await self.topics.stage_emotions.send(key=result.window_id.encode(), value=encode(result))
            )
        await self.deliveries.settle()
