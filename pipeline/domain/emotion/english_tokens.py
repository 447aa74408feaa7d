"""How English text is read: tokens, the weight each one counts with, negation scope and clause breaks.

One pass over the text, shared by scoring and by training (``extract_features``), so both read text
alike. Negation, intensifiers, diminishers, contrast, capitals and letter repetition set how much a word
counts; clause punctuation ends negation and modifiers and stops word pairs from spanning clauses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from pipeline.domain.emotion.english_rules import (
    CONTRAST_BEFORE,
    CONTRAST_WEIGHT,
    CONTRAST_WITHIN,
    DIMINISHERS,
    INTENSIFIERS,
    NEGATION_SCOPE,
    NEGATORS,
)

# Words (with inner apostrophes: "don't"), or runs of clause punctuation.
TOKEN: Final = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[!?]+|[.,;:]+")
# The same tokens in lower-cased ASCII text, where letters and digits are the whole word class but "_".
TOKEN_ASCII: Final = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*|[!?]+|[.,;:]+")
ELONGATED: Final = re.compile(r"(\w)\1{2,}")
CAPS_WORD: Final = re.compile(r"[A-Z]{2}")
_MODIFIER_GLUE: Final = frozenset({"of", "a"})
NEGATION_PREFIX: Final = "!"
CAPS_WEIGHT: Final = 1.3
ELONGATION_WEIGHT: Final = 1.2

# What a special word does (bit flags), and the factor it applies to the words after it.
NEGATES: Final = 1
CONTRASTS_BEFORE: Final = 2
CONTRASTS_WITHIN: Final = 4
GLUE: Final = 8
SPECIAL_WORDS: Final[dict[str, tuple[int, float]]] = {}
for _word in NEGATORS:
    SPECIAL_WORDS[_word] = (NEGATES, 1.0)
for _word in CONTRAST_BEFORE:
    SPECIAL_WORDS[_word] = (CONTRASTS_BEFORE, 1.0)
for _word in CONTRAST_WITHIN:
    SPECIAL_WORDS[_word] = (CONTRASTS_WITHIN, 1.0)
for _word in _MODIFIER_GLUE:
    SPECIAL_WORDS[_word] = (GLUE, 1.0)
for _word, _factor in (*INTENSIFIERS.items(), *DIMINISHERS.items()):
    _flags, _ = SPECIAL_WORDS.get(_word, (0, 1.0))
    SPECIAL_WORDS[_word] = (_flags, _factor)
_NO_EFFECT: Final = (0, 1.0)

# Negators that do not negate what follows: "never been so angry", "couldn't be more disappointed", "can't
# believe how rude", "nothing but problems", "not only late". Read as negation they would flip the emotion
# after them ("never ... frustrated" read as joy). Each is rewritten in place, keeping the text's length so
# that offsets hold: the negator blanked ("more" read as "very"; "but" too after "nothing", where it
# contrasts nothing), or the scope ended after "believe".
_FALSE_NEGATION: Final = re.compile(
    r"\b(?:never|not ever)(?= (?:(?:been|felt|seen|had|met|heard|experienced) )?(?:so|this|more) )"
    r"|\b(?P<superlative>couldn't|could not|can't|cannot|can not) be (?P<any>any )?more\b"
    r"|\b(?P<believe>couldn't|could not|can't|cannot|can not) believe "
    r"(?=(?:how|what|that|this|it|they|you|the|he|she|i|we|anyone|someone|people)\b)"
    r"|\bnothing but\b|\bnot(?= only\b)"
)


def _rewrite_false_negation(match: re.Match[str]) -> str:
    text = match[0]
    if match["superlative"] is not None:
        return " " * len(match["superlative"]) + " be " + " " * len(match["any"] or "") + "very"
    if match["believe"] is not None:
        return text[:-1] + ","
    return " " * len(text)


def without_false_negation(lowered: str) -> str:
    """The lower-cased text with negators that intensify rewritten (see ``_FALSE_NEGATION``)."""
    # Every construction holds one of these ("nothing" and "cannot" hold "not"): most texts stop here.
    if ("not" not in lowered and "n't" not in lowered and "never" not in lowered) or (
        _FALSE_NEGATION.search(lowered) is None
    ):
        return lowered
    return _FALSE_NEGATION.sub(_rewrite_false_negation, lowered)


@dataclass(slots=True)
class Tokens:
    """One text read as tokens, in parallel lists.

    ``words`` holds each token (words lower-cased, letter runs shortened, '!'/'?' runs cut to three) and
    None where a clause ends; ``values`` how much each counts; ``matches`` where it is in the text;
    ``negated`` the indices of words inside a negation's scope.
    """

    words: list[str | None]
    values: list[float]
    matches: list[re.Match[str] | None]
    negated: set[int]
    exclamations: int
    caps: int

    def span(self, index: int) -> tuple[int, int]:
        """Character offsets of a token in the original text."""
        match = self.matches[index]
        if match is None:
            raise IndexError(f"token {index} is a clause break")
        return match.span()


def read_tokens(text: str) -> Tokens:
    """Tokenize and weigh a text in one pass (see the module docstring)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text  # a few characters grow when lower-cased; offsets must stay exact
    if "’" in lowered:
        lowered = lowered.replace("’", "'")
    lowered = without_false_negation(lowered)
    elongated_text = ELONGATED.search(lowered) is not None
    caps_text = CAPS_WORD.search(text) is not None
    special_get = SPECIAL_WORDS.get
    no_effect = _NO_EFFECT
    words: list[str | None] = []
    values: list[float] = []
    matches: list[re.Match[str] | None] = []
    negated: set[int] = set()
    clause_start = negation_left = exclamations = caps = 0
    multiplier = 1.0
    within_contrast = False
    for match in TOKEN.finditer(lowered):
        word = match.group()
        first = word[0]
        if first in "!?.,;:":
            if first == "!" or "!" in word:
                exclamations += len(word)
            # Punctuation ends negation and subordinate contrast; '!' and '?' are themselves evidence.
            negation_left = 0
            within_contrast = False
            multiplier = 1.0
            if first in "!?":
                words.append(word[:3])
                values.append(1.0)
                matches.append(match)
            if first in ".!?;":
                words.append(None)
                values.append(0.0)
                matches.append(None)
                clause_start = len(words)
            continue
        weight = multiplier
        if elongated_text and ELONGATED.search(word) is not None:
            word = ELONGATED.sub(r"\1\1", word)
            weight *= ELONGATION_WEIGHT
        flags, factor = special_get(word, no_effect)
        if flags:
            if flags & CONTRASTS_BEFORE:
                for index in range(clause_start, len(values)):
                    values[index] *= CONTRAST_WEIGHT
                negation_left = 0
            elif flags & CONTRASTS_WITHIN:
                within_contrast = True
        if within_contrast:
            weight *= CONTRAST_WEIGHT
        if caps_text:
            start, end = match.span()
            if end - start > 1 and text[start:end].isupper():
                weight *= CAPS_WEIGHT
                caps += 1
        if negation_left:
            negated.add(len(words))
            negation_left -= 1
        words.append(word)
        values.append(weight)
        matches.append(match)
        if flags & NEGATES or ("'" in word and word.endswith("n't")):
            negation_left = NEGATION_SCOPE
        if multiplier != 1.0 and flags & GLUE:
            continue  # "kind of", "a bit": the modifier reaches past its glue word
        multiplier = factor
        if factor != 1.0 and weight > 1.0:
            multiplier *= min(weight, 1.5)
    return Tokens(words, values, matches, negated, exclamations, caps)


@dataclass(frozen=True, slots=True)
class Feature:
    """One feature occurrence: its name in the weight table, how much it counts, and where it is."""

    name: str
    value: float
    start: int
    end: int


def extract_features(text: str) -> Iterator[Feature]:
    """The weighted features of a text: words (negated ones prefixed '!'), and adjacent word pairs."""
    tokens = read_tokens(text)
    previous: int | None = None
    for index, word in enumerate(tokens.words):
        if word is None:
            previous = None
            continue
        start, end = tokens.span(index)
        value = tokens.values[index]
        negated = index in tokens.negated
        yield Feature(NEGATION_PREFIX + word if negated else word, value, start, end)
        if previous is not None:
            pair_value = (tokens.values[previous] + value) / 2
            yield Feature(f"{tokens.words[previous]} {word}", pair_value, tokens.span(previous)[0], end)
        previous = index
