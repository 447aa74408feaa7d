"""Which language a text is in, and BCP 47 tags folded to the few the engine distinguishes.

Detection is deliberately cheap (script counts plus a handful of function words): the engine only needs
to tell English and Chinese apart from each other and from everything else, and to say "I cannot tell"
rather than guess.
"""

from __future__ import annotations

import re
from typing import Final

from pipeline.domain.emotion.chinese_script import chinese_script

SUPPORTED_LANGUAGES: Final[frozenset[str]] = frozenset({"en", "zh-Hans", "zh-Hant"})

_TRADITIONAL_REGIONS: Final[frozenset[str]] = frozenset({"tw", "hk", "mo"})
_SIMPLIFIED_REGIONS: Final[frozenset[str]] = frozenset({"cn", "sg", "my"})
# Chinese varieties written with the same characters; the lexicon reads them well enough.
_CHINESE_PRIMARIES: Final[frozenset[str]] = frozenset({"zh", "cmn", "yue", "wuu", "hak", "nan"})

_SCRIPT_RANGES: Final[tuple[tuple[str, int, int], ...]] = (
    ("han", 0x3400, 0x4DBF),
    ("han", 0x4E00, 0x9FFF),
    ("han", 0xF900, 0xFAFF),
    ("kana", 0x3040, 0x30FF),
    ("hangul", 0xAC00, 0xD7AF),
    ("hangul", 0x1100, 0x11FF),
    ("cyrillic", 0x0400, 0x04FF),
    ("greek", 0x0370, 0x03FF),
    ("arabic", 0x0600, 0x06FF),
    ("hebrew", 0x0590, 0x05FF),
    ("devanagari", 0x0900, 0x097F),
    ("thai", 0x0E00, 0x0E7F),
)
_SCRIPT_LANGUAGE: Final[dict[str, str]] = {
    "kana": "ja",
    "hangul": "ko",
    "greek": "el",
    "arabic": "ar",
    "hebrew": "he",
    "devanagari": "hi",
    "thai": "th",
}


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_LATIN_WORD = re.compile(r"[a-zà-ÿ']+")
# Frequent function words that are rare in the other languages listed; English is the fallback for Latin.
_FUNCTION_WORDS: Final[dict[str, frozenset[str]]] = {
    "en": _words(
        "the and is are was were you your my i it this that have has not with for of to in on at be "
        "what why how can can't don't i'm it's will would they we me so but just no as"
    ),
    "es": _words("el la los las que de y en un una por para con es muy pero está estoy gracias no"),
    "fr": _words("le la les des est et je vous une un pour pas avec mais très merci c'est que"),
    "de": _words("der die das und ist nicht ich sie mit für ein eine sehr aber danke zu auf"),
    "pt": _words("o os as que de e é um uma para com não muito mas obrigado está"),
    "it": _words("il lo gli che di e è un una per con non molto ma grazie sono"),
    "nl": _words("de het een en is niet ik je met voor maar zeer dank van"),
}


def normalize_language(tag: str) -> str:
    """A BCP 47 tag folded to what the engine distinguishes: ``zh-TW`` -> ``zh-Hant``, ``en-GB`` -> ``en``.

    Chinese keeps its script (``zh-Hans`` unless the script or region says traditional); every other
    language is reduced to its lower-cased primary subtag.
    """
    parts = tag.strip().replace("_", "-").lower().split("-")
    primary = parts[0]
    if primary not in _CHINESE_PRIMARIES:
        return primary
    subtags = parts[1:]
    # An explicit script wins over a region: zh-Hans-HK is simplified text written in Hong Kong.
    if "hant" in subtags:
        return "zh-Hant"
    if "hans" in subtags:
        return "zh-Hans"
    if any(sub in _TRADITIONAL_REGIONS for sub in subtags):
        return "zh-Hant"
    if any(sub in _SIMPLIFIED_REGIONS for sub in subtags):
        return "zh-Hans"
    return "zh-Hant" if primary == "yue" else "zh-Hans"


