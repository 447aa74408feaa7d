"""Chinese (simplified and traditional) text scorer: raw Plutchik evidence, valence, arousal and cues.

The text is normalised to simplified characters with unchanged offsets, matched leftmost-longest against
a hand-written lexicon, and the matches are read in order: negators and degree words change the next
emotion word of the same clause, the clause after a contrast (但是, 不过) outweighs the one before, praise
after a complaint turns sarcastic, and a small polarity model adds a weak prior and most of the valence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from pipeline.domain.emotion.chinese_lexicon import Entry, Match, chinese_lexicon
from pipeline.domain.emotion.chinese_polarity import polarity_model
from pipeline.domain.emotion.chinese_script import ChineseScript, chinese_script, to_simplified
from pipeline.domain.emotion.text_scores import TextScores
from pipeline.domain.labels import Cue, CueKind
from pipeline.domain.plutchik import NEGATIVE_EMOTIONS, Emotion

__all__ = ["ChineseScript", "chinese_script", "score_chinese"]

# Characters a modifier may sit away from its word (不是很满意, 非常的开心) without losing it.
MAX_MODIFIER_GAP: Final = 2
MAX_SCALE: Final = 2.2
BEFORE_CONTRAST: Final = 0.5
AFTER_CONTRAST: Final = 1.2
# How much a complaint must weigh before praise in the same text reads as sarcasm.
SARCASM_COMPLAINT: Final = 0.5

# Negated praise becomes its opposite, a little weaker; negated complaints simply cancel (不难过).
_NEGATED: Final[dict[Emotion, tuple[tuple[Emotion, float], ...]]] = {
    "joy": (("sadness", 0.6), ("disgust", 0.25)),
    "trust": (("disgust", 0.5), ("anger", 0.25)),
}
_AROUSAL: Final[dict[Emotion, float]] = {
    "anger": 0.9,
    "fear": 0.8,
    "surprise": 0.8,
    "joy": 0.65,
    "anticipation": 0.6,
    "disgust": 0.55,
    "trust": 0.35,
    "sadness": 0.35,
}
# The polarity model's prior, spread over the emotions a complaint or a compliment usually carries.
_NEGATIVE_PRIOR: Final[tuple[tuple[Emotion, float], ...]] = (
    ("disgust", 0.5),
    ("sadness", 0.35),
    ("anger", 0.35),
)
_POSITIVE_PRIOR: Final[tuple[tuple[Emotion, float], ...]] = (("joy", 0.35), ("trust", 0.2))
PRIOR_DEADBAND: Final = 0.2
# Emotions with less than this share of the strongest one's evidence keep only part of it.
SECONDARY_RATIO: Final = 0.6
SECONDARY_DAMPING: Final = 0.5

_MENTION = re.compile(r"@[^\s:,.!?;@]{1,30}")
_CLAUSE_BREAK = re.compile(r"[,.!?;~。、…\n\r\t]")
_EXCLAMATIONS = re.compile(r"!{2,}")
_QUESTIONS = re.compile(r"\?{2,}")
_REPEATED = re.compile(r"([\u4e00-\u9fff])\1{2,}")


@dataclass(slots=True)
class _Hit:
    """An emotion word after its modifiers, before contrast weighting and sarcasm."""

    match: Match
    emotions: dict[Emotion, float]
    segment: int
    modifiers: list[Match]
    negated: bool
    sarcastic: bool = False


def score_chinese(text: str) -> TextScores:
    """Raw evidence per primary, valence and arousal for a Chinese text, with cues into the original text."""
    simplified = to_simplified(text)
    if "@" in simplified:
        # A user name (@快乐小猪) says nothing about the writer's feeling; blank it, keeping offsets.
        simplified = _MENTION.sub(lambda found: " " * len(found.group()), simplified)
    hits, modifier_cues, segments = _read_matches(simplified, chinese_lexicon().scan(simplified))
    _turn_sarcastic(hits)

    evidence: dict[Emotion, float] = {}
    cues: list[Cue] = []
    for hit in hits:
        weight = _segment_weight(hit.segment, segments)
        emotions = {emotion: value * weight for emotion, value in hit.emotions.items()}
        for emotion, value in emotions.items():
            evidence[emotion] = evidence.get(emotion, 0.0) + value
        if hit.sarcastic:
            cues.append(_cue(text, hit.match, "sarcasm", emotions, "praise in a complaint reads as sarcasm"))
        else:
            cues.append(_cue(text, hit.match, hit.match.entry.kind, emotions))
    cues.extend(_cue(text, match, match.entry.kind, {}) for match in modifier_cues)

    arousal_boost = _punctuation(text, simplified, evidence, cues)
    negative_probability = polarity_model().negative_probability(simplified)
    _add_prior(negative_probability, evidence, cues)

    valence = _valence(evidence, negative_probability)
    _sharpen(evidence)
    raw = {emotion: 1.0 - math.exp(-value) for emotion, value in evidence.items() if value > 0.0}
    arousal = _arousal(raw, arousal_boost)
    cues.sort(key=lambda cue: (cue.start if cue.start is not None else len(text), cue.kind))
    return TextScores(raw=raw, valence=valence, arousal=arousal, cues=tuple(cues))


def _read_matches(simplified: str, matches: Sequence[Match]) -> tuple[list[_Hit], list[Match], int]:
    """Apply modifiers to the emotion words they precede; returns hits, the modifiers used, contrast count."""
    hits: list[_Hit] = []
    used_modifiers: list[Match] = []
    pending: list[Match] = []
    segment = 0
    previous_end = 0
    last_hit: _Hit | None = None
    for index, match in enumerate(matches):
        if _apart(simplified, previous_end, match.start):
            pending = []
            last_hit = None
        previous_end = match.end
        entry = match.entry
        if entry.modifier == "contrast":
            segment += 1
            used_modifiers.append(match)
            pending = []
            last_hit = None
        elif entry.modifier == "postfix":
            if last_hit is not None and last_hit.match.end == match.start:
                last_hit.emotions = {
                    emotion: value * entry.factor for emotion, value in last_hit.emotions.items()
                }
                used_modifiers.append(match)
        elif entry.modifier is not None and not _stands_alone(entry, pending, matches, index, simplified):
            pending.append(match)
        elif entry.emotions:
            last_hit = _apply_modifiers(match, pending, segment)
            hits.append(last_hit)
            used_modifiers.extend(pending)
            pending = []
        else:
            pending = []
            last_hit = None
    return hits, used_modifiers, segment


def _apart(simplified: str, previous_end: int, start: int) -> bool:
    """Whether two matches are too far apart or in different clauses for one to modify the other."""
    if start - previous_end > MAX_MODIFIER_GAP:
        return True
    return start > previous_end and _CLAUSE_BREAK.search(simplified, previous_end, start) is not None


def _stands_alone(
    entry: Entry, pending: list[Match], matches: Sequence[Match], index: int, text: str
) -> bool:
    """A modifier that also carries emotion (好) counts as a word when modified and modifying nothing."""
    if not entry.emotions or not pending:
        return False
    if index + 1 == len(matches):
        return True
    following = matches[index + 1]
    if _apart(text, matches[index].end, following.start):
        return True
    return not (
        following.entry.emotions or following.entry.modifier in ("negation", "intensifier", "diminisher")
    )


def _apply_modifiers(match: Match, pending: list[Match], segment: int) -> _Hit:
    scale = 1.0
    negations: list[float] = []
    for modifier in pending:
        if modifier.entry.modifier == "negation":
            negations.append(modifier.entry.factor)
        else:
            scale *= modifier.entry.factor
    scale = min(scale, MAX_SCALE)
    # Two negators cancel out (不是不好); one flips.
    negated = len(negations) % 2 == 1
    emotions: dict[Emotion, float] = {}
    for emotion, weight in match.entry.emotions:
        if not negated:
            emotions[emotion] = emotions.get(emotion, 0.0) + weight * scale
            continue
        for opposite, share in _NEGATED.get(emotion, ()):
            emotions[opposite] = emotions.get(opposite, 0.0) + weight * share * negations[-1] * scale
    return _Hit(match=match, emotions=emotions, segment=segment, modifiers=list(pending), negated=negated)


def _turn_sarcastic(hits: list[_Hit]) -> None:
    """Praise flagged as sarcasm-prone turns into anger and disgust when the text also complains."""
    complaint = sum(
        value
        for hit in hits
        if not hit.match.entry.sarcastic
        for emotion, value in hit.emotions.items()
        if emotion in NEGATIVE_EMOTIONS
    )
    marker = any(hit.match.entry.kind == "sarcasm" for hit in hits)
    if complaint < SARCASM_COMPLAINT and not marker:
        return
    for hit in hits:
        if not hit.match.entry.sarcastic or hit.negated:
            continue
        praise = hit.emotions.get("joy", 0.0) + hit.emotions.get("trust", 0.0)
        if praise <= 0.0:
            continue
        hit.emotions = {"anger": praise * 0.5, "disgust": praise * 0.5}
        hit.sarcastic = True


def _segment_weight(segment: int, segments: int) -> float:
    if segments == 0:
        return 1.0
    return AFTER_CONTRAST if segment == segments else BEFORE_CONTRAST


def _punctuation(text: str, simplified: str, evidence: dict[Emotion, float], cues: list[Cue]) -> float:
    """Cues for !!, ?? and 啊啊啊; returns how much they raise arousal (they also strengthen the evidence)."""
    boost = 0.0
    for found in _EXCLAMATIONS.finditer(simplified):
        boost += 0.1
        cues.append(
            Cue(
                kind="punctuation",
                text=text[found.start() : found.end()],
                start=found.start(),
                end=found.end(),
                emotions={},
                note=None,
            )
        )
    questions = _QUESTIONS.search(simplified)
    if questions is not None:
        evidence["surprise"] = evidence.get("surprise", 0.0) + 0.3
        boost += 0.05
        cues.append(
            Cue(
                kind="punctuation",
                text=text[questions.start() : questions.end()],
                start=questions.start(),
                end=questions.end(),
                emotions={"surprise": 0.3},
                note=None,
            )
        )
    repeated = _REPEATED.search(simplified)
    if repeated is not None:
        boost += 0.1
        cues.append(
            Cue(
                kind="repetition",
                text=text[repeated.start() : repeated.end()],
                start=repeated.start(),
                end=repeated.end(),
                emotions={},
                note=None,
            )
        )
    if boost > 0.0:
        strength = 1.0 + min(boost, 0.3)
        for emotion in evidence:
            evidence[emotion] *= strength
    return boost


def _add_prior(negative_probability: float, evidence: dict[Emotion, float], cues: list[Cue]) -> None:
    """The polarity model's weak prior: it tips a bare complaint or compliment, never outvotes words."""
    lean = 2.0 * negative_probability - 1.0
    if abs(lean) <= PRIOR_DEADBAND:
        return
    strength = (abs(lean) - PRIOR_DEADBAND) / (1.0 - PRIOR_DEADBAND)
    prior = _NEGATIVE_PRIOR if lean > 0 else _POSITIVE_PRIOR
    added = {emotion: share * strength for emotion, share in prior}
    for emotion, value in added.items():
        evidence[emotion] = evidence.get(emotion, 0.0) + value
    cues.append(
        Cue(
            kind="model",
            text="",
            start=None,
            end=None,
            emotions={emotion: round(value, 3) for emotion, value in added.items()},
            note=f"character n-gram polarity: P(negative)={negative_probability:.2f}",
        )
    )


