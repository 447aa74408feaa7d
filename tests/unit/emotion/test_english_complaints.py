"""The learned complaint reading: what it reads, how it adds up, and what it adds to a result.

Its data is the project's own service messages (and GoEmotions comments as quiet text); the texts below are
written here and are in none of its training rows.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pipeline.domain.emotion import compiled
from pipeline.domain.emotion.engine import EmotionEngine, load_engine
from pipeline.domain.emotion.english import score_english
from pipeline.domain.emotion.english_complaints import (
    ComplaintModel,
    complaint_features,
    complaint_model,
    complaint_tokens,
    read_complaint,
    weighed,
)
from pipeline.domain.experience import judge_experience
from pipeline.evaluation.datasets import iter_rows
from pipeline.evaluation.splits import COMPLAINT_HOLDOUT_ROUNDS, complaint_training_row

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def engine() -> EmotionEngine:
    return load_engine()


def test_numbers_in_digits_or_words_are_one_token() -> None:
    assert complaint_tokens("Six weeks, 3 weeks, 10.5 days, 2,000 pounds") == [
        "0", "weeks", "0", "weeks", "0", "0", "days", "0", "0", "pounds",
    ]


def test_words_keep_apostrophes_and_a_question_adds_one_token() -> None:
    assert complaint_tokens("It’s STILL broken, isn't it?") == ["it's", "still", "broken", "isn't", "it", "?"]
    assert complaint_tokens("") == []


def test_features_are_tokens_then_neighbouring_pairs() -> None:
    assert complaint_features(["still", "not", "here"]) == ["still", "not", "here", "still not", "not here"]


def test_log_odds_add_the_bias_and_every_occurrence_of_every_feature() -> None:
    model = ComplaintModel(bias=-1.0, weights={"late": 1.5, "again": 0.5, "late again": 2.0, "?": -3.0},
                           threshold=0.9)
    assert model.log_odds_python("late again") == pytest.approx(-1.0 + 1.5 + 0.5 + 2.0)
    assert model.log_odds_python("late, late again") == pytest.approx(-1.0 + 3.0 + 0.5 + 2.0)
    assert model.log_odds_python("late again?") == pytest.approx(-1.0 + 1.5 + 0.5 + 2.0 - 3.0)
    assert model.log_odds_python("on time") == -1.0
    assert model.cut == pytest.approx(math.log(9.0))


def test_the_shipped_model_has_a_threshold_and_reads_questions_and_weeks_as_expected() -> None:
    model = complaint_model()
    assert 0.5 < model.threshold < 1.0
    assert len(model.weights) > 1000
    # A question is evidence against a complaint; a number of weeks for one.
    assert model.weights["?"] < 0 < model.weights["0 weeks"]
    # Courtesy words weigh neither way, alone or in a pair (1.10.0).
    assert not [feature for feature in model.weights if not weighed(feature)]


@pytest.mark.parametrize(
    "text",
    [
        "The replacement kettle has stopped boiling after nine days.",
        "The lift in our building has been out of order for a month.",
        "We paid for a sea view and the window faces the car park.",
    ],
)
def test_complaints_without_a_feeling_word_read_bad_and_show_why(engine: EmotionEngine, text: str) -> None:
    result = engine.analyze(text, "en")
    assert judge_experience(result, text=text).experience == "bad"
    [learned] = [cue for cue in result.evidence if cue.kind == "model"]
    assert learned.note is not None
    probability = float(learned.note.removeprefix("learned complaint reading ").split(":", 1)[0])
    assert probability >= complaint_model().threshold
    assert learned.start is not None
    assert learned.end is not None
    assert text[learned.start : learned.end] == learned.text
    assert learned.emotions["anger"] > 0
    # The note names the weightiest words, the cue's own first; a bare "the" or "my" is never one of them.
    named = learned.note.split(": ", 1)[1].split(", ")
    assert named[0] == learned.text
    assert all(word in text for word in named)
    assert not {word.lower() for word in named} & {"the", "my", "a", "for a"}


@pytest.mark.parametrize(
    "text",
    [
        "How do I update the address on my invoice?",
        "I would like to add my partner to the account.",
        "Please send the invoice to my work email.",
        "We went to the beach after lunch and swam for two hours.",
        "My grandmother taught me how to bake bread when I was six.",
        "The new bus route starts on Monday, according to the council.",
    ],
)
def test_requests_and_plain_statements_are_left_alone(engine: EmotionEngine, text: str) -> None:
    result = engine.analyze(text, "en")
    assert read_complaint(text) is None
    assert judge_experience(result, text=text).experience != "bad"
    assert not [cue for cue in result.evidence if cue.kind == "model"]


def test_the_reading_adds_nothing_where_an_idiom_already_found_the_complaint() -> None:
    text = "I was on hold for two hours and the parcel still has not arrived after six weeks."
    kinds = [cue.kind for cue in score_english(text).cues]
    assert "idiom" in kinds
    assert "model" not in kinds


def test_the_reading_adds_nothing_where_the_text_tells_a_good_outcome() -> None:
    text = "The replacement kettle stopped boiling after nine days, but it was fixed the same afternoon."
    assert "model" not in [cue.kind for cue in score_english(text).cues]


def test_a_question_gets_no_floor_from_the_reading() -> None:
    # Plain words around a complaint do not drown a stated one (the floor); a question keeps only its
    # own weight, as for the idioms.
    padding = (
        "The engineer from the company came on the Tuesday morning for the appointment we had booked and"
    )
    stated = score_english(f"{padding} the lift has been out of order for a month.")
    asked = score_english(f"{padding} the lift has been out of order for a month?")
    assert [cue.kind for cue in stated.cues].count("model") == 1
    assert stated.raw["anger"] > 0.3
    assert asked.raw["anger"] < stated.raw["anger"] / 2


def test_the_holdouts_stay_out_of_training() -> None:
    rows = list(iter_rows(DATA / "cs_en_mishaps.jsonl"))
    held_out = [row for row in rows if not complaint_training_row("cs_en_mishaps", row)]
    assert {row["round"] for row in held_out} == COMPLAINT_HOLDOUT_ROUNDS
    assert len(held_out) >= 200
    polarity = list(iter_rows(DATA / "cs_en_polarity.jsonl"))
    trained = [row for row in polarity if complaint_training_row("cs_en_polarity", row)]
    assert 0.4 < len(trained) / len(polarity) < 0.6


def test_the_python_reading_gives_the_same_verdicts() -> None:
    texts = [
        "The replacement kettle has stopped boiling after nine days.",
        "How do I update the address on my invoice?",
        "Café au lait was cold after 20 minutes, and the waiter said nothing.",
    ]
    readings = [read_complaint(text) for text in texts]
    with compiled.python_only():
        assert [read_complaint(text) for text in texts] == readings
