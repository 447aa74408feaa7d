"""Recovery edge cases: which strike a resolved, good contact forgives, and when it forgives nothing."""

from __future__ import annotations

import pytest

from pipeline.domain.churn import ChurnPolicy

POLICY = ChurnPolicy()
MS = 1 / 86_400_000  # one millisecond, in days

# (case, events as (event_id, day, experience, resolved), strike ids left counted)
RECOVERY_CASES = [
    ("forgives the only strike", [("b1", 0, "bad", None), ("g1", 1, "good", True)], []),
    (
        "forgives the most recent strike, not the oldest",
        [("b1", 0, "bad", None), ("b2", 10, "bad", None), ("g1", 20, "good", True)],
        ["b1"],
    ),
    (
        "a recovery before any strike is not banked for later strikes",
        [("g1", 0, "good", True), ("b1", 1, "bad", None), ("b2", 2, "bad", None)],
        ["b1", "b2"],
    ),
    (
        "two recoveries forgive the two most recent strikes",
        [("b1", 0, "bad", None), ("b2", 1, "bad", None), ("g1", 2, "good", True), ("g2", 3, "good", True)],
        [],
    ),
    (
        "the second recovery needs its own strike within 14 days",
        [("b1", 0, "bad", None), ("b2", 10, "bad", None), ("g1", 11, "good", True), ("g2", 15, "good", True)],
        ["b1"],
    ),
    (
        "most recent strike older than 14 days: nothing is forgiven",
        [("b1", 0, "bad", None), ("b2", 1, "bad", None), ("g1", 16, "good", True)],
        ["b1", "b2"],
    ),
    (
        "exactly 14 days after the strike still forgives",
        [("b1", 0, "bad", None), ("g1", 14, "good", True)],
        [],
    ),
    (
        "14 days and a millisecond is too late",
        [("b1", 0, "bad", None), ("g1", 14 + MS, "good", True)],
        ["b1"],
    ),
    ("same millisecond as the strike forgives it", [("b1", 3, "bad", None), ("g1", 3, "good", True)], []),
    ("good but not resolved forgives nothing", [("b1", 0, "bad", None), ("g1", 1, "good", False)], ["b1"]),
    (
        "good with resolved unknown forgives nothing",
        [("b1", 0, "bad", None), ("g1", 1, "good", None)],
        ["b1"],
    ),
    ("resolved but neutral forgives nothing", [("b1", 0, "bad", None), ("n1", 1, "neutral", True)], ["b1"]),
    (
        "a recovery arriving before its strike still forgives it",
        [("g1", 2, "good", True), ("b1", 0, "bad", None), ("b2", 1, "bad", None)],
        ["b1"],
    ),
    (
        "a late strike between a strike and its recovery takes the forgiveness",
        [("b1", 0, "bad", None), ("g1", 5, "good", True), ("b2", 3, "bad", None)],
        ["b1"],
    ),
    (
        "one recovery per strike: a third recovery has nothing left",
        [
            ("b1", 0, "bad", None),
            ("b2", 1, "bad", None),
            ("g1", 2, "good", True),
            ("g2", 3, "good", True),
            ("g3", 4, "good", True),
            ("b3", 5, "bad", None),
        ],
        ["b3"],
    ),
]


@pytest.mark.parametrize(
    ("events", "strike_ids"),
    [pytest.param(events, ids, id=case) for case, events, ids in RECOVERY_CASES],
)
def test_recovery_case(fact, run, events, strike_ids) -> None:
    result = run([fact(*spec) for spec in events], POLICY)
    assert [strike.event_id for strike in result.outcomes[-1].strikes] == strike_ids


@pytest.mark.parametrize(("recovery_days", "strike_ids"), [(0, ["b1"]), (2, []), (1, ["b1"])])
def test_recovery_days_is_configurable(fact, run, recovery_days, strike_ids) -> None:
    policy = ChurnPolicy(recovery_days=recovery_days)
    result = run([fact("b1", 0), fact("g1", 1.5, "good", True)], policy)
    assert [strike.event_id for strike in result.outcomes[-1].strikes] == strike_ids
