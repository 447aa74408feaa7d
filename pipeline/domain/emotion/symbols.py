"""Emoji and emoticons: language-independent cues, hand-written for this project.

Weights are additive evidence (log-odds) per primary, the same unit the English word weights use; a
Chinese scorer may reuse ``find_symbols`` for emoji in Chinese text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from pipeline.domain.plutchik import Emotion

_Weights = dict[Emotion, float]

EMOJI: Final[dict[str, _Weights]] = {
    "😀": {"joy": 2.5},
    "😃": {"joy": 2.5},
    "😄": {"joy": 2.5},
    "😁": {"joy": 2.5},
    "😆": {"joy": 2.5},
    "😊": {"joy": 2.5, "trust": 0.5},
    "🙂": {"joy": 1.5},
    "😉": {"joy": 1.2},
    "😂": {"joy": 2.2},
    "🤣": {"joy": 2.2},
    "😅": {"joy": 1.0, "fear": 0.4},
    "😍": {"joy": 2.5, "trust": 1.5},
    "🥰": {"joy": 2.5, "trust": 1.5},
    "😘": {"joy": 2.0, "trust": 1.0},
    "❤": {"joy": 2.0, "trust": 1.5},
    "❤️": {"joy": 2.0, "trust": 1.5},
    "💕": {"joy": 2.0, "trust": 1.2},
    "💖": {"joy": 2.0, "trust": 1.2},
    "👍": {"joy": 1.2, "trust": 1.5},
    "👏": {"joy": 1.5, "trust": 1.2},
    "🙏": {"trust": 1.8, "joy": 0.6},
    "🎉": {"joy": 2.5, "surprise": 0.5},
    "🥳": {"joy": 2.5},
    "✨": {"joy": 1.0},
    "💯": {"trust": 1.5, "joy": 1.0},
    "🤩": {"joy": 2.5, "surprise": 1.0},
    "😎": {"joy": 1.2},
    "🤗": {"joy": 2.0, "trust": 1.0},
    "😢": {"sadness": 2.5},
    "😭": {"sadness": 2.8},
    "😞": {"sadness": 2.2},
    "😔": {"sadness": 2.2},
    "😟": {"sadness": 1.2, "fear": 1.2},
    "🙁": {"sadness": 1.8},
    "☹": {"sadness": 1.8},
    "☹️": {"sadness": 1.8},
    "😿": {"sadness": 2.2},
    "💔": {"sadness": 2.5},
    "😥": {"sadness": 1.8, "fear": 0.6},
    "😡": {"anger": 3.0},
    "😠": {"anger": 2.8},
    "🤬": {"anger": 3.2, "disgust": 0.8},
    "😤": {"anger": 2.2},
    "👿": {"anger": 2.2},
    "💢": {"anger": 2.2},
    "🖕": {"anger": 2.5, "disgust": 1.5},
    "😱": {"fear": 2.5, "surprise": 1.5},
    "😨": {"fear": 2.5},
    "😰": {"fear": 2.5},
    "😧": {"fear": 1.5},
    "😬": {"fear": 1.2},
    "😳": {"surprise": 1.5, "fear": 0.6},
    "😮": {"surprise": 2.2},
    "😲": {"surprise": 2.5},
    "😯": {"surprise": 2.0},
    "🤯": {"surprise": 2.5},
    "😵": {"surprise": 1.5},
    "🤔": {"anticipation": 1.2, "surprise": 0.6},
    "👀": {"anticipation": 1.5},
    "⏳": {"anticipation": 1.5},
    "⌛": {"anticipation": 1.0},
    "🤢": {"disgust": 3.0},
    "🤮": {"disgust": 3.2},
    "🙄": {"disgust": 2.0, "anger": 1.0},
    "😒": {"disgust": 1.8, "anger": 0.8},
    "👎": {"disgust": 1.8, "anger": 0.8, "sadness": 0.5},
    "😑": {"disgust": 1.2},
    "😐": {"disgust": 0.6},
    "💩": {"disgust": 2.2},
}

EMOTICONS: Final[dict[str, _Weights]] = {
    ":)": {"joy": 2.0},
    ":-)": {"joy": 2.0},
    "(:": {"joy": 1.8},
    ":]": {"joy": 1.5},
    "=)": {"joy": 1.8},
    ":D": {"joy": 2.5},
    ":-D": {"joy": 2.5},
    "xD": {"joy": 2.0},
    "XD": {"joy": 2.0},
    ";)": {"joy": 1.2},
    ";-)": {"joy": 1.2},
    ":P": {"joy": 1.0},
    ":p": {"joy": 1.0},
    "<3": {"joy": 2.0, "trust": 1.5},
    "^_^": {"joy": 2.0},
    "^^": {"joy": 1.5},
    ":(": {"sadness": 2.2},
    ":-(": {"sadness": 2.2},
    "):": {"sadness": 1.8},
    ":'(": {"sadness": 2.8},
    ":((": {"sadness": 2.5},
    "</3": {"sadness": 2.5},
    "T_T": {"sadness": 2.5},
    "QQ": {"sadness": 0.8},
    ">:(": {"anger": 2.8},
    ">:-(": {"anger": 2.8},
    ":@": {"anger": 2.2},
    ":O": {"surprise": 2.0},
    ":o": {"surprise": 1.8},
    ":-O": {"surprise": 2.0},
    "o_O": {"surprise": 1.8},
    "O_o": {"surprise": 1.8},
    "D:": {"fear": 1.8, "surprise": 0.8},
    ":/": {"disgust": 0.8, "sadness": 0.6},
    ":-/": {"disgust": 0.8, "sadness": 0.6},
    ":|": {"disgust": 0.6},
    "-_-": {"disgust": 1.5, "anger": 0.6},
}


def _emoticon_pattern() -> re.Pattern[str]:
    # An emoticon must stand alone so "http://x" or "f(a):" do not match.
    alternatives = "|".join(re.escape(face) for face in sorted(EMOTICONS, key=len, reverse=True))
    return re.compile(rf"(?<![\w:;=<>^/])(?:{alternatives})(?![\w/])")


_EMOTICON = _emoticon_pattern()
# Variation selectors and skin tones follow emoji; they carry no meaning of their own.
_EMOJI_ALTERNATIVES = "|".join(re.escape(emoji) for emoji in sorted(EMOJI, key=len, reverse=True))
_EMOJI = re.compile(rf"(?:{_EMOJI_ALTERNATIVES})")
# A cheap pre-check: every emoji is outside ASCII, every emoticon has one of these marks or is XD/QQ.
_MAYBE_SYMBOL = re.compile(r"[^\x00-\u2300]|[:;=<^_]|[xX]D|QQ")
_EMOTICON_MARK = re.compile(r"[:;=<^_]")


@dataclass(frozen=True, slots=True)
class SymbolMatch:
    """One emoji or emoticon found in a text, with its offsets and evidence."""

    kind: str
    text: str
    start: int
    end: int
    weights: _Weights


def _maybe_symbol(text: str) -> bool:
    if text.isascii():
        # No emoji: one character-set scan and three substring searches say what the pre-check would.
        return _EMOTICON_MARK.search(text) is not None or "xD" in text or "XD" in text or "QQ" in text
    return _MAYBE_SYMBOL.search(text) is not None


def find_symbols(text: str) -> list[SymbolMatch]:
    """Every emoji and emoticon in the text, in order of appearance."""
    if not _maybe_symbol(text):
        return []
    found = [
        SymbolMatch("emoji", match.group(), match.start(), match.end(), EMOJI[match.group()])
        for match in _EMOJI.finditer(text)
    ]
    found.extend(
        SymbolMatch("emoticon", match.group(), match.start(), match.end(), EMOTICONS[match.group()])
        for match in _EMOTICON.finditer(text)
    )
    found.sort(key=lambda symbol: symbol.start)
    return found
