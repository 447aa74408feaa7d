"""The compiled cue matcher: longest cue wins, boundaries for English, substrings for Chinese."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.journeys.matcher import StageMatcher, normalize_cue
from pipeline.domain.journeys.model import Journey, Stage

JOURNEY = Journey(
    name="sample",
    stages=(
        Stage(name="order", keywords={"en": ("order", "my order", "place an order"), "zh": ("订单", "訂單")}),
        Stage(name="status", keywords={"en": ("order status", "can't track"), "zh": ("订单状态",)}),
        Stage(name="checkin", keywords={"en": ("check in", "check-in desk")}),
    ),
)
MATCHER = StageMatcher(JOURNEY)


@pytest.mark.parametrize(
    ("text", "stage", "cue"),
    [
        ("I placed my order yesterday", "order", "my order"),
        ("What is my order status?", "status", "order status"),  # overlapping: the longer cue wins
        ("ORDER STATUS please", "status", "order status"),
        ("order   status", "status", "order status"),
        ("I can't track it", "status", "can't track"),
        ("I can’t track it", "status", "can't track"),
        ("the check-in desk was closed", "checkin", "check-in desk"),
        ("check in", "checkin", "check in"),
        ("CHECK-IN", "checkin", "check in"),
        ("订单状态一直没更新", "status", "订单状态"),
        ("我的訂單呢", "order", "訂單"),
        ("我的order呢", "order", "order"),
    ],
)
def test_best_match(text: str, stage: str, cue: str) -> None:
    match = MATCHER.best_match(text)
    assert match is not None
    assert (JOURNEY.stages[match.stage_index].name, match.cue) == (stage, cue)


@pytest.mark.parametrize("text", ["disorder", "orders", "reorder", "checking inside", "border status", ""])
def test_english_cues_respect_word_boundaries(text: str) -> None:
    assert MATCHER.best_match(text) is None


def test_match_offsets_point_into_the_text() -> None:
    text = "Hi, MY ORDER is late"
    (first, *rest) = MATCHER.matches(text)
    assert text[first.start : first.end] == "MY ORDER"
    assert [match.cue for match in rest] == ["order"]


def test_journey_without_keywords_matches_nothing() -> None:
    matcher = StageMatcher(Journey(name="bare", stages=(Stage(name="only", channels=frozenset({"web"})),)))
    assert matcher.best_match("anything at all") is None
    assert matcher.channel_stage("web") == 0
    assert matcher.channel_stage("phone") is None


@given(st.text(max_size=200))
def test_every_match_is_a_configured_cue_found_at_its_offsets(text: str) -> None:
    for match in MATCHER.matches(text):
        assert normalize_cue(text[match.start : match.end]) == normalize_cue(match.cue)


@given(prefix=st.text(alphabet="xyz 。，", max_size=20), suffix=st.text(alphabet="xyz 。，", max_size=20))
def test_a_cue_is_found_wherever_it_stands(prefix: str, suffix: str) -> None:
    match = MATCHER.best_match(f"{prefix} order status {suffix}")
    assert match is not None
    assert match.cue == "order status"
