"""The written-down formulas: risk levels, memory score (peak-end), alert ids, and policy validation."""

from __future__ import annotations

import uuid

import orjson
import pytest
from pydantic import ValidationError

from pipeline.domain.churn import (
    ALERT_ID_NAMESPACE,
    BadExperience,
    ChurnPolicy,
    CooldownSeconds,
    Moment,
    alert_id,
    apply_event,
    memory_score,
    risk_level,
)


@pytest.mark.parametrize(
    ("strikes", "threshold", "level"),
    [
        (0, 3, "ok"),
        (1, 3, "ok"),
        (2, 3, "at_risk"),
        (3, 3, "churn_threshold"),
        (7, 3, "churn_threshold"),
        (0, 2, "ok"),
        (1, 2, "at_risk"),
        (2, 2, "churn_threshold"),
        (3, 5, "ok"),
        (4, 5, "at_risk"),
    ],
)
def test_risk_level(strikes, threshold, level) -> None:
    assert risk_level(strikes, threshold) == level


def strike(valence: float) -> BadExperience:
    return BadExperience("b", 0, "chat", "j", "s", "anger", ("r",), valence)


@pytest.mark.parametrize(
    ("strike_valences", "end_valence", "score"),
    [
        ([], 0.8, 0.8),  # no strikes: the end is the peak
        ([], -0.3, -0.3),
        ([-0.9], 0.5, -0.2),  # (peak -0.9 + end 0.5) / 2
        ([-0.9, -0.2], -0.2, -0.55),
        ([-0.1], -0.7, -0.7),  # the end itself is the most negative moment
        ([-1.0], -1.0, -1.0),
        ([-0.4, -0.4], 1.0, 0.3),
    ],
)
def test_memory_score_is_peak_end(strike_valences, end_valence, score) -> None:
    strikes = [strike(valence) for valence in strike_valences]
    assert memory_score(strikes, Moment("end", 1, end_valence)) == pytest.approx(score)


def test_memory_score_of_an_unknown_customer_is_neutral() -> None:
    assert memory_score([], None) == 0.0


def test_forgiven_strike_no_longer_weighs_on_memory(fact) -> None:
    state = apply_event(None, fact("b1", 0, valence=-0.9), ChurnPolicy()).state
    outcome = apply_event(state, fact("g1", 1, "good", True, valence=0.6), ChurnPolicy())
    assert outcome.strikes == ()
    assert outcome.memory_score == pytest.approx(0.6)


def test_alert_id_formula_is_uuid5_of_the_json_parts() -> None:
    expected = uuid.uuid5(ALERT_ID_NAMESPACE, orjson.dumps(["c1", "at_risk", ["a", "b"]]).decode())
    assert alert_id("c1", "at_risk", ["b", "a"], "b") == str(expected)


def test_risk_alert_id_does_not_depend_on_which_strike_came_last() -> None:
    assert alert_id("c1", "churn_threshold", ["x", "y", "z"], "z") == alert_id(
        "c1", "churn_threshold", ["z", "x", "y"], "x"
    )


def test_recovered_alert_id_includes_the_trigger() -> None:
    assert alert_id("c1", "recovered", ["x"], "g1") != alert_id("c1", "recovered", ["x"], "g2")
    expected = uuid.uuid5(ALERT_ID_NAMESPACE, orjson.dumps(["c1", "recovered", ["x"], "g1"]).decode())
    assert alert_id("c1", "recovered", ["x"], "g1") == str(expected)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("c1", "at_risk", ["a", "b"]), ("c2", "at_risk", ["a", "b"])),
        (("c1", "at_risk", ["a", "b"]), ("c1", "churn_threshold", ["a", "b"])),
        (("c1", "at_risk", ["a", "b"]), ("c1", "at_risk", ["a", "c"])),
        (("c1", "at_risk", ["a,b"]), ("c1", "at_risk", ["a", "b"])),  # no ambiguity from separators
    ],
)
def test_alert_ids_differ_when_any_part_differs(first, second) -> None:
    assert alert_id(*first, "t") != alert_id(*second, "t")


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"threshold": 1}, "threshold"),
        ({"window_days": 0}, "window_days"),
        ({"recovery_days": -1}, "recovery_days"),
        ({"threshold": 5, "max_history": 4}, "max_history"),
        ({"recent_ids": 0}, "recent_ids"),
        ({"cooldown_seconds": {"at_risk": -1}}, "at_risk"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_policy_refuses_bad_settings(settings, problem) -> None:
    with pytest.raises(ValidationError, match=problem):
        ChurnPolicy.model_validate(settings)


def test_policy_defaults() -> None:
    policy = ChurnPolicy()
    assert (policy.threshold, policy.window_days, policy.recovery_days) == (3, 90, 14)
    assert policy.cooldown_seconds == CooldownSeconds(at_risk=86_400, churn_threshold=86_400, recovered=0)
    assert policy.window_ms == 90 * 86_400_000
    assert policy.cooldown_seconds.for_transition("churn_threshold") == 86_400_000
