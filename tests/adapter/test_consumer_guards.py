"""The consumer guards on Faust's real consumer (aiokafka driver, never started).

The offsets asserted are Faust's own bookkeeping: what it would commit next (``_new_offset``), the number
that decides what a crash or the next owner of a partition reads again, and the read positions below which
it drops fetched records.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import faust
import pytest
from aiokafka.structs import ConsumerRecord
from faust.types import TP
from faust.types.tuples import ConsumerMessage

from pipeline.adapters.consumer_guards import (
    REWIND_AGAIN_SECONDS,
    FetchPositions,
    OffsetOrder,
    commit_only_from_the_committed_offset,
    count_current_acks_only,
    forget_read_positions,
    keep_fetched_records,
    seek_committed_or_earliest,
)
from pipeline.adapters.faust_app import create_app
from pipeline.config import load_settings

TOPIC = "cx.interactions"
PARTITION = TP(TOPIC, 0)
COMMITTED = 100


@pytest.fixture
def app() -> faust.App:
    return faust.App("consumer-guards-test", broker="kafka://127.0.0.1:9", store="memory://")


async def subscribed_consumer(app: faust.App, guarded: bool) -> faust.types.transports.ConsumerT:
    app.topics.add(app.topic(TOPIC))
    # Faust learns which topics are acked when it subscribes; this is that step without a broker.
    await app.topics._update_indices()
    consumer = app.consumer
    return count_current_acks_only(app, consumer) if guarded else consumer


def message(offset: int, generation: int) -> ConsumerMessage:
    return ConsumerMessage(
        TOPIC, 0, offset, 0.0, 0, [], b"key", b"value", None, tp=PARTITION, generation_id=generation
    )


def rebalance_with_stale_skips(app: faust.App, consumer: faust.types.transports.ConsumerT) -> None:
    """Generation 4 fetched 100..149; a rebalance skips (and acks) them; generation 5 applies 100..104."""
    app.consumer_generation_id = 4
    app.flow_control.suspend()  # the revoke: Faust's consumer has forgotten the partition's offsets
    for offset in range(100, 150):
        message(offset, generation=4).ack(consumer)
    app.consumer_generation_id = 5
    cast(Any, consumer)._committed_offset[PARTITION] = COMMITTED  # the seek to the committed offset
    app.flow_control.resume()
    for offset in range(100, 105):
        message(offset, generation=5).ack(consumer)


async def test_records_skipped_in_a_rebalance_do_not_move_the_commit(app: faust.App) -> None:
    consumer = await subscribed_consumer(app, guarded=True)
    rebalance_with_stale_skips(app, consumer)
    assert cast(Any, consumer)._new_offset(PARTITION) == 105


async def test_without_the_guard_faust_would_commit_past_records_not_applied(app: faust.App) -> None:
    # Why the guard exists; if a Faust release fixes this, the test says so and the guard can go.
    consumer = await subscribed_consumer(app, guarded=False)
    rebalance_with_stale_skips(app, consumer)
    assert cast(Any, consumer)._new_offset(PARTITION) == 150


async def test_current_records_are_acked_as_before(app: faust.App) -> None:
    consumer = await subscribed_consumer(app, guarded=True)
    app.consumer_generation_id = 7
    app.flow_control.resume()
    cast(Any, consumer)._committed_offset[PARTITION] = COMMITTED
    acked = [message(offset, generation=7) for offset in range(100, 110)]
    assert all(record.ack(consumer) for record in acked)
    assert cast(Any, consumer)._new_offset(PARTITION) == 110


async def test_a_refused_ack_is_final_and_leaves_nothing_pending(app: faust.App) -> None:
    consumer = await subscribed_consumer(app, guarded=True)
    app.consumer_generation_id = 3
    app.flow_control.resume()
    stale = message(100, generation=2)
    consumer.track_message(stale)
    assert stale.ack(consumer) is False
    assert stale.acked
    assert stale not in cast(Any, consumer)._unacked_messages
    app.consumer_generation_id = 2
    assert stale.ack(consumer) is False  # acked once, a record never counts later either
    assert cast(Any, consumer)._new_offset(PARTITION) is None


async def test_the_worker_app_counts_current_acks_only(tmp_path: Path) -> None:
    app = create_app(load_settings(worker={"workdir": str(tmp_path), "store": "memory"}))
    consumer = await subscribed_consumer(app, guarded=False)  # the worker's own consumer, as built
    rebalance_with_stale_skips(app, consumer)
    assert cast(Any, consumer)._new_offset(PARTITION) == 105


async def test_an_assignment_forgets_input_read_positions_and_keeps_changelog_ones(app: faust.App) -> None:
    consumer = await subscribed_consumer(app, guarded=True)
    changelog = TP(app.Table("customers").changelog_topic.get_topic_name(), 0)
    positions = cast(Any, consumer)._read_offset
    positions[PARTITION] = 600  # written back by the fetch loop after the rebalance forgot it
    positions[changelog] = 42

    forget_read_positions(app, {PARTITION, changelog})

    assert PARTITION not in positions
    assert positions[changelog] == 42


async def test_resuming_the_flow_keeps_what_the_agents_were_handed(app: faust.App) -> None:
    table = app.Table("customers")
    agents_input = app.topic(TOPIC).clone(is_iterator=True)
    changelog = app.topic(table.changelog_topic.get_topic_name()).clone(is_iterator=True)
    for channel in (agents_input, changelog):
        app.topics.add(channel)
    keep_fetched_records(app)
    for channel in (agents_input, changelog):
        cast(Any, channel).queue.put_nowait(message(COMMITTED, generation=1))

    app.flow_control.resume()  # what Faust does once a rebalance's recovery is done

    assert cast(Any, agents_input).queue.qsize() == 1
    assert cast(Any, changelog).queue.qsize() == 0  # recovery's buffers stay as Faust has them


def answer_seeks(
    consumer: Any,
    sought: dict[TP, int],
    seek_to_committed: Callable[[], Awaitable[dict[TP, int | None]]],
    assignment: Callable[[], set[TP]],
    earliest: int,
) -> None:
    """The broker side of Faust's consumer thread for the fourth guard: ``seek_to_committed`` answers the
    seek to the commits, partitions without one start at ``earliest``, and seeks are noted in ``sought``."""

    async def earliest_offsets(*partitions: TP) -> dict[TP, int]:
        return dict.fromkeys(partitions, earliest)

    async def seek_wait(partitions: dict[TP, int]) -> None:
        sought.update(partitions)

    consumer._thread.seek_to_committed = seek_to_committed
    consumer._thread.assignment = assignment
    consumer._thread.earliest_offsets = earliest_offsets
    consumer._thread.seek_wait = seek_wait


async def test_a_seek_back_moves_partitions_without_a_committed_offset_to_their_start(app: faust.App) -> None:
    consumer: Any = await subscribed_consumer(app, guarded=True)
    committed, uncommitted = PARTITION, TP(TOPIC, 1)
    sought: dict[TP, int] = {}

    # The broker side of Faust's consumer thread: one partition has a committed offset, one has none.
    async def seek_to_committed() -> dict[TP, int | None]:
        sought[committed] = COMMITTED
        return {committed: COMMITTED, uncommitted: None}

    answer_seeks(consumer, sought, seek_to_committed, lambda: {committed, uncommitted}, earliest=7)
    app.consumer_generation_id = 9
    order = OffsetOrder(app)
    seek_committed_or_earliest(app, consumer, order)

    await consumer.perform_seek()

    assert sought == {committed: COMMITTED, uncommitted: 7}
    # The fifth guard learns where the generation reads each partition from, and that its seek is done.
    assert order.admits(message(COMMITTED + 1, generation=9)) is False
    assert order.admits(message(COMMITTED, generation=9)) is True
    assert order.seek_done_in_this_generation()
    app.consumer_generation_id = 10
    assert not order.seek_done_in_this_generation()


async def test_a_seek_overtaken_by_a_rebalance_moves_no_partition_to_its_start(app: faust.App) -> None:
    # Traced: Faust's fetch loop sought the old assignment's partitions while the flow was stopped; the new
    # generation, assigned meanwhile, had partitions the seek never asked about, and they went to offset 0.
    consumer: Any = await subscribed_consumer(app, guarded=True)
    kept, gained = PARTITION, TP(TOPIC, 1)
    assignment = {kept}
    sought: dict[TP, int] = {}

    async def seek_to_committed() -> dict[TP, int | None]:
        result: dict[TP, int | None] = dict.fromkeys(assignment, COMMITTED)
        assignment.add(gained)  # the rebalance lands while the seek runs
        app.consumer_generation_id += 1
        return result

    answer_seeks(consumer, sought, seek_to_committed, lambda: set(assignment), earliest=0)
    app.consumer_generation_id = 9
    order = OffsetOrder(app)
    seek_committed_or_earliest(app, consumer, order)

    await consumer.perform_seek()

    assert sought == {}
    assert order.start(gained) is None  # the new generation's own seek says where it starts
    assert not order.seek_done_in_this_generation()


def test_records_fetched_before_the_seek_wait_for_the_records_before_them(app: faust.App) -> None:
    # Traced: partition committed at 4,513; 5,013 onwards reached the agent before 4,513 was read again.
    app.consumer_generation_id = 17
    order = OffsetOrder(app)
    order.sought({PARTITION: 4513})
    early = [message(offset, generation=17) for offset in range(5013, 5046)]
    assert not any(order.admits(record) for record in early)
    assert all(order.admits(message(offset, generation=17)) for offset in range(4513, 5013))
    assert all(order.admits(message(offset, generation=17)) for offset in range(5013, 5046))
    assert order.admits(message(4600, generation=17)), "an applied record read again changes nothing"


def test_the_same_record_gets_the_same_answer(app: faust.App) -> None:
    app.consumer_generation_id = 3
    order = OffsetOrder(app)
    order.sought({PARTITION: 10})
    assert [order.admits(message(12, generation=3)) for _ in range(2)] == [False, False]
    assert [order.admits(message(10, generation=3)) for _ in range(2)] == [True, True]
    assert order.admits(message(11, generation=3)) is True


def test_records_of_a_generation_without_a_seek_are_left_to_the_ownership_check(app: faust.App) -> None:
    app.consumer_generation_id = 4
    order = OffsetOrder(app)
    order.sought({PARTITION: 10})
    assert order.admits(message(500, generation=3)) is True  # its generation never sought: not judged here


async def test_a_hole_after_the_start_is_read_again_once(app: faust.App) -> None:
    app.consumer_generation_id = 6
    order = OffsetOrder(app)
    order.sought({PARTITION: 10})
    seeks: list[tuple[TP, int]] = []

    async def seek(tp: TP, offset: int) -> None:
        seeks.append((tp, offset))

    cast(Any, app.consumer).seek = seek
    assert all(order.admits(message(offset, generation=6)) for offset in range(10, 20))
    assert order.admits(message(25, generation=6)) is False
    assert order.admits(message(26, generation=6)) is False
    await asyncio.sleep(0)

    assert seeks == [(PARTITION, 20)]


async def test_records_ahead_of_the_start_after_its_seek_read_the_partition_again(app: faust.App) -> None:
    # Seen after a restart on empty state: the records the generation's seek was for never reached the
    # agent, and the partition refused everything ahead of its start, silently, for good.
    app.consumer_generation_id = 6
    now = [100.0]
    order = OffsetOrder(app, _clock=lambda: now[0])
    order.sought({PARTITION: 10})
    seeks: list[tuple[TP, int]] = []

    async def seek(tp: TP, offset: int) -> None:
        seeks.append((tp, offset))

    cast(Any, app.consumer).seek = seek
    assert order.admits(message(25, generation=6)) is False
    await asyncio.sleep(0)
    assert seeks == [], "before the seek is done, it is the seek that reads the partition from its start"

    order.seek_done()
    assert order.admits(message(26, generation=6)) is False
    assert order.admits(message(27, generation=6)) is False
    await asyncio.sleep(0)
    assert seeks == [(PARTITION, 10)]

    now[0] += REWIND_AGAIN_SECONDS
    assert order.admits(message(28, generation=6)) is False
    await asyncio.sleep(0)
    assert seeks == [(PARTITION, 10), (PARTITION, 10)], "a hole still open is sought again"
    assert order.admits(message(10, generation=6)) is True


def record_seeks(app: faust.App, consumer: faust.types.transports.ConsumerT) -> list[object]:
    """Replace the consumer's seeks with a record of them (the consumer is never started)."""
    seeks: list[object] = []

    async def seek(tp: TP, offset: int) -> None:
        seeks.append((tp, offset))

    async def perform_seek() -> None:
        seeks.append("committed")

    cast(Any, consumer).seek = seek
    cast(Any, consumer).perform_seek = perform_seek
    return seeks


