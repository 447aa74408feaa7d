"""Simplified versus traditional Chinese: which script a text is in, and a simplified view of it.

The lexicon is written in simplified characters. Traditional text is mapped character by character
(one code point to one code point), so an offset into the simplified view is an offset into the original.
The table comes from OpenCC's character dictionaries (see data/zh/SOURCES.md).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

ChineseScript = Literal["zh-Hans", "zh-Hant"]

# Fullwidth ASCII (！？，ＡＢＣ) folds to halfwidth so "！！" and "!!" read alike; lengths stay equal.
_FULLWIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


@cache
def _tables() -> tuple[dict[int, int], frozenset[str], frozenset[str]]:
    """The translate table (traditional and fullwidth to simplified and halfwidth) and the script markers."""
    data = resources.files("pipeline.domain.emotion") / "data" / "zh"
    translate: dict[int, int] = dict(_FULLWIDTH_FOLD)
    traditional_only: set[str] = set()
    for line in (data / "t2s.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        trad, simp, only = line.split("\t")
        translate[ord(trad)] = ord(simp)
        if only == "1":
            traditional_only.add(trad)
    simplified_only = frozenset((data / "simplified_only.txt").read_text(encoding="utf-8").strip())
    return translate, frozenset(traditional_only), simplified_only


def to_simplified(text: str) -> str:
    """The text with traditional characters replaced by simplified ones, lower-cased, fullwidth folded.

    The result has exactly the length of ``text``, so offsets carry over unchanged.
    """
    translate, _, _ = _tables()
    folded = text.translate(translate)
    lowered = folded.lower()
    # A few characters (e.g. 'İ') grow when lower-cased; keep offsets exact by not lower-casing then.
    return lowered if len(lowered) == len(text) else folded


def code_points(text: str) -> list[int]:
    """The text's code points, read in C from its UTF-32 encoding (no string per character)."""
    return memoryview(text.encode("utf-32-le")).cast("I").tolist()


@cache
def _traditional() -> frozenset[int]:
    return frozenset(_tables()[0]).difference(_FULLWIDTH_FOLD)


def simplified_points(text: str) -> tuple[str, list[int]]:
    """``to_simplified(text)`` and its code points.

    Most texts have no traditional character, only fullwidth punctuation to fold: finding that out
    from the code points (an integer set probe each, in C) and translating with the small fullwidth
    table costs far less than a probe per character into the large table, which misses the CPU cache.
    """
    points = code_points(text)
    if _traditional().isdisjoint(points):
        folded = text.translate(_FULLWIDTH_FOLD)
    else:
        folded = text.translate(_tables()[0])
    lowered = folded.lower()
    # A few characters (e.g. 'İ') grow when lower-cased; keep offsets exact by not lower-casing then.
    simplified = lowered if len(lowered) == len(text) else folded
    return (text, points) if simplified == text else (simplified, code_points(simplified))


@cache
def _simplified_only_exclusive() -> frozenset[str]:
    """Simplified-only characters that are not also listed as traditional-only (a character counts once,
    as traditional, when both lists hold it)."""
    _, traditional_only, simplified_only = _tables()
    return simplified_only - traditional_only


def chinese_script(text: str) -> ChineseScript:
    """``zh-Hant`` when traditional-only characters outnumber simplified-only ones, else ``zh-Hans``."""
    traditional_only = _tables()[1]
    # Most text has no traditional-only character, and then nothing can outnumber the simplified ones.
    if traditional_only.isdisjoint(text):
        return "zh-Hans"
    traditional = sum(map(traditional_only.__contains__, text))
    simplified = sum(map(_simplified_only_exclusive().__contains__, text))
    return "zh-Hant" if traditional > simplified else "zh-Hans"
