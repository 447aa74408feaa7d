"""Per-language calibration: when a score counts as present, and how strong an expression reads.

Each language's scorer ships its tuned thresholds next to its data (``data/<lang>/calibration.json``,
written by the training or calibration script); configuration can override any of them. The intensity
scale lets restrained expression (typical of Chinese customer text) reach the same intensity bands as
more explicit English text. The relative presence drops an emotion past its threshold that is much weaker
than the strongest one (see ``LanguageCalibration``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.domain.errors import ConfigurationError
from pipeline.domain.plutchik import PRIMARY_EMOTIONS, Emotion

_FROZEN = ConfigDict(frozen=True, extra="forbid")

Threshold = Annotated[float, Field(gt=0.0, le=1.0)]

DEFAULT_THRESHOLD = 0.5
# Per-language data folders; zh-Hans and zh-Hant share one scorer and one calibration.
_DATA_FOLDER: dict[str, str] = {"en": "en", "zh-Hans": "zh", "zh-Hant": "zh"}


class LanguageCalibration(BaseModel):
    """Thresholds per primary (present when score >= threshold) and the intensity scale for one language."""

    model_config = _FROZEN

    thresholds: dict[Emotion, Threshold] = Field(
        default_factory=lambda: dict.fromkeys(PRIMARY_EMOTIONS, DEFAULT_THRESHOLD)
    )
    intensity_scale: Annotated[float, Field(gt=0.0, le=4.0)] = 1.0
    # Thresholds are tuned one emotion at a time, so a text with one clear feeling also crossed the low
    # thresholds of weak neighbours ("what are your opening hours" read as a little angry beside nothing,
    # a heartbroken customer as angry beside sad). An emotion is present only when its score over its
    # threshold is at least this share of the strongest emotion's; 0 keeps every emotion past its threshold.
    relative_presence: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0

    def threshold(self, emotion: Emotion) -> float:
        return self.thresholds.get(emotion, DEFAULT_THRESHOLD)


@dataclass(frozen=True, slots=True)
class CalibrationTable:
    """One language's calibration as plain numbers for the hot path: thresholds in wheel order."""

    thresholds: tuple[float, ...]
    intensity_scale: float
    relative_presence: float = 0.0

    @classmethod
    def of(cls, calibration: LanguageCalibration) -> CalibrationTable:
        """The table of a language's calibration."""
        return cls(
            thresholds=tuple(calibration.threshold(emotion) for emotion in PRIMARY_EMOTIONS),
            intensity_scale=calibration.intensity_scale,
            relative_presence=calibration.relative_presence,
        )


@cache
def shipped_calibration(language: str) -> LanguageCalibration:
    """The calibration a language's scorer ships with, or neutral defaults when it ships none."""
    folder = _DATA_FOLDER.get(language)
    if folder is None:
        return LanguageCalibration()
    path = resources.files("pipeline.domain.emotion") / "data" / folder / "calibration.json"
    if not path.is_file():
        return LanguageCalibration()
    shipped = json.loads(path.read_text(encoding="utf-8"))
    thresholds = dict.fromkeys(PRIMARY_EMOTIONS, DEFAULT_THRESHOLD) | shipped.get("thresholds", {})
    return LanguageCalibration(
        thresholds=thresholds,
        intensity_scale=shipped.get("intensity_scale", 1.0),
        relative_presence=shipped.get("relative_presence", 0.0),
    )


def _default_languages() -> dict[str, LanguageCalibration]:
    return {language: shipped_calibration(language) for language in _DATA_FOLDER}


class Calibration(BaseModel):
    """Calibration for every supported language; build overrides with ``Calibration.with_overrides``."""

    model_config = _FROZEN

    languages: dict[str, LanguageCalibration] = Field(default_factory=_default_languages)

    def for_language(self, language: str) -> LanguageCalibration:
        """The calibration of a normalized language tag (neutral defaults for one not listed)."""
        found = self.languages.get(language)
        return found if found is not None else LanguageCalibration()

    def tables(self) -> dict[str, CalibrationTable]:
        """Every listed language's calibration as a table; engines build this once and look up per text."""
        return {language: CalibrationTable.of(found) for language, found in self.languages.items()}

    @classmethod
    def with_overrides(
        cls, overrides: Mapping[str, Any], base: Mapping[str, LanguageCalibration] | None = None
    ) -> Calibration:
        """Shipped defaults (or ``base``) with per-language overrides, e.g.
        ``{"zh-Hans": {"intensity_scale": 1.3}}``.

        Raises ConfigurationError naming ``emotion.calibration`` when an override is malformed.
        """
        start = _default_languages() if base is None else base
        merged: dict[str, dict[str, Any]] = {
            language: calibration.model_dump() for language, calibration in start.items()
        }
        for language, override in overrides.items():
            if not isinstance(override, Mapping):
                raise ConfigurationError(f"emotion.calibration.{language}", "expected a mapping")
            base = merged.setdefault(language, LanguageCalibration().model_dump())
            unknown = set(override) - {"thresholds", "intensity_scale", "relative_presence"}
            if unknown:
                raise ConfigurationError(f"emotion.calibration.{language}", f"unknown keys {sorted(unknown)}")
            if "thresholds" in override:
                base["thresholds"] = {**base["thresholds"], **override["thresholds"]}
            for key in ("intensity_scale", "relative_presence"):
                if key in override:
                    base[key] = override[key]
        try:
            return cls.model_validate({"languages": merged})
        except ValidationError as error:
            raise ConfigurationError("emotion.calibration", str(error)) from error


DEFAULT_CALIBRATION = Calibration()
