"""Good, neutral or bad, with reasons (SPEC 5.3).

Each reason is a named rule with its own frozen settings (an ``enabled`` flag and thresholds), so operators
can tune or switch off one rule without touching the others. The result lists every rule that fired, with
the values that made it fire, so an analyst (and the CRM) can see why an interaction counted as bad.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field

from pipeline.domain.event import Channel, Rating, RatingScale, SelectedEmotion, Signals, Voice
from pipeline.domain.journeys.matcher import PhraseMatcher
from pipeline.domain.labels import EmotionResult, ExperienceResult, RuleFiring, RuleValue
from pipeline.domain.plutchik import NEGATIVE_EMOTIONS, Emotion

_SETTINGS = ConfigDict(frozen=True, extra="forbid")

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Signed = Annotated[float, Field(ge=-1.0, le=1.0)]


class LanguageThresholds(BaseModel):
    """When text counts as strongly negative in one language: valence at or below, intensity at or above."""

    model_config = _SETTINGS

    max_valence: Signed
    min_negative_intensity: Unit


class TextStronglyNegativeRule(BaseModel):
    """Text whose valence and strongest negative emotion both pass the language's thresholds.

    Thresholds are per language because Chinese customers tend to say the same thing with more restraint;
    they are meant to be calibrated on data. A language missing from the mapping uses ``fallback_language``.
    """

    model_config = _SETTINGS

    enabled: bool = True
    by_language: dict[str, LanguageThresholds] = Field(
        default_factory=lambda: {
            "en": LanguageThresholds(max_valence=-0.3, min_negative_intensity=0.25),
            "zh": LanguageThresholds(max_valence=-0.1, min_negative_intensity=0.2),
        }
    )
    fallback_language: str = "en"
    # A question whose only strong negative emotion is fear ("My dog gets anxious away from home, will your
    # staff keep an eye on her?", "有点紧张，术前需要空腹多久？") asks for reassurance; it reports no failure.
    # Worry beside anger, disgust or sadness past the intensity bar still counts.
    worried_question_is_bad: bool = False

    @cached_property
    def _by_lower_tag(self) -> dict[str, LanguageThresholds]:
        return {key.lower(): value for key, value in self.by_language.items()}

    def thresholds_for(self, language: str | None) -> LanguageThresholds | None:
        """The thresholds for a BCP 47 tag: exact tag, then its primary subtag, then the fallback."""
        by_lower = self._by_lower_tag
        if language:
            tag = language.lower()
            if tag in by_lower:
                return by_lower[tag]
            primary = tag.split("-", 1)[0]
            if primary in by_lower:
                return by_lower[primary]
        return by_lower.get(self.fallback_language.lower())


class LowRatingRule(BaseModel):
    """A rating at or below the scale's bad threshold (CSAT and stars <= 2, NPS <= 4)."""

    model_config = _SETTINGS

    enabled: bool = True
    max_bad_value: dict[RatingScale, float] = {"csat5": 2.0, "stars5": 2.0, "nps10": 4.0}


class SelectedNegativeEmotionRule(BaseModel):
    """The customer picked a negative primary themselves, at or above an intensity."""

    model_config = _SETTINGS

    enabled: bool = True
    emotions: frozenset[Emotion] = NEGATIVE_EMOTIONS
    min_intensity: Unit = 0.5


class NoHumanReachedRule(BaseModel):
    """The customer wanted help but never reached a person.

    A contact "wanted help" when it came through an assisted channel (phone, chat, IVR, email), or when its
    text asks for help or a person in English or Chinese.
    """

    model_config = _SETTINGS

    enabled: bool = True
    help_channels: frozenset[Channel] = frozenset({"phone", "chat", "ivr", "email"})
    # Requests, not mentions: "thanks for your help" must not count as asking for it.
    help_phrases: tuple[str, ...] = (
        "help me",
        "need help",
        "please help",
        "can you help",
        "can someone help",
        "speak to",
        "talk to",
        "real person",
        "human",
        "agent",
        "representative",
        "operator",
        "customer service",
        "帮帮我",
        "幫幫我",
        "请帮",
        "請幫",
        "需要帮助",
        "需要幫助",
        "转人工",
        "轉人工",
        "人工服务",
        "人工服務",
        "真人",
        "客服",
        "救命",
    )


class LongHoldRule(BaseModel):
    """The customer was put on hold for at least this long."""

    model_config = _SETTINGS

    enabled: bool = True
    min_hold_seconds: float = Field(default=600.0, ge=0.0)


