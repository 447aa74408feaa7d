"""The shipped lexicon and modifiers parse, and lookup is leftmost-longest."""

from __future__ import annotations

import math
import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.emotion.chinese_lexicon import (
    NUMERIC_IDIOMS,
    chinese_lexicon,
    may_hold_numeric_idiom,
    parse_lexicon,
)
from pipeline.domain.emotion.chinese_polarity import polarity_features, polarity_model
from pipeline.domain.emotion.chinese_script import to_simplified

DATA = resources.files("pipeline.domain.emotion") / "data" / "zh"


def shipped_terms() -> list[str]:
    terms: list[str] = []
    for name in ("lexicon.tsv", "modifiers.tsv"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                terms.append(line.split("\t")[0])
    return terms


def test_every_term_is_listed_once() -> None:
    terms = shipped_terms()
    duplicates = sorted({term for term in terms if terms.count(term) > 1})
    assert duplicates == []


def test_shipped_weights_and_factors_are_in_range() -> None:
    lexicon = chinese_lexicon()
    assert len(lexicon) > 1000
    for term in shipped_terms():
        entry = lexicon.entry(term)
        assert entry is not None
        assert all(0.0 < weight <= 1.0 for _, weight in entry.emotions), term
        assert 0.0 < entry.factor <= 2.0, term


def test_lexicon_terms_are_simplified_and_lower_case() -> None:
    assert [term for term in shipped_terms() if to_simplified(term) != term] == []


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [("开心\tjoyful:0.5", "unknown emotion"), ("开心\tjoy", "could not convert")],
)
def test_a_malformed_lexicon_line_is_refused(bad_line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_lexicon(bad_line, "")


def test_flags_mark_sarcasm_prone_praise_and_help_seeking_worry() -> None:
    lines = "太好了\tjoy:0.9\tsarcastic\n怎么办\tfear:0.5\thelp\n开心\tjoy:0.8"
    praise, worry, plain = parse_lexicon(lines, "")
    assert (praise.sarcastic, praise.help_seeking) == (True, False)
    assert (worry.sarcastic, worry.help_seeking) == (False, True)
    assert (plain.sarcastic, plain.help_seeking) == (False, False)
    shipped = chinese_lexicon()
    assert all(getattr(shipped.entry(term), "help_seeking", False) for term in ("怎么办", "该怎么办", "咋办"))


def test_a_modifier_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        parse_lexicon("", "很\tbooster\t1.3")


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("不错", ["不错"]),
        ("差不多", ["差不多"]),
        ("很不满意", ["很不满意"]),
        ("不是很满意", ["不是很", "满意"]),
        ("客服踢皮球", ["客服踢皮球"]),
        ("等了3个小时", ["等了3个小时"]),
    ],
)
def test_scan_prefers_the_longest_entry(text: str, terms: list[str]) -> None:
    assert [match.entry.term for match in chinese_lexicon().scan(text)] == terms


@pytest.mark.parametrize(
    "text",
    [
        "质量很差，用了两天就坏了，退货",
        "非常好用，推荐购买，物流也快",
        "还 不 错",
        "好\0差",
        "",
        "好",
        "好差",
    ],
)
def test_the_fast_polarity_sum_equals_the_feature_sum(text: str) -> None:
    model = polarity_model()
    total = model.bias + sum(model.weight(ngram) for ngram in polarity_features(text))
    expected = 1.0 / (1.0 + 2.718281828459045 ** (-total))
    assert model.negative_probability(text) == pytest.approx(expected)


def test_the_polarity_model_tells_complaint_from_praise() -> None:
    model = polarity_model()
    assert model.negative_probability("质量很差，用了两天就坏了，再也不买了") > 0.7
    assert model.negative_probability("非常好用，推荐购买，物流也快") < 0.3


def brute_force_scan(text: str) -> list[tuple[int, int, str]]:
    """Leftmost-longest by trying every term length at every position: slow, obviously right."""
    lexicon = chinese_lexicon()
    longest = max(map(len, shipped_terms()))
    found: list[tuple[int, int, str]] = []
    position = 0
    while position < len(text):
        for size in range(min(longest, len(text) - position), 0, -1):
            entry = lexicon.entry(text[position : position + size])
            if entry is not None:
                found.append((position, position + size, entry.term))
                position += size
                break
        else:
            position += 1
    return found


TERM_PIECES = st.sampled_from(
    [*"不没很太好开心难过气死了满意客服差多出哈尔滨呵真是 ，!", "不是很", "一点也不", "踢皮球", "非常好"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(TERM_PIECES, max_size=30).map("".join))
def test_the_trie_agrees_with_a_brute_force_search(text: str) -> None:
    # Texts without digits or 了-idioms: numeric idioms are a separate pattern with its own precedence.
    found = [(match.start, match.end, match.entry.term) for match in chinese_lexicon().scan(text)]
    assert found == brute_force_scan(text)


def test_spans_and_scan_find_the_same_matches() -> None:
    text = "等了3个小时，客服踢皮球，真是太好了[微笑]"
    lexicon = chinese_lexicon()
    assert lexicon.spans(text) == [(m.start, m.end, m.entry) for m in lexicon.scan(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_the_fast_polarity_sum_equals_the_feature_sum_for_any_text(text: str) -> None:
    model = polarity_model()
    total = model.bias + sum(model.weight(ngram) for ngram in polarity_features(text))
    assert model.negative_probability(text) == pytest.approx(
        1.0 / (1.0 + math.exp(-max(-30, min(30, total))))
    )


IDIOM_PIECES = st.sampled_from(
    [
        *"等打催问找转了三两十3个多小时天周星期礼拜月还都也",
        *"没有不到退发货回复处理人理次遍回通，说讲重反映馈申提交修换跑趟拖审核折腾",
        "联系",
        "联系了",
        "解释了",
        "维修了",
    ]
)
NUMERIC_IDIOM_PATTERN = re.compile("|".join(pattern for pattern, _ in NUMERIC_IDIOMS))


@settings(max_examples=500, deadline=None)
@given(st.lists(IDIOM_PIECES, max_size=14).map("".join))
def test_the_numeric_idiom_prefilter_never_hides_an_idiom(text: str) -> None:
    if NUMERIC_IDIOM_PATTERN.search(text) is not None:
        assert may_hold_numeric_idiom(text)


@pytest.mark.parametrize(
    "text",
    [
        "等了三个小时",
        "打了5次电话",
        "联系了两次",
        "转了三次人工",
        "三天了还没发货",
        "两个礼拜都不回复",
        "说了五遍",
        "反映了好几次",
        "维修了三次",
        "跑了两趟",
        "处理了一个月",
        "拖了半个多月",
    ],
)
def test_every_numeric_idiom_passes_the_prefilter(text: str) -> None:
    assert NUMERIC_IDIOM_PATTERN.fullmatch(text) is not None
    assert may_hold_numeric_idiom(text)


def test_a_text_without_the_idiom_words_skips_the_numeric_regex() -> None:
    assert not may_hold_numeric_idiom("今天天气很好，谢谢客服")
