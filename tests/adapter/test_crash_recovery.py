"""A worker killed mid-stream and restarted, simulated message by message against Faust's delivery contract.

Both agents, the processor, the window logic and the table stores are the real ones. Kafka and Faust are
modelled by what they guarantee and no more:

- a table write goes to the changelog partition of the record it belongs to, and each changelog partition
  keeps its writes in order; so does each partition of an output topic;
- a send whose delivery was awaited is on the broker, and so is a message a consumer read; of the rest,
  each partition holds some prefix (nothing, all or part), independently of every other partition and
  topic. Faust's flush before a commit is not counted on: it can return with messages still buffered;
- a restart with the same state directory finds every local write (RocksDB), but recovery then re-applies
  the changelog from the offset Faust last recorded as persisted, which can put older values back; one
  with an empty directory finds only what reached the changelogs;
- the restarted worker reads each input partition again from its committed offset, in batches that mix
  partitions differently from the first run, and the contributions topic likewise; before that it may get
  the first few records of each partition again (Faust does so while a partition is being assigned).

Every alert and every closed window that got out, before or after the kill, must be one a clean replay
produces, with the same content, and none of replay's may be missing. Dozens of kill points run in
seconds, which a broker test of a minute per kill cannot.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import orjson
import pytest
from support.streams import event_stream

from pipeline.adapters.agents import InteractionsAgent, StageWindowsAgent, Tables, Topics
from pipeline.adapters.deliveries import Deliveries, make_changelog_first
from pipeline.adapters.table_stores import BytesTable, WindowIndex, event_in_context
from pipeline.assembly import Components, assemble
from pipeline.config import load_settings
from pipeline.domain.codec import encode
from pipeline.domain.partitioning import kafka_partition
from pipeline.metrics_port import NullMetrics
from pipeline.replay import ReplayRun, ReplaySinks, record_key

PARTITIONS = 4
EVENTS = 3_000
CUSTOMERS = 90
TABLES = list(Tables.__dataclass_fields__)
TOPICS = list(Topics.__dataclass_fields__)


@dataclass
class Message:
    value: bytes
    key: bytes | None
    offset: int
    partition: int
    topic: str = "topic"
    acked: bool = False


@dataclass
class Event:
    message: Message

    @property
    def value(self) -> bytes:
        return self.message.value


@dataclass
class Log:
    """A topic or a changelog: per partition, the records in the order they were handed to the producer."""

    partitions: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    acknowledged: dict[int, int] = field(default_factory=dict)

    def append(self, partition: int, item: Any) -> None:
        self.partitions[partition].append(item)

    def marks(self) -> dict[int, int]:
        return {partition: len(items) for partition, items in self.partitions.items()}

    def surviving(self, rng: random.Random) -> Log:
        """What a kill leaves: each partition up to what the broker acknowledged, then a random prefix."""
        kept = Log()
        for partition, items in self.partitions.items():
            kept.partitions[partition] = items[: rng.randint(self.acknowledged.get(partition, 0), len(items))]
        kept.acknowledged = kept.marks()
        return kept

    def values(self) -> list[Any]:
        return [item for items in self.partitions.values() for item in items]


class ChangelogTable(dict[bytes, bytes]):
    """A table partitioned as Faust's: every write is sent to the changelog partition of its record."""

    name = "simulated"

    def __init__(self, changelog: Log, contents: dict[bytes, bytes]) -> None:
        super().__init__(contents)
        self.changelog = changelog

    def send_changelog(self, key: bytes, value: bytes | None) -> Delivery:
        event = event_in_context()
        assert event is not None, "a table write outside its record's context lands on an arbitrary partition"
        partition = event.message.partition
        self.changelog.append(partition, (key, value))
        return Delivery(self.changelog, partition, len(self.changelog.partitions[partition]))

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.send_changelog(key, value)
        super().__setitem__(key, value)

    def pop(self, key: bytes, default: Any = None) -> Any:
        self.send_changelog(key, None)
        return super().pop(key, default)


@dataclass
class OutputTopic:
    """A topic keyed as the worker keys it (murmur2 over the partitions)."""

    log: Log = field(default_factory=Log)

    async def send(
        self, key: bytes | None = None, value: bytes = b"", partition: int | None = None, **_: Any
    ) -> Delivery:
        target = partition if partition is not None else (kafka_partition(key, PARTITIONS) if key else 0)
        self.log.append(target, value)
        return Delivery(self.log, target, len(self.log.partitions[target]))


@dataclass(eq=False)
class Delivery:
    """What a send returns: awaiting it waits for the broker's acknowledgement, after which it survives."""

    log: Log
    partition: int
    length: int

    def __await__(self) -> Iterator[None]:
        acknowledged = self.log.acknowledged
        acknowledged[self.partition] = max(acknowledged.get(self.partition, 0), self.length)
        return
        yield


