"""Pace (SPEC 5.4): urgency from cues in both languages and from arousal, with the cues listed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.labels import EmotionResult, EmotionScores, EngineInfo
from pipeline.domain.pace import PaceSettings, assess_pace


def aroused(arousal: float) -> EmotionResult:
    return EmotionResult(
        language="en", language_supported=True, scores=EmotionScores(), present=[], dominant=None, dyads=[],
        valence=0.0, arousal=arousal, evidence=[], engine=EngineInfo(name="test", version="0"),
    )


CASES: list[tuple[str | None, float, list[str]]] = [
    (None, 0.0, []),
    ("", 0.0, []),
    ("Thanks, all good.", 0.0, []),
    ("I need this fixed right now!", 0.6, ["right now"]),
    ("Please fix it IMMEDIATELY", 0.6, ["immediately"]),
    ("Call me back today, ASAP", 0.68, ["today", "asap"]),
    ("This is urgent, I need it right away", 0.84, ["urgent", "right away"]),
    ("马上给我处理", 0.6, ["马上"]),
    ("馬上給我處理", 0.6, ["馬上"]),
    ("请立刻退款", 0.6, ["立刻"]),
    ("我很急", 0.35, ["急"]),
    ("赶紧的，急死了", 0.84, ["赶紧", "急死"]),
    ("趕緊處理", 0.6, ["趕緊"]),
    ("请尽快回复", 0.6, ["尽快"]),
    ("今天之内必须解决", 0.35, ["今天之内"]),
    ("今天之內必須解決", 0.35, ["今天之內"]),
    # A delivery (快递) is not a hurry: no lone "快" cue.
    ("我的快递还没到", 0.0, []),
    # Calming cues hide the urgent word inside them and halve what is left.
    ("不急，慢慢来", 0.0, ["不急", "慢慢来"]),
    ("Not urgent, whenever you can", 0.0, ["not urgent", "whenever you can"]),
    ("No rush, but today would be nice", 0.1, ["no rush", "today"]),
    # Word boundaries: "nowhere" and "knowledge" are not "now".
    ("nowhere to be found, no knowledge of it", 0.0, []),
]


@pytest.mark.parametrize(("text", "urgency", "cues"), CASES)
def test_urgency_from_text(text: str | None, urgency: float, cues: list[str]) -> None:
    result = assess_pace(text, None)
    assert result.urgency == pytest.approx(urgency)
    assert result.cues == cues


@pytest.mark.parametrize(
    ("arousal", "urgency"), [(0.0, 0.0), (0.5, 0.0), (0.75, 0.25), (1.0, 0.5)]
)
def test_arousal_adds_above_the_calm_baseline(arousal: float, urgency: float) -> None:
    result = assess_pace(None, aroused(arousal))
    assert result.urgency == pytest.approx(urgency)
    assert result.cues == ([f"arousal={arousal:.2f}"] if urgency else [])


def test_cue_and_arousal_combine() -> None:
    result = assess_pace("fix it right now", aroused(1.0))
    assert result.urgency == pytest.approx(0.8)
    assert result.cues == ["right now", "arousal=1.00"]


def test_cues_are_configurable() -> None:
    settings = PaceSettings(urgency_cues={"pronto": 0.9}, calming_cues=())
    assert assess_pace("do it pronto", None, settings).urgency == pytest.approx(0.9)
    assert assess_pace("right now", None, settings).urgency == 0.0


@given(text=st.text(max_size=300), arousal=st.floats(min_value=0, max_value=1))
def test_urgency_is_a_unit_value(text: str, arousal: float) -> None:
    result = assess_pace(text, aroused(arousal))
    assert 0.0 <= result.urgency <= 1.0


@given(prefix=st.text(max_size=50))
def test_an_urgent_cue_never_lowers_urgency(prefix: str) -> None:
    calm = assess_pace(prefix, None).urgency
    urgent = assess_pace(f"{prefix} 。right now", None).urgency
    assert urgent >= calm