def _sharpen(evidence: dict[Emotion, float]) -> None:
    """Damp emotions far weaker than the strongest: a complaint is mostly one feeling, not all four."""
    if not evidence:
        return
    strongest = max(evidence.values())
    for emotion, value in evidence.items():
        if value < SECONDARY_RATIO * strongest:
            evidence[emotion] = value * SECONDARY_DAMPING


def _valence(evidence: dict[Emotion, float], negative_probability: float) -> float:
    positive = evidence.get("joy", 0.0) + evidence.get("trust", 0.0) + 0.3 * evidence.get("anticipation", 0.0)
    negative = sum(evidence.get(emotion, 0.0) for emotion in NEGATIVE_EMOTIONS)
    lexical = (positive - negative) / (positive + negative + 0.3)
    lexical_weight = (positive + negative) / (positive + negative + 0.6)
    model = 1.0 - 2.0 * negative_probability
    valence = lexical_weight * lexical + (1.0 - lexical_weight) * 0.8 * model
    return max(-1.0, min(1.0, valence))


def _arousal(raw: dict[Emotion, float], boost: float) -> float:
    peak = max((value * _AROUSAL[emotion] for emotion, value in raw.items()), default=0.0)
    return max(0.0, min(1.0, 0.1 + 0.75 * peak + boost))


def _cue(
    text: str, match: Match, kind: CueKind, emotions: dict[Emotion, float], note: str | None = None
) -> Cue:
    return Cue(
        kind=kind,
        text=text[match.start : match.end],
        start=match.start,
        end=match.end,
        emotions={emotion: round(value, 3) for emotion, value in emotions.items()},
        note=note,
    )
