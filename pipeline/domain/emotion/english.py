"""The English text scorer: learned word and phrase weights plus hand-written rules, fully explainable.

Each Plutchik primary gets log-odds evidence: a bias, plus a weight for every word and two-word phrase
(learned by logistic regression, see ``training/train_en.py``), plus hand-written idioms, emoji and
sarcasm markers; a sigmoid turns it into a 0..1 score. How much each word counts (negation, intensifiers,
contrast, capitals, letter repetition) is decided by ``english_tokens``, which training shares. Every
feature that mattered becomes a Cue with character offsets.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import islice
from typing import Any, Final, NamedTuple

from pipeline.domain.emotion import compiled
from pipeline.domain.emotion.affect import (
    AROUSAL_BY_INDEX,
    VALENCE_BY_INDEX,
    VALENCE_DAMPING,
    valence_and_arousal,
)
from pipeline.domain.emotion.calibration import shipped_calibration
from pipeline.domain.emotion.english_complaints import read_complaint
from pipeline.domain.emotion.english_rules import (
    CHOICE_BEFORE,
    CLOSING_THANKS,
    CLOSING_THANKS_LOWER,
    COMPLAINT_IDIOMS,
    CONTRAST_WEIGHT,
    COURTESY,
    COURTESY_KEYS,
    COURTESY_LOWER,
    IDIOM_PATTERNS,
    IDIOM_PATTERNS_LOWER,
    IDIOMS_BY_KEY,
    NEGATION_SCOPE,
    OWN_MISHAP_IDIOMS,
    PRAISE_IDIOMS,
    QUOTED_CLAIM,
    QUOTED_CLAIM_LOWER,
    REQUEST_FEATURES,
    REQUEST_SHARE,
    SARCASM_BY_KEY,
    SARCASM_KEYS,
    SARCASM_WEIGHTS,
    SERVICE_REQUEST,
    SERVICE_WORDS,
    STATED_ONLY_IDIOMS,
    sarcasm_pattern,
)
from pipeline.domain.emotion.english_tokens import (
    CAPS_WEIGHT,
    CAPS_WORD,
    CONTRASTS_BEFORE,
    CONTRASTS_WITHIN,
    ELONGATED,
    ELONGATION_WEIGHT,
    GLUE,
    NEGATES,
    NEGATION_PREFIX,
    SPECIAL_WORDS,
    TOKEN,
    TOKEN_ASCII,
    without_false_negation,
)
from pipeline.domain.emotion.fast_models import cue
from pipeline.domain.emotion.symbols import find_symbols
from pipeline.domain.emotion.text_scores import TextScores
from pipeline.domain.labels import Cue, CueKind
from pipeline.domain.plutchik import NEGATIVE_EMOTIONS, PRIMARY_EMOTIONS, Emotion

# A word's evidence must reach this (log-odds) for it to be listed as a cue; keeps evidence readable.
CUE_MIN_EVIDENCE: Final = 0.6
_EMOTION_INDEX: Final[dict[Emotion, int]] = {emotion: index for index, emotion in enumerate(PRIMARY_EMOTIONS)}

# Per feature: its log-odds for the eight primaries (PRIMARY_EMOTIONS order), then the largest of them.
Weights = tuple[float, float, float, float, float, float, float, float, float]
# Per word, everything scoring needs from one dict lookup: its own weights (None when only its pairs carry
# any), the words that form a weighted pair after it, what it does to other words (english_tokens flags,
# plus whether rules key on it) and the factor it applies to the words after it.
WordEntry = tuple[Weights | None, dict[str, Weights] | None, int, float]
IDIOM_KEY: Final = 16
SARCASM_KEY: Final = 32
COURTESY_KEY: Final = 64


@dataclass(frozen=True, slots=True)
class EnglishModel:
    """Learned log-odds: a bias per primary and dense weights per feature, indexed for scoring."""

    bias: tuple[float, ...]
    weights: dict[str, Weights]
    version: str
    # word -> its entry; pairs are found by the second word in the first word's entry, with no string built.
    words: dict[str, WordEntry] = field(default_factory=dict)
    # Negated words' evidence, filled on first use (see ``negated_weights``).
    negated: dict[str, Weights | None] = field(default_factory=dict)

    def negated_weights(self, word: str) -> Weights | None:
        """The evidence of ``word`` inside a negation's scope, computed once per word."""
        try:
            return self.negated[word]
        except KeyError:
            found = _negated(self.weights.get(NEGATION_PREFIX + word), self.weights.get(word))
            self.negated[word] = found
            return found


