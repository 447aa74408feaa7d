"""Compiled phrase matchers: the stage cues of a journey, and any other phrase list (urgency, help).

The phrases of a list are compiled into two regular expressions, each built as a trie so that at any
position at most one branch goes past its first character: one for phrases that start with a Latin
letter or digit, tried only where a word starts, and one for the rest (Chinese), whose first characters
let the regex engine skip everything else. The text is lower-cased first, keeping offsets, instead of the
IGNORECASE flag, which would stop that skipping. English (Latin) phrases match on word boundaries, with
any run of spaces or hyphens between words ("check in" also matches "check-in"); Chinese phrases match
as substrings, since Chinese has no spaces between words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from pipeline.domain.journeys.model import Journey

# Latin letters and digits: a Latin cue may not start or end inside such a run. Not \b, because a CJK
# character counts as a word character, and "我要refund" must still match "refund".
_LATIN_CHARS: Final[str] = "0-9A-Za-z\u00c0-\u024f"
_LATIN = re.compile(f"[{_LATIN_CHARS}]")
_NOT_BEFORE_LATIN: Final[str] = f"(?![{_LATIN_CHARS}])"
_SEPARATOR = re.compile(r"[\s\-]+")
_SEPARATOR_PATTERN: Final[str] = r"[\s\-]+"

_END: Final[str] = ""

_Trie = dict[str, "_Trie"]


def normalize_cue(text: str) -> str:
    """How cues compare: lower case, one space per run of spaces or hyphens, plain apostrophes."""
    return _SEPARATOR.sub(" ", _plain_apostrophes(text).lower()).strip()


def fold_text(text: str) -> str:
    """Lower case and plain apostrophes, character for character, so offsets into it are offsets into text."""
    folded = _plain_apostrophes(text).lower()
    if len(folded) != len(text):
        # A few characters lower-case to two ("İ"); leave those as they are to keep the offsets.
        folded = "".join(
            lowered if len(lowered := char.lower()) == 1 else char for char in _plain_apostrophes(text)
        )
    return folded


def _plain_apostrophes(text: str) -> str:
    # str.replace runs in C; str.translate with a dict calls back per character and is far slower.
    return text.replace("\u2019", "'").replace("\u2018", "'")


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    """A configured phrase found in a text, with its offsets.

    ``length`` is the length of the phrase's normalized form, so "check-in" and "check   in" rank alike.
    """

    phrase: str
    start: int
    end: int
    length: int


class PhraseMatcher:
    """Finds configured phrases (English and Chinese mixed) in a text with one compiled pattern."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._phrases: dict[str, str] = {}
        for phrase in phrases:
            self._phrases.setdefault(normalize_cue(phrase), phrase)
        latin = [key for key in self._phrases if _LATIN.match(key)]
        others = [key for key in self._phrases if not _LATIN.match(key)]
        self._patterns = tuple(_compile(keys, word_start=keys is latin) for keys in (latin, others) if keys)

    def find_all(self, text: str) -> Iterator[PhraseMatch]:
        """Every phrase occurrence, overlapping ones included, in text order (longest first per position)."""
        if not text:
            return
        folded = fold_text(text)
        found: list[PhraseMatch] = []
        for pattern in self._patterns:
            search = pattern.search
            position = 0
            # Restarting one character after each match start finds overlapping phrases too.
            while (match := search(folded, position)) is not None:
                start, end = match.span()
                key = normalize_cue(match.group())
                found.append(PhraseMatch(phrase=self._phrases[key], start=start, end=end, length=len(key)))
                position = start + 1
        if len(self._patterns) > 1:
            found.sort(key=lambda match: (match.start, -match.end))
        yield from found

    def find_maximal(self, text: str) -> list[PhraseMatch]:
        """The occurrences not inside a longer one: "不急" hides the "急" within it."""
        found = list(self.find_all(text))
        return [
            match
            for match in found
            if not any(
                other is not match
                and other.start <= match.start
                and match.end <= other.end
                and (other.end - other.start) > (match.end - match.start)
                for other in found
            )
        ]


@dataclass(frozen=True, slots=True)
class CueMatch:
    """A stage cue found in a text: which stage it points to and where it was found."""

    stage_index: int
    cue: str
    start: int
    end: int
    cue_length: int


class StageMatcher:
    """Finds the best stage cue of one journey in a text, or the stage hinted by the channel."""

    def __init__(self, journey: Journey) -> None:
        self._journey = journey
        self._stage_of: dict[str, int] = {}
        for index, stage in enumerate(journey.stages):
            for keyword in stage.all_keywords():
                # The loader refuses duplicates; setdefault keeps the earliest stage if one slips through.
                self._stage_of.setdefault(keyword, index)
        self._phrases = PhraseMatcher(keyword for stage in journey.stages for keyword in stage.all_keywords())
        self._channel_stage: dict[str, int] = {}
        for index, stage in enumerate(journey.stages):
            for channel in stage.channels:
                self._channel_stage.setdefault(channel, index)

    def matches(self, text: str) -> Iterator[CueMatch]:
        """Every cue occurrence in the text, overlapping ones included, in text order."""
        for found in self._phrases.find_all(text):
            yield CueMatch(
                stage_index=self._stage_of[found.phrase],
                cue=found.phrase,
                start=found.start,
                end=found.end,
                cue_length=found.length,
            )

    def best_match(self, text: str, channel: str | None = None) -> CueMatch | None:
        """The longest cue; on equal length the one whose stage hints the channel, then the earliest stage."""
        best: CueMatch | None = None
        best_rank: tuple[int, bool, int] | None = None
        for match in self.matches(text):
            stage = self._journey.stages[match.stage_index]
            rank = (match.cue_length, channel in stage.channels, -match.stage_index)
            if best_rank is None or rank > best_rank:
                best, best_rank = match, rank
        return best

    def channel_stage(self, channel: str) -> int | None:
        """The index of the first stage that hints this channel, if any."""
        return self._channel_stage.get(channel)


def _compile(cues: Iterable[str], *, word_start: bool) -> re.Pattern[str]:
    trie: _Trie = {}
    for cue in cues:
        node = trie
        for char in cue:
            node = node.setdefault(char, {})
        node[_END] = {}
    body = _trie_pattern(trie, previous=None)
    # Latin phrases start only where a word starts: the lookbehind fails fast inside words.
    return re.compile(f"(?<![{_LATIN_CHARS}])(?:{body})" if word_start else body)


def _trie_pattern(node: _Trie, previous: str | None) -> str:
    branches = []
    for char in sorted(key for key in node if key != _END):
        head = _SEPARATOR_PATTERN if char == " " else re.escape(char)
        branches.append(head + _trie_pattern(node[char], previous=char))
    if _END in node:
        # Longer cues are tried first; ending here is the last resort, with the word boundary after Latin.
        ending = _NOT_BEFORE_LATIN if previous is not None and _LATIN.match(previous) else ""
        if not branches:
            return ending
        if ending:
            return "(?:" + "|".join([*branches, ending]) + ")"
        return "(?:" + "|".join(branches) + ")?"
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
