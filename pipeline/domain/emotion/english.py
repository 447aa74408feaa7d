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
    INTENSIFIERS,
    NEGATION_SCOPE,
    NEGATORS,
    SARCASM_PATTERN,
    SARCASM_WEIGHTS,
)
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


@dataclass(slots=True)
class _Token:
    word: str
    start: int
    end: int
    weight: float
    negated: bool


def _normalize(word: str) -> tuple[str, bool]:
    lowered = word.lower().replace("’", "'")
    squashed = _ELONGATED.sub(r"\1\1", lowered)
    return squashed, squashed != lowered


def _tokens(text: str) -> tuple[list[list[_Token]], int]:
    """Clauses of word tokens with their weights already set, and the number of '!' in the text."""
    clauses: list[list[_Token]] = [[]]
    clause = clauses[0]
    negation_left = 0
    multiplier = 1.0
    within_contrast = False
    exclamations = 0
    for match in _TOKEN.finditer(text):
        raw = match.group()
        first = raw[0]
        if first in "!?.,;:":
            if "!" in raw:
                exclamations += len(raw)
            # Punctuation ends negation and subordinate contrast; '!' and '?' are themselves evidence.
            negation_left = 0
            within_contrast = False
            multiplier = 1.0
            if first in "!?":
                clause.append(_Token(raw[:3], match.start(), match.end(), 1.0, False))
            if first in ".!?;":
                clause = []
                clauses.append(clause)
            continue
        word, elongated = _normalize(raw)
        if word in CONTRAST_BEFORE:
            for earlier in clause:
                earlier.weight *= CONTRAST_WEIGHT
            negation_left = 0
        elif word in CONTRAST_WITHIN:
            within_contrast = True
        weight = multiplier * (CONTRAST_WEIGHT if within_contrast else 1.0)
        if elongated:
            weight *= ELONGATION_WEIGHT
        if len(raw) > 1 and raw.isupper():
            weight *= CAPS_WEIGHT
        clause.append(_Token(word, match.start(), match.end(), weight, negation_left > 0))
        negation_left = max(0, negation_left - 1)
        if word in NEGATORS or word.endswith("n't"):
            negation_left = NEGATION_SCOPE
        if word in _MODIFIER_GLUE and multiplier != 1.0:
            continue  # "kind of", "a bit": the modifier reaches past its glue word
        multiplier = INTENSIFIERS.get(word, 1.0) * DIMINISHERS.get(word, 1.0)
        if multiplier != 1.0 and weight > 1.0:
            multiplier *= min(weight, 1.5)
    return clauses, exclamations


def extract_features(text: str) -> Iterator[Feature]:
    """The weighted features of a text: words (negated ones prefixed '!'), and adjacent word pairs."""
    clauses, _ = _tokens(text)
    for clause in clauses:
        previous: _Token | None = None
        for token in clause:
            name = (
                _NEGATION_PREFIX + token.word if token.negated and token.word[0] not in "!?" else token.word
            )
            yield Feature(name, token.weight, token.start, token.end)
            if previous is not None:
                yield Feature(
                    f"{previous.word} {token.word}",
                    (previous.weight + token.weight) / 2,
                    previous.start,
                    token.end,
                )
            previous = token


@dataclass(frozen=True, slots=True)
class EnglishModel:
    """Learned log-odds: a bias per primary and sparse (primary index, weight) pairs per feature."""

    bias: tuple[float, ...]
    weights: dict[str, tuple[tuple[int, float], ...]]
    version: str


@cache
def english_model() -> EnglishModel:
    """The shipped English weights (``data/en/model.json.gz``), loaded once."""
    path = resources.files("pipeline.domain.emotion") / "data" / "en" / "model.json.gz"
    shipped = json.loads(gzip.decompress(path.read_bytes()))
    order = [_EMOTION_INDEX[emotion] for emotion in shipped["emotions"]]
    bias = [0.0] * len(PRIMARY_EMOTIONS)
    for position, value in enumerate(shipped["bias"]):
        bias[order[position]] = value
    weights = {
        feature: tuple((order[position], weight) for position, weight in pairs)
        for feature, pairs in shipped["weights"].items()
    }
    return EnglishModel(bias=tuple(bias), weights=weights, version=shipped["version"])


def _sigmoid(log_odds: float) -> float:
    if log_odds < -30.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-log_odds))


def _cue(
    kind: CueKind, text: str, start: int, end: int, evidence: dict[Emotion, float], *, note: str | None = None
) -> Cue:
    return Cue.model_construct(kind=kind, text=text, start=start, end=end, emotions=evidence, note=note)


def _rounded_positive(evidence: dict[Emotion, float]) -> dict[Emotion, float]:
    return {emotion: round(value, 2) for emotion, value in evidence.items() if value >= 0.25}


def _add_rule_evidence(text: str, log_odds: list[float], cues: list[Cue]) -> float:
    """Idioms, sarcasm, emoji and emoticons: add their evidence; returns the arousal they add."""
    arousal_boost = 0.0
    for pattern, weights in IDIOM_PATTERNS:
        for match in pattern.finditer(text):
            for emotion, weight in weights.items():
                log_odds[_EMOTION_INDEX[emotion]] += weight
            cues.append(_cue("idiom", match.group(), match.start(), match.end(), dict(weights)))
    for sarcasm in islice(SARCASM_PATTERN.finditer(text), 2):
        for emotion, weight in SARCASM_WEIGHTS.items():
            log_odds[_EMOTION_INDEX[emotion]] += weight
        cues.append(_cue("sarcasm", sarcasm.group(), sarcasm.start(), sarcasm.end(), dict(SARCASM_WEIGHTS)))
    for symbol in find_symbols(text):
        for emotion, weight in symbol.weights.items():
            log_odds[_EMOTION_INDEX[emotion]] += weight
        kind: CueKind = "emoji" if symbol.kind == "emoji" else "emoticon"
        cues.append(_cue(kind, symbol.text, symbol.start, symbol.end, dict(symbol.weights)))
        arousal_boost += 0.05
    return arousal_boost