def _dense(pairs: list[list[float]], order: list[int]) -> Weights:
    row = [0.0] * 8
    for position, weight in pairs:
        row[order[int(position)]] = weight
    return (*row, max(row))  # type: ignore[return-value]


def _word_entries(weights: dict[str, Weights]) -> dict[str, WordEntry]:
    followers: dict[str, dict[str, Weights]] = {}
    singles: dict[str, Weights] = {}
    for name, row in weights.items():
        first, space, second = name.partition(" ")
        if space:
            followers.setdefault(first, {})[second] = row
        # "!word" rows are negated words, read through ``negated_weights``; "!", "?!" are punctuation tokens.
        elif not (name.startswith(NEGATION_PREFIX) and name[1:2] not in ("", "!", "?")):
            singles[name] = row
    rule_flags: dict[str, int] = {}
    for word in IDIOMS_BY_KEY:
        rule_flags[word] = IDIOM_KEY
    for word in SARCASM_KEYS:
        rule_flags[word] = rule_flags.get(word, 0) | SARCASM_KEY
    for word in COURTESY_KEYS:
        rule_flags[word] = rule_flags.get(word, 0) | COURTESY_KEY
    entries: dict[str, WordEntry] = {}
    for word in {*singles, *followers, *SPECIAL_WORDS, *rule_flags}:
        if ELONGATED.search(word) is not None:
            continue  # tokens are read with letter runs shortened, so such a word can never match
        flags, factor = SPECIAL_WORDS.get(word, (0, 1.0))
        flags |= rule_flags.get(word, 0) | (NEGATES if _negative_contraction(word) else 0)
        entries[word] = (singles.get(word), followers.get(word), flags, factor)
    return entries


def _negative_contraction(word: str) -> bool:
    """ "don't", "isn't": a word that negates what follows without being listed as a negator."""
    return "'" in word and word.endswith("n't")


def _add_service_words(weights: dict[str, Weights]) -> None:
    """Hand-written customer-service evidence (english_rules.SERVICE_WORDS), added to the learned weights."""
    for word, extra in SERVICE_WORDS.items():
        row = list(weights[word][:8]) if word in weights else [0.0] * 8
        for emotion, weight in extra.items():
            row[_EMOTION_INDEX[emotion]] += weight
        weights[word] = (*row, max(row))  # type: ignore[assignment]


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
    _add_service_words(weights)
    return EnglishModel(
        bias=tuple(bias), weights=weights, version=shipped["version"], words=_word_entries(weights)
    )


_JOY: Final = _EMOTION_INDEX["joy"]
_TRUST: Final = _EMOTION_INDEX["trust"]
_SADNESS: Final = _EMOTION_INDEX["sadness"]
_DISGUST: Final = _EMOTION_INDEX["disgust"]
_ANGER: Final = _EMOTION_INDEX["anger"]
_ANTICIPATION: Final = _EMOTION_INDEX["anticipation"]
_SURPRISE: Final = _EMOTION_INDEX["surprise"]
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


# A feature's evidence at full weight, the common case, rounded once per feature.
_FULL_EVIDENCE: dict[Weights, dict[Emotion, float]] = {}


def _cue_evidence(weights: Weights, value: float) -> dict[Emotion, float]:
    if value != 1.0:
        return _evidence(weights, value)
    found = _FULL_EVIDENCE.get(weights)
    if found is None:
        found = _FULL_EVIDENCE[weights] = _evidence(weights, 1.0)
    return dict(found)


