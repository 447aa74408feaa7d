"""A batch or message whose work fails is done again until it completes, never skipped.

Faust acks what an agent took once the agent moves on, so a skipped record is a lost one. Seen on a broker:
a changelog topic missing from a worker's metadata made every window write raise Faust's
``PartitionsMismatch`` for seconds, and the window agent, which logged and went on, left those
contributions out of the windows for good. Here the agents are the real ones with the real domain; topics
and tables are in-memory stand-ins, and a table refuses its first writes the way Faust's did.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, cast

import orjson
import pytest
from aiokafka.errors import KafkaTimeoutError
from faust.exceptions import PartitionsMismatch
from prometheus_client import CollectorRegistry
from support.agents import Event, Message, RecordingTable, RecordingTopic

from pipeline.adapters.agents import InteractionsAgent, StageWindowsAgent, Tables, Topics
from pipeline.adapters.deliveries import Deliveries
from pipeline.adapters.metrics import PipelineMetrics
from pipeline.adapters.risk_levels import RiskLevelCounts
from pipeline.adapters.table_stores import WindowIndex
from pipeline.assembly import Components, assemble
from pipeline.config import load_settings
from pipeline.domain.partitioning import kafka_partition
from pipeline.metrics_port import NullMetrics

PARTITIONS = 2
QUICK = 0.001  # the pause before a retry: seconds in production, nothing here


class RefusingTable(RecordingTable):
    """A table whose first ``refusals`` writes raise, as Faust's did while the changelog topic was missing
    from the consumer's metadata (before anything is stored: Faust checks before it writes)."""

    def __init__(self, refusals: int) -> None:
        super().__init__()
        self.refusals = refusals

    def __setitem__(self, key: bytes, value: bytes) -> None:
        if self.refusals:
            self.refusals -= 1
            raise PartitionsMismatch("The source topic has 2 partitions, but the changelog topic has 0")
        super().__setitem__(key, value)


class ChangelogFirstTable(RecordingTable):
    """Writes wait until the batch's sends are acknowledged and are dropped when one fails, as a RocksDB
    store behind ``changelog_first`` does; reads see the waiting ones."""

    def __init__(self, deliveries: Deliveries) -> None:
        super().__init__()
        self.waiting: dict[bytes, bytes] = {}
        deliveries.on_settled(self._keep, self.waiting.clear)

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.waiting[key] = value

    def __getitem__(self, key: bytes) -> bytes:
        return self.waiting[key] if key in self.waiting else super().__getitem__(key)

    def get(self, key: bytes, default: Any = None) -> Any:
        return self.waiting.get(key, super().get(key, default))

    def __contains__(self, key: object) -> bool:
        return key in self.waiting or super().__contains__(key)

    def _keep(self) -> None:
        for key, value in self.waiting.items():
            super().__setitem__(key, value)
        self.waiting.clear()


class FailingOnceTopic(RecordingTopic):
    """A topic whose first send is refused by the broker (its future fails)."""

    async def send(self, **message: Any) -> Any:
        delivered = await super().send(**message)
        if len(self.sent) == 1:
            failed = asyncio.get_running_loop().create_future()
            failed.set_exception(KafkaTimeoutError())
            return failed
        return delivered


class Stream:
    """Faust's stream as the window agent reads it."""

    def __init__(self, events: list[Event]) -> None:
        self.items = events

    async def events(self) -> AsyncIterator[Event]:
        for event in self.items:
            yield event


def components() -> Components:
    return assemble(load_settings(topics={"partitions": PARTITIONS}), NullMetrics())


def calls() -> Iterator[Event]:
    """Six customers' complaints over a day, so that hourly windows fill and close."""
    for offset in range(36):
        customer = f"cust-{offset % 6}"
        value = orjson.dumps(
            {
                "event_id": f"e{offset}",
                "customer_id": customer,
                "occurred_at": f"2026-03-01T{offset // 2:02d}:{offset % 2 * 30:02d}:00+00:00",
                "channel": "chat",
                "journey": "telecom",
                "text": "Still waiting for the refund, nobody answers. I am furious!",
            }
        )
        key = customer.encode()
        yield Event(Message(value, key, offset=offset, partition=kafka_partition(key, PARTITIONS)))


def tables(**replaced: RecordingTable) -> Tables:
    return Tables(**{name: replaced.get(name, RecordingTable()) for name in Tables.__dataclass_fields__})  # type: ignore[arg-type]


def topics() -> Topics:
    return Topics(*(cast(Any, RecordingTopic()) for _ in Topics.__dataclass_fields__))


async def contributions_of(batches: list[list[Event]]) -> list[Event]:
    """What the interactions agent sends to the contributions topic, as the window agent reads it back."""
    sent_to = topics()
    agent = InteractionsAgent(components().processor, sent_to, tables(), PARTITIONS, closing_step_ms=1)
    for batch in batches:
        await agent.process_batch(cast(Any, batch))
    offsets = dict.fromkeys(range(PARTITIONS), 0)
    read: list[Event] = []
    for message in cast(RecordingTopic, sent_to.contributions).sent:
        partition = message.get("partition")
        if partition is None:
            partition = kafka_partition(message["key"], PARTITIONS)
        read.append(
            Event(Message(message["value"], message["key"], offsets[partition], "contributions", partition))
        )
        offsets[partition] += 1
    return read


