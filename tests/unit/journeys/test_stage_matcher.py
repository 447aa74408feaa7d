"""The compiled cue matcher: longest cue wins, boundaries for English, substrings for Chinese."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.journeys.matcher import PhraseMatcher, StageMatcher, normalize_cue
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


REFERENCE_PHRASES = [
    "order", "my order", "order status", "or", "can't go", "check in", "in", "订单", "订单状态", "单",
]
LATIN = set("abcdefghijklmnopqrstuvwxyz0123456789")


def reference_matches(phrases: list[str], text: str) -> list[tuple[str, int, int]]:
    """Brute force: at each position, the longest phrase that matches there with its boundaries."""
    folded = text.replace("\u2019", "'").lower()
    found = []
    for start in range(len(folded)):
        best: tuple[str, int, int] | None = None
        for phrase in phrases:
            end = _match_at(normalize_cue(phrase), folded, start)
            if end is not None and (best is None or len(normalize_cue(phrase)) > len(normalize_cue(best[0]))):
                best = (phrase, start, end)
        if best is not None:
            found.append(best)
    return found


def _match_at(key: str, text: str, start: int) -> int | None:
    if key[0] in LATIN and start > 0 and text[start - 1] in LATIN:
        return None
    position = start
    for char in key:
        if char == " ":
            run = position
            while run < len(text) and (text[run].isspace() or text[run] == "-"):
                run += 1
            if run == position:
                return None
            position = run
        elif position < len(text) and text[position] == char:
            position += 1
        else:
            return None
    if key[-1] in LATIN and position < len(text) and text[position] in LATIN:
        return None
    return position


@given(st.text(alphabet="ordemyscatughkinCOR ’'-\t.我订单状态", max_size=60))
def test_matcher_agrees_with_brute_force(text: str) -> None:
    matcher = PhraseMatcher(REFERENCE_PHRASES)
    found = [(match.phrase, match.start, match.end) for match in matcher.find_all(text)]
    assert found == reference_matches(REFERENCE_PHRASES, text)
