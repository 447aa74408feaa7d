"""The interactions agent announces a source partition's watermark to the window side only when it matters.

Windows close and expire only at multiples of the closing step (an hour with the default windows), so a
batch whose watermark reaches no new multiple is not announced; a partition's first batch in a worker
process, a batch that reaches one, the same batch redelivered, and a failed batch done again are.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any, cast

import orjson
from support.agents import Event, Message, RecordingTable, RecordingTopic

from pipeline.adapters.agents import InteractionsAgent, Tables, Topics
from pipeline.assembly import assemble
from pipeline.config import load_settings
from pipeline.metrics_port import NullMetrics

PARTITIONS = 2


def call(offset: int, at: str) -> Event:
    value = orjson.dumps(
        {
            "event_id": f"e{offset}",
            "customer_id": f"cust-{offset}",
            "occurred_at": f"2026-03-01T{at}+00:00",
            "channel": "chat",
            "journey": "telecom",
            "text": "Where is my order?",
        }
    )
    return Event(Message(value, f"cust-{offset}".encode(), offset=offset))


def announcements(topics: Topics) -> list[dict[str, int]]:
    """The watermarks announced, once per announcement (each goes to every contributions partition)."""
    sent = cast(RecordingTopic, topics.contributions).sent
    heard = [orjson.loads(message["value"]) for message in sent if message.get("key") is None]
    assert all(message["t"] == "w" for message in heard)
    return [message["w"] for message in heard[::PARTITIONS]]


def fresh_agent(
    tables: Tables | None = None, contributions: RecordingTopic | None = None
) -> tuple[InteractionsAgent, Topics]:
    components = assemble(load_settings(topics={"partitions": PARTITIONS}), NullMetrics())
    topics = Topics(
        *(cast(Any, RecordingTopic()) for _ in range(5)), cast(Any, contributions or RecordingTopic())
    )
    tables = tables or Tables(*(cast(Any, RecordingTable()) for _ in range(4)))
    agent = InteractionsAgent(
        components.processor,
        topics,
        tables,
        PARTITIONS,
        closing_step_ms=components.windows.settings.closing_step_ms,
    )
    return agent, topics


def test_the_default_windows_close_on_the_hour() -> None:
    assert load_settings().windows.closing_step_ms == 3_600_000


async def test_only_a_batch_that_reaches_a_new_hour_is_announced() -> None:
    agent, topics = fresh_agent()
    for batch in ([call(0, "10:00:00")], [call(1, "10:20:00"), call(2, "10:59:59")], [call(3, "11:05:00")]):
        await agent.process_batch(cast(Any, batch))

    ten, eleven = 1_772_359_200_000, 1_772_362_800_000  # 2026-03-01 10:00 and 11:00 UTC
    assert announcements(topics) == [{"0": ten}, {"0": eleven + 300_000}]


async def test_a_redelivered_batch_announces_again_what_it_crossed() -> None:
    agent, topics = fresh_agent()
    crossing = [call(1, "11:05:00")]
    for batch in ([call(0, "10:00:00")], crossing, crossing):
        await agent.process_batch(cast(Any, batch))

    assert len(announcements(topics)) == 3, "the batch was not committed: its announcement may be lost"


async def test_a_new_worker_process_announces_each_partition_once() -> None:
    first, _ = fresh_agent()
    await first.process_batch(cast(Any, [call(0, "10:00:00")]))

    second, topics = fresh_agent(first.tables)
    await second.process_batch(cast(Any, [call(1, "10:20:00")]))
    await second.process_batch(cast(Any, [call(2, "10:30:00")]))

    assert len(announcements(topics)) == 1


class Batches:
    """A stream that hands out fixed batches, as Faust's ``take_events`` does."""

    def __init__(self, batches: Sequence[list[Event]]) -> None:
        self.batches = batches

    async def take_events(self, size: int, within: float) -> AsyncIterator[list[Event]]:
        for batch in self.batches:
            yield batch


class LosingAnnouncements(RecordingTopic):
    """Contributions whose announcements fail to reach the broker ``losing`` times."""

    losing = 0

    async def send(self, **message: Any) -> asyncio.Future[None]:
        if not (self.losing and message.get("key") is None):
            return await super().send(**message)
        self.losing -= 1
        lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        lost.set_exception(ConnectionError("broker gone"))
        return lost


async def test_a_failed_batch_is_done_again_and_announces_again() -> None:
    contributions = LosingAnnouncements()
    agent, topics = fresh_agent(contributions=contributions)
    stream = Batches([[call(0, "10:00:00")], [call(1, "11:05:00")], [call(2, "11:10:00")]])
    run = agent.run(stream.take_events(10, 0.01))

    await anext(run)
    contributions.losing = PARTITIONS  # the first attempt's announcement of 11:05 is lost everywhere
    await anext(run)  # done again after a pause: its checkpoint is written, so it must announce regardless
    await anext(run)  # crosses no hour from 11:05, and 11:05 was heard: nothing to say

    ten, eleven_five = 1_772_359_200_000, 1_772_363_100_000
    assert [list(heard.values()) for heard in announcements(topics)] == [[ten], [eleven_five]]
    sent = cast(RecordingTopic, topics.enriched).sent
    enriched = [orjson.loads(message["value"])["event"]["event_id"] for message in sent]
    assert enriched == ["e0", "e1", "e1", "e2"], "the failed batch's outputs are sent again, never skipped"


async def test_with_a_step_of_one_millisecond_every_advance_is_announced() -> None:
    agent, topics = fresh_agent()
    agent.closing_step_ms = 1
    for batch in ([call(0, "10:00:00")], [call(1, "10:00:00")], [call(2, "10:00:01")]):
        await agent.process_batch(cast(Any, batch))

    assert len(announcements(topics)) == 2, "a batch that does not move the watermark has nothing to say"
