"""The contract between the emotion engine and its per-language text scorers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from pipeline.domain.labels import Cue
from pipeline.domain.plutchik import Emotion


class TextScores(NamedTuple):
    """What a language's scorer finds in one text, before per-language calibration.

    ``raw`` holds evidence strength per primary (0..1, absent = 0); ``cues`` carry character offsets into
    the original text, so an analyst can see why. A named tuple: immutable, and built once per text on the
    hot path, where a frozen dataclass's per-field ``object.__setattr__`` shows up.
    """

    raw: Mapping[Emotion, float]
    valence: float
    arousal: float
    cues: tuple[Cue, ...] = ()