def score_english(text: str) -> TextScores:
    """Evidence per primary for English text, with valence, arousal and the cues behind them."""
    model = english_model()
    weights = model.weights
    log_odds = list(model.bias)
    cues: list[Cue] = []
    clauses, exclamations = _tokens(text)
    caps_words = 0
    for clause in clauses:
        previous: _Token | None = None
        for token in clause:
            word = token.word
            negated = token.negated and word[0] not in "!?"
            name = _NEGATION_PREFIX + word if negated else word
            pairs = weights.get(name)
            if negated:
                pairs = _negated_pairs(pairs, weights.get(word))
            if pairs is not None:
                _apply(
                    pairs,
                    token.weight,
                    log_odds,
                    cues,
                    span=(token.start, token.end),
                    text=text,
                    negated=negated,
                )
            if previous is not None:
                pair_pairs = weights.get(f"{previous.word} {word}")
                if pair_pairs is not None:
                    value = (previous.weight + token.weight) / 2
                    _apply(
                        pair_pairs,
                        value,
                        log_odds,
                        cues,
                        span=(previous.start, token.end),
                        text=text,
                        negated=False,
                    )
            if token.weight > 1.0 and token.end - token.start > 1 and text[token.start : token.end].isupper():
                caps_words += 1
            previous = token
    arousal_boost = _add_rule_evidence(text, log_odds, cues)
    raw: dict[Emotion, float] = {
        emotion: _sigmoid(log_odds[index]) for index, emotion in enumerate(PRIMARY_EMOTIONS)
    }
    arousal_boost += min(0.2, 0.07 * exclamations) + min(0.2, 0.05 * caps_words)
    if exclamations:
        cues.append(_cue("punctuation", "!", 0, len(text), {}, note=f"{exclamations} exclamation mark(s)"))
    if caps_words:
        cues.append(_cue("caps", "CAPS", 0, len(text), {}, note=f"{caps_words} word(s) in capitals"))
    excess = _excess(raw)
    return TextScores(
        raw=raw,
        valence=valence_of(excess),
        arousal=arousal_of(excess, arousal_boost),
        cues=tuple(cues),
    )


def _apply(
    pairs: tuple[tuple[int, float], ...],
    value: float,
    log_odds: list[float],
    cues: list[Cue],
    *,
    span: tuple[int, int],
    text: str,
    negated: bool,
) -> None:
    start, end = span
    strongest = 0.0
    for index, weight in pairs:
        contribution = weight * value
        log_odds[index] += contribution
        strongest = max(strongest, contribution)
    if strongest >= CUE_MIN_EVIDENCE:
        evidence = _rounded_positive({PRIMARY_EMOTIONS[index]: weight * value for index, weight in pairs})
        kind: CueKind = "negation" if negated else ("phrase" if " " in text[start:end].strip() else "word")
        note = "negated" if negated else (f"weight x{value:.2f}" if value != 1.0 else None)
        cues.append(_cue(kind, text[start:end], start, end, evidence, note=note))


_JOY: Final = _EMOTION_INDEX["joy"]
_TRUST: Final = _EMOTION_INDEX["trust"]
_SADNESS: Final = _EMOTION_INDEX["sadness"]
_DISGUST: Final = _EMOTION_INDEX["disgust"]
_ANGER: Final = _EMOTION_INDEX["anger"]
# How much of a negated positive word's evidence turns into its opposite ("not happy" reads as sad, a bit
# angry); the corpora hold too few negated positives for the learned "!word" weights to carry this alone.
_NEGATED_POSITIVE_SHARE: Final = 0.5


def _negated_pairs(
    learned: tuple[tuple[int, float], ...] | None, plain: tuple[tuple[int, float], ...] | None
) -> tuple[tuple[int, float], ...] | None:
    """Evidence for a negated word: its learned '!word' weights, or its own reversed and damped, plus the
    opposite of any positive evidence it had."""
    if plain is None:
        return learned
    pairs = list(learned) if learned is not None else [(index, -0.5 * weight) for index, weight in plain]
    for index, weight in plain:
        if weight > 0.0 and index in (_JOY, _TRUST):
            flipped = weight * _NEGATED_POSITIVE_SHARE
            pairs.append((_SADNESS if index == _JOY else _DISGUST, flipped))
            pairs.append((_ANGER, flipped * 0.6))
    return tuple(pairs)


def _excess(raw: dict[Emotion, float]) -> dict[Emotion, float]:
    """Scores past half their threshold, rescaled to 0..1: weak background evidence moves valence little."""
    thresholds = shipped_calibration("en").thresholds
    excess: dict[Emotion, float] = {}
    for emotion, score in raw.items():
        floor = thresholds.get(emotion, 0.5) / 2
        excess[emotion] = max(0.0, (score - floor) / (1.0 - floor))
    return excess
