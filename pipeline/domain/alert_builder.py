"""Churn-risk transitions turned into CloudEvents for CRM systems (SPEC 7).

Every field comes from the input history (never the wall clock), so a redelivered transition yields the
byte-identical alert and CRM systems can deduplicate on ``id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from pipeline.domain.churn import ChurnPolicy, Transition
from pipeline.domain.churn.history import BadExperience
from pipeline.domain.playbook import Playbook
from pipeline.domain.plutchik import BAND_NAMES
from pipeline.domain.records import (
    ChurnAlert,
    ChurnAlertData,
    CountedBadExperience,
    RecommendedAction,
    alert_type,
)


class AlertSettings(BaseModel):
    """The CloudEvents envelope of alerts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str = Field(default="/emotion-pipeline", min_length=1)
    type_prefix: str = Field(default="com.emotion_pipeline", min_length=1, pattern=r"^[A-Za-z0-9._-]+$")
    dataschema: str | None = None


def _utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _counted(strike: BadExperience) -> CountedBadExperience:
    return CountedBadExperience(
        event_id=strike.event_id,
        occurred_at=_utc(strike.occurred_at_ms),
        channel=strike.channel,
        journey=strike.journey,
        stage=strike.stage,
        dominant_emotion=strike.dominant_emotion,
        reasons=list(strike.reasons),
    )


def _explanation(transition: Transition, policy: ChurnPolicy, action: RecommendedAction) -> str:
    strikes = len(transition.strikes)
    trigger = transition.trigger
    where = f"{trigger.stage} ({trigger.journey}, {trigger.channel})"
    feeling = (
        f", feeling mostly {BAND_NAMES[trigger.dominant_emotion][1]}" if trigger.dominant_emotion else ""
    )
    if transition.transition == "recovered":
        return (
            f"A resolved, good contact at {where} brought the customer back to {strikes} counted bad "
            f"experience(s) of {policy.threshold}; {action.description[:1].lower()}{action.description[1:]}"
        ).rstrip(".") + "."
    if transition.transition == "churn_threshold":
        head = (
            f"{strikes} bad experiences in {policy.window_days} days reached the churn threshold "
            f"of {policy.threshold}"
        )
    else:
        head = (
            f"{strikes} bad experiences in {policy.window_days} days: one more reaches the churn threshold "
            f"of {policy.threshold}"
        )
    reasons = ", ".join(trigger.reasons) or "a bad experience"
    return f"{head}; the latest was at {where}{feeling} ({reasons})."


@dataclass(frozen=True)
class AlertBuilder:
    """Builds the CloudEvent for a transition with the playbook's recommended action."""

    settings: AlertSettings
    policy: ChurnPolicy
    playbook: Playbook

    def build(self, transition: Transition, dyads: tuple[str, ...] = ()) -> ChurnAlert:
        trigger = transition.trigger
        action = self.playbook.recommend(
            trigger.dominant_emotion, dyads=dyads, urgency=trigger.urgency, transition=transition.transition
        )
        data = ChurnAlertData(
            customer_id=trigger.customer_id,
            level=transition.to_level,
            previous_level=transition.from_level,
            transition=transition.transition,
            strikes=len(transition.strikes),
            threshold=self.policy.threshold,
            window_days=self.policy.window_days,
            bad_experiences=[_counted(strike) for strike in transition.strikes],
            memory_score=transition.memory_score,
            dominant_emotion=trigger.dominant_emotion,
            triggering_event_id=trigger.event_id,
            recommended_action=action,
            explanation=_explanation(transition, self.policy, action),
        )
        return ChurnAlert(
            id=transition.alert_id,
            source=self.settings.source,
            type=alert_type(self.settings.type_prefix, transition.transition),
            subject=trigger.customer_id,
            time=_utc(trigger.occurred_at_ms),
            partitionkey=trigger.customer_id,
            dataschema=self.settings.dataschema,
            data=data,
        )