@dataclass(slots=True)
class RuleFindings:
    """What the rules found beyond their evidence: arousal, where stated complaints start, and the positive
    idioms that might be sarcasm."""

    arousal_boost: float = 0.0
    complaint_starts: list[int] = field(default_factory=list)
    # Whether a complaint idiom matched inside a question ("where is my order?").
    complaint_asked: bool = False
    # Whether the customer tells a mishap of their own ("I lost my card").
    own_mishap: bool = False
    # Positive idioms ("thanks a million"): where they end and the joy and trust they added.
    praise: list[tuple[int, int, float, float]] = field(default_factory=list)
    # Spans of the sarcasm markers, whose praise is already read as sarcasm.
    sarcasm: list[tuple[int, int]] = field(default_factory=list)
    # Whether the text tells a good outcome: searched once, when a rule first asks.
    _good_outcome: bool | None = None

    def tells_good_outcome(self, text: str) -> bool:
        """A fault told with its good outcome ("the wrong size was easy to swap") is not a complaint, and
        praise beside one is sincere."""
        if self._good_outcome is None:
            self._good_outcome = _GOOD_OUTCOME.search(text) is not None
        return self._good_outcome


def _add_rule_evidence(
    text: str, words: WordEvidence, log_odds: list[float], cues: list[Cue]
) -> RuleFindings:
    """Idioms, sarcasm, emoji and emoticons: add their evidence; returns what else they found.

    Idioms are tried only when one of their key words occurs, sarcasm only when one of its key words does:
    regexes are the costly part. A match that starts where words count half (before "but", after
    "although") counts half too.
    """
    ascii_text = text.isascii()
    searched = text.lower() if ascii_text else text
    found = RuleFindings()
    halved = words.halved
    if words.rule_flags & IDIOM_KEY:
        candidates: set[int] = set()
        for word in words.rule_words:
            candidates.update(IDIOMS_BY_KEY.get(word, ()))
        for index in sorted(candidates):
            pattern, weights = IDIOM_PATTERNS[index]
            if ascii_text:
                pattern = IDIOM_PATTERNS_LOWER[index]
            for match in pattern.finditer(searched):
                span = match.span()
                stated = _asserted(text, span[1])
                if index in STATED_ONLY_IDIOMS and (not stated or found.tells_good_outcome(text)):
                    continue
                cues.append(
                    _rule_cue("idiom", text, span, weights, halved=halved, log_odds=log_odds, stated=stated)
                )
                if index in COMPLAINT_IDIOMS:
                    if stated:
                        found.complaint_starts.append(span[0])
                    else:
                        found.complaint_asked = True
                elif index in PRAISE_IDIOMS:
                    found.praise.append((*span, *PRAISE_IDIOMS[index]))
                elif index in OWN_MISHAP_IDIOMS:
                    found.own_mishap = True
    if words.rule_flags & SARCASM_KEY:
        markers = frozenset(index for word in words.rule_words for index in SARCASM_BY_KEY.get(word, ()))
        for sarcasm in islice(sarcasm_pattern(markers, ascii_text).finditer(searched), 2):
            _add_sarcasm(text, sarcasm.span(), found=found, halved=halved, log_odds=log_odds, cues=cues)
    if "'" in searched or '"' in searched or "‘" in searched or "“" in searched:
        claims = (QUOTED_CLAIM_LOWER if ascii_text else QUOTED_CLAIM).finditer(searched)
        disputed = (match for match in claims if _claim_disputed(text, searched, match.span()))
        for claim in islice(disputed, 2):
            _add_sarcasm(text, claim.span(), found=found, halved=halved, log_odds=log_odds, cues=cues)
    for symbol in find_symbols(text):
        for emotion, weight in symbol.weights.items():
            log_odds[_EMOTION_INDEX[emotion]] += weight
        kind: CueKind = "emoji" if symbol.kind == "emoji" else "emoticon"
        cues.append(cue(kind, symbol.text, (symbol.start, symbol.end), dict(symbol.weights)))
        found.arousal_boost += 0.05
    return found


# Between praise and a complaint, what makes the praise sincere: a sentence ending, a contrast, or a good
# outcome anywhere in the text ("thank you, the boiler that had stopped working is fixed").
_PRAISE_ENDS: Final = re.compile(r"[.!?\n]|\b(?:but|however|although|though|yet)\b")
_GOOD_OUTCOME: Final = re.compile(
    r"\b(?:fixed|resolved|sorted|solved|works|worked|easy|easily|early|smoothly|perfectly|on time|refunded"
    r"|found|back up|working again)\b",
    re.IGNORECASE,
)


