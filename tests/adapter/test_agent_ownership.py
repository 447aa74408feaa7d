"""The interactions agent around a rebalance: nothing in flight writes once its records stop being current.

The agent is the real one with the real processor; topics and tables are in-memory stand-ins that record
what was sent and written, and the ownership check is a switch the test flips between two awaits, where a
rebalance or a stop can begin in a running worker.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import faust
import orjson
import pytest
from aiokafka import TopicPartition
from faust.types import TP
from support.agents import Event, Message, RecordingTable, RecordingTopic

from pipeline.adapters.agents import InteractionsAgent, Tables, Topics, always_ready
from pipeline.adapters.consumer_guards import OffsetOrder
from pipeline.adapters.worker_app import (
    assigned_partitions,
    build_worker,
    current_records,
    tables_recovered,
)
from pipeline.assembly import assemble
from pipeline.config import load_settings
from pipeline.metrics_port import NullMetrics
from pipeline.processor import Processor

CUSTOMER = "cust-7"


@dataclass
class Ownership:
    current: bool = True
    checks: int = 0

    def __call__(self, message: object) -> bool:
        self.checks += 1
        return self.current


@pytest.fixture(scope="module")
def processor() -> Processor:
    return assemble(load_settings(), NullMetrics()).processor


def bad_call(event_id: str, day: int) -> Event:
    value = orjson.dumps(
        {
            "event_id": event_id,
            "customer_id": CUSTOMER,
            "occurred_at": f"2026-03-{day:02d}T10:00:00+00:00",
            "channel": "phone",
            "journey": "telecom",
            "text": "On hold for an hour, transferred three times, nobody helped. I am furious!",
            "signals": {"hold_seconds": 3600, "transfers": 3},
        }
    )
    return Event(Message(value, CUSTOMER.encode(), offset=day))


@dataclass
class Rebalance:
    """Faust's rebalance as the agent sees it: once begun, partitions still read as owned until it is over."""

    owns: Ownership
    over: asyncio.Event = field(default_factory=asyncio.Event)
    under_way: bool = False

    def begin(self) -> None:
        self.under_way = True
        asyncio.get_running_loop().call_later(0.01, self.end_with_partitions_moved)

    def end_with_partitions_moved(self) -> None:
        self.owns.current = False
        self.under_way = False
        self.over.set()

    async def ready(self) -> None:
        if self.under_way:
            await self.over.wait()


def agent_for(
    processor: Processor, owns: Ownership, rebalance: Rebalance | None = None
) -> tuple[InteractionsAgent, Tables]:
    topics = Topics(*(cast(Any, RecordingTopic()) for _ in range(6)))
    tables = Tables(*(cast(Any, RecordingTable()) for _ in range(4)))
    ready = always_ready if rebalance is None else rebalance.ready
    return InteractionsAgent(processor, topics, tables, partitions=2, owns=owns, ready=ready), tables


async def test_a_current_batch_writes_each_customer_once(processor: Processor) -> None:
    agent, tables = agent_for(processor, Ownership())
    batch = [bad_call("e1", 1), bad_call("e2", 2), bad_call("e3", 3)]

    await agent.process_batch(cast(Any, batch))

    customers = cast(RecordingTable, tables.customers)
    assert customers.writes == [CUSTOMER.encode()]
    assert not any(event.message.acked for event in batch), "Faust acks them after the batch"
    alerts = cast(RecordingTopic, agent.topics.alerts).sent
    levels = [orjson.loads(alert["value"])["data"]["level"] for alert in alerts]
    assert levels == ["at_risk", "churn_threshold"]


async def test_a_rebalance_starting_mid_batch_writes_nothing_and_acks_nothing(processor: Processor) -> None:
    owns = Ownership()
    agent, tables = agent_for(processor, owns)
    batch = [bad_call("e1", 1), bad_call("e2", 2), bad_call("e3", 3)]

    def rebalance_begins() -> None:
        owns.current = False

    # The first record's enriched send is where the rebalance begins (an await, as in the worker).
    cast(RecordingTopic, agent.topics.enriched).before_each_send = rebalance_begins

    await agent.process_batch(cast(Any, batch))

    assert all(not cast(RecordingTable, table).writes for table in vars(tables).values())
    assert all(event.message.acked for event in batch), "released: Faust must not ack them"
    enriched = cast(RecordingTopic, agent.topics.enriched).sent
    assert len(enriched) == 1, "records after the rebalance began are not processed at all"


async def test_a_rebalance_begun_during_the_last_send_is_waited_out_before_any_write(
    processor: Processor,
) -> None:
    owns = Ownership()
    rebalance = Rebalance(owns)
    agent, tables = agent_for(processor, owns, rebalance)
    batch = [bad_call("e1", 1), bad_call("e2", 2), bad_call("e3", 3)]
    enriched = cast(RecordingTopic, agent.topics.enriched)

    def begin_on_the_last_record() -> None:
        if len(enriched.sent) == len(batch) - 1:
            rebalance.begin()

    enriched.before_each_send = begin_on_the_last_record

    await agent.process_batch(cast(Any, batch))

    assert len(enriched.sent) == len(batch), "every record was processed before the rebalance began"
    assert all(not cast(RecordingTable, table).writes for table in vars(tables).values())
    assert all(event.message.acked for event in batch), "released: their new owner applies them again"


