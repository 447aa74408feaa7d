"""Plutchik's wheel: the eight primaries, their intensity bands, primary dyads and polarity.

Plain constants so every part of the product (engine, rules, playbook, map) names emotions alike.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Emotion = Literal["joy", "trust", "fear", "surprise", "sadness", "disgust", "anger", "anticipation"]
PRIMARY_EMOTIONS: Final[tuple[Emotion, ...]] = get_args(Emotion)

IntensityBand = Literal["low", "mid", "high"]

BAND_NAMES: Final[dict[Emotion, tuple[str, str, str]]] = {
    "joy": ("serenity", "joy", "ecstasy"),
    "trust": ("acceptance", "trust", "admiration"),
    "fear": ("apprehension", "fear", "terror"),
    "surprise": ("distraction", "surprise", "amazement"),
    "sadness": ("pensiveness", "sadness", "grief"),
    "disgust": ("boredom", "disgust", "loathing"),
    "anger": ("annoyance", "anger", "rage"),
    "anticipation": ("interest", "anticipation", "vigilance"),
}

Dyad = Literal[
    "love", "submission", "awe", "disapproval", "remorse", "contempt", "aggressiveness", "optimism"
]
PRIMARY_DYADS: Final[dict[Dyad, tuple[Emotion, Emotion]]] = {
    "love": ("joy", "trust"),
    "submission": ("trust", "fear"),
    "awe": ("fear", "surprise"),
    "disapproval": ("surprise", "sadness"),
    "remorse": ("sadness", "disgust"),
    "contempt": ("disgust", "anger"),
    "aggressiveness": ("anger", "anticipation"),
    "optimism": ("anticipation", "joy"),
}

OPPOSITES: Final[dict[Emotion, Emotion]] = {
    "joy": "sadness",
    "sadness": "joy",
    "trust": "disgust",
    "disgust": "trust",
    "fear": "anger",
    "anger": "fear",
    "surprise": "anticipation",
    "anticipation": "surprise",
}

NEGATIVE_EMOTIONS: Final[frozenset[Emotion]] = frozenset({"anger", "disgust", "fear", "sadness"})
POSITIVE_EMOTIONS: Final[frozenset[Emotion]] = frozenset({"joy", "trust"})

# Band edges on a 0..1 intensity: below LOW_MID is the low band, at or above MID_HIGH the high band.
BAND_EDGES: Final[tuple[float, float]] = (0.4, 0.75)


def intensity_band(intensity: float) -> IntensityBand:
    """Which third of the wheel's radius an intensity falls in."""
    low_mid, mid_high = BAND_EDGES
    if intensity >= mid_high:
        return "high"
    if intensity >= low_mid:
        return "mid"
    return "low"


def band_name(emotion: Emotion, intensity: float) -> str:
    """The wheel's word for an emotion at an intensity: anger at 0.9 is 'rage'."""
    low, mid, high = BAND_NAMES[emotion]
    return {"low": low, "mid": mid, "high": high}[intensity_band(intensity)]


def dyads_of(present: frozenset[str] | set[str]) -> list[Dyad]:
    """The primary dyads whose two emotions are both present, in wheel order."""
    return [dyad for dyad, (first, second) in PRIMARY_DYADS.items() if first in present and second in present]
