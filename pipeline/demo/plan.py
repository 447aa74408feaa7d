"""What a demo run produces: a simulation sized to the time and rate asked for, with enough churners.

Event time runs faster than wall time (``speedup``), so a customer's days of contacts pass in seconds and
several customers reach at_risk and churn_threshold within the first minute. The run starts a day in the
past so event times stay near the present.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from pipeline.config import TopicSettings
from pipeline.simulation import SimulationConfig
from pipeline.simulation.config import PersonaName

DEFAULT_SECONDS: Final[float] = 90.0
DEFAULT_RATE: Final[float] = 40.0
# A few more churners than the simulator's default, so the alert feed is busy from the first seconds.
DEMO_PERSONAS: Final[dict[PersonaName, float]] = {
    "smooth": 0.45,
    "bumpy": 0.25,
    "churner": 0.15,
    "recovered": 0.15,
}
# A day of a customer's life in an hour of event time; customers all arrive within that first hour.
DEMO_SPEEDUP: Final[float] = 24.0
DEMO_ARRIVAL_DAYS: Final[float] = 1.0
# Production stops this share of the run early, so the worker catches up before the summary.
DRAIN_SHARE: Final[float] = 0.15
EVENTS_PER_CUSTOMER: Final[int] = 24


@dataclass(frozen=True)
class DemoOptions:
    """What the user asked for on the command line."""

    directory: Path
    seconds: float = DEFAULT_SECONDS
    rate: float = DEFAULT_RATE
    customers: int | None = None
    seed: int = 7
    keep_running: bool = False


@dataclass(frozen=True)
class DemoPlan:
    """One session: its topics, consumer group, API token and the traffic to produce."""

    session: str
    topics: TopicSettings
    app_id: str
    api_token: str
    simulation: SimulationConfig
    produce_seconds: float

    @property
    def planned_records(self) -> int:
        return self.simulation.events or 0


def plan_demo(options: DemoOptions, now: datetime | None = None) -> DemoPlan:
    """Size the traffic to ``rate * seconds`` (less a drain margin) and name this session's topics."""
    if options.seconds <= 0:
        raise ValueError(f"--seconds must be positive, got {options.seconds:g}")
    if options.rate <= 0:
        raise ValueError(f"--rate must be positive, got {options.rate:g}")
    produce_seconds = options.seconds * (1.0 - DRAIN_SHARE)
    records = max(20, round(options.rate * produce_seconds))
    customers = options.customers or max(5, records // EVENTS_PER_CUSTOMER)
    if customers < 1:
        raise ValueError(f"--customers must be positive, got {customers}")
    started = (now or datetime.now(UTC)) - timedelta(days=1)
    simulation = SimulationConfig(
        seed=options.seed,
        customers=customers,
        events=records,
        personas=dict(DEMO_PERSONAS),
        speedup=DEMO_SPEEDUP,
        arrival_days=DEMO_ARRIVAL_DAYS,
        start=started,
    )
    # Fresh topics and group per session: a reused broker never mixes in an earlier run's records.
    session = uuid.uuid4().hex[:8]
    topics = TopicSettings(
        interactions=f"demo-{session}.interactions",
        enriched=f"demo-{session}.interactions.enriched",
        alerts=f"demo-{session}.alerts.churn-risk",
        stage_emotions=f"demo-{session}.stage-emotions",
        dlq=f"demo-{session}.interactions.dlq",
        partitions=8,
    )
    return DemoPlan(
        session=session,
        topics=topics,
        app_id=f"demo-{session}",
        api_token=secrets.token_urlsafe(18),
        simulation=simulation,
        produce_seconds=produce_seconds,
    )
