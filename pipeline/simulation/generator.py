"""The traffic generator: customers' stories merged into one stream, with duplicates, late, out-of-order and
malformed records mixed in the way real producers and networks mix them.

Records come out in the order they would reach Kafka. Customers arrive in event-time order and each one's
story is written when it arrives, so memory holds only the stories still in flight, not the whole run.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from random import Random
from typing import Any, Final, Literal

from pipeline.domain.journeys import JourneyCatalog, builtin_journeys
from pipeline.simulation.config import SimulationConfig
from pipeline.simulation.malformed import MALFORMED_KINDS, MalformedKind, malformed_record
from pipeline.simulation.story import DAY_MS, HOUR_MS, MINUTE_MS, EventIntent, StoryEvent, customer_story
from pipeline.simulation.wire import customer_key, encode_event

RecordKind = Literal["event", "duplicate", "malformed"]
Arrival = Literal["in_order", "out_of_order", "late"]

# How far behind the stream a displaced record arrives, in event time (never scaled by ``speedup``):
# out-of-order ones stay inside the windows' default one-hour grace, late ones fall well outside it.
OUT_OF_ORDER_DELAY_MS: Final[tuple[int, int]] = (30_000, 40 * MINUTE_MS)
LATE_DELAY_MS: Final[tuple[int, int]] = (2 * HOUR_MS, 2 * DAY_MS)


@dataclass(frozen=True, slots=True)
class SimulatedRecord:
    """One record as produced: its key and raw value, the parsed event (None when malformed) and the truth.

    ``intent`` says what the story meant the event to be (for a malformed record, the event it was made
    from); ``arrival`` whether it was sent late or out of order; ``malformed_kind`` how it is broken.
    The ``event`` dict is shared with duplicates: read it, do not change it.
    """

    key: bytes | None
    value: bytes
    event: dict[str, Any] | None
    kind: RecordKind
    intent: EventIntent
    occurred_at_ms: int
    arrival: Arrival = "in_order"
    malformed_kind: MalformedKind | None = None


@dataclass(frozen=True, slots=True)
class TrafficPlan:
    """How many records of each sort a run produces, and each customer's number of story events."""

    events_per_customer: tuple[int, ...]
    duplicates: int
    malformed: int

    @property
    def story_events(self) -> int:
        return sum(self.events_per_customer)

    @property
    def records(self) -> int:
        return self.story_events + self.duplicates + self.malformed


def plan_traffic(config: SimulationConfig) -> TrafficPlan:
    """Split the run into customers' story events, duplicates and malformed records (exact counts)."""
    rng = Random(f"{config.seed}:plan")
    low, high = config.events_per_customer
    drawn = [rng.randint(low, high) for _ in range(config.customers)]
    extra_share = config.duplicate_rate + config.malformed_rate
    if config.events is None:
        total = math.ceil(sum(drawn) / (1.0 - extra_share))
        duplicates = round(total * config.duplicate_rate)
        return TrafficPlan(tuple(drawn), duplicates, total - sum(drawn) - duplicates)
    duplicates = round(config.events * config.duplicate_rate)
    malformed = round(config.events * config.malformed_rate)
    return TrafficPlan(_scaled(drawn, config.events - duplicates - malformed), duplicates, malformed)


def _scaled(weights: list[int], total: int) -> tuple[int, ...]:
    # Largest remainder: exact total, each customer's share in proportion to the number drawn for it.
    weight_sum = sum(weights)
    exact = [total * weight / weight_sum for weight in weights]
    counts = [math.floor(share) for share in exact]
    by_remainder = sorted(range(len(weights)), key=lambda index: (counts[index] - exact[index], index))
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return tuple(counts)


@cache
def _catalog() -> JourneyCatalog:
    return JourneyCatalog(builtin_journeys())


def _infer_stage(journey: str, text: str, channel: str) -> str:
    return _catalog().infer_stage(journey, None, text, channel).stage


