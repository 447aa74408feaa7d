"""The compiled English scorer parts (``_scan.c``) give exactly what the Python reference gives.

``word_evidence`` hands ASCII text to the compiled scan when it is built and keeps ``_scan_python`` as the
reference; ``score_english`` ends with the compiled ``affect`` or ``affect_python``. Results must not
depend on whether a machine had a C compiler at install time. Equal means equal: the same sums to the last
bit, the same strong features with the same values and spans, the same rule words, halved ranges,
exclamation and capital counts, the same scores, valence and arousal.
"""

from __future__ import annotations

import json
import math
import shutil
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.emotion import compiled, english
from pipeline.domain.emotion.assembly import round4_python
from pipeline.domain.emotion.engine import load_engine
from pipeline.domain.emotion.english import (
    WordEvidence,
    affect_python,
    score_english,
    word_evidence,
)
from pipeline.simulation import SimulationConfig, generate

DATA = Path(__file__).resolve().parents[2] / "data"

if not compiled.loaded():
    if shutil.which("cc") or shutil.which("gcc"):
        pytest.fail(
            "a C compiler is here but pipeline.domain.emotion._scan is not built: reinstall the package "
            "(make install) and read the build's output",
            pytrace=False,
        )
    pytest.skip("no C compiler on this machine: the engine scans in Python only", allow_module_level=True)

# Tokens that exercise every branch of the scan: negators and contractions, contrast words of both kinds,
# modifiers and their glue, letter runs (known and unknown words), capitals, digits, apostrophes at the
# edges of words, every clause punctuation in runs, pairs the model knows, rule keys.
VOCABULARY = [
    "i", "I", "the", "service", "was", "is", "happy", "HAPPY", "Happy", "haaappy", "HAAAPPY", "angry",
    "ANGRY", "sad", "love", "loooove", "great", "terrible", "worst", "thanks", "thank", "you", "not", "never",
    "no",
    "don't", "DON'T", "isn't", "can't", "won't", "cannn't", "but", "however", "although", "though", "despite",
    "while", "very", "so", "really", "extremely", "sooo", "soooo", "kind", "of", "a", "bit", "slightly",
    "little", "barely", "on", "hold", "for", "an", "hour", "still", "waiting", "nobody", "answers", "oh",
    "just", "right", "yeah", "nothing", "lol", "OK", "wow", "helpful", "refund", "late", "could", "couldn't",
    "be", "more", "any", "believe", "how", "been", "only", "this", "broken", "wrong", "charged", "twice",
    "cracked", "3", "2nd", "1000", "aaa", "zzzz", "'", "''", "x'", "'y", "o'clock", "rock'n'roll",
    ",", ".", "!", "!!", "!!!!", "?", "?!", "!?!", ";", ":", "...", ",,", ":;", "-", "_", "/s", "(", ")",
]
ascii_texts = st.lists(st.sampled_from(VOCABULARY), max_size=40).map(" ".join)
# Any printable ASCII, glued without spaces too: tokens that start or end at odd characters.
raw_ascii = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=120)


def _both(text: str) -> tuple[WordEvidence, WordEvidence]:
    native = word_evidence(text)
    with compiled.python_only():
        return native, word_evidence(text)


def _assert_same(text: str) -> None:
    native, python = _both(text)
    assert native.log_odds == python.log_odds, text  # exact: the sums are added in the same order
    assert native.strong == python.strong, text
    assert native.rule_words == python.rule_words, text
    assert native.rule_flags == python.rule_flags, text
    assert native.exclamations == python.exclamations, text
    assert native.caps == python.caps, text
    assert native.halved == python.halved, text


@settings(max_examples=500, deadline=None)
@given(ascii_texts)
def test_native_scan_matches_python_on_any_text_of_the_vocabulary(text: str) -> None:
    _assert_same(text)


@settings(max_examples=500, deadline=None)
@given(raw_ascii)
def test_native_scan_matches_python_on_any_printable_ascii(text: str) -> None:
    _assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "!!!",
        "I am not happy with the service",
        "The staff were lovely but the product is terrible",
        "although it arrived, it was broken. But I love it",
        "kind of a bit sad, but really REALLY happy!!!",
        "sooo haaappy :) but not great but fine",
        "I have never been so frustrated, I couldn't be more disappointed",
        "Despite having a booking, nobody answers; still waiting!?",
        "I’ve been on hold for an hour",  # a typographic apostrophe, made ASCII before the scan
        "The \u212aelvin sign lower-cases to ASCII",  # non-ASCII text whose lowered form is ASCII
    ],
)
def test_native_scan_matches_python_on_known_cases(text: str) -> None:
    _assert_same(text)


def test_native_scan_matches_python_on_every_project_text() -> None:
    texts = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if isinstance(row.get("text"), str):
                texts.append(row["text"])
    config = SimulationConfig(seed=5, customers=300, malformed_rate=0.0, duplicate_rate=0.0)
    for record in generate(config):
        text = json.loads(record.value).get("text")
        if isinstance(text, str):
            texts.append(text)
    ascii_count = sum(text.isascii() for text in texts)
    assert ascii_count > 1000  # the sets hold English text, so the compiled scan is what is compared
    for text in texts:
        _assert_same(text)
    scored = [score_english(text) for text in texts]
    engine = load_engine()
    analyzed = [engine.analyze(text) for text in texts]
    with compiled.python_only():
        assert [score_english(text) for text in texts] == scored
        assert [engine.analyze(text) for text in texts] == analyzed


