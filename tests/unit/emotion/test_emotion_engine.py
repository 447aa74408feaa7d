from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.emotion.calibration import Calibration
from pipeline.domain.emotion.engine import EmotionEngine, EmotionRequest, load_engine
from pipeline.domain.emotion.lexicon_engine import LexiconEngine
from pipeline.domain.errors import ConfigurationError
from pipeline.domain.event import SelectedEmotion, Voice
from pipeline.domain.experience import judge_experience
from pipeline.domain.labels import EmotionResult
from pipeline.domain.plutchik import NEGATIVE_EMOTIONS, PRIMARY_EMOTIONS


@pytest.fixture(scope="module")
def engine() -> EmotionEngine:
    return load_engine()


def _negative_strength(result: EmotionResult) -> float:
    return max(result.scores.get(emotion) for emotion in NEGATIVE_EMOTIONS)


def test_engine_names_itself_and_versions_its_data(engine: EmotionEngine) -> None:
    assert engine.info.name == "plutchik-linear"
    assert engine.info.version.startswith("1.12.0+data.")
    assert isinstance(engine, EmotionEngine)


@pytest.mark.parametrize(
    ("name", "options"),
    [("no-such-engine", {}), ("lexicon", {"colour": "blue"})],
)
def test_unknown_engine_or_option_is_a_configuration_error(name: str, options: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError) as raised:
        load_engine(name, options)
    assert raised.value.setting == "emotion.engine"


@pytest.mark.parametrize(
    ("text", "emotion"),
    [
        ("I've been on hold for an hour and transferred three times.", "anger"),
        ("Still waiting for my refund, nobody answers the phone", "anger"),
        ("Thank you so much, the problem is resolved", "joy"),
        ("I'm worried my account was hacked", "fear"),
        ("This is disgusting, a total rip-off", "disgust"),
        ("I miss her so much, I'm heartbroken", "sadness"),
        ("Wow, I did not expect that at all!", "surprise"),
        ("Can't wait for the new version next week", "anticipation"),
        ("😡😡", "anger"),
        ("great work :)", "joy"),
    ],
)
def test_clear_english_texts_get_their_emotion(engine: EmotionEngine, text: str, emotion: str) -> None:
    result = engine.analyze(text, "en")
    assert emotion in result.present, (result.present, result.scores)


def test_customer_service_complaint_is_a_bad_experience(engine: EmotionEngine) -> None:
    text = "On hold for an hour, transferred three times, and nobody answers. Unacceptable!"
    result = engine.analyze(text)
    assert result.dominant == "anger"
    assert result.valence < -0.5
    assert judge_experience(result, text=text).experience == "bad"
    assert {cue.kind for cue in result.evidence} >= {"idiom", "punctuation"}


def test_negation_turns_a_positive_word_negative(engine: EmotionEngine) -> None:
    happy = engine.analyze("I am happy with the service", "en")
    not_happy = engine.analyze("I am not happy with the service", "en")
    assert happy.valence > 0.3
    assert not_happy.valence < 0.0
    assert "joy" not in not_happy.present
    assert any(cue.kind == "negation" for cue in not_happy.evidence)


def test_intensifiers_capitals_and_diminishers_change_strength(engine: EmotionEngine) -> None:
    plain = engine.analyze("I am angry", "en").scores.anger
    stronger = engine.analyze("I am extremely angry", "en").scores.anger
    shouted = engine.analyze("I am ANGRY", "en").scores.anger
    weaker = engine.analyze("I am slightly angry", "en").scores.anger
    assert weaker < plain < stronger
    assert plain < shouted


def test_contrast_weighs_the_clause_after_but(engine: EmotionEngine) -> None:
    late_bad = engine.analyze("The staff were lovely but the product is terrible", "en")
    late_good = engine.analyze("The product is terrible but the staff were lovely", "en")
    assert late_bad.valence < late_good.valence


def test_sarcasm_marker_removes_joy(engine: EmotionEngine) -> None:
    result = engine.analyze("Oh great, another delay. Thanks for nothing", "en")
    assert "joy" not in result.present
    assert any(cue.kind == "sarcasm" for cue in result.evidence)
    assert result.valence < 0.0


