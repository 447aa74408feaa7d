"""Golden cases for the churn rule: levels, transitions, expiry, duplicates and cooldowns (SPEC 6)."""

from __future__ import annotations

import pytest

from pipeline.domain.churn import ChurnPolicy, CooldownSeconds, apply_event

POLICY = ChurnPolicy()

# (case, events as (event_id, day, experience, resolved), counted strike ids, level,
#  alerts sent as (transition, trigger))
GOLDEN = [
    ("one bad is ok", [("b1", 0, "bad", None)], ["b1"], "ok", []),
    (
        "second bad enters at_risk",
        [("b1", 0, "bad", None), ("b2", 1, "bad", None)],
        ["b1", "b2"],
        "at_risk",
        [("at_risk", "b2")],
    ),
    (
        "third bad enters churn_threshold",
        [("b1", 0, "bad", None), ("b2", 1, "bad", None), ("b3", 2, "bad", None)],
        ["b1", "b2", "b3"],
        "churn_threshold",
        [("at_risk", "b2"), ("churn_threshold", "b3")],
    ),
    (
        "a resolved good contact recovers an at_risk customer",
        [("b1", 0, "bad", None), ("b2", 1, "bad", None), ("g1", 2, "good", True)],
        ["b1"],
        "ok",
        [("at_risk", "b2"), ("recovered", "g1")],
    ),
    (
        "neutral and good events alone never strike",
        [("n1", 0, "neutral", None), ("g1", 1, "good", True), ("g2", 2, "good", False)],
        [],
        "ok",
        [],
    ),
    (
        "a newer event moves the window past the oldest strike",
        [("b1", 0, "bad", None), ("b2", 1, "bad", None), ("n1", 90.5, "neutral", None)],
        ["b2"],
        "ok",
        [("at_risk", "b2"), ("recovered", "n1")],
    ),
    (
        "a strike exactly window_days old no longer counts",
        [("b1", 0, "bad", None), ("b2", 10, "bad", None), ("n1", 90, "neutral", None)],
        ["b2"],
        "ok",
        [("at_risk", "b2"), ("recovered", "n1")],
    ),
    (
        "a strike one millisecond younger than the window still counts",
        [("b1", 0, "bad", None), ("b2", 10, "bad", None), ("n1", 90 - 1 / 86_400_000, "neutral", None)],
        ["b1", "b2"],
        "at_risk",
        [("at_risk", "b2")],
    ),
    (
        "churn_threshold drops straight to ok when the window moves: one recovered alert",
        [
            ("b1", 0, "bad", None),
            ("b2", 1, "bad", None),
            ("b3", 2, "bad", None),
            ("n1", 100, "neutral", None),
        ],
        [],
        "ok",
        [("at_risk", "b2"), ("churn_threshold", "b3"), ("recovered", "n1")],
    ),
    (
        "churn_threshold -> at_risk is silent; reaching ok later sends recovered",
        [
            ("b1", 0, "bad", None),
            ("b2", 1, "bad", None),
            ("b3", 2, "bad", None),
            ("g1", 3, "good", True),
            ("g2", 4, "good", True),
        ],
        ["b1"],
        "ok",
        [("at_risk", "b2"), ("churn_threshold", "b3"), ("recovered", "g2")],
    ),
    (
        "a late event older than the window is ignored",
        [("b1", 100, "bad", None), ("b2", 101, "bad", None), ("b0", 5, "bad", None)],
        ["b1", "b2"],
        "at_risk",
        [("at_risk", "b2")],
    ),
    (
        "a late bad event in the window counts as if it had come in order",
        [("b2", 10, "bad", None), ("b3", 20, "bad", None), ("b1", 1, "bad", None)],
        ["b1", "b2", "b3"],
        "churn_threshold",
        [("at_risk", "b3"), ("churn_threshold", "b1")],
    ),
]


@pytest.mark.parametrize(
    ("events", "expected"),
    [pytest.param(events, expected, id=case) for case, events, *expected in GOLDEN],
)
def test_golden_case(fact, run, events, expected) -> None:
    strike_ids, level, alerts = expected
    result = run([fact(*spec) for spec in events], POLICY)
    final = result.outcomes[-1]
    assert [strike.event_id for strike in final.strikes] == strike_ids
    assert final.level_after == level
    assert [(transition, trigger) for transition, trigger, _ in result.alerts] == alerts


def test_transition_carries_levels_strikes_and_trigger(fact) -> None:
    first = apply_event(None, fact("b1", 0), POLICY)
    outcome = apply_event(first.state, fact("b2", 1, valence=-0.9), POLICY)
    (alert,) = outcome.alerts
    assert (alert.from_level, alert.to_level) == ("ok", "at_risk")
    assert [strike.event_id for strike in alert.strikes] == ["b1", "b2"]
    assert alert.strikes[1].reasons == ("low_rating",)
    assert alert.strikes[1].dominant_emotion == "anger"
    assert alert.trigger.event_id == "b2"
    assert alert.memory_score == pytest.approx(-0.9)
    assert (outcome.level_before, outcome.level_after) == ("ok", "at_risk")