GENERATION = 8


async def sixth_guarded(app: faust.App, order: OffsetOrder | None = None) -> Any:
    """A subscribed consumer with the first guard and the sixth (``order``: where seeks put partitions)."""
    return commit_only_from_the_committed_offset(app, await subscribed_consumer(app, guarded=True), order)


def ack(app: faust.App, consumer: faust.types.transports.ConsumerT, offsets: Iterable[int]) -> None:
    """Acks of records at ``offsets``, applied in generation 8 with the flow running."""
    app.consumer_generation_id = GENERATION
    app.flow_control.resume()
    for offset in offsets:
        message(offset, generation=GENERATION).ack(consumer)


def released_head(app: faust.App, consumer: faust.types.transports.ConsumerT, committed: int | None) -> None:
    """Generation 8 read from ``committed``: the record there was released unapplied, the next ten acked."""
    cast(Any, consumer)._committed_offset[PARTITION] = committed
    ack(app, consumer, range(204, 214))


async def test_without_the_sixth_guard_faust_commits_past_a_record_released_first(app: faust.App) -> None:
    # Why the guard exists: Faust allows one missing offset at the head, and any while none is committed.
    consumer = await subscribed_consumer(app, guarded=True)
    released_head(app, consumer, committed=203)
    assert cast(Any, consumer)._new_offset(PARTITION) == 214
    consumer = await subscribed_consumer(faust.App("g2", broker="kafka://127.0.0.1:9"), guarded=True)
    released_head(consumer.app, consumer, committed=None)
    assert cast(Any, consumer)._new_offset(PARTITION) == 214