def test_unsupported_language_is_marked_not_guessed(engine: EmotionEngine) -> None:
    result = engine.analyze("Je suis très déçu, c'est inacceptable et vous ne répondez pas")
    assert result.language == "fr"
    assert not result.language_supported
    assert result.present == []
    assert all(result.scores.get(emotion) == 0.0 for emotion in PRIMARY_EMOTIONS)
    assert any(cue.note == "unsupported language" for cue in result.evidence)


def test_explicit_tag_outside_the_supported_set_is_unsupported(engine: EmotionEngine) -> None:
    result = engine.analyze("hello, thanks a lot", "de-DE")
    assert (result.language, result.language_supported) == ("de", False)


def test_chinese_text_goes_to_the_chinese_scorer(engine: EmotionEngine) -> None:
    simplified = engine.analyze("等了一个小时还没有人接电话，太气人了！")
    traditional = engine.analyze("等了一個小時還沒有人接電話，太氣人了！")
    assert simplified.language == "zh-Hans"
    assert traditional.language == "zh-Hant"
    assert "anger" in simplified.present
    assert "anger" in traditional.present


def test_selected_emotions_alone_give_a_result(engine: EmotionEngine) -> None:
    result = engine.analyze(None, selected=[SelectedEmotion(emotion="anger", intensity=0.9)])
    assert result.present == ["anger"]
    assert result.dominant == "anger"
    assert result.dominant_band == "rage"
    assert result.valence < 0.0
    assert [cue.kind for cue in result.evidence] == ["selected"]


def test_selected_emotion_raises_a_text_score(engine: EmotionEngine) -> None:
    text_only = engine.analyze("the parcel arrived today", "en")
    fused = engine.analyze(
        "the parcel arrived today", "en", selected=[SelectedEmotion(emotion="joy", intensity=0.8)]
    )
    assert fused.scores.joy >= 0.8 > text_only.scores.joy
    assert "joy" in fused.present


def test_voice_hints_fuse_with_a_cue(engine: EmotionEngine) -> None:
    result = engine.analyze(None, voice=Voice(valence=0.05, arousal=0.9))
    assert "anger" in result.present
    assert result.arousal == pytest.approx(0.9)
    assert result.valence < -0.5
    assert any(cue.kind == "voice" for cue in result.evidence)


def test_nothing_at_all_is_neutral(engine: EmotionEngine) -> None:
    result = engine.analyze("   ")
    assert (result.present, result.dominant, result.valence, result.arousal) == ([], None, 0.0, 0.0)
    assert result.language_supported


def test_dyads_follow_present_emotions(engine: EmotionEngine) -> None:
    result = engine.analyze("Thank you so much, I love it, you are the best ❤️", "en")
    assert {"joy", "trust"} <= set(result.present)
    assert "love" in result.dyads


def test_calibration_file_overrides_thresholds(tmp_path: Path) -> None:
    overrides = tmp_path / "calibration.json"
    overrides.write_text(json.dumps({"en": {"thresholds": {"joy": 1.0}}}))
    strict = load_engine("lexicon", {"calibration_file": str(overrides)})
    assert "joy" not in strict.analyze("I am so happy, this is wonderful!", "en").present


def test_bad_calibration_override_names_the_setting() -> None:
    with pytest.raises(ConfigurationError) as raised:
        Calibration.with_overrides({"en": {"thresholds": {"joy": 3.0}}})
    assert raised.value.setting.startswith("emotion.calibration")
    with pytest.raises(ConfigurationError):
        Calibration.with_overrides({"en": {"colour": 1}})


def test_chinese_intensity_scale_moves_the_band() -> None:
    calm = LexiconEngine(Calibration.with_overrides({"zh-Hans": {"intensity_scale": 1.0}}))
    scaled = LexiconEngine(Calibration.with_overrides({"zh-Hans": {"intensity_scale": 2.0}}))
    text = "有点失望"
    low, high = calm.analyze(text, "zh-CN"), scaled.analyze(text, "zh-CN")
    assert low.dominant == high.dominant
    if low.dominant_intensity is not None and high.dominant_intensity is not None:
        assert high.dominant_intensity >= low.dominant_intensity


