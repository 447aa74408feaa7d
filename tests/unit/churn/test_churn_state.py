"""Customer state: compact bytes with a version, bounded size, offsets, and the fact built from labels."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import orjson
import pytest

from pipeline.domain.churn import (
    STATE_VERSION,
    ChurnPolicy,
    CustomerState,
    ExperienceFact,
    StateDecodeError,
    already_applied,
    apply_event,
)
from pipeline.domain.event import InteractionEvent
from pipeline.domain.labels import (
    EmotionResult,
    EmotionScores,
    EngineInfo,
    ExperienceResult,
    PaceResult,
    RuleFiring,
    StageResult,
)

POLICY = ChurnPolicy()


def test_state_with_one_event_is_small_and_round_trips(fact) -> None:
    state = apply_event(None, fact("evt-0001", 0, "neutral"), POLICY).state
    raw = state.to_bytes()
    assert orjson.loads(raw)["v"] == STATE_VERSION
    assert len(raw) < 128
    assert CustomerState.from_bytes(raw) == state


def test_state_with_five_bad_events_stays_under_a_kibibyte(fact, run) -> None:
    result = run([fact(f"evt-{index:04d}", index) for index in range(5)], POLICY)
    assert result.state is not None
    raw = result.state.to_bytes()
    assert len(raw) < 1024
    assert CustomerState.from_bytes(raw) == result.state


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"v": 2}', "version 2 is not supported"),
        (b'{"m": ["e", 1, 0.0]}', "version None is not supported"),
        (b'{"v": 1, "b": [["e", 1]]}', "malformed"),
    ],
)
def test_unreadable_state_is_refused_with_a_reason(raw, problem) -> None:
    with pytest.raises(StateDecodeError, match=problem):
        CustomerState.from_bytes(raw)


@pytest.mark.parametrize("spread_days", [2, 3_650], ids=["dense-in-one-window", "spread-over-ten-years"])
def test_ten_thousand_events_keep_the_state_bounded(fact, spread_days) -> None:
    policy = ChurnPolicy()
    rng = random.Random(7)
    state: CustomerState | None = None
    largest = 0
    for index in range(10_000):
        experience = rng.choice(["bad", "good", "neutral"])
        day = index * spread_days / 10_000
        outcome = apply_event(
            state,
            fact(f"evt-{index:05d}", day, experience, rng.choice([True, False, None])),
            policy,
            source_partition=index % 3,
            source_offset=index,
        )
        state = outcome.state
        largest = max(largest, len(state.to_bytes()))
    assert state is not None
    assert len(state.history) <= policy.max_history
    assert len(state.recent_ids) <= policy.recent_ids
    assert len(state.sent_alerts) <= policy.recent_alerts
    assert len(state.last_offset) == 3
    # About 90 bytes per stored item with these ids, plus the id ring and alerts: a fixed ceiling.
    assert largest < 16_384


def test_compaction_keeps_strikes_when_recoveries_cannot_forgive_them(fact, run) -> None:
    policy = ChurnPolicy(max_history=4)
    strikes = [fact("b1", 0), fact("b2", 1)]
    # Many resolved good contacts long after the strikes: they forgive nothing, so they go first.
    recoveries = [fact(f"g{index}", 30 + index / 10, "good", True) for index in range(10)]
    result = run([*strikes, *recoveries], policy)
    assert [strike.event_id for strike in result.outcomes[-1].strikes] == ["b1", "b2"]
    assert result.state is not None
    assert len(result.state.history) <= 4


def test_compaction_drops_forgiven_pairs_before_counted_strikes(fact, run) -> None:
    policy = ChurnPolicy(max_history=4)
    good = "good"
    events = [
        fact("b1", 0),
        fact("g1", 1, good, True),
        fact("b2", 2),
        fact("g2", 3, good, True),
        fact("b3", 4),
    ]
    result = run(events, policy)
    assert [strike.event_id for strike in result.outcomes[-1].strikes] == ["b3"]
    assert result.state is not None
    assert [item.event_id for item in result.state.history.bad] == ["b2", "b3"]


@pytest.mark.parametrize(
    ("applied", "partition", "offset", "expected"),
    [
        (None, 0, 0, False),
        ((0, 10), 0, 10, True),
        ((0, 10), 0, 9, True),
        ((0, 10), 0, 11, False),
        ((0, 10), 1, 0, False),
    ],
)
def test_already_applied(fact, applied, partition, offset, expected) -> None:
    state = None
    if applied is not None:
        partition_applied, offset_applied = applied
        state = apply_event(
            None, fact("e1", 0), POLICY, source_partition=partition_applied, source_offset=offset_applied
        ).state
    assert already_applied(state, partition, offset) is expected


def test_offset_never_moves_back_and_a_duplicate_still_records_its_offset(fact) -> None:
    state = apply_event(None, fact("e1", 0), POLICY, source_partition=0, source_offset=10).state
    state = apply_event(state, fact("e2", 1), POLICY, source_partition=0, source_offset=4).state
    assert state.last_offset == {0: 10}
    # A producer retry wrote e1 again at a later offset: nothing changes but the bookkeeping.
    again = apply_event(state, fact("e1", 0), POLICY, source_partition=0, source_offset=12)
    assert again.duplicate
    assert again.state.last_offset == {0: 12}
    assert again.state.history == state.history


def test_partition_and_offset_come_together(fact) -> None:
    with pytest.raises(ValueError, match="together"):
        apply_event(None, fact("e1", 0), POLICY, source_partition=0)


def test_fact_from_labels() -> None:
    event = InteractionEvent.model_validate(
        {
            "event_id": "e-1",
            "customer_id": "c-1",
            "occurred_at": datetime(2024, 3, 1, 12, 0, 0, 250_000, tzinfo=UTC),
            "channel": "phone",
            "journey": "travel",
            "signals": {"resolved": True},
        }
    )
    emotion = EmotionResult(
        language="en",
        language_supported=True,
        scores=EmotionScores(anger=0.8),
        present=["anger"],
        dominant="anger",
        dyads=[],
        valence=-0.7,
        arousal=0.8,
        evidence=[],
        engine=EngineInfo(name="lexicon", version="1"),
    )
    fact = ExperienceFact.from_labels(
        event,
        emotion,
        StageResult(journey="travel", stage="check_in", method="explicit"),
        ExperienceResult(experience="bad", reasons=[RuleFiring(rule="long_hold", detail="held 12 minutes")]),
        PaceResult(urgency=0.9),
    )
    assert fact == ExperienceFact(
        event_id="e-1",
        customer_id="c-1",
        occurred_at_ms=1_709_294_400_250,
        channel="phone",
        journey="travel",
        stage="check_in",
        experience="bad",
        reasons=("long_hold",),
        dominant_emotion="anger",
        valence=-0.7,
        resolved=True,
        urgency=0.9,
    )