async def test_a_record_released_at_the_head_holds_the_commit_and_is_read_again(app: faust.App) -> None:
    consumer = await sixth_guarded(app)
    seeks = record_seeks(app, consumer)
    released_head(app, consumer, committed=203)

    assert cast(Any, consumer)._new_offset(PARTITION) is None
    assert cast(Any, consumer)._new_offset(PARTITION) is None
    await asyncio.sleep(0)
    assert seeks == [(PARTITION, 203)], "read again from the hole, once"

    ack(app, consumer, [203])  # its copy, read again and applied
    assert cast(Any, consumer)._new_offset(PARTITION) == 214


async def test_before_any_commit_the_run_starts_where_the_seek_put_the_partition(app: faust.App) -> None:
    order = OffsetOrder(app)
    consumer = await sixth_guarded(app, order)
    seeks = record_seeks(app, consumer)
    released_head(app, consumer, committed=None)
    order.sought({PARTITION: 200})
    ack(app, consumer, range(200, 203))

    assert cast(Any, consumer)._new_offset(PARTITION) == 203
    cast(Any, consumer)._committed_offset[PARTITION] = 203  # what Faust records once that commit is done
    assert cast(Any, consumer)._new_offset(PARTITION) is None  # 203 was never applied
    await asyncio.sleep(0)
    assert seeks == [(PARTITION, 203)]