def _take_back_praise(
    strong: list[_Strong],
    praise: list[tuple[int, int, float, float]],
    log_odds: list[float],
    taken: Callable[[int, int, bool], bool],
    emotions: tuple[int, ...] = (_JOY, _TRUST),
) -> None:
    """Take the positive evidence of praise off the sums where ``taken(start, end, mostly_praise)`` says so:
    praise words of ``strong`` (which then leave it, and show no cue; ``mostly_praise``: one of
    ``emotions`` is the word's strongest evidence) and praise idioms of ``praise`` (always mostly praise:
    their joy and trust). ``emotions``: the indexes taken back, joy and trust unless told otherwise."""
    kept: list[_Strong] = []
    for feature in strong:
        weights, value, start, end, negated = feature
        top = max(weights[index] for index in emotions)
        if not negated and top > 0.0 and taken(start, end, weights[8] <= top):
            for index in emotions:
                log_odds[index] -= max(weights[index], 0.0) * value
        else:
            kept.append(feature)
    strong[:] = kept
    for start, end, joy, trust in praise:
        if taken(start, end, True):
            log_odds[_JOY] -= joy
            log_odds[_TRUST] -= trust


def _starting_inside(spans: list[tuple[int, int]]) -> Callable[[int, int, bool], bool]:
    """A ``taken`` for ``_take_back_praise``: praise that starts inside one of ``spans``."""

    def inside(start: int, end: int, mostly_praise: bool) -> bool:
        return any(first <= start < last for first, last in spans)

    return inside


def _praise_inside_sarcasm(strong: list[_Strong], found: RuleFindings, log_odds: list[float]) -> None:
    """Praise a sarcasm marker is made of ("thanks so much for wasting my morning") carries no joy or trust:
    taken off the sums, beside the marker's own evidence, which alone cannot outweigh thanks said twice."""
    _take_back_praise(strong, found.praise, log_odds, _starting_inside(found.sarcasm))


# What a courtesy formula's words read as: gladness, trust and hope.
_POLITE_INDEXES: Final = (_JOY, _TRUST, _ANTICIPATION)


def _courtesy_carries_no_feeling(
    text: str, strong: list[_Strong], found: RuleFindings, log_odds: list[float], *, request: bool
) -> None:
    """The joy, trust and hope of the words of a courtesy formula ("I hope you're well", "thanks in
    advance", a bare "thanks!" closing a request or a stated complaint that tells no good outcome) come off
    the sums, and those words show no cue: a formula is no feeling (see ``COURTESY``). Its other words
    ("sorry to bother you") keep their evidence and cues. ``request``: the text opens as a service request
    (``SERVICE_REQUEST``)."""
    # ASCII text is searched lower-cased, without IGNORECASE (twice as fast; same offsets).
    if text.isascii():
        searched, courtesy, closing_thanks = text.lower(), COURTESY_LOWER, CLOSING_THANKS_LOWER
    else:
        searched, courtesy, closing_thanks = text, COURTESY, CLOSING_THANKS
    spans = [match.span() for match in courtesy.finditer(searched)]
    closing = closing_thanks.search(searched)
    if closing is not None and (
        request
        or text.find("?", 0, closing.start()) >= 0
        or (
            any(start < closing.start() for start in found.complaint_starts)
            and not found.tells_good_outcome(text)
        )
    ):
        spans.append(closing.span())
    if spans:
        _take_back_praise(strong, found.praise, log_odds, _starting_inside(spans), _POLITE_INDEXES)


def _praise_before_complaint(
    text: str, strong: list[_Strong], found: RuleFindings, log_odds: list[float]
) -> list[Cue]:
    """Praise that opens the sentence of a stated complaint is sarcasm ("Love how I get a different answer
    every time I call"): its joy and trust come off the sums, and it shows as a sarcasm cue."""
    if found.tells_good_outcome(text):
        return []
    sarcastic: list[Cue] = []

    def sarcastic_praise(start: int, end: int, mostly_praise: bool) -> bool:
        if not mostly_praise or any(first <= start < last for first, last in found.sarcasm):
            return False
        after = [first for first in found.complaint_starts if first >= end]
        if not after or _PRAISE_ENDS.search(text, end, min(after)) is not None:
            return False
        sarcastic.append(cue("sarcasm", text[start:end], (start, end), {}, "praise before a complaint"))
        return True

    _take_back_praise(strong, found.praise, log_odds, sarcastic_praise)
    return sarcastic


