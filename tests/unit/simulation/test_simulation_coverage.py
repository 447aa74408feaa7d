"""A large sample exercises everything the pipeline must handle: every journey and stage, channel, language,
tone, persona, rating scale, selected emotion, voice hint and signal."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from pipeline.domain.event import MAX_TEXT_CHARS
from pipeline.domain.journeys import JourneyCatalog, builtin_journeys
from pipeline.simulation import SimulatedRecord, SimulationConfig, generate
from pipeline.simulation.config import PERSONA_NAMES
from pipeline.simulation.phrasebook import TONES
from pipeline.simulation.story import BAD_KINDS


def _events(sample: list[SimulatedRecord]) -> list[dict[str, object]]:
    return [record.event for record in sample if record.kind == "event" and record.event is not None]


def _digest(config: SimulationConfig) -> str:
    digest = hashlib.sha256()
    for record in generate(config):
        digest.update(record.key or b"-")
        digest.update(record.value)
    return digest.hexdigest()


def test_the_same_config_gives_the_same_bytes() -> None:
    config = SimulationConfig(seed=99, customers=60, malformed_rate=0.05)
    assert _digest(config) == _digest(config.model_copy())
    assert _digest(config) != _digest(config.model_copy(update={"seed": 100}))


def test_every_journey_and_stage_appears(sample: list[SimulatedRecord]) -> None:
    catalog = JourneyCatalog(builtin_journeys())
    wanted = {(journey, stage) for journey in catalog.journey_names for stage in catalog.stage_names(journey)}
    seen = {(record.intent.journey, record.intent.stage) for record in sample if record.kind == "event"}
    assert seen == wanted


def test_stage_is_either_named_or_inferable_from_the_text(sample: list[SimulatedRecord]) -> None:
    catalog = JourneyCatalog(builtin_journeys())
    named = 0
    for record in sample:
        event = record.event
        if record.kind != "event" or event is None:
            continue
        text = event.get("text")
        stage = catalog.infer_stage(
            record.intent.journey,
            event.get("stage"),
            text if isinstance(text, str) else None,
            str(event["channel"]),
        )
        assert stage.stage == record.intent.stage
        named += "stage" in event
    share = named / sum(record.kind == "event" for record in sample)
    assert 0.3 <= share < 0.45  # the configured 30%, plus texts without a cue of their own stage


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("channel", {"phone", "chat", "email", "sms", "social", "survey", "app", "web", "store", "ivr"}),
        ("journey", {"ecommerce", "travel", "telecom", "banking", "default"}),
        ("language", {"en", "en-GB", "en-US", "zh-Hans", "zh-CN", "zh-Hant", "zh-TW", "zh-HK"}),
    ],
)
def test_every_value_of_a_field_appears(
    sample: list[SimulatedRecord], field: str, expected: set[str]
) -> None:
    assert {event[field] for event in _events(sample) if field in event} == expected


def test_intents_cover_languages_tones_personas_and_bad_kinds(sample: list[SimulatedRecord]) -> None:
    intents = [record.intent for record in sample if record.kind == "event"]
    assert {intent.language for intent in intents} == {"en", "zh-Hans", "zh-Hant"}
    assert {intent.tone for intent in intents} == set(TONES)
    assert {intent.persona for intent in intents} == set(PERSONA_NAMES)
    assert {intent.bad_kind for intent in intents} == {*BAD_KINDS, None}


def test_surveys_signals_and_voice_are_all_exercised(sample: list[SimulatedRecord]) -> None:
    events = _events(sample)
    scales = {event["rating"]["scale"] for event in events if "rating" in event}  # type: ignore[index]
    assert scales == {"csat5", "nps10", "stars5"}
    selected = {
        choice["emotion"]
        for event in events
        for choice in event.get("selected_emotions", [])  # type: ignore[attr-defined]
    }
    assert selected >= {"joy", "trust", "anticipation", "surprise", "anger", "disgust", "sadness", "fear"}
    signal_names = {name for event in events for name in event.get("signals", {})}  # type: ignore[attr-defined]
    assert signal_names == {
        "wait_seconds",
        "hold_seconds",
        "transfers",
        "reached_human",
        "resolved",
        "repeat_contact",
        "scripted_reply",
        "handle_seconds",
    }
    voice_names = {name for event in events for name in event.get("voice", {})}  # type: ignore[attr-defined]
    assert voice_names == {"arousal", "valence", "speech_rate", "overtalk"}
    assert any("agent_id" in event for event in events)
    assert any("case_id" in event for event in events)
    assert any("attributes" in event for event in events)
    assert any("text" not in event for event in events)
    assert any(str(event["occurred_at"]).endswith("+08:00") for event in events)


def test_texts_are_short_and_long(sample: list[SimulatedRecord]) -> None:
    lengths: Counter[str] = Counter()
    for record in sample:
        text = record.event.get("text") if record.kind == "event" and record.event is not None else None
        if isinstance(text, str):
            assert 0 < len(text) <= MAX_TEXT_CHARS
            # A Chinese character carries about as much as three or four English letters.
            scale = 1 if record.intent.language == "en" else 3
            size = len(text) * scale
            lengths["short" if size < 80 else "long" if size > 400 else "medium"] += 1
    assert min(lengths["short"], lengths["medium"], lengths["long"]) > 100, lengths


def test_customer_service_idioms_appear_in_both_languages(sample: list[SimulatedRecord]) -> None:
    texts = " ".join(str(event.get("text", "")) for event in _events(sample))
    for idiom in ("on hold for", "transferred", "等了半天", "踢皮球", "轉了", "copy-paste"):
        assert idiom in texts, idiom
