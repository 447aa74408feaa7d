"""Builders for churn tests: facts from a short spec, and runs of facts through ``apply_event``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytest

from pipeline.domain.churn import ChurnOutcome, ChurnPolicy, CustomerState, ExperienceFact, apply_event
from pipeline.domain.labels import Experience

DAY_MS = 86_400_000
T0_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z


def build_fact(
    event_id: str,
    day: float,
    experience: Experience = "bad",
    resolved: bool | None = None,
    valence: float | None = None,
    *,
    customer_id: str = "cust-1",
) -> ExperienceFact:
    """A fact ``day`` days after 2024-01-01; valence defaults by experience (-0.6, 0.0, 0.6)."""
    default_valence = {"bad": -0.6, "neutral": 0.0, "good": 0.6}[experience]
    return ExperienceFact(
        event_id=event_id,
        customer_id=customer_id,
        occurred_at_ms=T0_MS + round(day * DAY_MS),
        channel="chat",
        journey="ecommerce",
        stage="delivery",
        experience=experience,
        reasons=("low_rating",) if experience == "bad" else (),
        dominant_emotion="anger" if experience == "bad" else None,
        valence=default_valence if valence is None else valence,
        resolved=resolved,
        urgency=0.2,
    )


@dataclass(frozen=True)
class Run:
    """Every outcome of a run, in order, and the final state."""

    outcomes: list[ChurnOutcome]
    state: CustomerState | None

    @property
    def alerts(self) -> list[tuple[str, str, str]]:
        """(transition, triggering event id, alert id) of every alert sent, in order."""
        return [
            (alert.transition, alert.trigger.event_id, alert.alert_id)
            for outcome in self.outcomes
            for alert in outcome.alerts
        ]


def run_facts(
    facts: Iterable[ExperienceFact], policy: ChurnPolicy, state: CustomerState | None = None
) -> Run:
    outcomes = []
    for fact in facts:
        outcome = apply_event(state, fact, policy)
        outcomes.append(outcome)
        state = outcome.state
    return Run(outcomes, state)


@pytest.fixture(scope="session")
def fact() -> Callable[..., ExperienceFact]:
    return build_fact


@pytest.fixture(scope="session")
def run() -> Callable[..., Run]:
    return run_facts