class LongWaitRule(BaseModel):
    """The customer waited (queue, first response) for at least this long."""

    model_config = _SETTINGS

    enabled: bool = True
    min_wait_seconds: float = Field(default=900.0, ge=0.0)


class ManyTransfersRule(BaseModel):
    """The customer was passed between agents or departments this many times or more."""

    model_config = _SETTINGS

    enabled: bool = True
    min_transfers: int = Field(default=3, ge=1)


class ScriptedReplyNegativeRule(BaseModel):
    """A scripted (canned) reply to a customer whose text is negative.

    "Negative" is milder than the strongly-negative text rule: valence at or below ``max_valence``, or a
    negative dominant emotion.
    """

    model_config = _SETTINGS

    enabled: bool = True
    max_valence: Signed = -0.15


class UnresolvedRepeatContactRule(BaseModel):
    """The customer had to come back, and the problem is still not resolved."""

    model_config = _SETTINGS

    enabled: bool = True


class VoiceDistressRule(BaseModel):
    """Speech analytics hear a negative, agitated voice (valence 0 is negative on the voice scale)."""

    model_config = _SETTINGS

    enabled: bool = True
    max_voice_valence: Unit = 0.2
    min_voice_arousal: Unit = 0.7


class GoodExperience(BaseModel):
    """When an event with no fired rule is good, not neutral: clearly positive text, or a high rating."""

    model_config = _SETTINGS

    min_valence: Signed = 0.3
    min_good_rating: dict[RatingScale, float] = {"csat5": 4.0, "stars5": 4.0, "nps10": 9.0}


class ExperienceRules(BaseModel):
    """Every experience rule with its settings; field order is the order reasons are listed in."""

    model_config = _SETTINGS

    text_strongly_negative: TextStronglyNegativeRule = TextStronglyNegativeRule()
    low_rating: LowRatingRule = LowRatingRule()
    selected_negative_emotion: SelectedNegativeEmotionRule = SelectedNegativeEmotionRule()
    no_human_reached: NoHumanReachedRule = NoHumanReachedRule()
    long_hold: LongHoldRule = LongHoldRule()
    long_wait: LongWaitRule = LongWaitRule()
    many_transfers: ManyTransfersRule = ManyTransfersRule()
    scripted_reply_negative: ScriptedReplyNegativeRule = ScriptedReplyNegativeRule()
    unresolved_repeat_contact: UnresolvedRepeatContactRule = UnresolvedRepeatContactRule()
    voice_distress: VoiceDistressRule = VoiceDistressRule()
    good: GoodExperience = GoodExperience()


DEFAULT_EXPERIENCE_RULES: Final[ExperienceRules] = ExperienceRules()

RULE_NAMES: Final[tuple[str, ...]] = tuple(name for name in ExperienceRules.model_fields if name != "good")

_NO_SIGNALS: Final[Signals] = Signals()


@dataclass(frozen=True, slots=True)
class _Facts:
    """Everything the rules look at for one event, gathered once."""

    emotion: EmotionResult | None
    rating: Rating | None
    selected: tuple[SelectedEmotion, ...]
    signals: Signals
    voice: Voice | None
    channel: str | None
    text: str | None
    text_negative: bool | None


def judge_experience(
    emotion: EmotionResult | None,
    *,
    rating: Rating | None = None,
    selected: Sequence[SelectedEmotion] = (),
    signals: Signals | None = None,
    voice: Voice | None = None,
    channel: str | None = None,
    text: str | None = None,
    text_negative: bool | None = None,
    rules: ExperienceRules = DEFAULT_EXPERIENCE_RULES,
) -> ExperienceResult:
    """Judge one interaction good, neutral or bad from its emotion, rating, choices, voice and signals.

    Bad if any enabled rule fires (all firings are listed); good if none fires and the text is clearly
    positive or the rating high; neutral otherwise. ``text`` lets the no-human rule see a request for help;
    ``text_negative`` overrides the emotion-based judgement of whether the text is negative.
    """
    facts = _Facts(
        emotion=emotion,
        rating=rating,
        selected=tuple(selected),
        signals=signals or _NO_SIGNALS,
        voice=voice,
        channel=channel,
        text=text,
        text_negative=text_negative,
    )
    reasons = [firing for check in _CHECKS if (firing := check(facts, rules)) is not None]
    if reasons:
        return ExperienceResult(experience="bad", reasons=reasons)
    if _clearly_positive(facts, rules.good):
        return ExperienceResult(experience="good", reasons=[])
    return ExperienceResult(experience="neutral", reasons=[])