async def test_with_no_known_start_the_commit_is_faust_s_own(app: faust.App) -> None:
    # Holding it is the likely cause of a partition left nearly unprocessed in the shortened chaos test.
    consumer = await sixth_guarded(app, OffsetOrder(app))
    seeks = record_seeks(app, consumer)
    released_head(app, consumer, committed=None)

    assert cast(Any, consumer)._new_offset(PARTITION) == 214
    await asyncio.sleep(0)
    assert seeks == []


async def test_records_acked_again_below_the_commit_do_not_hold_it(app: faust.App) -> None:
    consumer = await sixth_guarded(app)
    ack(app, consumer, range(195, 210))  # acked before the commit at 200 was known, then redelivered
    cast(Any, consumer)._committed_offset[PARTITION] = 200

    assert cast(Any, consumer)._new_offset(PARTITION) == 210


async def test_offsets_faust_knows_hold_no_record_do_not_hold_the_commit(app: faust.App) -> None:
    # Transaction markers of an upstream transactional producer take offsets; Faust records them as gaps.
    consumer = await sixth_guarded(app)
    released_head(app, consumer, committed=None)
    await cast(Any, consumer)._add_gap(PARTITION, 203, 203)  # as Faust's fetch loop records it
    cast(Any, consumer)._committed_offset[PARTITION] = 203

    assert cast(Any, consumer)._new_offset(PARTITION) == 214


