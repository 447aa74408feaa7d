"""A learned reading of Chinese customer-service text: a complaint, or a request or plain statement.

The Chinese scorer's polarity model learnt from product reviews, where a bare statement of fact mostly sits
in a complaint, so it leans negative on requests and statements that name the service's things
(我想确认一下选的颜色, 宽带需要迁移); and a complaint told without a feeling word (修车厂说一个下午就好，
结果车放了十一天) gives it little to read. This is a logistic regression of the same shape as the polarity
model (characters and neighbouring character pairs of the simplified text, read from its code points),
trained by ``training/train_zh_complaints.py`` on the project's own hand-written service messages. The
scorer reads it both ways: a confident "complaint" adds complaint evidence where the lexicon found no
feeling, a confident "not a complaint" keeps only part of the polarity model's negative lean, as a
request's form does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Final

from pipeline.domain.emotion.chinese_polarity import PolarityModel
from pipeline.domain.emotion.complaint_models import ComplaintReading, reading_of, shipped_complaint_model

# A reading names character pairs: a single character tells an analyst little (most words are two), and a
# pair with a space or punctuation, of two function characters, or across 的 (的时) is a fragment.
_FUNCTION_CHARACTERS: Final = frozenset("的了是在我你他她它们这那和与也都就说到有个着过吧呢啊")


@dataclass(frozen=True, slots=True)
class ChineseComplaintModel:
    # Character and character-pair weights, read as the polarity model reads its own.
    ngrams: PolarityModel
    # At or above this probability a text reads as a complaint; at or below ``quiet``, as none.
    threshold: float
    quiet: float

    def probability(self, points: list[int]) -> float:
        """How likely the text (its simplified code points) is a complaint, 0..1."""
        return self.ngrams.probability_of(points)


@cache
def chinese_complaint_model() -> ChineseComplaintModel:
    """The shipped model (``data/zh/complaints.json.gz``), loaded once."""
    shipped = shipped_complaint_model("zh")
    weights = {feature: float(weight) for feature, weight in shipped["weights"].items()}
    return ChineseComplaintModel(
        ngrams=PolarityModel.from_ngrams(weights, float(shipped["bias"])),
        threshold=float(shipped["threshold"]),
        quiet=float(shipped["quiet"]),
    )


def complaint_reading(simplified: str, probability: float) -> ComplaintReading:
    """The reading of a text taken for a complaint: where its weightiest character pair sits in the
    simplified text (whose offsets are the original's) and the few that weighed most."""
    model = chinese_complaint_model().ngrams
    found: list[tuple[float, int, int]] = []
    for start, (first, second) in enumerate(pairwise(simplified)):
        if not (first.isalnum() and second.isalnum()) or "的" in (first, second):
            continue
        if first in _FUNCTION_CHARACTERS and second in _FUNCTION_CHARACTERS:
            continue
        weight = model.weight(first + second)
        if weight > 0.0:
            found.append((weight, start, start + 2))
    return reading_of(probability, simplified, found)
