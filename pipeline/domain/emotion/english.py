"""The English text scorer: learned word and phrase weights plus hand-written rules, fully explainable.

Each Plutchik primary gets log-odds evidence: a bias, plus a weight for every word and two-word phrase
(learned by logistic regression, see ``training/train_en.py``), plus hand-written idioms, emoji and
sarcasm markers; a sigmoid turns it into a 0..1 score. Negation, intensifiers, diminishers, contrast,
capitals and letter repetition change how much a word counts. Every feature that mattered becomes a Cue
with character offsets. The featurizer below is shared with training, so both read text the same way.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import islice
from typing import Final

from pipeline.domain.emotion.affect import arousal_of, valence_of
from pipeline.domain.emotion.calibration import shipped_calibration
from pipeline.domain.emotion.english_rules import (
    CONTRAST_BEFORE,
    CONTRAST_WEIGHT,
    CONTRAST_WITHIN,
    DIMINISHERS,
    IDIOM_PATTERNS,
    IDIOMS_BY_KEY,
    INTENSIFIERS,
    NEGATION_SCOPE,
    NEGATORS,
    SARCASM_KEYS,
    SARCASM_PATTERN,
    SARCASM_WEIGHTS,
)
from pipeline.domain.emotion.fast_models import cue
from pipeline.domain.emotion.symbols import find_symbols
from pipeline.domain.emotion.text_scores import TextScores
from pipeline.domain.labels import Cue, CueKind
from pipeline.domain.plutchik import PRIMARY_EMOTIONS, Emotion

# Words (with inner apostrophes: "don't"), or runs of clause punctuation.
_TOKEN: Final = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[!?]+|[.,;:]+")
_ELONGATED: Final = re.compile(r"(\w)\1{2,}")
_NEGATION_PREFIX: Final = "!"
_MODIFIER_GLUE: Final = frozenset({"of", "a"})
CAPS_WEIGHT: Final = 1.3
ELONGATION_WEIGHT: Final = 1.2
# A word's evidence must reach this (log-odds) for it to be listed as a cue; keeps evidence readable.
CUE_MIN_EVIDENCE: Final = 0.6
_EMOTION_INDEX: Final[dict[Emotion, int]] = {emotion: index for index, emotion in enumerate(PRIMARY_EMOTIONS)}


@dataclass(frozen=True, slots=True)
class Feature:
    """One feature occurrence: its name in the weight table, how much it counts, and where it is."""

    name: str
    value: float
    start: int
    end: int


# A token is a small list, mutable because a later contrast word lowers the weight of its clause:
# [word, start, end, weight, negated, clause number].
_Token = list[object]
_WORD, _START, _END, _WEIGHT, _NEGATED, _CLAUSE = range(6)


# What a special word does to the words after it; every other word needs one failed dict lookup only.
_NEGATES, _CONTRASTS_BEFORE, _CONTRASTS_WITHIN, _GLUE = 1, 2, 4, 8
_SPECIAL: Final[dict[str, tuple[int, float]]] = {}
for _word in NEGATORS:
    _SPECIAL[_word] = (_NEGATES, 1.0)
for _word in CONTRAST_BEFORE:
    _SPECIAL[_word] = (_CONTRASTS_BEFORE, 1.0)
for _word in CONTRAST_WITHIN:
    _SPECIAL[_word] = (_CONTRASTS_WITHIN, 1.0)
for _word in _MODIFIER_GLUE:
    _SPECIAL[_word] = (_GLUE, 1.0)
for _word, _factor in (*INTENSIFIERS.items(), *DIMINISHERS.items()):
    _flags, _ = _SPECIAL.get(_word, (0, 1.0))
    _SPECIAL[_word] = (_flags, _factor)
_NO_EFFECT: Final = (0, 1.0)
_CAPS_WORD: Final = re.compile(r"[A-Z]{2}")


def _tokens(text: str) -> tuple[list[list], int, int]:  # type: ignore[type-arg]
    """Word and '!'/'?' tokens with weights set, the number of '!', and the number of words in capitals."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text  # a few characters grow when lower-cased; offsets must stay exact
    if "’" in lowered:
        lowered = lowered.replace("’", "'")
    elongated_text = _ELONGATED.search(lowered) is not None
    caps_text = _CAPS_WORD.search(text) is not None
    special = _SPECIAL
    tokens: list[list] = []  # type: ignore[type-arg]
    clause_start = clause_number = negation_left = exclamations = caps = 0
    multiplier = 1.0
    within_contrast = False
    for match in _TOKEN.finditer(lowered):
        word = match.group()
        first = word[0]
        if first in "!?.,;:":
            start, end = match.span()
            if first == "!" or "!" in word:
                exclamations += end - start
            # Punctuation ends negation and subordinate contrast; '!' and '?' are themselves evidence.
            negation_left = 0
            within_contrast = False
            multiplier = 1.0
            if first in "!?":
                tokens.append([word[:3], start, end, 1.0, False, clause_number])
            if first in ".!?;":
                clause_number += 1
                clause_start = len(tokens)
            continue
        start, end = match.span()
        weight = multiplier
        if elongated_text and _ELONGATED.search(word) is not None:
            word = _ELONGATED.sub(r"\1\1", word)
            weight *= ELONGATION_WEIGHT
        flags, factor = special.get(word, _NO_EFFECT)
        if flags & _CONTRASTS_BEFORE:
            for index in range(clause_start, len(tokens)):
                tokens[index][_WEIGHT] *= CONTRAST_WEIGHT
            negation_left = 0
        elif flags & _CONTRASTS_WITHIN:
            within_contrast = True
        if within_contrast:
            weight *= CONTRAST_WEIGHT
        if caps_text and end - start > 1 and text[start:end].isupper():
            weight *= CAPS_WEIGHT
            caps += 1
        tokens.append([word, start, end, weight, negation_left > 0, clause_number])
        if negation_left:
            negation_left -= 1
        if flags & _NEGATES or ("'" in word and word.endswith("n't")):
            negation_left = NEGATION_SCOPE
        if multiplier != 1.0 and flags & _GLUE:
            continue  # "kind of", "a bit": the modifier reaches past its glue word
        multiplier = factor
        if factor != 1.0 and weight > 1.0:
            multiplier *= min(weight, 1.5)
    return tokens, exclamations, caps