async def test_the_worker_app_commits_only_from_the_committed_offset(tmp_path: Path) -> None:
    app = create_app(load_settings(worker={"workdir": str(tmp_path), "store": "memory"}))
    consumer = await subscribed_consumer(app, guarded=False)  # the worker's own consumer, as built
    record_seeks(app, consumer)
    released_head(app, consumer, committed=203)
    assert cast(Any, consumer)._new_offset(PARTITION) is None


async def test_a_partition_being_revoked_commits_from_where_it_last_committed(app: faust.App) -> None:
    # Faust forgets a revoked partition's committed offset before its last commit.
    order = OffsetOrder(app)
    consumer = await sixth_guarded(app, order)
    seeks = record_seeks(app, consumer)
    app.consumer_generation_id = GENERATION
    order.sought({PARTITION: 200})
    cast(Any, consumer)._committed_offset[PARTITION] = 200
    ack(app, consumer, range(200, 210))
    assert cast(Any, consumer)._new_offset(PARTITION) == 210
    ack(app, consumer, range(210, 215))
    cast(Any, consumer)._committed_offset.pop(PARTITION)  # the revoke

    assert cast(Any, consumer)._new_offset(PARTITION) == 215
    await asyncio.sleep(0)
    assert seeks == []


class ScriptedFetcher:
    """aiokafka's fetcher as Faust's consumer thread uses it: each fetch returns the next scripted batch."""

    _closed = False

    def __init__(self, *batches: range, seek_while_collecting: int | None = None) -> None:
        self.batches = list(batches)
        self.seek_while_collecting = seek_while_collecting
        self.position: dict[Any, int] = {}
        self._subscriptions = SimpleNamespace(fetch_context=contextlib.nullcontext)
        self._stopped = asyncio.Event()  # the fetch loop stops once every batch was fetched and handed over

    def seek_to(self, tp: Any, offset: int) -> None:
        self.position[tp] = offset

    async def fetched_records(self, partitions: Any, timeout: float = 0, max_records: Any = None) -> Any:
        await asyncio.sleep(0)
        if not self.batches:
            self._stopped.set()
            return {}
        if self.seek_while_collecting is not None:  # a seek from the other thread lands mid-collection
            self.seek_to(PARTITION, self.seek_while_collecting)
            self.seek_while_collecting = None
        return {PARTITION: [record(offset) for offset in self.batches.pop(0)]}


