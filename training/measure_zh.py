"""Measure the Chinese scorer on labelled dev sets, with thresholds applied to its raw scores.

Emotion sets: macro-F1 over the emotions present in the gold labels (an emotion is predicted when its raw
score reaches its threshold). Polarity sets: F1 of the negative class, where a text is bad when its valence
is at or below --bad-valence and its strongest negative emotion reaches --bad-intensity. A deterministic
sample (--sample, every k-th row) spares shared CPUs. --sweep prints the best threshold per emotion, which
is how the handful of zh calibration numbers are chosen (the data never feeds lexicon entries or weights).

    python training/measure_zh.py ../shared/data/dev/emotion-zh-smp2020-dev.jsonl.gz \
        ../shared/data/dev/emotion-zh-clue-valid.jsonl.gz \
        ../shared/data/dev/polarity-zh-online-shopping.jsonl.gz --sample 3000 --sweep
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from pipeline.domain.emotion.chinese import score_chinese
from pipeline.domain.emotion.text_scores import TextScores
from pipeline.domain.plutchik import NEGATIVE_EMOTIONS, PRIMARY_EMOTIONS, Emotion

DEFAULT_THRESHOLD = 0.35


def read_sample(path: Path, sample: int) -> list[dict[str, Any]]:
    """Every k-th row, so that about ``sample`` rows are read (all rows when sample is 0)."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    if sample <= 0 or sample >= len(rows):
        return rows
    step = len(rows) / sample
    return [rows[int(index * step)] for index in range(sample)]


def f1(true_positive: int, false_positive: int, false_negative: int) -> float:
    denominator = 2 * true_positive + false_positive + false_negative
    return 2 * true_positive / denominator if denominator else 0.0


def emotion_f1(
    rows: list[dict[str, Any]], scores: list[TextScores], thresholds: Mapping[Emotion, float]
) -> dict[Emotion, float]:
    """F1 per emotion that occurs in the gold labels."""
    gold_emotions = sorted({emotion for row in rows for emotion in row["emotions"]})
    result: dict[Emotion, float] = {}
    for emotion in gold_emotions:
        counts = [0, 0, 0]
        for row, scored in zip(rows, scores, strict=True):
            predicted = scored.raw.get(emotion, 0.0) >= thresholds[emotion]
            gold = emotion in row["emotions"]
            counts[0] += predicted and gold
            counts[1] += predicted and not gold
            counts[2] += gold and not predicted
        result[emotion] = f1(*counts)
    return result


def best_thresholds(
    rows: list[dict[str, Any]], scores: list[TextScores]
) -> dict[Emotion, tuple[float, float]]:
    """For each gold emotion, the threshold (0.05 steps) with the best F1, and that F1."""
    best: dict[Emotion, tuple[float, float]] = {}
    for step in range(1, 20):
        threshold = step * 0.05
        per_emotion = emotion_f1(rows, scores, dict.fromkeys(PRIMARY_EMOTIONS, threshold))
        for emotion, value in per_emotion.items():
            if value > best.get(emotion, (0.0, -1.0))[1]:
                best[emotion] = (threshold, value)
    return best


def is_bad(scored: TextScores, bad_valence: float, bad_intensity: float) -> bool:
    negative_peak = max((scored.raw.get(emotion, 0.0) for emotion in NEGATIVE_EMOTIONS), default=0.0)
    return scored.valence <= bad_valence and negative_peak >= bad_intensity


def cut_bad(scored: TextScores, *, valence: float, intensity: float) -> bool:
    return is_bad(scored, valence, intensity)


def polarity_f1(
    rows: list[dict[str, Any]], scores: list[TextScores], bad: Callable[[TextScores], bool]
) -> float:
    counts = [0, 0, 0]
    for row, scored in zip(rows, scores, strict=True):
        predicted = bad(scored)
        counts[0] += predicted and row["negative"]
        counts[1] += predicted and not row["negative"]
        counts[2] += row["negative"] and not predicted
    return f1(*counts)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("datasets", type=Path, nargs="+", help="emotion or polarity JSONL (gzip) files")
    parser.add_argument("--sample", type=int, default=3000, help="rows per file, 0 for all")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, help="raw score threshold")
    parser.add_argument(
        "--thresholds", type=json.loads, default={}, help='per-emotion overrides, JSON: {"surprise": 0.3}'
    )
    parser.add_argument("--bad-valence", type=float, default=-0.35)
    parser.add_argument("--bad-intensity", type=float, default=0.45)
    parser.add_argument("--sweep", action="store_true", help="also print the best threshold per emotion")
    args = parser.parse_args()
    thresholds: dict[Emotion, float] = dict.fromkeys(PRIMARY_EMOTIONS, args.threshold)
    thresholds.update(args.thresholds)

    for path in args.datasets:
        rows = read_sample(path, args.sample)
        started = time.perf_counter()
        scores = [score_chinese(row["text"]) for row in rows]
        per_text_us = (time.perf_counter() - started) / len(rows) * 1e6
        print(f"== {path.name}: {len(rows)} rows, {per_text_us:.1f} us per text")
        if "emotions" in rows[0]:
            per_emotion = emotion_f1(rows, scores, thresholds)
            macro = sum(per_emotion.values()) / len(per_emotion)
            detail = " ".join(f"{emotion}={value:.3f}" for emotion, value in per_emotion.items())
            print(f"macro-F1 {macro:.3f}  {detail}")
            if args.sweep:
                best = best_thresholds(rows, scores)
                macro_best = sum(value for _, value in best.values()) / len(best)
                detail = " ".join(
                    f"{emotion}@{cut:.2f}={value:.3f}" for emotion, (cut, value) in best.items()
                )
                print(f"best per-emotion thresholds: macro-F1 {macro_best:.3f}  {detail}")
        else:
            value = polarity_f1(
                rows, scores, lambda scored: is_bad(scored, args.bad_valence, args.bad_intensity)
            )
            print(
                f"bad-experience F1 {value:.3f} (valence <= {args.bad_valence}, "
                f"negative peak >= {args.bad_intensity})"
            )
            if args.sweep:
                grid = [
                    (polarity_f1(rows, scores, partial(cut_bad, valence=v, intensity=i)), v, i)
                    for v in (-0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0)
                    for i in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
                ]
                value, valence_cut, intensity_cut = max(grid)
                print(f"best: F1 {value:.3f} at valence <= {valence_cut}, negative peak >= {intensity_cut}")


if __name__ == "__main__":
    main()