def _clearly_positive(facts: _Facts, good: GoodExperience) -> bool:
    emotion = facts.emotion
    if emotion is not None and emotion.language_supported and emotion.valence >= good.min_valence:
        return True
    rating = facts.rating
    if rating is None:
        return False
    threshold = good.min_good_rating.get(rating.scale)
    return threshold is not None and rating.value >= threshold


def _strongest_negative(emotion: EmotionResult) -> tuple[Emotion, float]:
    ranked = sorted(NEGATIVE_EMOTIONS, key=lambda name: (-emotion.scores.get(name), name))
    return ranked[0], emotion.scores.get(ranked[0])


def _check_text_strongly_negative(facts: _Facts, rules: ExperienceRules) -> RuleFiring | None:
    rule = rules.text_strongly_negative
    emotion = facts.emotion
    if not rule.enabled or emotion is None or not emotion.language_supported:
        return None
    thresholds = rule.thresholds_for(emotion.language)
    if thresholds is None:
        return None
    negative, intensity = _strongest_negative(emotion)
    if emotion.valence > thresholds.max_valence or intensity < thresholds.min_negative_intensity:
        return None
    if (
        negative == "fear"
        and not rule.worried_question_is_bad
        and _worried_question(facts.text, emotion, thresholds)
    ):
        return None
    return RuleFiring(
        rule="text_strongly_negative",
        detail=(
            f"text is strongly negative: valence {emotion.valence:.2f} <= {thresholds.max_valence:.2f} and "
            f"{negative} {intensity:.2f} >= {thresholds.min_negative_intensity:.2f}"
        ),
        values={
            "valence": round(emotion.valence, 4),
            "emotion": negative,
            "intensity": round(intensity, 4),
            "language": emotion.language or "",
        },
    )


_ASKS: Final = re.compile(r"[?？]|[吗呢嗎][。！!.\s]*$")


def _worried_question(text: str | None, emotion: EmotionResult, thresholds: LanguageThresholds) -> bool:
    """Whether the text asks and fear is its only negative emotion at or above the intensity bar."""
    if not text or _ASKS.search(text) is None:
        return False
    bar = thresholds.min_negative_intensity
    return all(emotion.scores.get(name) < bar for name in NEGATIVE_EMOTIONS if name != "fear")


def _check_low_rating(facts: _Facts, rules: ExperienceRules) -> RuleFiring | None:
    rule = rules.low_rating
    rating = facts.rating
    if not rule.enabled or rating is None:
        return None
    threshold = rule.max_bad_value.get(rating.scale)
    if threshold is None or rating.value > threshold:
        return None
    return RuleFiring(
        rule="low_rating",
        detail=f"{rating.scale} rating {rating.value:g} <= {threshold:g}",
        values={"scale": rating.scale, "value": rating.value, "threshold": threshold},
    )


def _check_selected_negative_emotion(facts: _Facts, rules: ExperienceRules) -> RuleFiring | None:
    rule = rules.selected_negative_emotion
    if not rule.enabled:
        return None
    strongest: dict[str, float] = {}
    for choice in facts.selected:
        if choice.emotion in rule.emotions and choice.intensity >= rule.min_intensity:
            strongest[choice.emotion] = max(strongest.get(choice.emotion, 0.0), choice.intensity)
    if not strongest:
        return None
    listed = ", ".join(f"{name} {value:.2f}" for name, value in sorted(strongest.items()))
    values: dict[str, RuleValue] = dict(sorted(strongest.items()))
    return RuleFiring(
        rule="selected_negative_emotion",
        detail=f"customer selected {listed} (>= {rule.min_intensity:.2f})",
        values=values,
    )


@lru_cache(maxsize=16)
def _help_matcher(phrases: tuple[str, ...]) -> PhraseMatcher:
    return PhraseMatcher(phrases)


def _asks_for_help(text: str | None, phrases: tuple[str, ...]) -> str | None:
    found = next(_help_matcher(phrases).find_all(text or ""), None)
    return found.phrase if found is not None else None