def retries(registry: CollectorRegistry, agent: str) -> float | None:
    return registry.get_sample_value("emotion_pipeline_work_retries_total", {"agent": agent})


async def windows_after(
    events: list[Event], state: Tables, registry: CollectorRegistry | None = None
) -> tuple[dict[bytes, bytes], list[str]]:
    domain = components()
    emitted = topics()
    agent = StageWindowsAgent(
        domain.windows,
        emitted,
        state,
        WindowIndex(state.windows, PARTITIONS, domain.windows.settings),
        PARTITIONS,
        metrics=PipelineMetrics(registry or CollectorRegistry(), {}),
    )
    async for _ in agent.run(cast(Any, Stream(events))):
        pass
    results = [
        orjson.loads(sent["value"])["window_id"] for sent in cast(RecordingTopic, emitted.stage_emotions).sent
    ]
    return dict(state.windows), results


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipeline.adapters.agents.RETRY_FIRST_PAUSE_S", QUICK)


@pytest.mark.parametrize("refused", ["windows", "window_watermarks"])
async def test_window_writes_refused_for_a_while_are_applied_once_they_pass(refused: str) -> None:
    events = await contributions_of([list(calls())[i : i + 6] for i in range(0, 36, 6)])
    expected_windows, expected_results = await windows_after(events, tables())
    assert expected_results, "the day's hourly windows close"

    registry = CollectorRegistry()
    windows, results = await windows_after(events, tables(**{refused: RefusingTable(refusals=5)}), registry)

    assert retries(registry, "stage-windows") == 5, "each refused try counted once"
    assert retries(registry, "interactions") == 0
    assert windows == expected_windows, "no contribution skipped, none counted twice"
    assert set(results) == set(expected_results), "every closed window emitted (a repeat allowed)"
    assert not any(event.message.acked for event in events)


async def test_a_batch_whose_state_writes_are_refused_is_done_again() -> None:
    batch = list(calls())
    clean_topics, clean_tables = topics(), tables()
    clean = InteractionsAgent(components().processor, clean_topics, clean_tables, PARTITIONS)
    async for _ in clean.run(_batches([batch])):
        pass

    refusing_topics, refusing_tables = topics(), tables(customers=RefusingTable(refusals=2))
    registry = CollectorRegistry()
    refusing = InteractionsAgent(
        components().processor,
        refusing_topics,
        refusing_tables,
        PARTITIONS,
        metrics=PipelineMetrics(registry, {}),
    )
    async for _ in refusing.run(_batches([batch])):
        pass

    assert retries(registry, "interactions") == 2, "each refused try counted once"
    assert dict(refusing_tables.customers) == dict(clean_tables.customers)
    alerts = [orjson.loads(sent["value"])["id"] for sent in cast(RecordingTopic, refusing_topics.alerts).sent]
    clean_alerts = [
        orjson.loads(sent["value"])["id"] for sent in cast(RecordingTopic, clean_topics.alerts).sent
    ]
    assert clean_alerts
    assert set(alerts) == set(clean_alerts), "alerts repeated at most, with their ids"


async def _batches(batches: list[list[Event]]) -> AsyncIterator[list[Event]]:
    for batch in batches:
        yield batch


class Gauge:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def set_customer_levels(self, counts: Mapping[str, int]) -> None:
        self.counts = {level: count for level, count in counts.items() if count}


async def _levels_after(batch: list[Event], enriched: RecordingTopic) -> dict[str, int]:
    sends = Deliveries()
    state = tables(customers=ChangelogFirstTable(sends))
    gauge = Gauge()
    levels = RiskLevelCounts(gauge, load_settings().churn)
    await levels.rebuild([], state.customers.get, lambda key: True)  # counting, nobody tracked yet
    sent_to = topics()
    sent_to = Topics(**{**sent_to.__dict__, "enriched": cast(Any, enriched)})
    agent = InteractionsAgent(
        components().processor, sent_to, state, PARTITIONS, levels=levels, deliveries=sends
    )
    async for _ in agent.run(_batches([batch])):
        pass
    return gauge.counts


async def test_a_batch_whose_writes_were_dropped_counts_its_level_changes_once() -> None:
    # The batch counts its customers' new levels, then a send fails: its state writes are dropped with
    # it, and the retry, starting from the states before, finds the same changes. Counted again on top of
    # the first count, every customer of the batch showed twice in emotion_pipeline_customers.
    batch = list(calls())
    clean = await _levels_after(batch, RecordingTopic())
    assert sum(clean.values()) == 6, "six customers tracked"

    assert await _levels_after(batch, FailingOnceTopic()) == clean