async def test_records_no_longer_current_are_skipped_and_released(processor: Processor) -> None:
    owns = Ownership(current=False)
    agent, tables = agent_for(processor, owns)
    batch = [bad_call("e1", 1)]

    await agent.process_batch(cast(Any, batch))

    assert cast(RecordingTopic, agent.topics.enriched).sent == []
    assert cast(RecordingTable, tables.customers).writes == []
    assert batch[0].message.acked


@dataclass
class FirstAnswerNo(Ownership):
    """An out-of-order record: refused when first asked, next in order by the end of the batch."""

    def __call__(self, message: object) -> bool:
        self.checks += 1
        return self.checks > 1


async def test_a_record_skipped_as_out_of_order_is_released_even_when_in_order_later(
    processor: Processor,
) -> None:
    agent, tables = agent_for(processor, FirstAnswerNo())
    batch = [bad_call("e1", 1)]

    await agent.process_batch(cast(Any, batch))

    assert cast(RecordingTopic, agent.topics.enriched).sent == []
    assert cast(RecordingTable, tables.customers).writes == []
    assert batch[0].message.acked, "not applied, so never acked: its copy in order is applied and acked"


async def test_a_skipped_record_is_not_asked_about_again(processor: Processor) -> None:
    # Asking the offset order about a record that became next in order would count it as applied.
    owns = FirstAnswerNo()
    agent, _ = agent_for(processor, owns)

    await agent.process_batch(cast(Any, [bad_call("e1", 1)]))

    assert owns.checks == 1


@dataclass
class FakeConsumer:
    assigned: set[object]

    def assignment(self) -> set[object]:
        return self.assigned


@dataclass
class FakeApp:
    consumer: FakeConsumer
    consumer_generation_id: int = 4
    should_stop: bool = False


@dataclass
class FetchedMessage:
    tp: object
    generation_id: int


@pytest.mark.parametrize(
    ("change", "current"),
    [
        ({}, True),
        ({"consumer_generation_id": 5}, False),
        ({"consumer": FakeConsumer(set())}, False),
        ({"should_stop": True}, False),
    ],
    ids=["steady", "new-generation", "partition-revoked", "worker-stopping"],
)
def test_a_record_is_current_only_in_its_generation_and_assignment(
    change: dict[str, Any], current: bool
) -> None:
    tp = ("cx.interactions", 0)
    app = FakeApp(FakeConsumer({tp}))
    for name, value in change.items():
        setattr(app, name, value)

    assert current_records(cast(Any, app))(cast(Any, FetchedMessage(tp, generation_id=4))) is current


def unstarted_aiokafka_consumer(app: faust.App) -> Any:
    """The aiokafka consumer inside Faust's consumer thread, built but never started (stop it after)."""
    thread: Any = cast(Any, app.consumer)._thread
    thread._consumer = thread._create_consumer(loop=asyncio.get_running_loop())
    return thread._consumer


async def test_ownership_reads_the_assignment_aiokafka_holds() -> None:
    app = faust.App("ownership-test", broker="kafka://127.0.0.1:9", store="memory://")
    consumer = unstarted_aiokafka_consumer(app)
    app.consumer_generation_id = 4
    owns = current_records(app)
    try:
        for assigned, current in [({TopicPartition("cx.interactions", 0)}, True), (set(), False)]:
            consumer._subscription.assign_from_user(assigned)
            assert assigned_partitions(app)() == app.consumer.assignment()
            assert owns(cast(Any, FetchedMessage(TP("cx.interactions", 0), generation_id=4))) is current
    finally:
        await consumer.stop()


async def test_a_stopping_worker_owns_no_record_before_faust_stops_its_tables(tmp_path: Path) -> None:
    """Faust stops a stopping worker's tables while the agents may still hold a batch (``App.on_stop``),
    and a stopped RocksDB store answers every read with nothing: nothing read then may be written back."""
    settings = load_settings(worker={"store": "rocksdb", "workdir": tmp_path}, topics={"partitions": 1})
    worker = build_worker(settings)
    app = worker.app
    consumer = unstarted_aiokafka_consumer(app)
    tp = TopicPartition(settings.topics.interactions, 0)
    consumer._subscription.assign_from_user({tp})
    app.consumer_generation_id = 4
    message = cast(Any, FetchedMessage(TP(tp.topic, 0), generation_id=4))
    store: Any = cast(Any, worker.tables.customers).data
    key = CUSTOMER.encode()
    store._db_for_partition(0)[key] = b"history"
    owns = current_records(app)
    assert owns(message)

    try:
        await asyncio.wait_for(app.stop(), timeout=30)
    finally:
        await consumer.stop()
    assert app.consumer_generation_id == 4, "unchanged until the worker has left the group"
    assert tp in app.consumer.assignment(), "unchanged until the worker has left the group"
    assert not owns(message)

    assert store._get_bucket_for_key(key) is not None
    await store.stop()
    assert store._get_bucket_for_key(key) is None, "what a read in the batch in hand would have seen"


async def test_agents_wait_for_the_generation_s_seek_after_its_recovery() -> None:
    # Faust reports a round's tables recovered before it seeks the input partitions to their commits; what
    # the agents took meanwhile came from wherever the fetch position was.
    app = faust.App("readiness-test", broker="kafka://127.0.0.1:9", store="memory://")
    app.tables.recovery.in_recovery = False
    order = OffsetOrder(app)
    ready = tables_recovered(app, order, poll_seconds=0.001)
    app.consumer_generation_id = 3
    await app.on_rebalance_complete.send()

    waiting = asyncio.ensure_future(ready())
    await asyncio.sleep(0.02)
    assert not waiting.done()

    order.seek_done()
    await asyncio.wait_for(waiting, timeout=1)
