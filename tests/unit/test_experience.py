"""Experience rules (SPEC 5.3): each rule fires on its own facts, in both languages, and can be tuned."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from pipeline.domain.event import Rating, SelectedEmotion, Signals, Voice
from pipeline.domain.experience import (
    DEFAULT_EXPERIENCE_RULES,
    RULE_NAMES,
    ExperienceRules,
    LanguageThresholds,
    TextStronglyNegativeRule,
    judge_experience,
)
from pipeline.domain.labels import EmotionResult, EmotionScores, EngineInfo
from pipeline.domain.plutchik import PRIMARY_EMOTIONS, Emotion


def emo(
    *,
    language: str | None = "en",
    valence: float = 0.0,
    supported: bool = True,
    arousal: float = 0.3,
    **scores: float,
) -> EmotionResult:
    present: list[Emotion] = [name for name in PRIMARY_EMOTIONS if scores.get(name, 0.0) >= 0.3]
    dominant = max(present, key=lambda name: scores[name]) if present else None
    return EmotionResult(
        language=language,
        language_supported=supported,
        scores=EmotionScores(**scores),
        present=present,
        dominant=dominant,
        dyads=[],
        valence=valence,
        arousal=arousal,
        evidence=[],
        engine=EngineInfo(name="test", version="0"),
    )


def fired(**kwargs: Any) -> list[str]:
    emotion = kwargs.pop("emotion", None)
    return [firing.rule for firing in judge_experience(emotion, **kwargs).reasons]


FIRING_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("angry english text", {"emotion": emo(valence=-0.7, anger=0.8)}, ["text_strongly_negative"]),
    ("mildly negative english text", {"emotion": emo(valence=-0.25, anger=0.5)}, []),
    ("clearly negative english text", {"emotion": emo(valence=-0.3, anger=0.5)}, ["text_strongly_negative"]),
    # Chinese restraint: the same mild numbers pass the lower zh thresholds.
    ("mildly negative chinese text", {"emotion": emo(language="zh-Hans", valence=-0.25, anger=0.5)},
     ["text_strongly_negative"]),
    ("traditional chinese uses zh thresholds",
     {"emotion": emo(language="zh-Hant", valence=-0.36, sadness=0.46)}, ["text_strongly_negative"]),
    ("negative valence without a negative emotion", {"emotion": emo(valence=-0.8, surprise=0.9)}, []),
    ("unsupported language never judged on text",
     {"emotion": emo(language="fr", supported=False, valence=-0.9, anger=0.9)}, []),
    ("csat 2", {"rating": Rating(scale="csat5", value=2)}, ["low_rating"]),
    ("csat 3", {"rating": Rating(scale="csat5", value=3)}, []),
    ("stars 1.5", {"rating": Rating(scale="stars5", value=1.5)}, ["low_rating"]),
    ("nps 4", {"rating": Rating(scale="nps10", value=4)}, ["low_rating"]),
    ("nps 5", {"rating": Rating(scale="nps10", value=5)}, []),
    ("selected anger", {"selected": [SelectedEmotion(emotion="anger", intensity=0.5)]},
     ["selected_negative_emotion"]),
    ("selected weak fear", {"selected": [SelectedEmotion(emotion="fear", intensity=0.49)]}, []),
    ("selected joy", {"selected": [SelectedEmotion(emotion="joy", intensity=1.0)]}, []),
    ("phone without a human", {"signals": Signals(reached_human=False), "channel": "phone"},
     ["no_human_reached"]),
    ("web without a human and no request", {"signals": Signals(reached_human=False), "channel": "web"}, []),
    ("web asking for a person", {"signals": Signals(reached_human=False), "channel": "web",
                                 "text": "I need to speak to a real person"}, ["no_human_reached"]),
    ("app asking 转人工", {"signals": Signals(reached_human=False), "channel": "app", "text": "怎么转人工？"},
     ["no_human_reached"]),
    ("thanks for the help is no request", {"signals": Signals(reached_human=False), "channel": "web",
                                           "text": "Thanks for your help"}, []),
    ("phone with a human", {"signals": Signals(reached_human=True), "channel": "phone"}, []),
    ("hold 600", {"signals": Signals(hold_seconds=600)}, ["long_hold"]),
    ("hold 599", {"signals": Signals(hold_seconds=599)}, []),
    ("wait 900", {"signals": Signals(wait_seconds=900)}, ["long_wait"]),
    ("wait 899", {"signals": Signals(wait_seconds=899)}, []),
    ("three transfers", {"signals": Signals(transfers=3)}, ["many_transfers"]),
    ("two transfers", {"signals": Signals(transfers=2)}, []),
    ("scripted reply to negative text",
     {"signals": Signals(scripted_reply=True), "emotion": emo(valence=-0.2, sadness=0.35)},
     ["scripted_reply_negative"]),
    ("scripted reply to neutral text", {"signals": Signals(scripted_reply=True), "emotion": emo()}, []),
    ("scripted reply with caller-judged negative text",
     {"signals": Signals(scripted_reply=True), "text_negative": True}, ["scripted_reply_negative"]),
    ("unresolved repeat", {"signals": Signals(repeat_contact=True, resolved=False)},
     ["unresolved_repeat_contact"]),
    ("resolved repeat", {"signals": Signals(repeat_contact=True, resolved=True)}, []),
    ("repeat, resolution unknown", {"signals": Signals(repeat_contact=True)}, []),
    ("distressed voice", {"voice": Voice(valence=0.1, arousal=0.8)}, ["voice_distress"]),
    ("calm low voice", {"voice": Voice(valence=0.1, arousal=0.5)}, []),
    ("everything at once",
     {"emotion": emo(language="zh", valence=-0.8, anger=0.9),
      "rating": Rating(scale="nps10", value=0),
      "selected": [SelectedEmotion(emotion="disgust", intensity=0.9)],
      "signals": Signals(reached_human=False, hold_seconds=700, wait_seconds=1000, transfers=4,
                         scripted_reply=True, repeat_contact=True, resolved=False),
      "voice": Voice(valence=0.0, arousal=1.0), "channel": "chat"},
     list(RULE_NAMES)),
]


@pytest.mark.parametrize(("facts", "expected"), [case[1:] for case in FIRING_CASES],
                         ids=[case[0] for case in FIRING_CASES])
def test_rules_fire_on_their_facts(facts: dict[str, Any], expected: list[str]) -> None:
    assert fired(**dict(facts)) == expected


VERDICT_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("nothing known", {}, "neutral"),
    ("clearly positive english", {"emotion": emo(valence=0.6, joy=0.7)}, "good"),
    ("clearly positive chinese", {"emotion": emo(language="zh-Hans", valence=0.5, joy=0.6)}, "good"),
    ("slightly positive", {"emotion": emo(valence=0.2, joy=0.3)}, "neutral"),
    ("high csat", {"rating": Rating(scale="csat5", value=4)}, "good"),
    ("nps 9", {"rating": Rating(scale="nps10", value=9)}, "good"),
    ("nps 8", {"rating": Rating(scale="nps10", value=8)}, "neutral"),
    ("positive text but long hold", {"emotion": emo(valence=0.7, joy=0.8),
                                     "signals": Signals(hold_seconds=1200)}, "bad"),
    ("high rating but three transfers", {"rating": Rating(scale="stars5", value=5),
                                         "signals": Signals(transfers=3)}, "bad"),
]


@pytest.mark.parametrize(("facts", "expected"), [case[1:] for case in VERDICT_CASES],
                         ids=[case[0] for case in VERDICT_CASES])
def test_verdict(facts: dict[str, Any], expected: str) -> None:
    others = dict(facts)
    emotion = others.pop("emotion", None)
    assert judge_experience(emotion, **others).experience == expected


def test_firing_carries_readable_detail_and_values() -> None:
    result = judge_experience(None, signals=Signals(hold_seconds=720))
    (firing,) = result.reasons
    assert firing.detail == "on hold 720 s >= 600 s"
    assert firing.values == {"hold_seconds": 720.0, "threshold": 600.0}


def test_disabled_rule_does_not_fire() -> None:
    rules = ExperienceRules.model_validate({"long_hold": {"enabled": False}})
    result = judge_experience(None, signals=Signals(hold_seconds=3600), rules=rules)
    assert result.experience == "neutral"
    assert result.reasons == []


def test_thresholds_are_configurable() -> None:
    rules = ExperienceRules.model_validate(
        {"many_transfers": {"min_transfers": 2}, "low_rating": {"max_bad_value": {"nps10": 6}}}
    )
    result = judge_experience(
        None, signals=Signals(transfers=2), rating=Rating(scale="nps10", value=6), rules=rules
    )
    assert [firing.rule for firing in result.reasons] == ["low_rating", "many_transfers"]


def test_per_language_thresholds_are_configurable() -> None:
    strict_zh = TextStronglyNegativeRule(
        by_language={
            "en": LanguageThresholds(max_valence=-0.45, min_negative_intensity=0.55),
            "zh": LanguageThresholds(max_valence=-0.9, min_negative_intensity=0.95),
            "zh-hant": LanguageThresholds(max_valence=-0.2, min_negative_intensity=0.2),
        }
    )
    rules = ExperienceRules(text_strongly_negative=strict_zh)
    simplified = emo(language="zh-Hans", valence=-0.5, anger=0.6)
    traditional = emo(language="zh-Hant", valence=-0.5, anger=0.6)
    assert judge_experience(simplified, rules=rules).experience == "neutral"
    assert judge_experience(traditional, rules=rules).experience == "bad"


def test_language_missing_from_mapping_uses_fallback() -> None:
    rule = DEFAULT_EXPERIENCE_RULES.text_strongly_negative
    assert rule.thresholds_for("de") == rule.by_language["en"]
    assert rule.thresholds_for(None) == rule.by_language["en"]


def test_unknown_rule_settings_are_refused() -> None:
    with pytest.raises(ValidationError):
        ExperienceRules.model_validate({"long_hodl": {"enabled": False}})
    with pytest.raises(ValidationError):
        ExperienceRules.model_validate({"long_hold": {"min_seconds": 10}})


def test_every_rule_has_a_setting_and_is_listed() -> None:
    assert set(RULE_NAMES) == set(ExperienceRules.model_fields) - {"good"}


@given(
    hold=st.none() | st.floats(min_value=0, max_value=10_000),
    wait=st.none() | st.floats(min_value=0, max_value=10_000),
    transfers=st.none() | st.integers(min_value=0, max_value=10),
    valence=st.floats(min_value=-1, max_value=1),
)
def test_bad_exactly_when_a_rule_fires(
    hold: float | None, wait: float | None, transfers: int | None, valence: float
) -> None:
    result = judge_experience(
        emo(valence=valence, anger=max(0.0, -valence)),
        signals=Signals(hold_seconds=hold, wait_seconds=wait, transfers=transfers),
    )
    assert (result.experience == "bad") == bool(result.reasons)
    assert all(firing.rule in RULE_NAMES for firing in result.reasons)


@pytest.mark.parametrize(
    ("text", "language", "scores", "bad"),
    [
        # A worried question asks for reassurance.
        ("Will my flight still go with the storm coming?", "en", {"fear": 0.7}, False),
        ("有点紧张，术前需要空腹多久？", "zh-Hans", {"fear": 0.3}, False),
        ("术前要空腹多久吗", "zh-Hans", {"fear": 0.3}, False),
        # Worry told, not asked, still counts; so does worry beside a complaint past the bar.
        ("I'm scared someone used my account.", "en", {"fear": 0.9}, True),
        ("Why was I charged twice?", "en", {"fear": 0.7, "anger": 0.6}, True),
        # Anger that asks is a complaint in a question's clothes.
        ("Where is my refund?", "en", {"anger": 0.7}, True),
    ],
)
def test_a_worried_question_reports_no_failure(
    text: str, language: str, scores: dict[str, float], bad: bool
) -> None:
    emotion = emo(language=language, valence=-0.6, **scores)
    assert (fired(emotion=emotion, text=text) == ["text_strongly_negative"]) is bad


def test_a_worried_question_can_count_again() -> None:
    rules = ExperienceRules(text_strongly_negative=TextStronglyNegativeRule(worried_question_is_bad=True))
    emotion = emo(valence=-0.6, fear=0.7)
    text = "Will my flight still go with the storm coming?"
    assert judge_experience(emotion, text=text, rules=rules).experience == "bad"
    assert judge_experience(emotion, text=text).experience != "bad"
