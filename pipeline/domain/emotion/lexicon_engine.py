"""The default engine: per-language explainable scorers (English word weights and rules, the Chinese
lexicon), per-language calibration, fusion with selected emotions and voice hints.

Its version carries a digest of the data it ships, so a result names exactly the weights behind it.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from pipeline.domain.emotion.assembly import assemble
from pipeline.domain.emotion.calibration import (
    DEFAULT_CALIBRATION,
    Calibration,
    CalibrationTable,
    LanguageCalibration,
)
from pipeline.domain.emotion.engine import EmotionRequest, check_options
from pipeline.domain.emotion.english import score_english
from pipeline.domain.emotion.language import SUPPORTED_LANGUAGES, resolve_language
from pipeline.domain.emotion.text_scores import TextScores
from pipeline.domain.errors import ConfigurationError
from pipeline.domain.event import SelectedEmotion, Voice
from pipeline.domain.labels import EmotionResult, EngineInfo

ENGINE_NAME: Final = "plutchik-linear"
ENGINE_VERSION: Final = "1.12.0"

Scorer = Callable[[str], TextScores]


def _walk(folder: Traversable) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.is_dir():
            found.extend((f"{entry.name}/{name}", content) for name, content in _walk(entry))
        elif entry.is_file():
            found.append((entry.name, entry.read_bytes()))
    return found


@cache
def shipped_data_digest() -> str:
    """A short digest of every data file the engine ships; it changes whenever the data does."""
    digest = hashlib.sha256()
    for name, content in _walk(resources.files("pipeline.domain.emotion") / "data"):
        digest.update(name.encode("utf-8") + b"\0" + content)
    return digest.hexdigest()[:10]


@cache
def _chinese_scorer() -> Scorer:
    module = importlib.import_module("pipeline.domain.emotion.chinese")
    scorer: Scorer = module.score_chinese
    return scorer


class LexiconEngine:
    """Explainable per-language scoring with calibrated thresholds; pure Python, one call per text."""

    def __init__(self, calibration: Calibration = DEFAULT_CALIBRATION) -> None:
        self.calibration = calibration
        self.info = EngineInfo(name=ENGINE_NAME, version=f"{ENGINE_VERSION}+data.{shipped_data_digest()}")
        self._tables = calibration.tables()
        self._neutral_table = CalibrationTable.of(LanguageCalibration())

    def analyze(
        self,
        text: str | None,
        language: str | None = None,
        *,
        selected: Sequence[SelectedEmotion] = (),
        voice: Voice | None = None,
    ) -> EmotionResult:
        """One event's emotion; text in an unsupported language is marked, never guessed."""
        text_scores = None
        supported = True
        resolved = resolve_language(text, language)
        if text and not text.isspace():
            if resolved == "en" or resolved is None:
                # No letters at all (emoji, emoticons, punctuation): symbols read the same in every language.
                text_scores = score_english(text)
            elif resolved in SUPPORTED_LANGUAGES:
                text_scores = _chinese_scorer()(text)
            else:
                supported = False
        return assemble(
            text_scores,
            language=resolved,
            language_supported=supported,
            calibration=self._tables.get(resolved or "en", self._neutral_table),
            engine=self.info,
            selected=selected,
            voice=voice,
        )

    def analyze_many(self, requests: Sequence[EmotionRequest]) -> list[EmotionResult]:
        """Each request in turn; the lexicon engine gains nothing from batching."""
        return [
            self.analyze(request.text, request.language, selected=request.selected, voice=request.voice)
            for request in requests
        ]


def _calibration_from(options: Mapping[str, str]) -> Calibration:
    path = options.get("calibration_file")
    if path is None:
        return DEFAULT_CALIBRATION
    try:
        overrides = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigurationError("emotion.engine.calibration_file", f"cannot read {path}: {error}") from error
    if not isinstance(overrides, dict):
        raise ConfigurationError("emotion.engine.calibration_file", f"{path} must hold a JSON object")
    return Calibration.with_overrides(overrides)


def build_lexicon_engine(options: Mapping[str, str]) -> LexiconEngine:
    """The default engine; option ``calibration_file``: a JSON file of per-language calibration overrides."""
    check_options(ENGINE_NAME, options, ("calibration_file",))
    return LexiconEngine(_calibration_from(options))
