"""A learned reading of English complaints told without a feeling word.

"The sofa cushions have gone flat after six weeks" names no emotion, and the hand-written idioms catch
only the phrasings someone thought of. This is a small logistic regression over words and word pairs
(numbers read as one token, so "six weeks" and "3 weeks" are the same evidence), trained by
``training/train_en_complaints.py`` on the project's own hand-written service messages and on GoEmotions
comments that carry no negative emotion (so general text stays quiet). It says only "complaint or not";
the scorer turns a confident reading into complaint evidence, and the cue shows the words that weighed
most, so an analyst can see why.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise, repeat
from typing import Final

from pipeline.domain.emotion import compiled
from pipeline.domain.emotion.complaint_models import ComplaintReading, reading_of, shipped_complaint_model

# Words are runs of letters and apostrophes; every other character separates them, and every digit becomes
# a zero, so that a number, in digits or in words, reads as one token: "six weeks" and "3 weeks" are the
# same evidence. One translation table and a split: this runs for every English text.
NUMBER_TOKEN: Final = "0"
_SEPARATORS: Final = str.maketrans(
    {
        **{chr(code): " " for code in range(128) if not ("a" <= chr(code) <= "z" or chr(code) == "'")},
        **dict.fromkeys("0123456789", NUMBER_TOKEN),
        "\u2019": "'",
    }
)
_NUMBER_WORDS: Final = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "hundred", "several", "few",
)
_NUMBERS: Final[dict[str, str]] = {
    **dict.fromkeys(_NUMBER_WORDS, NUMBER_TOKEN),
    # Runs of zeros up to this length (digits, already zeros) are one number too; _scan.c's MAX_ZERO_RUN.
    **{NUMBER_TOKEN * length: NUMBER_TOKEN for length in range(2, 21)},
}
_NATIVE: Final = compiled.module()
# A question mark anywhere is one token more: a question is evidence against a complaint.
QUESTION_TOKEN: Final = "?"
# Words of greeting and courtesy formulas carry no evidence either way, and the model has no weight for
# them nor for any pair holding one (the trainer leaves them out): polite complaints say "kindly" and
# "dear" more than sincere messages do, and a reading that learnt them took "The driver kindly carried the
# sofa upstairs for us" for a complaint (1.10.0).
COURTESY_WORDS: Final = frozenset(
    {
        "kindly", "grateful", "thankful", "appreciate", "appreciated", "regards", "sincerely", "dear", "hi",
        "hello", "hey", "greetings",
    }
)


def _words(text: str) -> str:
    return text.lower().translate(_SEPARATORS)


def complaint_tokens(text: str) -> list[str]:
    """The tokens the model reads (training reads text through this same function)."""
    words = _words(text).split()
    tokens = list(map(_NUMBERS.get, words, words))
    if QUESTION_TOKEN in text:
        tokens.append(QUESTION_TOKEN)
    return tokens


def complaint_features(tokens: list[str]) -> list[str]:
    """Every token and every pair of neighbouring tokens, as often as they occur."""
    return [*tokens, *map(" ".join, pairwise(tokens))]


def weighed(feature: str) -> bool:
    """Whether the model may weigh a feature: not one that holds a courtesy word (``COURTESY_WORDS``)."""
    return COURTESY_WORDS.isdisjoint(feature.split(" "))


@dataclass(frozen=True, slots=True)
class ComplaintModel:
    bias: float
    weights: dict[str, float]
    # The probability at or above which a text reads as a complaint.
    threshold: float
    # The weights hashed for the compiled reading (``_scan.complaint_table``), where it was built.
    table: object | None = field(default=None, compare=False)
    # The threshold in log-odds: the common case is decided without an exponential.
    cut: float = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cut", math.log(self.threshold / (1.0 - self.threshold)))

    @classmethod
    def of(cls, bias: float, weights: dict[str, float], threshold: float) -> ComplaintModel:
        """A model, with its compiled table where the compiled helpers were built."""
        table = _NATIVE.complaint_table(weights, _NUMBER_WORDS) if _NATIVE is not None else None
        return cls(bias, weights, threshold, table)

    def log_odds(self, text: str) -> float:
        """The model's log-odds that ``text`` is a complaint."""
        if "\u2019" in text:
            # Read as a straight apostrophe either way (``_SEPARATORS``); so a text whose only other
            # character is the curly one (one in seven of the Reddit comments) takes the compiled path.
            text = text.replace("\u2019", "'")
        if self.table is not None and _NATIVE is not None and text.isascii() and compiled.active():
            value: float = _NATIVE.complaint_log_odds(self.table, text, self.bias)
            return value
        return self.log_odds_python(text)

    def log_odds_python(self, text: str) -> float:
        """The reference for ``_scan.complaint_log_odds``."""
        get = self.weights.get
        tokens = complaint_tokens(text)
        # map and join run in C; the tokens' weights, then the pairs', each summed in text order.
        pairs = map(" ".join, pairwise(tokens))
        return self.bias + sum(map(get, tokens, repeat(0.0))) + sum(map(get, pairs, repeat(0.0)))


@cache
def complaint_model() -> ComplaintModel:
    """The shipped model (``data/en/complaints.json.gz``), loaded once."""
    shipped = shipped_complaint_model("en")
    return ComplaintModel.of(
        bias=float(shipped["bias"]),
        weights={feature: float(weight) for feature, weight in shipped["weights"].items()},
        threshold=float(shipped["threshold"]),
    )


def read_complaint(text: str) -> ComplaintReading | None:
    """The reading when the model takes ``text`` for a complaint, else None."""
    model = complaint_model()
    log_odds = model.log_odds(text)
    if log_odds < model.cut:
        return None
    return reading_of(1.0 / (1.0 + math.exp(-log_odds)), text, _weighing(model, text))


_WORD: Final = re.compile(r"\S+")
# Words that weigh in the model (its complaints say "the" and "my" more than Reddit does) but tell an analyst
# nothing: not named alone, nor as a pair of two of them.
_FUNCTION_WORDS: Final = frozenset(
    (
        "a", "an", "the", "my", "our", "your", "his", "her", "their", "its", "this", "that", "these", "those",
        "i", "we", "you", "he", "she", "it", "they", "me", "us", "him", "them", "to", "of", "in", "on", "at",
        "for", "with", "by", "from", "as", "and", "or", "but", "is", "are", "was", "were", "be", "been",
        "has", "have", "had", "do", "did",
    )
)


def _weighing(model: ComplaintModel, text: str) -> list[tuple[float, int, int]]:
    """The words and pairs that weigh for a complaint, with their offsets in ``text`` (not function words,
    alone or paired)."""
    separated = _words(text)
    if len(separated) != len(text):  # a few letters change length when lowered; offsets would drift
        return []
    matches = list(_WORD.finditer(separated))
    tokens = [_NUMBERS.get(match[0], match[0]) for match in matches]
    found: list[tuple[float, int, int]] = []
    plain = [token in _FUNCTION_WORDS for token in tokens]
    for index, match in enumerate(matches):
        weight = model.weights.get(tokens[index], 0.0)
        if weight > 0.0 and not plain[index]:
            found.append((weight, match.start(), match.end()))
        if index + 1 < len(matches) and not (plain[index] and plain[index + 1]):
            weight = model.weights.get(f"{tokens[index]} {tokens[index + 1]}", 0.0)
            if weight > 0.0:
                found.append((weight, match.start(), matches[index + 1].end()))
    return found
