"""A learned reading of Chinese customer-service text: a complaint, or a request or plain statement.

The Chinese scorer's polarity model learnt from product reviews, where a bare statement of fact mostly sits
in a complaint, so it leans negative on requests and statements that name the service's things
(我想确认一下选的颜色, 宽带需要迁移); and a complaint told without a feeling word (修车厂说一个下午就好，
结果车放了十一天) gives it little to read. This is a logistic regression over characters and neighbouring
character pairs (digits read as one token, a question mark as one more), trained by
``training/train_zh_complaints.py`` on the project's own hand-written service messages. The scorer reads it
both ways: a confident "complaint" adds complaint evidence where the lexicon found none, a confident "not a
complaint" keeps only part of the polarity model's negative lean, as a request's form does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Final

from pipeline.domain.emotion.complaint_models import (
    ComplaintReading,
    linear_log_odds,
    pair_features,
    reading_of,
    shipped_complaint_model,
)

NUMBER_TOKEN: Final = "0"
QUESTION_TOKEN: Final = "?"
# Words of Latin letters, numbers, each Chinese character, question marks of either width.
_TOKEN: Final = re.compile(r"[a-z]+|\d+(?:[.,:]\d+)*|[\u3400-\u9fff]|[?？]")
# A reading names character pairs: a single character tells an analyst little (most words are two), and a
# pair of function characters or one across 的 (的时) is a fragment.
_FUNCTION_CHARACTERS: Final = frozenset("的了是在我你他她它们这那和与也都就说到有个着过吧呢啊")


def _token(found: str) -> str:
    if found[0].isdigit():
        return NUMBER_TOKEN
    return QUESTION_TOKEN if found in "?？" else found


def chinese_complaint_tokens(simplified: str) -> list[str]:
    """The tokens the model reads from simplified text (training reads text through this function)."""
    return [_token(found) for found in _TOKEN.findall(simplified.lower())]


def chinese_complaint_features(tokens: list[str]) -> list[str]:
    """Every token and every pair of neighbouring tokens, as often as they occur."""
    return pair_features(tokens, "")


@dataclass(frozen=True, slots=True)
class ChineseComplaintModel:
    bias: float
    weights: dict[str, float]
    # At or above this probability a text reads as a complaint; at or below ``quiet``, as none.
    threshold: float
    quiet: float
    version: str

    def probability(self, simplified: str) -> float:
        log_odds = linear_log_odds(self.bias, self.weights, chinese_complaint_tokens(simplified), "")
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, log_odds))))


@cache
def chinese_complaint_model() -> ChineseComplaintModel:
    """The shipped model (``data/zh/complaints.json.gz``), loaded once."""
    shipped = shipped_complaint_model("zh")
    return ChineseComplaintModel(
        bias=float(shipped["bias"]),
        weights={feature: float(weight) for feature, weight in shipped["weights"].items()},
        threshold=float(shipped["threshold"]),
        quiet=float(shipped["quiet"]),
        version=str(shipped["version"]),
    )


def complaint_reading(simplified: str, probability: float) -> ComplaintReading:
    """The reading of a text taken for a complaint: where its weightiest character pair sits in the
    simplified text (whose offsets are the original's) and the few that weighed most."""
    model = chinese_complaint_model()
    lowered = simplified.lower()
    matches = list(_TOKEN.finditer(lowered)) if len(lowered) == len(simplified) else []
    tokens = [_token(match[0]) for match in matches]
    found: list[tuple[float, int, int]] = []
    plain = [token in _FUNCTION_CHARACTERS for token in tokens]
    for index in range(len(matches) - 1):
        if (plain[index] and plain[index + 1]) or "的" in (tokens[index], tokens[index + 1]):
            continue
        weight = model.weights.get(tokens[index] + tokens[index + 1], 0.0)
        if weight > 0.0:
            found.append((weight, matches[index].start(), matches[index + 1].end()))
    return reading_of(probability, simplified, found)