def _feature_name(token: list) -> str:  # type: ignore[type-arg]
    word: str = token[_WORD]
    return _NEGATION_PREFIX + word if token[_NEGATED] and word[0] not in "!?" else word


def extract_features(text: str) -> Iterator[Feature]:
    """The weighted features of a text: words (negated ones prefixed '!'), and adjacent word pairs."""
    tokens, _, _ = _tokens(text)
    previous = None
    for token in tokens:
        yield Feature(_feature_name(token), token[_WEIGHT], token[_START], token[_END])
        if previous is not None and previous[_CLAUSE] == token[_CLAUSE]:
            value = (previous[_WEIGHT] + token[_WEIGHT]) / 2
            yield Feature(f"{previous[_WORD]} {token[_WORD]}", value, previous[_START], token[_END])
        previous = token


# Per feature: its log-odds for the eight primaries (PRIMARY_EMOTIONS order), then the largest of them.
Weights = tuple[float, float, float, float, float, float, float, float, float]


@dataclass(frozen=True, slots=True)
class EnglishModel:
    """Learned log-odds: a bias per primary and dense weights per feature."""

    bias: tuple[float, ...]
    weights: dict[str, Weights]
    version: str


def _dense(pairs: list[list[float]], order: list[int]) -> Weights:
    row = [0.0] * 8
    for position, weight in pairs:
        row[order[int(position)]] = weight
    return (*row, max(row))  # type: ignore[return-value]


@cache
def english_model() -> EnglishModel:
    """The shipped English weights (``data/en/model.json.gz``), loaded once."""
    path = resources.files("pipeline.domain.emotion") / "data" / "en" / "model.json.gz"
    shipped = json.loads(gzip.decompress(path.read_bytes()))
    order = [_EMOTION_INDEX[emotion] for emotion in shipped["emotions"]]
    bias = [0.0] * len(PRIMARY_EMOTIONS)
    for position, value in enumerate(shipped["bias"]):
        bias[order[position]] = value
    weights = {feature: _dense(pairs, order) for feature, pairs in shipped["weights"].items()}
    return EnglishModel(bias=tuple(bias), weights=weights, version=shipped["version"])


def _sigmoid(log_odds: float) -> float:
    if log_odds < -30.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-log_odds))


_JOY: Final = _EMOTION_INDEX["joy"]
_TRUST: Final = _EMOTION_INDEX["trust"]
_SADNESS: Final = _EMOTION_INDEX["sadness"]
_DISGUST: Final = _EMOTION_INDEX["disgust"]
_ANGER: Final = _EMOTION_INDEX["anger"]
# How much of a negated positive word's evidence turns into its opposite ("not happy" reads as sad, a bit
# angry); the corpora hold too few negated positives for the learned "!word" weights to carry this alone.
_NEGATED_POSITIVE_SHARE: Final = 0.5


def _negated(learned: Weights | None, plain: Weights | None) -> Weights | None:
    """Evidence for a negated word: its learned '!word' weights, or its own reversed and damped, plus the
    opposite of any positive evidence it had."""
    if plain is None:
        return learned
    row = list(learned[:8]) if learned is not None else [-0.5 * weight for weight in plain[:8]]
    for index, opposite in ((_JOY, _SADNESS), (_TRUST, _DISGUST)):
        if plain[index] > 0.0:
            flipped = plain[index] * _NEGATED_POSITIVE_SHARE
            row[opposite] += flipped
            row[_ANGER] += flipped * 0.6
    return (*row, max(row))  # type: ignore[return-value]