def _check_no_human_reached(facts: _Facts, rules: ExperienceRules) -> RuleFiring | None:
    rule = rules.no_human_reached
    if not rule.enabled or facts.signals.reached_human is not False:
        return None
    values: dict[str, RuleValue] = {"reached_human": False}
    if facts.channel in rule.help_channels:
        values["channel"] = facts.channel
        why = f"an assisted {facts.channel} contact"
    elif (cue := _asks_for_help(facts.text, rule.help_phrases)) is not None:
        values["cue"] = cue
        why = f"the customer asked for help ('{cue}')"
    else:
        return None
    return RuleFiring(rule="no_human_reached", detail=f"no human was reached on {why}", values=values)


def _check_long_hold(facts: _Facts, rules: ExperienceRules) -> RuleFiring | None:
    rule = rules.long_hold
    hold = facts.signals.hold_seconds
    if not rule.enabled or hold is None or hold < rule.min_hold_seconds:
        return None
    return RuleFiring(
        rule="long_hold",
        detail=f"on hold {hold:g} s >= {rule.min_hold_seconds:g} s",
        values={"hold_seconds": hold, "threshold": rule.min_hold_seconds},
    )


def _check_long_wait(facts: _Facts, rules: ExperienceRules) -> RuleFiring | None:
    rule = rules.long_wait
    wait = facts.signals.wait_seconds
    if not rule.enabled or wait is None or wait < rule.min_wait_seconds:
        return None
    return RuleFiring(
        rule="long_wait",
        detail=f"waited {wait:g} s >= {rule.min_wait_seconds:g} s",
        values={"wait_seconds": wait, "threshold": rule.min_wait_seconds},
    )


def _check_many_transfers(facts: _Facts, rules: ExperienceRules) -> RuleFiring | None:
    rule = rules.many_transfers
    transfers = facts.signals.transfers
    if not rule.enabled or transfers is None or transfers < rule.min_transfers:
        return None
    return RuleFiring(
        rule="many_transfers",
        detail=f"transferred {transfers} times >= {rule.min_transfers}",
        values={"transfers": transfers, "threshold": rule.min_transfers},
    )


def _text_is_negative(facts: _Facts, max_valence: float) -> bool:
    if facts.text_negative is not None:
        return facts.text_negative
    emotion = facts.emotion
    if emotion is None or not emotion.language_supported:
        return False
    return emotion.valence <= max_valence or emotion.dominant in NEGATIVE_EMOTIONS


def _check_scripted_reply_negative(facts: _Facts, rules: ExperienceRules) -> RuleFiring | None:
    rule = rules.scripted_reply_negative
    if not rule.enabled or facts.signals.scripted_reply is not True:
        return None
    if not _text_is_negative(facts, rule.max_valence):
        return None
    values: dict[str, RuleValue] = {"scripted_reply": True}
    if facts.emotion is not None:
        values["valence"] = round(facts.emotion.valence, 4)
        if facts.emotion.dominant is not None:
            values["dominant"] = facts.emotion.dominant
    return RuleFiring(
        rule="scripted_reply_negative",
        detail="a scripted reply was given to a customer whose text is negative",
        values=values,
    )


def _check_unresolved_repeat_contact(facts: _Facts, rules: ExperienceRules) -> RuleFiring | None:
    rule = rules.unresolved_repeat_contact
    signals = facts.signals
    if not rule.enabled or signals.repeat_contact is not True or signals.resolved is not False:
        return None
    return RuleFiring(
        rule="unresolved_repeat_contact",
        detail="the customer contacted again and the problem is still unresolved",
        values={"repeat_contact": True, "resolved": False},
    )


def _check_voice_distress(facts: _Facts, rules: ExperienceRules) -> RuleFiring | None:
    rule = rules.voice_distress
    voice = facts.voice
    if not rule.enabled or voice is None or voice.valence is None or voice.arousal is None:
        return None
    if voice.valence > rule.max_voice_valence or voice.arousal < rule.min_voice_arousal:
        return None
    return RuleFiring(
        rule="voice_distress",
        detail=(
            f"voice sounds distressed: valence {voice.valence:.2f} <= {rule.max_voice_valence:.2f} and "
            f"arousal {voice.arousal:.2f} >= {rule.min_voice_arousal:.2f}"
        ),
        values={"voice_valence": voice.valence, "voice_arousal": voice.arousal},
    )


_CHECKS: Final[tuple[Callable[[_Facts, ExperienceRules], RuleFiring | None], ...]] = (
    _check_text_strongly_negative,
    _check_low_rating,
    _check_selected_negative_emotion,
    _check_no_human_reached,
    _check_long_hold,
    _check_long_wait,
    _check_many_transfers,
    _check_scripted_reply_negative,
    _check_unresolved_repeat_contact,
    _check_voice_distress,
)