def test_relative_presence_drops_weak_neighbours_of_a_clear_feeling() -> None:
    """A text with one clear feeling also crosses a weak neighbour's low threshold; English keeps only the
    emotions at 0.4 of the strongest one's excess. The scores, the dominant emotion and the valence stay."""
    every = LexiconEngine(Calibration.with_overrides({"en": {"relative_presence": 0.0}}))
    shipped = LexiconEngine()
    text = "I'm so grateful for your help yesterday, but the app still crashes."
    loose, kept = every.analyze(text, "en"), shipped.analyze(text, "en")
    assert loose.present == ["sadness", "anger"]
    assert kept.present == ["anger"]
    assert (kept.dominant, kept.scores, kept.valence) == (loose.dominant, loose.scores, loose.valence)


# Words of every feeling, so that drawn texts carry several emotions past their thresholds (random text
# carries none: the property would hold by default).
_FEELING_WORDS = [
    "thanks", "great", "love", "happy", "furious", "angry", "scared", "worried", "sad", "crying",
    "disgusting", "gross", "surprised", "wow", "hope", "waiting", "refund", "broken", "late", "never",
    "again", "not", "but", "really", "!", "?", "😡", "😢", "🙏",
]


@given(
    st.floats(min_value=0.0, max_value=0.99),
    st.lists(st.sampled_from(_FEELING_WORDS), min_size=1, max_size=12).map(" ".join),
)
@settings(max_examples=60, deadline=None)
def test_relative_presence_keeps_the_dominant_emotion_and_a_subset(share: float, text: str) -> None:
    every = LexiconEngine(Calibration.with_overrides({"en": {"relative_presence": 0.0}}))
    pruned = LexiconEngine(Calibration.with_overrides({"en": {"relative_presence": share}}))
    loose, kept = every.analyze(text, "en"), pruned.analyze(text, "en")
    assert kept.dominant == loose.dominant
    assert set(kept.present) <= set(loose.present)
    assert (kept.dominant is None) == (not kept.present)
    if kept.dominant is not None:
        assert kept.dominant in kept.present


def test_relative_presence_must_be_a_share() -> None:
    with pytest.raises(ConfigurationError) as raised:
        Calibration.with_overrides({"en": {"relative_presence": 1.5}})
    assert raised.value.setting == "emotion.calibration"


def test_analyze_many_matches_analyze(engine: EmotionEngine) -> None:
    requests = [
        EmotionRequest("I am furious", "en"),
        EmotionRequest("非常满意", None),
        EmotionRequest(None, selected=(SelectedEmotion(emotion="fear", intensity=0.7),)),
    ]
    assert engine.analyze_many(requests) == [
        engine.analyze(r.text, r.language, selected=r.selected, voice=r.voice) for r in requests
    ]


def test_result_validates_as_the_shared_model(engine: EmotionEngine) -> None:
    result = engine.analyze("WHY is nobody answering??? I want a refund 😡", "en")
    assert EmotionResult.model_validate(result.model_dump()) == result


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_bounded_scores_and_true_offsets(text: str) -> None:
    result = load_engine().analyze(text)
    assert all(0.0 <= result.scores.get(emotion) <= 1.0 for emotion in PRIMARY_EMOTIONS)
    assert -1.0 <= result.valence <= 1.0
    assert 0.0 <= result.arousal <= 1.0
    assert set(result.present) <= set(PRIMARY_EMOTIONS)
    assert result.dominant is None or result.dominant in result.present
    for cue in result.evidence:
        if cue.start is not None and cue.end is not None:
            assert text[cue.start : cue.end] == cue.text


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["angry", "upset", "sad", "scared", "disappointed"]))
def test_negative_words_read_negative(word: str) -> None:
    result = load_engine().analyze(f"I am {word}", "en")
    assert result.valence < 0.0
    assert _negative_strength(result) > max(result.scores.joy, result.scores.trust)
