from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.emotion.language import (
    _HAN,
    _LATIN_LETTER,
    _OTHER_SCRIPTS,
    _script_counts,
    detect_language,
    normalize_language,
    resolve_language,
)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("EN_us", "en"),
        ("zh", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-TW", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-Hant-TW", "zh-Hant"),
        ("zh-Hans-HK", "zh-Hans"),
        ("cmn", "zh-Hans"),
        ("yue", "zh-Hant"),
        ("fr-CA", "fr"),
        ("de", "de"),
    ],
)
def test_normalize_language(tag: str, expected: str) -> None:
    assert normalize_language(tag) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I have been waiting for an hour", "en"),
        ("thanks!!", "en"),
        ("我对这个服务很不满意", "zh-Hans"),
        ("我對這個服務很不滿意", "zh-Hant"),
        ("iPhone 坏了，太气人", "zh-Hans"),
        ("こんにちは、元気ですか", "ja"),
        ("안녕하세요 감사합니다", "ko"),
        ("Привет, как дела", "ru"),
        ("Bonjour, je suis très content du service et merci", "fr"),
        ("Hola, el pedido no llegó y estoy muy molesto", "es"),
        ("123 !!", None),
        ("😡😡", None),
        # 1.9.0: English that shares words with other languages ("no", "as") or holds a kaomoji's kana.
        ("No refund. No reply. No apology.", "en"),
        ("No, no, no, the parcel is not mine.", "en"),
        ("¯\\_(ツ)_/¯ no idea where my order is", "en"),
        ("As good as new, as promised.", "en"),
        ("El pedido no llegó y el servicio es muy malo", "es"),
        ("O produto não chegou e o atendimento é muito ruim", "pt"),
        ("荷物が届きません", "ja"),
        ("iPhoneの画面が割れました", "ja"),
    ],
)
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_bare_chinese_tag_takes_the_script_from_the_text() -> None:
    assert resolve_language("我對這個服務很不滿意", "zh") == "zh-Hant"
    assert resolve_language("我對這個服務很不滿意", "zh-CN") == "zh-Hans"
    assert resolve_language("whatever", None) == "en"
    assert resolve_language(None, None) is None


# Characters of every script the detector counts, and of none (accented Latin, emoji, punctuation).
_MIXED = st.text(
    alphabet=st.sampled_from(
        list("abcXYZ éü,.!? 123") + list("客服很好谢谢體驗") + list("ありがとうカタ") + list("감사합니다")
        + list("спасибоіє") + list("ευχαριστώ") + list("شكرا") + list("תודה") + list("धन्यवाद")
        + list("ขอบคุณ") + ["😡", "👍", "\u3000"]
    ),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(_MIXED)
def test_script_counts_count_every_script_as_one_pattern_each_would(text: str) -> None:
    # The counts skip the per-script patterns when no character of those scripts occurs; they must equal
    # counting with every pattern.
    counts, latin = _script_counts(text)
    if text.isascii():
        assert counts == {}
    else:
        expected = {"han": len(_HAN.findall(text))}
        for script, pattern in _OTHER_SCRIPTS:
            found = len(pattern.findall(text))
            if found:
                expected[script] = expected.get(script, 0) + found
        assert counts == expected
    assert latin == len(_LATIN_LETTER.findall(text))