def test_duplicate_changes_nothing_and_carries_the_original_alert(fact) -> None:
    state = apply_event(None, fact("b1", 0), POLICY).state
    original = apply_event(state, fact("b2", 1), POLICY)
    again = apply_event(original.state, fact("b2", 1), POLICY)
    assert again.duplicate
    assert again.state == original.state
    assert [alert.alert_id for alert in again.alerts] == [alert.alert_id for alert in original.alerts]
    assert again.alerts[0].strikes == original.alerts[0].strikes
    assert (again.level_before, again.level_after) == ("at_risk", "at_risk")


def test_duplicate_of_a_quiet_event_resends_nothing(fact) -> None:
    state = apply_event(None, fact("n1", 0, "neutral"), POLICY).state
    again = apply_event(state, fact("n1", 0, "neutral"), POLICY)
    assert again.duplicate
    assert again.transitions == ()
    assert again.state == state


def test_duplicate_of_a_neutral_trigger_resends_its_recovered_alert(fact, run) -> None:
    result = run([fact("b1", 0), fact("b2", 1), fact("n1", 95, "neutral")], POLICY)
    again = apply_event(result.state, fact("n1", 95, "neutral"), POLICY)
    assert again.duplicate
    assert [(alert.transition, alert.alert_id) for alert in again.alerts] == [
        (transition, alert_id) for transition, trigger, alert_id in result.alerts if trigger == "n1"
    ]


COOLDOWN_CASES = [
    # Recovered at day 0.2, then at_risk again 0.2 days after the first at_risk alert: held back.
    ("at_risk again inside 24h is suppressed", 0.3, 86_400, ["at_risk", "recovered"], 1),
    ("at_risk again after 24h is sent", 1.2, 86_400, ["at_risk", "recovered", "at_risk"], 0),
    ("no cooldown sends every transition", 0.3, 0, ["at_risk", "recovered", "at_risk"], 0),
]


@pytest.mark.parametrize(
    ("third_bad_day", "at_risk_cooldown", "expected"),
    [pytest.param(day, cooldown, expected, id=case) for case, day, cooldown, *expected in COOLDOWN_CASES],
)
def test_cooldown_in_event_time(fact, run, third_bad_day, at_risk_cooldown, expected) -> None:
    sent, suppressed = expected
    policy = ChurnPolicy(cooldown_seconds=CooldownSeconds(at_risk=at_risk_cooldown))
    result = run(
        [fact("b1", 0), fact("b2", 0.1), fact("g1", 0.2, "good", True), fact("b3", third_bad_day)], policy
    )
    assert [transition for transition, _, _ in result.alerts] == sent
    held_back = [t for outcome in result.outcomes for t in outcome.transitions if t.suppressed]
    assert len(held_back) == suppressed
    assert result.outcomes[-1].level_after == "at_risk"


def test_suppressed_risk_alert_means_no_recovered_alert(fact, run) -> None:
    # The CRM last heard "recovered" (g1); the second at_risk was held back, so its end is not announced.
    result = run(
        [
            fact("b1", 0),
            fact("b2", 0.1),
            fact("g1", 0.2, "good", True),
            fact("b3", 0.3),
            fact("g2", 0.4, "good", True),
        ],
        POLICY,
    )
    assert [transition for transition, _, _ in result.alerts] == ["at_risk", "recovered"]
    assert result.outcomes[-1].level_after == "ok"


def test_churn_threshold_alerts_again_on_a_new_strike_after_silent_descent(fact, run) -> None:
    events = [fact("b1", 0), fact("b2", 1), fact("b3", 2), fact("g1", 3, "good", True), fact("b4", 4)]
    result = run(events, POLICY)
    assert [(transition, trigger) for transition, trigger, _ in result.alerts] == [
        ("at_risk", "b2"),
        ("churn_threshold", "b3"),
        ("churn_threshold", "b4"),
    ]
    assert result.alerts[1][2] != result.alerts[2][2]


def test_cooldown_runs_on_event_time_not_arrival(fact, run) -> None:
    # Events arriving years of wall time apart but minutes apart in event time are still inside a cooldown.
    policy = ChurnPolicy(cooldown_seconds=CooldownSeconds(at_risk=3_600))
    minute = 1 / 1_440
    events = [fact("b1", 0), fact("b2", minute), fact("g1", 2 * minute, "good", True), fact("b3", 3 * minute)]
    assert [transition for transition, _, _ in run(events, policy).alerts] == ["at_risk", "recovered"]
