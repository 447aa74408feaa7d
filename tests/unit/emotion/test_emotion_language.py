from __future__ import annotations

import pytest

from pipeline.domain.emotion.language import detect_language, normalize_language, resolve_language


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
    ],
)
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_bare_chinese_tag_takes_the_script_from_the_text() -> None:
    assert resolve_language("我對這個服務很不滿意", "zh") == "zh-Hant"
    assert resolve_language("我對這個服務很不滿意", "zh-CN") == "zh-Hans"
    assert resolve_language("whatever", None) == "en"
    assert resolve_language(None, None) is None