log_odds = st.lists(st.floats(min_value=-80.0, max_value=80.0), min_size=8, max_size=8)


@settings(max_examples=1000, deadline=None)
@given(log_odds, st.floats(min_value=0.0, max_value=1.5))
def test_affect_matches_python_on_any_evidence(values: list[float], boost: float) -> None:
    from pipeline.domain.emotion import _scan

    assert _scan.affect(list(values), boost) == affect_python(list(values), boost)


@pytest.mark.parametrize("value", [-30.0, -30.000001, -29.999999, 0.0, -0.0, 700.0, -700.0, 1e-300])
def test_affect_matches_python_at_the_edges(value: float) -> None:
    from pipeline.domain.emotion import _scan

    values = [value, -value, 2.0, -2.0, 0.5, -0.5, 30.0, -31.0]
    for boost in (0.0, 0.2, 1.0, 0.9999999999):
        assert _scan.affect(list(values), boost) == affect_python(list(values), boost)


def test_native_scan_refuses_text_that_is_not_ascii() -> None:
    from pipeline.domain.emotion import _scan

    model = english.english_model()
    with pytest.raises(ValueError, match="ASCII"):
        _scan.scan("café", "café", False, model.words, model.negated, model.negated_weights, model.bias)


def _same_double(first: float, second: float) -> bool:
    return struct.pack("<d", first) == struct.pack("<d", second) or (math.isnan(first) and math.isnan(second))


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=12))
def test_round4_matches_the_builtin_on_any_float(values: list[float]) -> None:
    from pipeline.domain.emotion import _scan

    assert all(map(_same_double, _scan.round4(values), round4_python(values)))


def test_round4_matches_the_builtin_at_and_beside_every_half() -> None:
    from pipeline.domain.emotion import _scan

    # Every value x.xxxx5 in [-2, 2], the doubles on either side of it, the halves that are exact in binary
    # (0.03125) and signed zeros: where a rounding shortcut would go wrong if anywhere.
    halves = [(k + 0.5) / 10_000 for k in range(-20_000, 20_000)]
    values = [
        *halves,
        *(math.nextafter(value, math.inf) for value in halves),
        *(math.nextafter(value, -math.inf) for value in halves),
        0.03125, -0.03125, 0.0, -0.0, 1e-300, -1e-300, 99.99995, 1e20,
    ]
    assert all(map(_same_double, _scan.round4(values), round4_python(values)))


def test_native_scan_refuses_malformed_model_entries() -> None:
    # The compiled scan reads the model's tuples directly; a malformed entry is an error, never a crash.
    from pipeline.domain.emotion import _scan

    bias = (0.0,) * 8
    with pytest.raises(TypeError, match="4-tuple"):
        _scan.scan("a !", "a !", False, {"!": "not a tuple"}, {}, lambda word: None, bias)
    with pytest.raises(TypeError, match="4-tuple"):
        _scan.scan("a b", "a b", False, {"a": (None, None)}, {}, lambda word: None, bias)
    with pytest.raises(TypeError, match="tuple of floats"):
        _scan.scan("a", "a", False, {}, {}, lambda word: None, (0.0,))


# The learned complaint reading: words of its model, numbers in digits and words, long words, zero runs.
COMPLAINT_VOCABULARY = [
    "still", "not", "here", "after", "six", "SIX", "weeks", "3", "10.5", "2,000", "000000", "0" * 25, "days",
    "charged", "twice", "nobody", "the", "my", "order", "refund", "again", "it's", "IT'S", "'", "?", "?!",
    "!", ".", ",", "few", "several", "x" * 70, "y" * 64, "Z" * 63, "a1b2", "hundred", "-", ":",
]
complaint_texts = st.lists(st.sampled_from(COMPLAINT_VOCABULARY), max_size=30).map(" ".join)


def _same_complaint_log_odds(text: str) -> None:
    from pipeline.domain.emotion.english_complaints import complaint_model

    model = complaint_model()
    assert model.table is not None
    assert model.log_odds(text) == model.log_odds_python(text), text  # the same sums in the same order


@settings(max_examples=500, deadline=None)
@given(complaint_texts)
def test_complaint_log_odds_match_python_on_any_text_of_the_vocabulary(text: str) -> None:
    _same_complaint_log_odds(text)


@settings(max_examples=500, deadline=None)
@given(raw_ascii)
def test_complaint_log_odds_match_python_on_any_printable_ascii(text: str) -> None:
    _same_complaint_log_odds(text)


def test_complaint_log_odds_match_python_on_every_project_text() -> None:
    texts = [
        row["text"]
        for path in sorted(DATA.glob("*.jsonl"))
        for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())
        if isinstance(row.get("text"), str) and row["text"].isascii()
    ]
    assert len(texts) > 1000
    for text in texts:
        _same_complaint_log_odds(text)


def test_complaint_reading_refuses_text_that_is_not_ascii_and_feature_clashes() -> None:
    from pipeline.domain.emotion import _scan

    table = _scan.complaint_table({"late": 1.0}, ("one",))
    assert _scan.complaint_log_odds(table, "late LATE", 0.5) == 2.5
    with pytest.raises(ValueError, match="ASCII"):
        _scan.complaint_log_odds(table, "café", 0.0)
    with pytest.raises(TypeError):
        _scan.complaint_table({"late": "heavy"}, ("one",))
