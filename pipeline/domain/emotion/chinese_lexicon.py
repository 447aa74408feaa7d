"""The hand-written Chinese lexicon and modifiers, and longest-match lookup over a simplified text.

No word segmenter: at each position the longest entry that starts there wins, so 不错 (praise) beats
不 (a negator) and 差不多 (a blocker) beats 差. Numeric customer-service idioms (等了三个小时, 打了五次电话)
are one compiled regular expression, matched before the lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import compress
from typing import Final, Literal, cast

from pipeline.domain.emotion.chinese_script import code_points
from pipeline.domain.labels import CueKind
from pipeline.domain.plutchik import PRIMARY_EMOTIONS, Emotion

ModifierKind = Literal["negation", "intensifier", "diminisher", "contrast", "postfix"]
MODIFIER_KINDS: Final[frozenset[str]] = frozenset(
    {"negation", "intensifier", "diminisher", "contrast", "postfix"}
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon or modifier term: what it adds (``emotions``) or how it changes its neighbour (``factor``).

    ``kind`` is the cue kind an analyst sees; ``modifier`` is set for negators, intensifiers and the like
    (a modifier's ``emotions`` apply only when it is itself modified and modifies nothing: 非常好);
    ``sarcastic`` marks praise that reads as sarcasm after a complaint (真是太好了, [微笑]); ``help_seeking``
    worry that, in a customer's request, asks for help rather than fears (我现在该怎么办？).
    """

    term: str
    kind: CueKind
    emotions: tuple[tuple[Emotion, float], ...] = ()
    modifier: ModifierKind | None = None
    factor: float = 1.0
    sarcastic: bool = False
    help_seeking: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """An entry found at ``start:end`` of the text."""

    start: int
    end: int
    entry: Entry


_NUMBER = r"(?:[0-9]+|[一二两三四五六七八九十百几半好多无数]+)"
# Idioms whose middle is a number or duration: too many spellings for a word list.
NUMERIC_IDIOMS: Final[tuple[tuple[str, tuple[tuple[Emotion, float], ...]], ...]] = (
    (rf"等了{_NUMBER}个?多?(?:小时|钟头|分钟|天|周|星期|礼拜|月|年)", (("anger", 0.6), ("sadness", 0.2))),
    # Queued for an hour: 排队排了一个小时, 排了两个小时的队; not 安排了两天 or 排了两小时的节目 (plans).
    (
        rf"(?<![安编彩])排(?:队排|队等)?了{_NUMBER}个?多?(?:小时|钟头|分钟)"
        r"(?=的?队|还|才|都|也|了|[，。！？,.!?\s]|$)",
        (("anger", 0.6), ("sadness", 0.2)),
    ),
    (rf"打了{_NUMBER}(?:次|个|通|遍)电?话?", (("anger", 0.7),)),
    (rf"(?:催|问|找|联系)了{_NUMBER}(?:次|遍|回)", (("anger", 0.7),)),
    (rf"转了{_NUMBER}(?:次|个)(?:人工|客服|部门|电话)?", (("anger", 0.6), ("disgust", 0.3))),
    # Said, reported or fixed again and again; handled, delayed or reviewed for days.
    (rf"(?:说|讲|解释|重复|反映|反馈|申请|提交)了{_NUMBER}(?:次|遍|回)", (("anger", 0.6), ("sadness", 0.2))),
    (rf"(?:修|维修|换)了{_NUMBER}次", (("anger", 0.5), ("disgust", 0.3))),
    (rf"跑了{_NUMBER}趟", (("anger", 0.5), ("sadness", 0.3))),
    # On the road for days: 同城快递走了九天, 包裹路上走了一周.
    (
        rf"(?:快递|物流|包裹|件|货)[^，。！？,.!?]{{0,4}}走了{_NUMBER}个?多?(?:天|周|星期|礼拜|月)",
        (("anger", 0.6), ("sadness", 0.2)),
    ),
    # Late by days: 又晚了三天, 延误了两个小时, 迟了一周.
    (
        rf"(?:晚|迟|延误|延迟|推迟)了{_NUMBER}个?多?(?:小时|钟头|分钟|天|周|星期|礼拜|月)",
        (("anger", 0.6), ("sadness", 0.2)),
    ),
    (
        rf"(?:处理|拖|审核|折腾)了{_NUMBER}个?多?(?:小时|天|周|星期|礼拜|月|年)",
        (("anger", 0.6), ("sadness", 0.2)),
    ),
    (
        rf"{_NUMBER}个?(?:小时|天|周|星期|礼拜|月)了?(?:还|都|也)?(?:没有|没|不)"
        r"(?:到|发货|回复|回应|处理|解决|退款|退|消息|动静|人理|人管)",
        (("anger", 0.8), ("sadness", 0.2)),
    ),
)