def record(offset: int) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(TOPIC, 0, offset, 0, 0, b"key", b"value", None, 3, 5, ())


async def hand_over(
    app: faust.App,
    guarded: bool,
    fetches: list[range],
    seek_at: int | None = None,
    seek_while_collecting: int | None = None,
) -> list[int]:
    """Run Faust's own fetch loop (``_drain_messages``) over scripted fetches; while the record at ``seek_at``
    is being handed to the agents, the partition is sought back to ``fetches[1].start``, as the generation's
    seek to its committed offset does (``seek_while_collecting``: a seek there lands while the first fetch
    collects its records). Returns the offsets handed over (the scripted fetcher stands in for Faust's
    fetcher service too: the loop ends when its batches are used up)."""
    consumer: Any = await subscribed_consumer(app, guarded=True)
    if guarded:
        FetchPositions(app).install(consumer)
    fetcher = ScriptedFetcher(*fetches, seek_while_collecting=seek_while_collecting)
    client = SimpleNamespace(
        _fetcher=fetcher,
        _closed=False,
        _max_poll_records=500,
        seek=lambda tp, offset: client._fetcher.seek_to(tp, offset),  # noqa: PLW0108 - as the guard left it
        assignment=lambda: {PARTITION},
        highwater=lambda tp: 1_000,
    )

    async def call_thread(function: Any, *args: Any, **kwargs: Any) -> Any:
        return await function(*args, **kwargs)

    consumer._thread._consumer = client
    consumer._thread.call_thread = call_thread
    consumer.resume_partitions({PARTITION})
    consumer.resume_flow()
    handed: list[int] = []

    async def callback(message: Any) -> None:
        handed.append(message.offset)
        if message.offset == seek_at:
            await consumer.seek(PARTITION, fetches[1].start)

    consumer.callback = callback
    await asyncio.wait_for(consumer._drain_messages(fetcher), timeout=5)
    return handed


async def test_records_fetched_before_a_seek_are_not_handed_over_after_it(app: faust.App) -> None:
    # Traced in the shortened chaos test: committed at 45, sought there while 432-931 were being handed over.
    handed = await hand_over(app, guarded=True, fetches=[range(432, 437), range(45, 51)], seek_at=433)

    assert handed == [432, 433, 45, 46, 47, 48, 49, 50]


async def test_without_the_seventh_guard_the_records_sought_are_dropped_as_read(app: faust.App) -> None:
    # Why the guard exists: the rest of the old batch moves the read position past the re-read records.
    handed = await hand_over(app, guarded=False, fetches=[range(432, 437), range(45, 51)], seek_at=433)

    assert handed == [432, 433, 434, 435, 436]


async def test_records_fetched_after_a_seek_are_handed_over(app: faust.App) -> None:
    # The same loop with the seek landing on the last record of the batch: nothing stale is left to skip.
    handed = await hand_over(app, guarded=True, fetches=[range(432, 437), range(45, 51)], seek_at=436)

    assert handed == [432, 433, 434, 435, 436, 45, 46, 47, 48, 49, 50]


@pytest.mark.parametrize(
    ("collected", "handed"), [(range(45, 51), [45, 46, 47, 48, 49, 50]), (range(432, 437), [])]
)
async def test_records_collected_while_a_seek_lands_count_only_from_where_it_put_the_partition(
    app: faust.App, collected: range, handed: list[int]
) -> None:
    # Records collected from the new position go on from the seek's offset; older ones do not.
    assert await hand_over(app, guarded=True, fetches=[collected], seek_while_collecting=45) == handed