def _rule_cue(
    kind: CueKind,
    text: str,
    span: tuple[int, int],
    weights: dict[Emotion, float],
    *,
    halved: list[tuple[int, int]],
    log_odds: list[float],
    stated: bool,
    note: str | None = None,
) -> Cue:
    """Add one idiom or sarcasm match's evidence, halved per contrast around it, and return its cue."""
    start, end = span
    factor = 1.0
    for first, last in halved:
        if first <= start < last:
            factor *= _HALF
    # A complaint stated (not asked) is evidence the plain words around it cannot outweigh: each word of a
    # long report is a little evidence of "no emotion" in the corpora, and a dozen of them must not drown it.
    floor = english_model().bias if stated else None
    for emotion, weight in weights.items():
        index = _EMOTION_INDEX[emotion]
        added = weight * factor
        log_odds[index] += added
        if floor is not None and added > 0.0 and index in _NEGATIVE_INDEXES:
            log_odds[index] = max(log_odds[index], floor[index] + added)
    if factor == 1.0:
        return cue(kind, text[start:end], span, dict(weights), note)
    shown = {emotion: round(weight * factor, 2) for emotion, weight in weights.items()}
    halving = f"weight x{factor:.2f}"
    return cue(kind, text[start:end], span, shown, f"{note}, {halving}" if note else halving)


_NEGATIVE_INDEXES: Final = frozenset(PRIMARY_EMOTIONS.index(emotion) for emotion in NEGATIVE_EMOTIONS)


_SENTENCE_END: Final = re.compile(r"[.!?\n]")


def _add_sarcasm(
    text: str,
    span: tuple[int, int],
    *,
    found: RuleFindings,
    halved: list[tuple[int, int]],
    log_odds: list[float],
    cues: list[Cue],
) -> None:
    found.sarcasm.append(span)
    cues.append(
        _rule_cue(
            "sarcasm", text, span, SARCASM_WEIGHTS, halved=halved, log_odds=log_odds,
            stated=_asserted(text, span[1]),
        )
    )


def _claim_disputed(text: str, searched: str, span: tuple[int, int]) -> bool:
    """A quoted claim is disputed where its sentence is stated, not asked, it is not a name (capitalised:
    "the 'Best Value' bundle") and it names no option the customer chose or switched to ("I selected
    'express' by mistake" reports a choice, not sarcasm)."""
    start, end = span
    return (
        not text[start + 1 : start + 2].isupper()
        and _asserted(searched, end)
        and CHOICE_BEFORE.search(searched, max(0, start - 40), start) is None
    )


def _asserted(text: str, end: int) -> bool:
    """Whether the sentence holding a match ends other than with a question mark."""
    closing = _SENTENCE_END.search(text, end)
    return closing is None or closing[0] != "?"


# A feature that becomes a cue: its weights, the value it counted with, its offsets, and whether negated.
_Strong = list[Any]
_HALF: Final = CONTRAST_WEIGHT


NativeScan = Callable[
    [str, str, bool, dict[str, WordEntry], dict[str, Weights | None], Callable[[str], Weights | None],
     tuple[float, ...]],
    tuple[list[float], list[_Strong], list[str], int, int, int, list[tuple[int, int]]],
]


Affect = Callable[[list[float], float], tuple[list[float], float, float]]


class CompiledParts(NamedTuple):
    """The compiled module's two functions: the word scan of ASCII text and the scorer's last step."""

    scan: NativeScan
    affect: Affect


def _load_compiled() -> CompiledParts | None:
    """The compiled scan, configured with this module's constants; None where it was not built (it is
    optional: a machine without a C compiler installs the package without it)."""
    native = compiled.module()
    if native is None:
        return None
    native.configure(
        CUE_MIN_EVIDENCE, _HALF, CAPS_WEIGHT, ELONGATION_WEIGHT, NEGATION_SCOPE,
        NEGATES, CONTRASTS_BEFORE, CONTRASTS_WITHIN, GLUE, IDIOM_KEY,
    )
    native.configure_affect(_excess_floors(), VALENCE_BY_INDEX, AROUSAL_BY_INDEX, VALENCE_DAMPING)
    return CompiledParts(native.scan, native.affect)


