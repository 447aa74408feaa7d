"""Evaluate predictors over a labelled JSONL file in chunks: overall and per-language figures.

Rows the shipped English weights were trained or tuned on are left out (see ``splits``), so figures are
always on held-out rows. ``limit`` takes a deterministic sample: the rows whose id hashes lowest.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from pipeline.domain.emotion.language import resolve_language
from pipeline.evaluation.datasets import dataset_name, iter_rows
from pipeline.evaluation.metrics import EmotionTally, PolarityTally
from pipeline.evaluation.predictors import Predictor, Row
from pipeline.evaluation.splits import (
    TRAINING_FILES,
    complaint_training_row,
    read_for_rules,
    used_in_training,
)

CHUNK_ROWS = 512


@dataclass(slots=True)
class PredictorTally:
    """One predictor's running figures on one file, overall and per language."""

    emotion: EmotionTally = field(default_factory=EmotionTally)
    polarity: PolarityTally = field(default_factory=PolarityTally)
    emotion_by_language: dict[str, EmotionTally] = field(default_factory=dict)
    polarity_by_language: dict[str, PolarityTally] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {}
        if self.emotion.rows:
            summary["emotion"] = self.emotion.summary()
            summary["emotion_by_language"] = {
                k: v.summary() for k, v in sorted(self.emotion_by_language.items())
            }
        if self.polarity.rows:
            summary["polarity"] = self.polarity.summary()
            summary["polarity_by_language"] = {
                k: v.summary() for k, v in sorted(self.polarity_by_language.items())
            }
        return summary


def _sample_key(row: dict[str, Any]) -> bytes:
    return hashlib.sha1(str(row.get("id", "")).encode("utf-8")).digest()


def _sample(rows: Iterable[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """The ``limit`` rows with the lowest id hash, in file order (same sample on every run)."""
    numbered = ((_sample_key(row), position, row) for position, row in enumerate(rows))
    chosen = heapq.nsmallest(limit, numbered, key=lambda item: item[:2])
    return [row for _, _, row in sorted(chosen, key=lambda item: item[1])]


def _chunks(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK_ROWS)):
        yield chunk


def _trained_on(name: str, row: dict[str, Any]) -> bool:
    """Whether the shipped weights, thresholds, complaint readings or rules learnt from this row of file
    ``name``."""
    source, row_id = str(row.get("source", "")), str(row.get("id", ""))
    return used_in_training(source, row_id) or complaint_training_row(name, row) or read_for_rules(name, row)


def evaluate_file(path: Path, predictors: Sequence[Predictor], limit: int | None = None) -> dict[str, Any]:
    """Figures for every predictor on one file; training rows excluded, optionally a fixed sample."""
    name = dataset_name(path)
    excluded = 0

    def held_out() -> Iterator[dict[str, Any]]:
        nonlocal excluded
        for row in iter_rows(path):
            if _trained_on(name, row):
                excluded += 1
                continue
            yield row

    rows: Iterable[dict[str, Any]] = held_out() if limit is None else _sample(held_out(), limit)
    tallies = {predictor.name: PredictorTally() for predictor in predictors}
    for chunk in _chunks(rows):
        _score_chunk(chunk, predictors, tallies)
    return {
        "dataset": name,
        "excluded_training_rows": excluded,
        "warning": "this file trained the shipped weights" if name in TRAINING_FILES else None,
        "limit": limit,
        "predictors": {name: tally.summary() for name, tally in tallies.items()},
    }


def _score_chunk(
    chunk: list[dict[str, Any]], predictors: Sequence[Predictor], tallies: dict[str, PredictorTally]
) -> None:
    rows = [
        Row(str(row["text"]), resolve_language(str(row["text"]), row.get("language")) or "und")
        for row in chunk
    ]
    for predictor in predictors:
        handled = [index for index, row in enumerate(rows) if predictor.handles(row.language)]
        predictions = predictor.predict([rows[index] for index in handled])
        tally = tallies[predictor.name]
        for index, prediction in zip(handled, predictions, strict=True):
            labelled = chunk[index]
            language = rows[index].language
            if "emotions" in labelled:
                gold = frozenset(labelled["emotions"])
                tally.emotion.add(gold, prediction)
                tally.emotion_by_language.setdefault(language, EmotionTally()).add(gold, prediction)
            elif "negative" in labelled:
                negative = bool(labelled["negative"])
                tally.polarity.add(negative, prediction)
                tally.polarity_by_language.setdefault(language, PolarityTally()).add(negative, prediction)
