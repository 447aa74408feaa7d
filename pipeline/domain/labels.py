"""What enrichment attaches to an event: emotion, stage, experience and pace.

These value types are shared by the engines that compute them and by the contracts that carry them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.domain.plutchik import Dyad, Emotion

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Signed = Annotated[float, Field(ge=-1.0, le=1.0)]

_VALUE = ConfigDict(frozen=True, extra="forbid")

CueKind = Literal[
    "word",
    "phrase",
    "idiom",
    "emoji",
    "emoticon",
    "negation",
    "intensifier",
    "diminisher",
    "contrast",
    "punctuation",
    "caps",
    "repetition",
    "sarcasm",
    "selected",
    "voice",
    "signal",
    "model",
    "language",
]


class EmotionScores(BaseModel):
    """The eight Plutchik primaries, each 0..1."""

    model_config = _VALUE

    joy: Unit = 0.0
    trust: Unit = 0.0
    fear: Unit = 0.0
    surprise: Unit = 0.0
    sadness: Unit = 0.0
    disgust: Unit = 0.0
    anger: Unit = 0.0
    anticipation: Unit = 0.0

    def get(self, emotion: Emotion) -> float:
        return float(getattr(self, emotion))


class Cue(BaseModel):
    """One piece of evidence: a matched word or phrase with its character offsets, or a non-text input."""

    model_config = _VALUE

    kind: CueKind
    text: str
    start: int | None = None
    end: int | None = None
    emotions: dict[Emotion, float] = Field(default_factory=dict)
    note: str | None = None


class EngineInfo(BaseModel):
    """Which scoring engine produced a result, so results can be reproduced."""

    model_config = _VALUE

    name: str
    version: str


class EmotionResult(BaseModel):
    """Plutchik labels for one event (SPEC 5.1)."""

    model_config = _VALUE

    language: str | None
    language_supported: bool
    scores: EmotionScores
    present: list[Emotion]
    dominant: Emotion | None
    dominant_intensity: Unit | None = None
    dominant_band: str | None = None
    dyads: list[Dyad]
    valence: Signed
    arousal: Unit
    evidence: list[Cue]
    engine: EngineInfo


StageMethod = Literal["explicit", "inferred", "unknown"]


class StageResult(BaseModel):
    """Which journey stage an event belongs to and how that was decided (SPEC 5.2)."""

    model_config = _VALUE

    journey: str
    stage: str
    method: StageMethod
    cue: str | None = None
    note: str | None = None


Experience = Literal["good", "neutral", "bad"]
RuleValue = float | int | bool | str


class RuleFiring(BaseModel):
    """A named experience rule that fired, with the values that made it fire."""

    model_config = _VALUE

    rule: str
    detail: str
    values: dict[str, RuleValue] = Field(default_factory=dict)


class ExperienceResult(BaseModel):
    """Good, neutral or bad, with every rule that fired (SPEC 5.3)."""

    model_config = _VALUE

    experience: Experience
    reasons: list[RuleFiring]


class PaceResult(BaseModel):
    """How urgently the customer needs an answer (SPEC 5.4)."""

    model_config = _VALUE

    urgency: Unit
    cues: list[str] = Field(default_factory=list)