@dataclass(slots=True)
class WordEvidence:
    """What the words of a text add up to, before rules: summed log-odds and the features worth showing."""

    log_odds: list[float]
    strong: list[_Strong]
    rule_words: list[str]
    rule_flags: int
    exclamations: int
    caps: int
    halved: list[tuple[int, int]]


def word_evidence(text: str) -> WordEvidence:
    """Tokenize and score in one pass: the bias plus each word's and word pair's weights times its value.

    Reads text exactly as ``english_tokens.read_tokens`` does (training's featurizer; a test holds the two
    to the same sums), without building the token list: a word's entry (weights, pairs, modifier flags)
    comes from one dict lookup. A contrast word ("but") halves the clause before it after the fact, so
    the clause's rows are rescaled then; halving is exact in binary floating point, so sums are unchanged.
    ASCII text is scanned by the compiled ``_scan`` module when it is active (``compiled.active``), else
    by ``_scan_python``; a test holds the two to the same output.
    """
    model = english_model()
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text  # a few characters grow when lower-cased; offsets must stay exact
    if "’" in lowered:
        lowered = lowered.replace("’", "'")
    lowered = without_false_negation(lowered)
    caps_text = CAPS_WORD.search(text) is not None
    if _COMPILED is not None and lowered.isascii() and compiled.active():
        found = _COMPILED.scan(
            lowered, text, caps_text, model.words, model.negated, model.negated_weights, model.bias
        )
        return WordEvidence(*found)
    return _scan_python(model, text, lowered, caps_text)


def _scan_python(model: EnglishModel, text: str, lowered: str, caps_text: bool) -> WordEvidence:
    """The reference scan, for any text; ``_scan.c`` is the same loop for ASCII text."""
    # For ASCII text a plain character set reads the same tokens as the Unicode word class, faster.
    token_pattern = TOKEN_ASCII if lowered.isascii() else TOKEN
    entry_of = model.words.get
    # Rows of evidence in text order, summed per primary at the end; rows at full weight are the table's
    # own tuples, so most words cost one append.
    rows: list[tuple[float, ...]] = [model.bias]
    strong: list[_Strong] = []
    rule_words: list[str] = []
    rule_flags = 0
    clause_rows = 1
    clause_strong = 0
    followers: dict[str, Weights] | None = None
    previous_value = 0.0
    previous_match: re.Match[str] | None = None
    negation_left = exclamations = caps = 0
    multiplier = 1.0
    within_contrast = False
    # Character ranges whose words count half (a clause before "but", one opened by "although"), so that
    # idioms and sarcasm there count half too.
    halved: list[tuple[int, int]] = []
    clause_start = within_start = 0
    for match in token_pattern.finditer(lowered):
        word = match[0]
        if word[0] in "!?.,;:":
            if "!" in word:
                exclamations += len(word)
            negation_left = 0
            if within_contrast:
                halved.append((within_start, match.start()))
                within_contrast = False
            multiplier = 1.0
            if word[0] in "!?":
                word = word[:3]
                entry = entry_of(word)
                found = entry[0] if entry is not None else None
                if found is not None:
                    rows.append(found)
                    if found[8] >= CUE_MIN_EVIDENCE:
                        strong.append([found, 1.0, match.start(), match.end(), False])
                if followers is not None:
                    pair = followers.get(word)
                    if pair is not None:
                        pair_value = (previous_value + 1.0) / 2
                        rows.append(pair if pair_value == 1.0 else tuple([w * pair_value for w in pair]))
                        if pair[8] * pair_value >= CUE_MIN_EVIDENCE:
                            start = previous_match.start()  # type: ignore[union-attr]
                            strong.append([pair, pair_value, start, match.end(), False])
            if word[0] in ".!?;":
                followers = None
                clause_rows = len(rows)
                clause_strong = len(strong)
                clause_start = match.end()
            continue
        value = multiplier
        entry = entry_of(word)
        # No entry holds a run of three letters (see _word_entries), so only unknown words can be drawn out.
        if entry is None and ELONGATED.search(word) is not None:
            word = ELONGATED.sub(r"\1\1", word)
            value *= ELONGATION_WEIGHT
            entry = entry_of(word)
        if entry is None:
            found = next_followers = None
            flags = NEGATES if _negative_contraction(word) else 0
            factor = 1.0
        else:
            found, next_followers, flags, factor = entry
            if flags:
                if flags & CONTRASTS_BEFORE:
                    _halve_clause(rows, clause_rows, strong, clause_strong)
                    halved.append((clause_start, match.start()))
                    previous_value *= _HALF
                    negation_left = 0
                elif flags & CONTRASTS_WITHIN and not within_contrast:
                    within_contrast = True
                    # The clause it opens counts half, not the word: an idiom that opens with it ("despite
                    # having a booking") is the contrast itself.
                    within_start = match.end()
                if flags >= IDIOM_KEY:
                    rule_words.append(word)
                    rule_flags |= flags
        if within_contrast:
            value *= _HALF
        if caps_text:
            start, end = match.span()
            if end - start > 1 and text[start:end].isupper():
                value *= CAPS_WEIGHT
                caps += 1
        negated = negation_left > 0
        if negated:
            negation_left -= 1
            found = model.negated_weights(word)
        if found is not None:
            rows.append(found if value == 1.0 else tuple([w * value for w in found]))
            if found[8] * value >= CUE_MIN_EVIDENCE:
                strong.append([found, value, match.start(), match.end(), negated])
        if followers is not None:
            pair = followers.get(word)
            if pair is not None:
                pair_value = (previous_value + value) / 2
                rows.append(pair if pair_value == 1.0 else tuple([w * pair_value for w in pair]))
                if pair[8] * pair_value >= CUE_MIN_EVIDENCE:
                    start = previous_match.start()  # type: ignore[union-attr]
                    strong.append([pair, pair_value, start, match.end(), False])
        followers = next_followers
        previous_value = value
        previous_match = match
        if flags & NEGATES:
            negation_left = NEGATION_SCOPE
        if multiplier != 1.0 and flags & GLUE:
            continue  # "kind of", "a bit": the modifier reaches past its glue word
        multiplier = factor
        if factor != 1.0 and value > 1.0:
            multiplier *= min(value, 1.5)
    if within_contrast:
        halved.append((within_start, len(text)))
    log_odds = [sum(column, 0.0) for column in zip(*rows, strict=False)]
    return WordEvidence(log_odds, strong, rule_words, rule_flags, exclamations, caps, halved)


