"""What the churn rule needs to know about one enriched event, and nothing more."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.domain.event import Channel, InteractionEvent
from pipeline.domain.labels import EmotionResult, Experience, ExperienceResult, PaceResult, StageResult
from pipeline.domain.plutchik import Emotion


@dataclass(frozen=True, slots=True)
class ExperienceFact:
    """One judged interaction of one customer, in event time (milliseconds since the epoch, UTC)."""

    event_id: str
    customer_id: str
    occurred_at_ms: int
    channel: Channel
    journey: str
    stage: str
    experience: Experience
    reasons: tuple[str, ...]
    dominant_emotion: Emotion | None
    valence: float
    resolved: bool | None
    urgency: float

    @classmethod
    def from_labels(
        cls,
        event: InteractionEvent,
        emotion: EmotionResult,
        stage: StageResult,
        experience: ExperienceResult,
        pace: PaceResult,
    ) -> ExperienceFact:
        """Build the fact from an input event and its enrichment labels."""
        return cls(
            event_id=event.event_id,
            customer_id=event.customer_id,
            occurred_at_ms=event.occurred_at_ms,
            channel=event.channel,
            journey=stage.journey,
            stage=stage.stage,
            experience=experience.experience,
            reasons=tuple(firing.rule for firing in experience.reasons),
            dominant_emotion=emotion.dominant,
            valence=emotion.valence,
            resolved=event.signals.resolved if event.signals is not None else None,
            urgency=pace.urgency,
        )

    @property
    def is_bad(self) -> bool:
        return self.experience == "bad"

    @property
    def can_recover(self) -> bool:
        """A good experience with the issue resolved: it may forgive a recent strike (SPEC 6)."""
        return self.experience == "good" and self.resolved is True
