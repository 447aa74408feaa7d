"""Negators that intensify: "never been so angry", "couldn't be more disappointed", "can't believe how rude",
"nothing but problems", "not only late". Read as negation they flipped the emotion after them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.emotion.engine import EmotionEngine, load_engine
from pipeline.domain.emotion.english_tokens import without_false_negation
from pipeline.domain.experience import judge_experience
from pipeline.domain.plutchik import NEGATIVE_EMOTIONS


@pytest.fixture(scope="module")
def engine() -> EmotionEngine:
    return load_engine()


def experience(engine: EmotionEngine, text: str) -> str:
    return judge_experience(engine.analyze(text, "en")).experience


@pytest.mark.parametrize(
    "text",
    [
        "I have never been so frustrated in my life.",
        "Never been this angry at a company.",
        "I could not be more disappointed with this order.",
        "I couldn't be any more annoyed.",
        "I can't believe how rude your agent was.",
        "I cannot believe what you charged me.",
        "Nothing but problems since I signed up.",
        "I have had nothing but trouble with this phone.",
        "Not only was it late, it arrived broken.",
        "The agent was not helpful at all.",
        "Your staff were not very professional.",
        "I will never order from you again.",
        "Thanks for nothing.",
    ],
)
def test_intensifying_negators_read_as_complaints(engine: EmotionEngine, text: str) -> None:
    result = engine.analyze(text, "en")
    assert result.dominant in NEGATIVE_EMOTIONS, result
    assert not {"joy", "trust"} & set(result.present)
    assert experience(engine, text) == "bad"


@pytest.mark.parametrize(
    "text",
    [
        "I couldn't be more pleased with the service.",
        "I have never been this happy with a delivery.",
        "Nothing but praise for the support team, thank you!",
    ],
)
def test_intensifying_negators_also_strengthen_praise(engine: EmotionEngine, text: str) -> None:
    result = engine.analyze(text, "en")
    assert result.dominant in ("joy", "trust"), result
    assert experience(engine, text) == "good"


@pytest.mark.parametrize(
    ("text", "not_experience"),
    [
        ("I am not happy with the service.", "good"),
        ("It is not that bad.", "bad"),
        ("I never had a problem with them before.", "bad"),
        ("Not bad at all, pretty good actually.", "bad"),
    ],
)
def test_plain_negation_still_negates(engine: EmotionEngine, text: str, not_experience: str) -> None:
    assert experience(engine, text) != not_experience


PIECES = [*"abcdefghilmnorstuvy '", "never", "not", "couldn't", "could", "be", "more", "any", "believe"]
PIECES += ["how", "nothing", "but", "so", "been", "only", "can't", "this", "ever"]


@given(st.lists(st.sampled_from(PIECES), max_size=20).map(" ".join))
def test_rewriting_keeps_every_offset(text: str) -> None:
    assert len(without_false_negation(text)) == len(text)
