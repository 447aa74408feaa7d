"""Pace: how urgently the customer needs an answer (SPEC 5.4), so the response can match it.

Urgency comes from what the customer says ("right now", "马上", "急") and how agitated they sound (arousal).
Each cue adds its weight as an independent piece of evidence (1 - prod(1 - w)), so two strong cues make a
more urgent message than one, but never more than 1; a calming cue ("no rush", "不急") halves the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final

from pipeline.domain.journeys.matcher import PhraseMatcher
from pipeline.domain.labels import EmotionResult, PaceResult

STRONG: Final = 0.6
MEDIUM: Final = 0.35
WEAK: Final = 0.2

DEFAULT_URGENCY_CUES: Final[Mapping[str, float]] = {
    # English
    **dict.fromkeys(
        [
            "right now",
            "immediately",
            "asap",
            "a.s.a.p",
            "as soon as possible",
            "urgent",
            "urgently",
            "emergency",
            "right away",
            "at once",
            "straight away",
            "this minute",
        ],
        STRONG,
    ),
    **dict.fromkeys(
        [
            "by today",
            "by tonight",
            "by tomorrow",
            "by the end of the day",
            "this morning",
            "this afternoon",
            "within the hour",
            "within an hour",
            "deadline",
            "hurry",
            "can't wait",
            "cannot wait",
            "time sensitive",
            "before my flight",
            "running out of time",
            "still waiting",
        ],
        MEDIUM,
    ),
    **dict.fromkeys(["today", "tonight", "quickly", "soon", "now", "waiting"], WEAK),
    # Chinese, simplified and traditional where they differ
    **dict.fromkeys(
        [
            "马上",
            "馬上",
            "立刻",
            "立即",
            "赶紧",
            "趕緊",
            "尽快",
            "盡快",
            "紧急",
            "緊急",
            "十万火急",
            "十萬火急",
            "火速",
            "刻不容缓",
            "刻不容緩",
            "急死",
        ],
        STRONG,
    ),
    **dict.fromkeys(
        [
            "今天之内",
            "今天之內",
            "今晚之前",
            "明天之前",
            "快点",
            "快點",
            "快一点",
            "快一點",
            "等不了",
            "等不及",
            "来不及",
            "來不及",
            "着急",
            "著急",
            "还在等",
            "還在等",
            "急",
        ],
        MEDIUM,
    ),
    # A lone "快" is left out: it is in 快递 (express delivery), which says nothing about urgency.
    **dict.fromkeys(["今天", "今晚", "现在", "現在"], WEAK),
}

DEFAULT_CALMING_CUES: Final[tuple[str, ...]] = (
    "no rush",
    "no hurry",
    "not urgent",
    "whenever you can",
    "take your time",
    "when you get a chance",
    "不急",
    "不着急",
    "不著急",
    "不用急",
    "不赶",
    "不趕",
    "慢慢来",
    "慢慢來",
    "有空再",
)


@dataclass(frozen=True)
class PaceSettings:
    """The urgency cues and weights, and how much arousal adds above a calm baseline."""

    urgency_cues: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_URGENCY_CUES))
    calming_cues: tuple[str, ...] = DEFAULT_CALMING_CUES
    calming_factor: float = 0.5
    arousal_baseline: float = 0.5
    arousal_weight: float = 0.5

    @cached_property
    def matcher(self) -> PhraseMatcher:
        """One compiled matcher over urgency and calming cues together, so "不急" hides the "急" inside it."""
        return PhraseMatcher([*self.urgency_cues, *self.calming_cues])

    @cached_property
    def calming(self) -> frozenset[str]:
        """The calming cues as a set, for a quick membership test."""
        return frozenset(self.calming_cues)


DEFAULT_PACE_SETTINGS: Final[PaceSettings] = PaceSettings()


def assess_pace(
    text: str | None, emotion: EmotionResult | None, settings: PaceSettings = DEFAULT_PACE_SETTINGS
) -> PaceResult:
    """Urgency 0..1 from urgency cues in the text (English and Chinese) and the emotion's arousal.

    ``cues`` lists the phrases found, in text order, and ``arousal=0.85`` when arousal added to urgency.
    """
    cues: list[str] = []
    remaining = 1.0
    calming = False
    for match in settings.matcher.find_maximal(text or ""):
        cues.append(match.phrase)
        if match.phrase in settings.calming:
            calming = True
        else:
            remaining *= 1.0 - settings.urgency_cues[match.phrase]
    if emotion is not None and emotion.arousal > settings.arousal_baseline:
        excess = (emotion.arousal - settings.arousal_baseline) / (1.0 - settings.arousal_baseline)
        remaining *= 1.0 - settings.arousal_weight * excess
        cues.append(f"arousal={emotion.arousal:.2f}")
    urgency = 1.0 - remaining
    if calming:
        urgency *= settings.calming_factor
    return PaceResult(urgency=round(min(1.0, max(0.0, urgency)), 4), cues=cues)