def _evidence(weights: Weights, value: float) -> dict[Emotion, float]:
    return {
        emotion: round(weights[index] * value, 2)
        for index, emotion in enumerate(PRIMARY_EMOTIONS)
        if weights[index] * value >= 0.25
    }


def _add_rule_evidence(text: str, words: set[str], log_odds: list[float], cues: list[Cue]) -> float:
    """Idioms, sarcasm, emoji and emoticons: add their evidence; returns the arousal they add."""
    candidates: set[int] = set()
    for word in words:
        found = IDIOMS_BY_KEY.get(word)
        if found is not None:
            candidates.update(found)
    for index in sorted(candidates):
        pattern, weights = IDIOM_PATTERNS[index]
        for match in pattern.finditer(text):
            for emotion, weight in weights.items():
                log_odds[_EMOTION_INDEX[emotion]] += weight
            cues.append(cue("idiom", match.group(), match.span(), dict(weights)))
    if not SARCASM_KEYS.isdisjoint(words):
        for sarcasm in islice(SARCASM_PATTERN.finditer(text), 2):
            for emotion, weight in SARCASM_WEIGHTS.items():
                log_odds[_EMOTION_INDEX[emotion]] += weight
            cues.append(cue("sarcasm", sarcasm.group(), sarcasm.span(), dict(SARCASM_WEIGHTS)))
    arousal_boost = 0.0
    for symbol in find_symbols(text):
        for emotion, weight in symbol.weights.items():
            log_odds[_EMOTION_INDEX[emotion]] += weight
        kind: CueKind = "emoji" if symbol.kind == "emoji" else "emoticon"
        cues.append(cue(kind, symbol.text, (symbol.start, symbol.end), dict(symbol.weights)))
        arousal_boost += 0.05
    return arousal_boost


def score_english(text: str) -> TextScores:
    """Evidence per primary for English text, with valence, arousal and the cues behind them."""
    model = english_model()
    weights = model.weights
    a0, a1, a2, a3, a4, a5, a6, a7 = model.bias
    tokens, exclamations, caps = _tokens(text)
    strong: list[tuple[Weights, float, int, int, bool]] = []
    words: set[str] = set()
    previous = None
    for token in tokens:
        word: str = token[_WORD]
        value: float = token[_WEIGHT]
        words.add(word)
        negated = token[_NEGATED] and word[0] not in "!?"
        found = weights.get(_NEGATION_PREFIX + word) if negated else weights.get(word)
        if negated:
            found = _negated(found, weights.get(word))
        for _ in range(2):  # the word itself, then the pair it ends
            if found is not None:
                w0, w1, w2, w3, w4, w5, w6, w7, largest = found
                a0 += w0 * value
                a1 += w1 * value
                a2 += w2 * value
                a3 += w3 * value
                a4 += w4 * value
                a5 += w5 * value
                a6 += w6 * value
                a7 += w7 * value
                if largest * value >= CUE_MIN_EVIDENCE:
                    start = token[_START] if _ == 0 else previous[_START]  # type: ignore[index]
                    strong.append((found, value, start, token[_END], negated and _ == 0))
            if previous is None or previous[_CLAUSE] != token[_CLAUSE]:
                break
            found = weights.get(f"{previous[_WORD]} {word}")
            value = (previous[_WEIGHT] + token[_WEIGHT]) / 2
        previous = token
    log_odds = [a0, a1, a2, a3, a4, a5, a6, a7]
    cues = [_word_cue(text, found) for found in strong]
    arousal_boost = _add_rule_evidence(text, words, log_odds, cues)
    raw: dict[Emotion, float] = dict(zip(PRIMARY_EMOTIONS, map(_sigmoid, log_odds), strict=True))
    if exclamations:
        arousal_boost += min(0.2, 0.07 * exclamations)
        cues.append(cue("punctuation", "!", None, {}, f"{exclamations} exclamation mark(s)"))
    if caps:
        arousal_boost += min(0.2, 0.05 * caps)
        cues.append(cue("caps", "CAPS", None, {}, f"{caps} word(s) in capitals"))
    excess = _excess(raw)
    return TextScores(
        raw=raw, valence=valence_of(excess), arousal=arousal_of(excess, arousal_boost), cues=tuple(cues)
    )


def _word_cue(text: str, found: tuple[Weights, float, int, int, bool]) -> Cue:
    weights, value, start, end, negated = found
    surface = text[start:end]
    kind: CueKind = "negation" if negated else ("phrase" if " " in surface else "word")
    note = "negated" if negated else (f"weight x{value:.2f}" if value != 1.0 else None)
    return cue(kind, surface, (start, end), _evidence(weights, value), note)


def _excess(raw: dict[Emotion, float]) -> dict[Emotion, float]:
    """Scores past half their threshold, rescaled to 0..1: weak background evidence moves valence little."""
    thresholds = shipped_calibration("en").thresholds
    excess: dict[Emotion, float] = {}
    for emotion, score in raw.items():
        floor = thresholds.get(emotion, 0.5) / 2
        excess[emotion] = max(0.0, (score - floor) / (1.0 - floor))
    return excess