@dataclass
class Cluster:
    """What outlives a worker: the input partitions, the changelogs, the topics and committed offsets."""

    inputs: dict[int, list[bytes]]
    changelogs: dict[str, Log] = field(default_factory=lambda: {name: Log() for name in TABLES})
    topics: dict[str, OutputTopic] = field(default_factory=lambda: {name: OutputTopic() for name in TOPICS})
    committed: dict[str, dict[int, int]] = field(
        default_factory=lambda: {"interactions": {}, "contributions": {}}
    )

    def logs(self) -> dict[str, Log]:
        return {
            **{f"changelog:{name}": log for name, log in self.changelogs.items()},
            **{f"topic:{name}": topic.log for name, topic in self.topics.items()},
        }


class SimulatedWorker:
    """The two agents over simulated tables, consuming from committed offsets in random batches."""

    def __init__(
        self,
        components: Components,
        cluster: Cluster,
        local: dict[str, dict[bytes, bytes]],
        rng: random.Random,
    ) -> None:
        self.cluster = cluster
        self.rng = rng
        self.tables = Tables(
            **{
                name: cast(BytesTable, ChangelogTable(cluster.changelogs[name], local.get(name, {})))
                for name in TABLES
            }
        )
        topics = Topics(**{name: cast(Any, topic) for name, topic in cluster.topics.items()})
        enrichment_sends, window_sends = Deliveries(), Deliveries()
        for table in (self.tables.customers, self.tables.source_watermarks):
            make_changelog_first(table, enrichment_sends)
        for table in (self.tables.windows, self.tables.window_watermarks):
            make_changelog_first(table, window_sends)
        self.interactions = InteractionsAgent(
            components.processor,
            topics,
            self.tables,
            PARTITIONS,
            deliveries=enrichment_sends,
            closing_step_ms=components.windows.settings.closing_step_ms,
        )
        index = WindowIndex(self.tables.windows, PARTITIONS, components.windows.settings)
        self.stage = StageWindowsAgent(
            components.windows, topics, self.tables, index, PARTITIONS, deliveries=window_sends
        )
        self.position = {name: dict(offsets) for name, offsets in cluster.committed.items()}
        self.acked = {name: dict(offsets) for name, offsets in cluster.committed.items()}

    def _fetch(self, source: str, partitions: dict[int, list[bytes]], size: int) -> list[Event]:
        position = self.position[source]
        batch: list[Event] = []
        while len(batch) < size:
            open_partitions = [p for p, items in partitions.items() if position.get(p, 0) < len(items)]
            if not open_partitions:
                break
            p = self.rng.choice(open_partitions)
            start = position.get(p, 0)
            chunk = partitions[p][start : start + self.rng.randint(1, 20)]
            position[p] = start + len(chunk)
            if source == "contributions":  # a message that was read had reached the broker: it survives
                acknowledged = self.cluster.topics["contributions"].log.acknowledged
                acknowledged[p] = max(acknowledged.get(p, 0), position[p])
            for offset, value in enumerate(chunk, start):
                key = record_key(value) if source == "interactions" else None
                batch.append(Event(Message(value, key, offset, p, topic=source)))
        return batch

    async def step(self) -> bool:
        """One interactions batch, then some contributions messages; False when there is nothing left."""
        batch = self._fetch("interactions", self.cluster.inputs, self.rng.randint(1, 60))
        if batch:
            await self.interactions.process_batch(cast(Any, batch))
            self._ack("interactions", batch)  # Faust acks a batch once the agent asks for the next one
        contributions = self._fetch(
            "contributions", self.cluster.topics["contributions"].log.partitions, self.rng.randint(0, 80)
        )
        for event in contributions:
            await self.stage.process(cast(Any, event))
            self._ack("contributions", [event])
        if self.rng.random() < 0.3:
            self.commit()
        return bool(batch or contributions)

    async def deliver_from_the_start(self, records: int) -> None:
        """What Faust may do while a partition is assigned: hand out its first records before it seeks to the
        committed offset. They were processed long ago; nothing they do may change what comes later."""
        inputs = self.cluster.inputs
        early = [
            Event(Message(value, record_key(value), offset, p, topic="interactions"))
            for p, values in sorted(inputs.items())
            for offset, value in enumerate(values[:records])
        ]
        await self.interactions.process_batch(cast(Any, early))
        for p, values in sorted(self.cluster.topics["contributions"].log.partitions.items()):
            for offset, value in enumerate(values[:records]):
                await self.stage.process(
                    cast(Any, Event(Message(value, None, offset, p, topic="contributions")))
                )

    def _ack(self, source: str, events: list[Event]) -> None:
        for event in events:
            self.acked[source][event.message.partition] = event.message.offset + 1

    def commit(self) -> None:
        self.cluster.committed = {name: dict(offsets) for name, offsets in self.acked.items()}

    def kill(self, empty_state: bool) -> dict[str, dict[bytes, bytes]]:
        """SIGKILL: cut every log to what reached Kafka; return what the next worker finds locally."""
        survived = {name: log.surviving(self.rng) for name, log in self.cluster.logs().items()}
        for name in TOPICS:
            self.cluster.topics[name].log = survived[f"topic:{name}"]
        local: dict[str, dict[bytes, bytes]] = {}
        for name in TABLES:
            changelog = survived[f"changelog:{name}"]
            self.cluster.changelogs[name] = changelog
            state = {} if empty_state else dict(cast(dict[bytes, bytes], getattr(self.tables, name)))
            for items in changelog.partitions.values():
                # An empty store recovers the whole changelog; a kept one from the last offset Faust recorded
                # as persisted, which can be older than the store's newest writes.
                replay_from = 0 if empty_state else self.rng.randint(0, len(items))
                for key, value in items[replay_from:]:
                    if value is None:
                        state.pop(key, None)
                    else:
                        state[key] = value
            local[name] = state
        return local


