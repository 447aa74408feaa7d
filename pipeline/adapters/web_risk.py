"""The answer of ``GET /api/customers/{customer_id}/risk``: where a customer stands with the churn rule."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from pipeline.domain.churn import ChurnPolicy, CustomerState, customer_strikes, memory_score, risk_level
from pipeline.domain.records import CountedBadExperience, RiskLevel


class CustomerRisk(BaseModel):
    """A customer's strikes, level and peak-end memory score, as the worker owning the customer holds them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    customer_id: str
    level: RiskLevel
    strikes: int = Field(ge=0, description="Bad experiences that count now (in the window, not forgiven).")
    threshold: int
    window_days: int
    memory_score: float = Field(ge=-1, le=1)
    latest_event_at: datetime | None = Field(description="Latest event time seen: where the window ends.")
    alerted_level: RiskLevel | None = Field(description="The level the CRM was last alerted about.")
    counted_bad_experiences: list[CountedBadExperience]
    served_by: str = Field(description="Canonical URL of the worker that owns the customer's state.")


def customer_risk(
    customer_id: str, state: CustomerState, policy: ChurnPolicy, served_by: str
) -> CustomerRisk:
    """Read the customer's standing from stored state with the same rule the processor applies."""
    strikes = customer_strikes(state, policy)
    return CustomerRisk(
        customer_id=customer_id,
        level=risk_level(len(strikes), policy.threshold),
        strikes=len(strikes),
        threshold=policy.threshold,
        window_days=policy.window_days,
        memory_score=memory_score(strikes, state.latest),
        latest_event_at=None if state.latest_ms is None else _utc(state.latest_ms),
        alerted_level=state.alerted_level,
        counted_bad_experiences=[
            CountedBadExperience(
                event_id=strike.event_id,
                occurred_at=_utc(strike.occurred_at_ms),
                channel=strike.channel,
                journey=strike.journey,
                stage=strike.stage,
                dominant_emotion=strike.dominant_emotion,
                reasons=list(strike.reasons),
            )
            for strike in strikes
        ],
        served_by=served_by,
    )


def _utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)
