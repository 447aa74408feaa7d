"""Valence and arousal from Plutchik scores: one formula for every language and engine.

The weights place each primary on the circumplex (pleasant/unpleasant, calm/activated) so valence and
arousal stay consistent with the scores an analyst sees next to them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from pipeline.domain.plutchik import PRIMARY_EMOTIONS, Emotion

VALENCE_WEIGHTS: Final[dict[Emotion, float]] = {
    "joy": 1.0,
    "trust": 0.7,
    "anticipation": 0.25,
    "surprise": 0.0,
    "sadness": -0.8,
    "fear": -0.7,
    "disgust": -0.9,
    "anger": -1.0,
}
AROUSAL_WEIGHTS: Final[dict[Emotion, float]] = {
    "joy": 0.6,
    "trust": 0.3,
    "anticipation": 0.55,
    "surprise": 0.8,
    "sadness": 0.3,
    "fear": 0.8,
    "disgust": 0.55,
    "anger": 0.9,
}
_VALENCE_ITEMS: Final = tuple(VALENCE_WEIGHTS.items())
_AROUSAL_ITEMS: Final = tuple(AROUSAL_WEIGHTS.items())
# Keeps weak evidence from producing extreme valence: 0.1 joy alone reads as slightly positive, not +1.
VALENCE_DAMPING: Final = 0.35


def valence_of(scores: Mapping[Emotion, float]) -> float:
    """-1..1: pleasant minus unpleasant evidence, damped so weak evidence stays near zero."""
    positive = negative = 0.0
    for emotion, weight in _VALENCE_ITEMS:
        value = scores.get(emotion, 0.0) * weight
        if value > 0.0:
            positive += value
        else:
            negative -= value
    return (positive - negative) / (positive + negative + VALENCE_DAMPING)


def arousal_of(scores: Mapping[Emotion, float], boost: float = 0.0) -> float:
    """0..1: the most activating emotion's weighted score, raised by text cues such as '!!!' or capitals."""
    strongest = 0.0
    for emotion, weight in _AROUSAL_ITEMS:
        value = scores.get(emotion, 0.0) * weight
        strongest = max(strongest, value)
    return min(1.0, strongest + boost)


# The same weights by position in PRIMARY_EMOTIONS, in the order above, so sums come out bit for bit alike.
VALENCE_BY_INDEX: Final = tuple((PRIMARY_EMOTIONS.index(name), weight) for name, weight in _VALENCE_ITEMS)
AROUSAL_BY_INDEX: Final = tuple((PRIMARY_EMOTIONS.index(name), weight) for name, weight in _AROUSAL_ITEMS)


def valence_and_arousal(scores: Sequence[float], boost: float = 0.0) -> tuple[float, float]:
    """``valence_of`` and ``arousal_of`` at once, from scores listed in PRIMARY_EMOTIONS order (hot path)."""
    positive = negative = 0.0
    for index, weight in VALENCE_BY_INDEX:
        value = scores[index] * weight
        if value > 0.0:
            positive += value
        else:
            negative -= value
    strongest = 0.0
    for index, weight in AROUSAL_BY_INDEX:
        value = scores[index] * weight
        if value > strongest:  # noqa: PLR1730 (a comparison costs less than a call on the hot path)
            strongest = value
    return (positive - negative) / (positive + negative + VALENCE_DAMPING), min(1.0, strongest + boost)