# A found entry as a plain tuple (start, end, entry): the scorer makes one per match, so no object.
Span = tuple[int, int, Entry]
# A trie node: the entry whose term ends here (if any) and the children by next code point. Code points,
# not one-character strings: a text's code points come from one C-level view of its encoding, and an int
# hashes without reading a string.
TrieNode = tuple[Entry | None, dict[int, "TrieNode"]]


def _build_trie(entries: dict[str, Entry]) -> dict[int, TrieNode]:
    root: dict[int, TrieNode] = {}
    for term, entry in entries.items():
        children = root
        for index, char in enumerate(term):
            node = children.get(ord(char))
            if node is None:
                node = children[ord(char)] = (None, {})
            if index == len(term) - 1:
                node = children[ord(char)] = (entry, node[1])
            children = node[1]
    return root


# What every numeric idiom must contain: a verb right before 了 (等了, 联系了), or a time unit and then a
# negator. Both tests are cheap: 了 is found in C and its few occurrences looked at; the regex starts with
# a literal. The idiom regex itself is not.
_NUMERIC_VERBS: Final = frozenset(
    {"等", "打", "催", "问", "找", "转", "说", "讲", "修", "换", "跑", "拖", "排", "晚", "迟", "走"}
    | {"联系", "解释", "重复", "反映", "反馈", "申请", "提交", "处理", "审核", "折腾", "延误", "延迟", "推迟"}
)
_UNIT_THEN_NEGATOR: Final = re.compile(r"(?:小时|天|周|星期|礼拜|月)了?(?:还|都|也)?(?:没|不)")


def may_hold_numeric_idiom(simplified: str) -> bool:
    """A cheap test that lets most texts skip the numeric idiom regex; never false for a text with one."""
    done = simplified.find("了")
    while done != -1:
        if (
            simplified[max(0, done - 1) : done] in _NUMERIC_VERBS
            or simplified[max(0, done - 2) : done] in _NUMERIC_VERBS
        ):
            return True
        done = simplified.find("了", done + 1)
    return _UNIT_THEN_NEGATOR.search(simplified) is not None


