"""Train the English complaint reading (``pipeline/domain/emotion/english_complaints.py``).

Positive and negative rows: the project's own hand-written customer-service messages
(``tests/data/cs_en_mishaps.jsonl`` and the tuning half of ``tests/data/cs_en_polarity.jsonl``, each with
its ``negative`` flag, and ``training/data/``: sincere statements and complaints written for this model,
since 1.9.0 with 600 rows by two writers who had read none of the engine, since 1.10.0 300 more by a third)
and, as negatives, a deterministic sample of GoEmotions train comments (Apache-2.0) that carry no negative
emotion, so that general text stays quiet. Left out, to keep honest measures of text the model never saw:
rounds 5, 10, 11 and 13 of the mishap set, the other half of the polarity set and the blind sets
(``pipeline/evaluation/splits.py``). GoEmotions dev is never read.

Features are the tokens of ``complaint_tokens`` and their neighbouring pairs (counted as often as they
occur, as the engine sums them), seen in at least two rows; one L2-regularized logistic regression. Writes
``data/en/complaints.json.gz`` with the bias, the weights (rounded, the smallest dropped) and the
probability threshold: 0.6 since 1.9.0 (0.9 before), chosen on the rows it never trains on (the held-out
mishap rounds 0.837 at 0.9, 0.919 at 0.6, 0.941 at 0.5; the polarity set's other half 0.907, 0.929, 0.935),
against the simulator's not-bad English events judged bad (18, 21, 22 of 2,001) and GoEmotions dev rows
without a negative emotion judged bad (369, 374, 376 of 4,185). With the third round (1.10.0) the same
sweep (this trainer with ``--threshold``, then ``measure_service.py`` and the GoEmotions count, a temporary
script) gave, at 0.8 / 0.7 / 0.6 / 0.5 / 0.4: held-out rounds 10 and 11 0.824 / 0.873 / 0.919 / 0.947 / 0.961
and 0.845 / 0.907 / 0.935 / 0.935 / 0.949, the other half 0.918 / 0.924 / 0.935 / 0.935 / 0.935, the
simulator 17 / 17 / 20 / 20 / 21, GoEmotions 367 / 368 / 371 / 375 / 381; 0.6 stays, because at 0.5 plain
statements the tests hold up as neighbours read as complaints ("My grandmother taught me how to bake bread
when I was six.", 0.56). Needs scikit-learn.

    python training/train_en_complaints.py \
        --goemotions ../shared/data/dev/emotion-en-goemotions-train.jsonl.gz
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from matrices import document_matrix, vocabulary_of
from sklearn.linear_model import LogisticRegression

from pipeline.domain.emotion.english_complaints import complaint_features, complaint_tokens, weighed
from pipeline.domain.plutchik import NEGATIVE_EMOTIONS
from pipeline.evaluation.datasets import iter_rows
from pipeline.evaluation.splits import complaint_training_row

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "pipeline" / "domain" / "emotion" / "data" / "en" / "complaints.json.gz"
SERVICE_SETS = (
    ROOT / "tests" / "data" / "cs_en_mishaps.jsonl",
    ROOT / "tests" / "data" / "cs_en_polarity.jsonl",
    # Written for this model: sincere statements in the service's own words (orders, refunds, deliveries,
    # numbers of days), without which it learns the domain's words as signs of a complaint, and complaints
    # from domains the mishap rounds do not reach.
    ROOT / "training" / "data" / "cs_en_sincere.jsonl",
    ROOT / "training" / "data" / "cs_en_complaints.jsonl",
    # Written by others, who had read none of the engine: every register of complaint, and sincere
    # messages in the same words.
    ROOT / "training" / "data" / "cs_en_written_1.jsonl",
    ROOT / "training" / "data" / "cs_en_written_2.jsonl",
    ROOT / "training" / "data" / "cs_en_written_3.jsonl",
)
MIN_DOCUMENT_FREQUENCY = 2
MIN_WEIGHT = 0.01
VERSION = "1"


def sampled(row_id: str, share: float) -> bool:
    return int.from_bytes(hashlib.sha1(row_id.encode("utf-8")).digest()[:4], "big") / 2**32 < share


def load(goemotions: Path, goemotions_rows: int) -> TrainingRows:
    """The service sets' rows, then GoEmotions comments without a negative emotion, as not complaints."""
    rows = TrainingRows()
    rows.add_service_sets(SERVICE_SETS)
    quiet = [row for row in iter_rows(goemotions) if not NEGATIVE_EMOTIONS & set(row["emotions"])]
    share = goemotions_rows / len(quiet)
    for row in quiet:
        if sampled(row["id"], share):
            rows.add(row["text"], False, 1.0, "goemotions train without a negative emotion")
    return rows


@dataclass
class TrainingRows:
    """Texts with their labels (1 = complaint) and sample weights, and how many rows came from where."""

    texts: list[str] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, text: str, complaint: bool, weight: float, source: str) -> None:
        self.texts.append(text)
        self.labels.append(int(complaint))
        self.weights.append(weight)
        self.counts[f"{source} {'complaints' if complaint else 'not complaints'}"] += 1

    def add_service_sets(self, paths: tuple[Path, ...]) -> None:
        """The rows of the project's service sets that the reading trains on; each counts three times
        against the many comments or reviews beside them."""
        for path in paths:
            for row in iter_rows(path):
                if complaint_training_row(path.stem, row):
                    self.add(row["text"], bool(row["negative"]), 3.0, path.stem)


def fit_and_write(
    rows: TrainingRows, features: Callable[[str], list[str]], out: Path, settings: dict[str, float]
) -> None:
    """Fit the regression on ``features`` of each text and write the shipped model (weights rounded, the
    smallest dropped, keys sorted: the same bytes on every run)."""
    texts, labels, weights, counts = rows.texts, rows.labels, rows.weights, rows.counts
    documents = [Counter(features(text)) for text in texts]
    vocabulary = vocabulary_of(documents, MIN_DOCUMENT_FREQUENCY)
    model = LogisticRegression(C=settings["c"], max_iter=5000)
    model.fit(document_matrix(documents, vocabulary), np.array(labels), sample_weight=np.array(weights))
    kept = {
        name: round(float(weight), 3)
        for name, weight in zip(vocabulary, model.coef_[0], strict=True)
        if abs(weight) >= MIN_WEIGHT
    }
    shipped: dict[str, Any] = {
        "version": VERSION,
        "bias": round(float(model.intercept_[0]), 4),
        **settings,
        "trained_on": dict(sorted(counts.items())),
        "weights": dict(sorted(kept.items())),
    }
    out.write_bytes(gzip.compress(json.dumps(shipped, ensure_ascii=False).encode("utf-8"), mtime=0))
    print(json.dumps({"features": len(vocabulary), "kept": len(kept), "rows": dict(counts), "out": out.name}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--goemotions", type=Path, required=True, help="emotion-en-goemotions-train.jsonl.gz")
    parser.add_argument("--goemotions-rows", type=int, default=10_000, help="comments sampled as negatives")
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 regularization strength")
    parser.add_argument("--threshold", type=float, default=0.6, help="probability read as a complaint")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    fit_and_write(
        load(args.goemotions, args.goemotions_rows),
        lambda text: list(filter(weighed, complaint_features(complaint_tokens(text)))),
        args.out,
        {"threshold": args.threshold, "c": args.c},
    )


if __name__ == "__main__":
    main()