def generate(config: SimulationConfig) -> Iterator[SimulatedRecord]:
    """Every record of the run in the order it reaches the broker; the same config yields the same bytes."""
    plan = plan_traffic(config)
    rng = Random(f"{config.seed}:traffic")
    stage_names = {name: _catalog().stage_names(name) for name in config.journeys}
    day_span_ms = config.arrival_days * DAY_MS / config.speedup
    arrivals = sorted(
        (config.start_ms + round(rng.uniform(0, day_span_ms)), index)
        for index in range(1, config.customers + 1)
    )
    story_total = plan.story_events
    displaced = rng.sample(range(story_total), min(story_total, _share(story_total, config)))
    late_count = round(story_total * config.late_rate)
    selections = _Selections(
        seed=config.seed,
        late=frozenset(displaced[:late_count]),
        out_of_order=frozenset(displaced[late_count:]),
        duplicated=frozenset(rng.sample(range(story_total), min(story_total, plan.duplicates))),
        malformed_bases=_counts(rng.choices(range(story_total), k=plan.malformed) if story_total else []),
    )

    pending: list[tuple[int, int, SimulatedRecord]] = []
    sequence = 0
    ordinal = 0
    for arrival_ms, index in arrivals:
        while pending and pending[0][0] < arrival_ms:
            yield heapq.heappop(pending)[2]
        count = plan.events_per_customer[index - 1]
        if count == 0:
            continue
        story = customer_story(
            config,
            index,
            event_count=count,
            arrival_ms=arrival_ms,
            stage_names=stage_names,
            infer_stage=_infer_stage,
        )
        for story_event in story:
            for emitted_ms, record in _records_of(rng, story_event, ordinal, selections):
                heapq.heappush(pending, (emitted_ms, sequence, record))
                sequence += 1
            ordinal += 1
    while pending:
        yield heapq.heappop(pending)[2]


def _share(story_total: int, config: SimulationConfig) -> int:
    return round(story_total * config.late_rate) + round(story_total * config.out_of_order_rate)


def _counts(picks: list[int]) -> dict[int, int]:
    counted: dict[int, int] = {}
    for pick in picks:
        counted[pick] = counted.get(pick, 0) + 1
    return counted


@dataclass(frozen=True, slots=True)
class _Selections:
    """Which story events (by ordinal) arrive late or out of order, are resent, or are copied broken."""

    seed: int
    late: frozenset[int]
    out_of_order: frozenset[int]
    duplicated: frozenset[int]
    malformed_bases: dict[int, int]


def _records_of(
    rng: Random, story_event: StoryEvent, ordinal: int, selections: _Selections
) -> Iterator[tuple[int, SimulatedRecord]]:
    """The record of one story event, its duplicate if it has one, and malformed records made from it."""
    occurred_ms = story_event.occurred_at_ms
    event = story_event.event
    value = encode_event(event)
    key = str(event["customer_id"]).encode("utf-8")
    arrival: Arrival = "in_order"
    emitted_ms = occurred_ms
    if ordinal in selections.late:
        arrival, emitted_ms = "late", occurred_ms + rng.randint(*LATE_DELAY_MS)
    elif ordinal in selections.out_of_order:
        arrival, emitted_ms = "out_of_order", occurred_ms + rng.randint(*OUT_OF_ORDER_DELAY_MS)
    yield emitted_ms, SimulatedRecord(key, value, event, "event", story_event.intent, occurred_ms, arrival)
    if ordinal in selections.duplicated:
        # A producer retry lands right behind the original; a redelivery after a rebalance much later.
        resent_after = rng.randint(50, 5 * MINUTE_MS) if rng.random() < 0.7 else rng.randint(HOUR_MS, DAY_MS)
        yield (
            emitted_ms + resent_after,
            SimulatedRecord(key, value, event, "duplicate", story_event.intent, occurred_ms, arrival),
        )
    for copy in range(selections.malformed_bases.get(ordinal, 0)):
        kind = rng.choice(MALFORMED_KINDS)
        base = {**event, "event_id": f"bad-{selections.seed & 0xFFFFFFFF:08x}-{ordinal:07d}-{copy}"}
        broken = malformed_record(rng, kind, base)
        yield (
            emitted_ms + rng.randint(0, HOUR_MS),
            SimulatedRecord(
                customer_key(broken),
                broken,
                None,
                "malformed",
                story_event.intent,
                occurred_ms,
                malformed_kind=kind,
            ),
        )
