"""The configurable numbers of the churn-risk rule (SPEC 6): threshold, windows, cooldowns and bounds."""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pipeline.domain.records import AlertTransition

MS_PER_SECOND: Final[int] = 1_000
MS_PER_DAY: Final[int] = 86_400_000

_SETTINGS = ConfigDict(frozen=True, extra="forbid")

Seconds = Annotated[int, Field(ge=0)]


class CooldownSeconds(BaseModel):
    """Quiet time per customer after an alert of each kind, in event-time seconds.

    ``recovered`` defaults to 0: a recovered alert is only sent to a customer whose last alert was at_risk
    or churn_threshold, so there are never more recovered alerts than risk alerts, and the risk cooldowns
    already bound a flapping customer. Holding good news back would only leave the CRM acting on stale risk.
    """

    model_config = _SETTINGS

    at_risk: Seconds = 86_400
    churn_threshold: Seconds = 86_400
    recovered: Seconds = 0

    def for_transition(self, transition: AlertTransition) -> int:
        """The cooldown of one transition, in milliseconds of event time."""
        seconds: int = getattr(self, transition)
        return seconds * MS_PER_SECOND


class ChurnPolicy(BaseModel):
    """How strikes are counted and forgiven, when alerts fire, and how much state a customer may hold."""

    model_config = _SETTINGS

    threshold: Annotated[int, Field(ge=2)] = Field(
        default=3, description="Strikes at which a customer likely leaves; at_risk is one below it."
    )
    window_days: Annotated[int, Field(ge=1)] = Field(
        default=90, description="Length of the rolling strike window, ending at the latest event time seen."
    )
    recovery_days: Annotated[int, Field(ge=0)] = Field(
        default=14, description="How long after a strike a resolved, good interaction can still forgive it."
    )
    cooldown_seconds: CooldownSeconds = Field(default_factory=CooldownSeconds)
    max_history: Annotated[int, Field(ge=2)] = Field(
        default=96, description="Most strikes and recoveries kept per customer, together."
    )
    recent_ids: Annotated[int, Field(ge=1)] = Field(
        default=32, description="Most recent ids of other events kept to recognise a redelivery."
    )
    recent_alerts: Annotated[int, Field(ge=1)] = Field(
        default=4, description="Most recent sent alerts kept so a redelivered event re-sends the same alert."
    )

    @model_validator(mode="after")
    def _history_holds_threshold(self) -> ChurnPolicy:
        if self.max_history < self.threshold:
            raise ValueError(
                f"max_history ({self.max_history}) must be at least threshold ({self.threshold}), "
                "or churn_threshold could never be reached"
            )
        return self

    @property
    def window_ms(self) -> int:
        return self.window_days * MS_PER_DAY

    @property
    def recovery_ms(self) -> int:
        return self.recovery_days * MS_PER_DAY


DEFAULT_CHURN_POLICY: Final[ChurnPolicy] = ChurnPolicy()
