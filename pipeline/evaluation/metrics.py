"""Accuracy figures for emotion and polarity rows, accumulated one row at a time (constant memory).

Emotion rows: F1 per Plutchik primary (predicted = the emotion is in ``present``), macro-F1 over the
primaries that occur in the gold labels, and accuracy of ``dominant`` on single-label rows (no label =
neutral = a null dominant). Polarity rows: F1 of "bad" against the gold ``negative`` flag, and balanced
accuracy (the mean of the recall on negative and on non-negative rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.domain.plutchik import PRIMARY_EMOTIONS


@dataclass(frozen=True, slots=True)
class Prediction:
    """What a predictor said about one row, in the terms the metrics compare."""

    present: frozenset[str]
    dominant: str | None
    bad: bool


def _f1(true_positive: int, false_positive: int, false_negative: int) -> float:
    denominator = 2 * true_positive + false_positive + false_negative
    return 2 * true_positive / denominator if denominator else 0.0


@dataclass(slots=True)
class EmotionTally:
    """Running counts for emotion rows."""

    rows: int = 0
    true_positive: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PRIMARY_EMOTIONS, 0))
    false_positive: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PRIMARY_EMOTIONS, 0))
    false_negative: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PRIMARY_EMOTIONS, 0))
    gold_seen: set[str] = field(default_factory=set)
    single_rows: int = 0
    dominant_correct: int = 0

    def add(self, gold: frozenset[str], predicted: Prediction) -> None:
        self.rows += 1
        self.gold_seen |= gold
        for emotion in PRIMARY_EMOTIONS:
            in_gold = emotion in gold
            in_predicted = emotion in predicted.present
            if in_gold and in_predicted:
                self.true_positive[emotion] += 1
            elif in_predicted:
                self.false_positive[emotion] += 1
            elif in_gold:
                self.false_negative[emotion] += 1
        if len(gold) <= 1:
            self.single_rows += 1
            expected = next(iter(gold)) if gold else None
            self.dominant_correct += predicted.dominant == expected

    def per_emotion_f1(self) -> dict[str, float]:
        """F1 of each primary that occurs in the gold labels."""
        return {
            emotion: _f1(
                self.true_positive[emotion], self.false_positive[emotion], self.false_negative[emotion]
            )
            for emotion in PRIMARY_EMOTIONS
            if emotion in self.gold_seen
        }

    def per_emotion_counts(self) -> dict[str, dict[str, int]]:
        """Rows labelled with and rows predicted to carry each primary that is either: shows an emotion
        predicted far more often than labelled, or predicted though the set never labels it."""
        counts: dict[str, dict[str, int]] = {}
        for emotion in PRIMARY_EMOTIONS:
            labelled = self.true_positive[emotion] + self.false_negative[emotion]
            predicted = self.true_positive[emotion] + self.false_positive[emotion]
            if labelled or predicted:
                counts[emotion] = {"labelled": labelled, "predicted": predicted}
        return counts

    def summary(self) -> dict[str, Any]:
        per_emotion = self.per_emotion_f1()
        return {
            "rows": self.rows,
            "macro_f1": sum(per_emotion.values()) / len(per_emotion) if per_emotion else None,
            "per_emotion_f1": per_emotion,
            "per_emotion_counts": self.per_emotion_counts(),
            "dominant_accuracy": self.dominant_correct / self.single_rows if self.single_rows else None,
            "single_label_rows": self.single_rows,
        }


@dataclass(slots=True)
class PolarityTally:
    """Running counts for polarity rows (positive class: the gold row is negative, predicted bad)."""

    rows: int = 0
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0

    def add(self, negative: bool, predicted: Prediction) -> None:
        self.rows += 1
        if negative and predicted.bad:
            self.true_positive += 1
        elif predicted.bad:
            self.false_positive += 1
        elif negative:
            self.false_negative += 1
        else:
            self.true_negative += 1

    def summary(self) -> dict[str, Any]:
        negatives = self.true_positive + self.false_negative
        positives = self.true_negative + self.false_positive
        recalls = []
        if negatives:
            recalls.append(self.true_positive / negatives)
        if positives:
            recalls.append(self.true_negative / positives)
        return {
            "rows": self.rows,
            "bad_f1": _f1(self.true_positive, self.false_positive, self.false_negative)
            if self.rows
            else None,
            "balanced_accuracy": sum(recalls) / len(recalls) if recalls else None,
        }