def partitioned(records: list[bytes]) -> dict[int, list[bytes]]:
    by_partition: dict[int, list[bytes]] = defaultdict(list)
    for value in records:
        key = record_key(value)
        by_partition[kafka_partition(key, PARTITIONS) if key is not None else 0].append(value)
    return by_partition


@dataclass(frozen=True)
class Kill:
    after_step: int
    empty_state: bool
    seed: int

    def __str__(self) -> str:
        return f"step{self.after_step}-{'empty' if self.empty_state else 'kept'}-state-seed{self.seed}"


@dataclass(frozen=True)
class Expected:
    alerts: dict[str, bytes]
    windows: dict[str, bytes]


@pytest.fixture(scope="module")
def components() -> Components:
    return assemble(load_settings(topics={"partitions": PARTITIONS}), NullMetrics())


@pytest.fixture(scope="module")
def stream() -> tuple[list[bytes], Expected]:
    records = event_stream(EVENTS, CUSTOMERS, seed=11)
    alerts: dict[str, bytes] = {}
    windows: dict[str, bytes] = {}
    run = ReplayRun(assemble(load_settings(topics={"partitions": PARTITIONS}), NullMetrics()), PARTITIONS)
    run.feed(
        records,
        ReplaySinks(
            alert=lambda alert: alerts.setdefault(alert.id, encode(alert)),
            window=lambda window: windows.setdefault(window.window_id, encode(window)),
        ),
    )
    assert len(alerts) > 50, "the stream must exercise the churn rule"
    assert len(windows) > 50, "the stream must close windows"
    return records, Expected(alerts, windows)


KILLS = [
    Kill(after_step, empty_state, seed)
    for seed, after_step in enumerate((2, 9, 17, 25, 33, 41, 52, 60, 68, 77, 85, 93))
    for empty_state in (False, True)
]


def by_id(values: list[bytes], field_name: str) -> dict[str, set[bytes]]:
    found: dict[str, set[bytes]] = defaultdict(set)
    for value in values:
        found[orjson.loads(value)[field_name]].add(value)
    return found


@pytest.mark.parametrize("kill", KILLS, ids=str)
async def test_a_kill_and_restart_produce_exactly_replays_alerts_and_windows(
    components: Components, stream: tuple[list[bytes], Expected], kill: Kill
) -> None:
    records, expected = stream
    rng = random.Random(kill.seed)
    cluster = Cluster(partitioned(records))
    first = SimulatedWorker(components, cluster, {}, rng)
    for _ in range(kill.after_step):
        await first.step()
    local = first.kill(kill.empty_state)

    restarted = SimulatedWorker(components, cluster, local, rng)
    await restarted.deliver_from_the_start(records=rng.randint(0, 3))
    while await restarted.step():
        pass

    alerts = by_id(cluster.topics["alerts"].log.values(), "id")
    assert set(alerts) == set(expected.alerts), (
        sorted(set(alerts) - set(expected.alerts))[:3],
        sorted(set(expected.alerts) - set(alerts))[:3],
    )
    assert not [a for a, values in alerts.items() if values != {expected.alerts[a]}], (
        "an alert id was re-used"
    )
    windows = by_id(cluster.topics["stage_emotions"].log.values(), "window_id")
    assert set(windows) == set(expected.windows)
    changed = [w for w, values in windows.items() if values != {expected.windows[w]}]
    assert not changed, [(sorted(windows[w]), expected.windows[w]) for w in changed[:1]]
