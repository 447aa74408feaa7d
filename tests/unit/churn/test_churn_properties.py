"""Invariants of the churn rule: arrival order, replays and redelivery after a crash (SPEC 6, 12)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.churn import (
    ChurnPolicy,
    CustomerState,
    ExperienceFact,
    customer_level,
    customer_strikes,
    memory_score,
)

POLICY = ChurnPolicy()
SMALL_RING = ChurnPolicy(recent_ids=1, recent_alerts=1)

# Hours over ~200 days: events collide on the same hour, cross the 90-day window and the 14-day recovery.
event_specs = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=200 * 24),
        st.sampled_from(["bad", "bad", "neutral", "good"]),
        st.sampled_from([True, False, None]),
        st.sampled_from([-0.9, -0.4, 0.0, 0.3, 0.8]),
    ),
    min_size=1,
    max_size=30,
)


def facts_from(fact, specs: list[tuple[int, str, bool | None, float]]) -> list[ExperienceFact]:
    return [
        fact(f"e{index:03d}", hour / 24, experience, resolved, valence)
        for index, (hour, experience, resolved, valence) in enumerate(specs)
    ]


def summary(state: CustomerState | None, policy: ChurnPolicy) -> tuple[object, ...]:
    """What must not depend on arrival order: counted strikes, level, latest moment, memory score."""
    assert state is not None
    strikes = customer_strikes(state, policy)
    return (
        [strike.event_id for strike in strikes],
        customer_level(state, policy),
        state.latest,
        memory_score(strikes, state.latest),
    )


@settings(max_examples=200, deadline=None)
@given(specs=event_specs, data=st.data())
def test_any_arrival_order_gives_the_same_strikes_level_and_memory(fact, run, specs, data) -> None:
    facts = facts_from(fact, specs)
    in_time_order = sorted(facts, key=lambda fact: (fact.occurred_at_ms, fact.event_id))
    shuffled = data.draw(st.permutations(facts))
    redelivered = data.draw(st.lists(st.sampled_from(facts), max_size=5))
    expected = run(in_time_order, POLICY)
    actual = run([*shuffled, *redelivered], POLICY)
    assert summary(actual.state, POLICY) == summary(expected.state, POLICY)
    assert actual.state is not None
    assert expected.state is not None
    assert actual.state.history == expected.state.history


@settings(max_examples=150, deadline=None)
@given(specs=event_specs)
def test_replaying_the_same_sequence_gives_the_same_alert_ids_and_state(fact, run, specs) -> None:
    facts = facts_from(fact, specs)
    first = run(facts, POLICY)
    second = run(facts, POLICY)
    assert first.alerts == second.alerts
    assert first.state is not None
    assert second.state is not None
    assert first.state.to_bytes() == second.state.to_bytes()


@pytest.mark.parametrize("policy", [POLICY, SMALL_RING], ids=["default", "one-id-ring"])
@settings(max_examples=150, deadline=None)
@given(specs=event_specs, data=st.data())
def test_redelivery_after_a_crash_gives_no_new_alert_ids(fact, run, policy, specs, data) -> None:
    facts = facts_from(fact, specs)
    crash_after = data.draw(st.integers(min_value=0, max_value=len(facts)))
    clean = run(facts, policy)
    before_crash = run(facts[:crash_after], policy)
    after_restart = run(facts, policy, before_crash.state)
    clean_ids = {alert_id for _, _, alert_id in clean.alerts}
    seen_ids = {alert_id for _, _, alert_id in before_crash.alerts + after_restart.alerts}
    assert seen_ids == clean_ids
    assert summary(after_restart.state, policy) == summary(clean.state, policy)


@settings(max_examples=150, deadline=None)
@given(specs=event_specs)
def test_every_state_round_trips_through_bytes(fact, run, specs) -> None:
    for outcome in run(facts_from(fact, specs), POLICY).outcomes:
        assert CustomerState.from_bytes(outcome.state.to_bytes()) == outcome.state


@settings(max_examples=100, deadline=None)
@given(specs=event_specs)
def test_each_event_moves_the_level_at_most_one_transition(fact, run, specs) -> None:
    for outcome in run(facts_from(fact, specs), POLICY).outcomes:
        assert len(outcome.transitions) <= 1
        for transition in outcome.transitions:
            assert transition.from_level == outcome.level_before
            assert transition.to_level == outcome.level_after != outcome.level_before
            assert len(transition.strikes) == len(outcome.strikes)
            assert -1.0 <= transition.memory_score <= 1.0