def _halve_clause(
    rows: list[tuple[float, ...]], first_row: int, strong: list[_Strong], first_strong: int
) -> None:
    """Halve the evidence of the clause so far (rows from ``first_row``), dropping cues that fall short."""
    for index in range(first_row, len(rows)):
        rows[index] = tuple([weight * _HALF for weight in rows[index]])
    kept = []
    for feature in strong[first_strong:]:
        feature[1] *= _HALF
        if feature[0][8] * feature[1] >= CUE_MIN_EVIDENCE:
            kept.append(feature)
    strong[first_strong:] = kept


def score_english(text: str) -> TextScores:
    """Evidence per primary for English text, with valence, arousal and the cues behind them."""
    words = word_evidence(text)
    log_odds = words.log_odds
    opens_as_request = SERVICE_REQUEST.match(text) is not None
    request = _request_excess(text) if opens_as_request else None
    rule_cues: list[Cue] = []
    found = _add_rule_evidence(text, words, log_odds, rule_cues)
    if not found.complaint_starts and not found.complaint_asked and not found.own_mishap:
        learned = _learned_complaint(text, words.halved, log_odds, found)
        if learned is not None:
            rule_cues.append(learned)
    if found.sarcasm:
        _praise_inside_sarcasm(words.strong, found, log_odds)
    if words.rule_flags & COURTESY_KEY:
        _courtesy_carries_no_feeling(text, words.strong, found, log_odds, request=opens_as_request)
    sarcastic = []
    if found.complaint_starts:
        sarcastic = _praise_before_complaint(text, words.strong, found, log_odds)
    cues = [_word_cue(text, feature) for feature in words.strong]
    cues.extend(sarcastic)
    cues.extend(rule_cues)
    arousal_boost = found.arousal_boost
    if words.exclamations:
        arousal_boost += min(0.2, 0.07 * words.exclamations)
        cues.append(cue("punctuation", "!", None, {}, f"{words.exclamations} exclamation mark(s)"))
    if words.caps:
        arousal_boost += min(0.2, 0.05 * words.caps)
        cues.append(cue("caps", "CAPS", None, {}, f"{words.caps} word(s) in capitals"))
    affect = _COMPILED.affect if _COMPILED is not None and compiled.active() else affect_python
    scores, valence, arousal = affect(log_odds, arousal_boost)
    if request is not None:
        # The labels lose the request's curiosity; valence and arousal (and so the experience) keep it.
        log_odds[_ANTICIPATION] -= request[0]
        log_odds[_SURPRISE] -= request[1]
        scores = affect(log_odds, arousal_boost)[0]
    raw: dict[Emotion, float] = dict(zip(PRIMARY_EMOTIONS, scores, strict=True))
    return TextScores(raw=raw, valence=valence, arousal=arousal, cues=tuple(cues))


