"""Script detection and the offset-preserving simplified view of Chinese text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.emotion.chinese_script import (
    _tables,
    chinese_script,
    code_points,
    simplified_points,
    to_simplified,
)


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("这个服务真的让我很不满意", "zh-Hans"),
        ("這個服務真的讓我很不滿意", "zh-Hant"),
        ("我們在這裡等了很久", "zh-Hant"),
        ("著名的乾隆皇帝", "zh-Hans"),
        ("好", "zh-Hans"),
        ("", "zh-Hans"),
        ("hello", "zh-Hans"),
        ("謝謝，这个很好", "zh-Hans"),
    ],
)
def test_script_follows_the_characters_only_one_script_has(text: str, script: str) -> None:
    assert chinese_script(text) == script


@pytest.mark.parametrize(
    ("original", "simplified"),
    [
        ("這個服務讓我很不滿意", "这个服务让我很不满意"),
        ("裡面", "里面"),
        ("氣死了！！", "气死了!!"),
        ("ＡＢＣ", "abc"),
        ("已经简体", "已经简体"),
    ],
)
def test_to_simplified_maps_characters_one_for_one(original: str, simplified: str) -> None:
    assert to_simplified(original) == simplified


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=100))
def test_to_simplified_never_changes_the_length(text: str) -> None:
    assert len(to_simplified(text)) == len(text)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=100)
    | st.lists(st.sampled_from([*"這个服務ＡＢＣ！，好İ氣😡 "]), max_size=30).map("".join)
)
def test_simplified_points_agree_with_to_simplified(text: str) -> None:
    simplified, points = simplified_points(text)
    assert simplified == to_simplified(text)
    assert points == [ord(char) for char in simplified]
    assert code_points(text) == [ord(char) for char in text]


def _script_by_counting(text: str) -> str:
    """The rule as stated, one character at a time: a character on both lists counts as traditional."""
    _, traditional_only, simplified_only = _tables()
    traditional = simplified = 0
    for char in text:
        if char in traditional_only:
            traditional += 1
        elif char in simplified_only:
            simplified += 1
    return "zh-Hant" if traditional > simplified else "zh-Hans"


_MARKERS = sorted(_tables()[1])[:40] + sorted(_tables()[2])[:40] + list("的是我好很服务，！ab1")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(_MARKERS), max_size=40))
def test_script_equals_counting_each_character(text: str) -> None:
    assert chinese_script(text) == _script_by_counting(text)