class Lexicon:
    """Entries in a character trie for leftmost-longest lookup, plus the numeric idiom patterns."""

    def __init__(self, entries: list[Entry]) -> None:
        self._entries: dict[str, Entry] = {entry.term: entry for entry in entries}
        self._trie = _build_trie(self._entries)
        self._numeric = re.compile(
            "|".join(f"(?P<n{index}>{pattern})" for index, (pattern, _) in enumerate(NUMERIC_IDIOMS))
        )

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, term: str) -> Entry | None:
        """The entry for exactly ``term``, if there is one."""
        return self._entries.get(term)

    def scan(self, simplified: str) -> list[Match]:
        """Leftmost-longest, non-overlapping matches over an already simplified text."""
        return [Match(start, end, entry) for start, end, entry in self.spans(simplified)]

    def spans(self, simplified: str) -> list[Span]:
        """What ``scan`` finds, as ``(start, end, entry)`` tuples: the scorer's hot path.

        One walk down the trie from each position whose character starts a term, remembering the last
        node that ends one; a numeric idiom that starts at a position wins over any entry there.
        """
        return self.spans_of(simplified, code_points(simplified))

    def spans_of(self, simplified: str, points: list[int]) -> list[Span]:
        """``spans`` for a text whose code points the caller already has."""
        length = len(points)
        nodes = list(map(self._trie.get, points))
        numeric_spans = self._numeric_spans(simplified)
        if numeric_spans:
            starts: Iterable[int] = sorted({*compress(range(length), nodes), *numeric_spans})
        else:
            # Only positions whose character starts some term are visited at all.
            starts = compress(range(length), nodes)
        found: list[Span] = []
        resume = 0
        for position in starts:
            if position < resume:
                continue
            if numeric_spans and position in numeric_spans:
                span = numeric_spans[position]
                found.append(span)
                resume = span[1]
                continue
            longest, children = nodes[position]  # type: ignore[misc]  # compress kept only nodes
            end = reach = position + 1
            while reach < length:
                node = children.get(points[reach])
                if node is None:
                    break
                reach += 1
                ending, children = node
                if ending is not None:
                    longest, end = ending, reach
            if longest is not None:
                found.append((position, end, longest))
                resume = end
        return found

    def _numeric_spans(self, simplified: str) -> dict[int, Span]:
        if not may_hold_numeric_idiom(simplified):
            return {}
        spans: dict[int, Span] = {}
        for found in self._numeric.finditer(simplified):
            group = cast(str, found.lastgroup)
            _, emotions = NUMERIC_IDIOMS[int(group[1:])]
            entry = Entry(term=found.group(), kind="idiom", emotions=emotions)
            spans[found.start()] = (found.start(), found.end(), entry)
        return spans


def _parse_emotions(field: str, term: str) -> tuple[tuple[Emotion, float], ...]:
    if field == "-":
        return ()
    parsed: list[tuple[Emotion, float]] = []
    for part in field.split():
        name, _, weight = part.partition(":")
        if name not in PRIMARY_EMOTIONS:
            raise ValueError(f"lexicon entry {term!r}: unknown emotion {name!r}")
        parsed.append((name, float(weight)))
    return tuple(parsed)


def _entry_kind(term: str, flags: set[str]) -> CueKind:
    if "sarcasm" in flags:
        return "sarcasm"
    if "idiom" in flags:
        return "idiom"
    if term.startswith("[") and term.endswith("]"):
        return "emoticon"
    if not any(char.isalnum() for char in term):
        return "emoji"
    return "phrase" if len(term) >= 3 else "word"


def parse_lexicon(lexicon_text: str, modifiers_text: str) -> list[Entry]:
    """Entries from the two TSV files; a malformed line raises ``ValueError`` naming the term."""
    entries: list[Entry] = []
    for line in lexicon_text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, emotions_field, *rest = line.split("\t")
        flags = set(rest[0].split(",")) if rest and rest[0] else set()
        entries.append(
            Entry(
                term=term,
                kind=_entry_kind(term, flags),
                emotions=_parse_emotions(emotions_field, term),
                sarcastic="sarcastic" in flags,
                help_seeking="help" in flags,
            )
        )
    for line in modifiers_text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, kind, factor, *fallback = line.split("\t")
        if kind not in MODIFIER_KINDS:
            raise ValueError(f"modifier {term!r}: unknown kind {kind!r}")
        cue_kind: CueKind = "intensifier" if kind == "postfix" else cast(CueKind, kind)
        entries.append(
            Entry(
                term=term,
                kind=cue_kind,
                emotions=_parse_emotions(fallback[0], term) if fallback else (),
                modifier=cast(ModifierKind, kind),
                factor=float(factor),
            )
        )
    return entries


@cache
def chinese_lexicon() -> Lexicon:
    """The shipped lexicon, loaded once."""
    data = resources.files("pipeline.domain.emotion") / "data" / "zh"
    entries = parse_lexicon(
        (data / "lexicon.tsv").read_text(encoding="utf-8"),
        (data / "modifiers.tsv").read_text(encoding="utf-8"),
    )
    return Lexicon(entries)


def emotion_map(entry: Entry) -> Mapping[Emotion, float]:
    """An entry's emotions as a mapping (for cues and tests)."""
    return dict(entry.emotions)