def _request_excess(text: str) -> tuple[float, float]:
    """What a request's question mark and request words add to anticipation and to surprise beyond
    ``REQUEST_SHARE`` of it (read as written, once per occurrence: their evidence before negation and
    capitals)."""
    lowered = text.lower()
    if "’" in lowered:
        lowered = lowered.replace("’", "'")
    weights = english_model().weights
    anticipation = surprise = 0.0
    for found in REQUEST_FEATURES.finditer(lowered):
        row = weights.get(found[0])
        if row is not None:
            anticipation += max(0.0, row[_ANTICIPATION])
            surprise += max(0.0, row[_SURPRISE])
    return (1.0 - REQUEST_SHARE) * anticipation, (1.0 - REQUEST_SHARE) * surprise


# What a complaint the learned reading finds adds: that of a stated fault.
LEARNED_COMPLAINT_WEIGHTS: Final[dict[Emotion, float]] = {"anger": 2.2, "sadness": 1.0}


def _learned_complaint(
    text: str, halved: list[tuple[int, int]], log_odds: list[float], found: RuleFindings
) -> Cue | None:
    """The learned reading's evidence when it takes a text the idioms found nothing in for a complaint
    (not where the text tells a good outcome, as for the stated faults). Its evidence gets the floor of a
    stated complaint only where its sentence is not a question."""
    reading = read_complaint(text)
    if reading is None or found.tells_good_outcome(text):
        return None
    return _rule_cue(
        "model", text, (reading.start, reading.end), LEARNED_COMPLAINT_WEIGHTS,
        halved=halved, log_odds=log_odds, stated=_asserted(text, reading.end),
        note=f"learned complaint reading {reading.probability:.2f}: {', '.join(reading.weightiest)}",
    )


def affect_python(log_odds: list[float], arousal_boost: float) -> tuple[list[float], float, float]:
    """Scores (a sigmoid of each log-odds), valence and arousal: the reference for ``_scan.affect``."""
    exp = math.exp
    scores = [0.0 if value < -30.0 else 1.0 / (1.0 + exp(-value)) for value in log_odds]
    # Valence and arousal read the scores past half their threshold, rescaled to 0..1, so weak background
    # evidence moves them little.
    excess = [
        (score - floor) / room if score > floor else 0.0
        for score, (floor, room) in zip(scores, _excess_floors(), strict=True)
    ]
    valence, arousal = valence_and_arousal(excess, arousal_boost)
    return scores, valence, arousal


def _word_cue(text: str, feature: _Strong) -> Cue:
    weights, value, start, end, negated = feature
    surface = text[start:end]
    kind: CueKind = "negation" if negated else ("phrase" if " " in surface else "word")
    note = "negated" if negated else (f"weight x{value:.2f}" if value != 1.0 else None)
    return cue(kind, surface, (start, end), _cue_evidence(weights, value), note)


@cache
def _excess_floors() -> tuple[tuple[float, float], ...]:
    """Per primary, half its shipped threshold and the room above it."""
    thresholds = shipped_calibration("en").thresholds
    floors = [thresholds.get(emotion, 0.5) / 2 for emotion in PRIMARY_EMOTIONS]
    return tuple((floor, 1.0 - floor) for floor in floors)


# Loaded last: configuring it reads this module's own constants and floors.
_COMPILED: Final = _load_compiled()
