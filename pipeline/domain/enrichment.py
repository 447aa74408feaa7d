"""Everything the product says about one event on its own: emotion, stage, experience and pace.

A function of the event alone (never of other events), shared by the worker, ``replay`` and benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.domain.emotion.engine import EmotionEngine
from pipeline.domain.event import InteractionEvent
from pipeline.domain.experience import DEFAULT_EXPERIENCE_RULES, ExperienceRules, judge_experience
from pipeline.domain.journeys.catalog import JourneyCatalog
from pipeline.domain.labels import EmotionResult, ExperienceResult, PaceResult, StageResult
from pipeline.domain.pace import DEFAULT_PACE_SETTINGS, PaceSettings, assess_pace


@dataclass(frozen=True, slots=True)
class Labels:
    """The four labels of one event."""

    emotion: EmotionResult
    stage: StageResult
    experience: ExperienceResult
    pace: PaceResult


@dataclass(frozen=True)
class Enricher:
    """Labels events with the configured engine, journeys, experience rules and pace cues."""

    engine: EmotionEngine
    journeys: JourneyCatalog
    experience_rules: ExperienceRules = DEFAULT_EXPERIENCE_RULES
    pace_settings: PaceSettings = DEFAULT_PACE_SETTINGS

    def enrich(self, event: InteractionEvent) -> Labels:
        """All labels of one event."""
        emotion = self.engine.analyze(
            event.text, event.language, selected=event.selected_emotions or (), voice=event.voice
        )
        stage = self.journeys.infer_stage(event.journey, event.stage, event.text, event.channel)
        experience = judge_experience(
            emotion,
            rating=event.rating,
            selected=event.selected_emotions or (),
            signals=event.signals,
            voice=event.voice,
            channel=event.channel,
            text=event.text,
            rules=self.experience_rules,
        )
        pace = assess_pace(event.text, emotion, self.pace_settings)
        return Labels(emotion, stage, experience, pace)