def has_script_subtag(tag: str) -> bool:
    """Whether a Chinese tag says its script or region, so the text need not be inspected."""
    subtags = tag.strip().replace("_", "-").lower().split("-")[1:]
    markers = {"hans", "hant"} | _TRADITIONAL_REGIONS | _SIMPLIFIED_REGIONS
    return any(sub in markers for sub in subtags)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_OTHER_SCRIPTS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (script, re.compile(f"[{chr(low)}-{chr(high)}]"))
    for script, low, high in _SCRIPT_RANGES
    if script != "han"
)


# Any character of the scripts in _OTHER_SCRIPTS: most non-ASCII text (Chinese, accented Latin) has none, and
# one search saves counting each script in turn.
_ANY_OTHER_SCRIPT: Final = re.compile(
    "[" + "".join(f"{chr(low)}-{chr(high)}" for script, low, high in _SCRIPT_RANGES if script != "han") + "]"
)


def _script_counts(text: str) -> tuple[dict[str, int], int]:
    """Characters per script (Han, kana, ...) and the number of Latin letters."""
    if text.isascii():
        return {}, len(_LATIN_LETTER.findall(text))
    counts = {"han": len(_HAN.findall(text))}
    if _ANY_OTHER_SCRIPT.search(text) is not None:
        for script, pattern in _OTHER_SCRIPTS:
            found = len(pattern.findall(text))
            if found:
                counts[script] = counts.get(script, 0) + found
    return counts, len(_LATIN_LETTER.findall(text))


_LANGUAGES_OF_WORD: Final[dict[str, tuple[str, ...]]] = {
    word: tuple(language for language, known in _FUNCTION_WORDS.items() if word in known)
    for word in frozenset().union(*_FUNCTION_WORDS.values())
}


# Function words only other languages have. A language other than English wins only with more of its words
# than English has, so it needs at least one of these; without one, English wins without counting.
_ONLY_FOREIGN: Final[frozenset[str]] = frozenset(
    word for word, languages in _LANGUAGES_OF_WORD.items() if "en" not in languages
)


def _latin_language(text: str) -> str:
    words = _LATIN_WORD.findall(text.lower())
    if _ONLY_FOREIGN.isdisjoint(words):
        return "en"
    hits: dict[str, int] = {}
    for word in words:
        for language in _LANGUAGES_OF_WORD.get(word, ()):
            hits[language] = hits.get(language, 0) + 1
    english = hits.pop("en", 0)
    best, best_hits = max(hits.items(), key=lambda item: item[1], default=("en", 0))
    # English wins ties and short texts: another language needs at least two of its own words and the lead.
    if best_hits >= 2 and best_hits > english:
        return best
    return "en"


def detect_language(text: str) -> str | None:
    """``en``, ``zh-Hans``, ``zh-Hant``, another ISO 639-1 code when the script says so, or None.

    None means the text has no letters to judge by (only digits, punctuation or emoji).
    """
    if text.isascii():
        # No Han, kana or other script to weigh: any letter makes it a Latin-script text.
        return _latin_language(text) if _LATIN_LETTER.search(text) is not None else None
    counts, latin = _script_counts(text)
    han = counts.pop("han", 0)
    # A lone kana is a kaomoji's (¯\_(ツ)_/¯) in text of another language, not Japanese.
    kana = counts.get("kana", 0)
    if kana >= 2 and kana * 4 >= han and kana * 3 >= latin:
        return "ja"
    # Chinese customers mix in Latin product names and codes; a few Han characters outweigh many letters.
    if han and han * 3 >= latin:
        return chinese_script(text)
    other, other_count = max(counts.items(), key=lambda item: item[1], default=("", 0))
    if other_count > latin:
        if other == "cyrillic":
            return "uk" if any(char in "іїєґ" for char in text.lower()) else "ru"
        return _SCRIPT_LANGUAGE.get(other)
    if latin:
        return _latin_language(text)
    if han:
        return chinese_script(text)
    return None


def resolve_language(text: str | None, tag: str | None) -> str | None:
    """The language to score a text as: the caller's tag when given (normalized), else detection.

    A bare ``zh`` tag says nothing about the script, so the text decides between ``zh-Hans`` and ``zh-Hant``.
    """
    if tag:
        normalized = normalize_language(tag)
        if normalized.startswith("zh-") and text and not has_script_subtag(tag):
            return chinese_script(text)
        return normalized
    return detect_language(text) if text else None
