"""Stage, experience and pace are functions of the event alone: no order, interleaving or history matters.

The stream processes events of many customers interleaved, replays them and redelivers them; if any of
these labels depended on what was processed before, replay and streaming would disagree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.event import Rating, SelectedEmotion, Signals, Voice
from pipeline.domain.experience import judge_experience
from pipeline.domain.journeys import JourneyCatalog, load_journeys
from pipeline.domain.labels import (
    EmotionResult,
    EmotionScores,
    EngineInfo,
    ExperienceResult,
    PaceResult,
    StageResult,
)
from pipeline.domain.pace import assess_pace
from pipeline.domain.plutchik import PRIMARY_EMOTIONS, dyads_of

SHARED_CATALOG = load_journeys()

TEXTS = [
    "My flight was delayed and nobody at the gate helped, I need a refund right now",
    "航班延误了三个小时，马上给我退款",
    "酒店房間很髒，請立刻處理",
    "Where is my order? Tracking shows nothing",
    "我的快递还没到，急死了",
    "Thanks, the new plan works great",
    "没信号，打不通电话，今天之内必须解决",
    "Someone used my card without permission!!",
    "I want to speak to a real person",
    "不急，慢慢来",
    "",
]


@dataclass(frozen=True)
class Event:
    journey: str
    stage: str | None
    text: str | None
    channel: str
    language: str
    emotion: EmotionResult | None
    rating: Rating | None
    selected: tuple[SelectedEmotion, ...]
    signals: Signals | None
    voice: Voice | None


def emotion_results() -> st.SearchStrategy[EmotionResult]:
    unit = st.floats(min_value=0, max_value=1)

    def build(scores: list[float], valence: float, arousal: float, language: str) -> EmotionResult:
        named = dict(zip(PRIMARY_EMOTIONS, scores, strict=True))
        present = [name for name in PRIMARY_EMOTIONS if named[name] >= 0.3]
        dominant = max(present, key=lambda name: named[name]) if present else None
        return EmotionResult(
            language=language, language_supported=True, scores=EmotionScores(**named), present=present,
            dominant=dominant, dyads=dyads_of(set(present)), valence=valence, arousal=arousal, evidence=[],
            engine=EngineInfo(name="test", version="0"),
        )

    return st.builds(
        build, st.lists(unit, min_size=8, max_size=8), st.floats(min_value=-1, max_value=1), unit,
        st.sampled_from(["en", "zh-Hans", "zh-Hant"]),
    )


events = st.builds(
    Event,
    journey=st.sampled_from([*SHARED_CATALOG.journey_names, "cruise"]),
    stage=st.none() | st.sampled_from(["check_in", "delivery", "billing", "nowhere", "Check-In"]),
    text=st.none() | st.sampled_from(TEXTS) | st.text(max_size=80),
    channel=st.sampled_from(["phone", "chat", "email", "web", "app", "survey", "ivr", "store"]),
    language=st.sampled_from(["en", "zh-Hans"]),
    emotion=st.none() | emotion_results(),
    rating=st.none() | st.builds(Rating, scale=st.just("nps10"), value=st.integers(0, 10).map(float)),
    selected=st.lists(
        st.builds(SelectedEmotion, emotion=st.sampled_from(PRIMARY_EMOTIONS), intensity=st.floats(0, 1)),
        max_size=2,
    ).map(tuple),
    signals=st.none() | st.builds(
        Signals,
        hold_seconds=st.none() | st.floats(0, 2000),
        transfers=st.none() | st.integers(0, 5),
        reached_human=st.none() | st.booleans(),
        resolved=st.none() | st.booleans(),
        repeat_contact=st.none() | st.booleans(),
        scripted_reply=st.none() | st.booleans(),
    ),
    voice=st.none() | st.builds(Voice, valence=st.floats(0, 1), arousal=st.floats(0, 1)),
)

Labels = tuple[StageResult, ExperienceResult, PaceResult]


def enrich(event: Event, catalog: JourneyCatalog) -> Labels:
    stage = catalog.infer_stage(event.journey, event.stage, event.text, event.channel)
    experience = judge_experience(
        event.emotion, rating=event.rating, selected=event.selected, signals=event.signals,
        voice=event.voice, channel=event.channel, text=event.text,
    )
    return stage, experience, assess_pace(event.text, event.emotion)


@settings(max_examples=50, deadline=None)
@given(batch=st.lists(events, min_size=1, max_size=12), order=st.randoms(use_true_random=False))
def test_labels_do_not_depend_on_other_events(batch: list[Event], order: random.Random) -> None:
    # Each event alone, through a catalog of its own that has seen nothing else.
    alone = [enrich(event, JourneyCatalog(list(SHARED_CATALOG.journeys.values()))) for event in batch]
    # The same events interleaved in another order, each delivered twice, through one shared catalog.
    positions = [*range(len(batch)), *range(len(batch))]
    order.shuffle(positions)
    together: dict[int, list[Labels]] = {}
    for position in positions:
        together.setdefault(position, []).append(enrich(batch[position], SHARED_CATALOG))
    for position, labels in together.items():
        assert labels == [alone[position], alone[position]]
