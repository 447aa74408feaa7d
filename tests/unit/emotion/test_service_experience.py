"""English customer-service text judged bad or not by the text rule alone (SPEC 5.3), as a CX analyst would.

The cases come from ``tests/data/cs_en_polarity.jsonl``, the project's hand-written customer-service set;
the last test holds the default engine's figures on the whole set to a floor, so a change to the English
scorer or the en thresholds that loses customer-service complaints fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.domain.emotion.engine import EmotionEngine, load_engine
from pipeline.domain.experience import judge_experience
from pipeline.evaluation.predictors import EnginePredictor
from pipeline.evaluation.runner import evaluate_file

SERVICE_SET = Path(__file__).resolve().parents[2] / "data" / "cs_en_polarity.jsonl"

BAD = [
    "I am furious, this is the third time!",
    "I am beyond frustrated with your company.",
    "I am really pissed off with how this was handled.",
    "Honestly the worst experience ever, avoid at all costs.",
    "I'm livid. Nobody takes responsibility for anything here.",
    "The product stopped working after two days.",
    "The quality is nothing like the pictures.",
    "I was overcharged on my last bill.",
    "I paid for express shipping and it took ten days.",
    "No one has got back to me about my claim.",
    "Nobody ever calls back.",
    "Still haven't received my order.",
    "I was double charged and nobody cares.",
    "I've been on hold for an hour.",
    "I was transferred three times and nobody could help.",
    "I've been a loyal customer for years, but this is the last time.",
    "Delivery was fast, but the item was broken.",
    "I like the app, but it keeps crashing when I pay.",
    "You said it was fixed, but it's still not working.",
    "The agent was friendly but nothing got fixed.",
    "Just perfect, the replacement is broken too.",
    "Oh brilliant, the website is down again.",
    "Oh great, another delay. Thanks for nothing.",
    "I'm worried sick, the package with my documents is missing.",
    "I'm afraid I'll miss the deadline because your system is down.",
    "I'm panicking, I transferred money to the wrong account.",
]
NOT_BAD = [
    "Sure, Tuesday works for me.",
    "My account number is 4432190.",
    "I'll be home after 6 if the courier needs to reach me.",
    "The app is a bit confusing, but support helped me set it up.",
    "The box was dented but the contents were fine.",
    "Shipping took longer than expected, but the quality is excellent.",
    "I was annoyed at first, but you handled it really well.",
    "Although the parcel arrived late, everything was in perfect condition.",
    "How do I activate my new SIM card?",
    "Hello, quick question about my contract end date.",
    "My old phone broke, so I'd like to upgrade.",
    "I forgot my password, how do I reset it?",
    "There's no rush, whenever you get a chance.",
    "Thank you, I really appreciate the follow-up call.",
    "Great service, very helpful support team.",
    "Thanks so much for the birthday discount :)",
]


@pytest.fixture(scope="module")
def engine() -> EmotionEngine:
    return load_engine()


def test_the_cases_come_from_the_service_set() -> None:
    labelled = {
        row["text"]: row["negative"]
        for row in map(json.loads, SERVICE_SET.read_text(encoding="utf-8").splitlines())
    }
    assert {text: labelled.get(text) for text in BAD} == dict.fromkeys(BAD, True)
    assert {text: labelled.get(text) for text in NOT_BAD} == dict.fromkeys(NOT_BAD, False)


@pytest.mark.parametrize("text", BAD)
def test_complaints_are_bad(engine: EmotionEngine, text: str) -> None:
    result = engine.analyze(text)
    verdict = judge_experience(result, text=text)
    assert verdict.experience == "bad", (result.valence, result.scores)
    assert [reason.rule for reason in verdict.reasons] == ["text_strongly_negative"]


@pytest.mark.parametrize("text", NOT_BAD)
def test_requests_thanks_and_recovered_moments_are_not_bad(engine: EmotionEngine, text: str) -> None:
    result = engine.analyze(text)
    assert judge_experience(result, text=text).experience != "bad", (result.valence, result.scores)


def test_the_service_set_as_a_whole(engine: EmotionEngine) -> None:
    figures = evaluate_file(SERVICE_SET, [EnginePredictor(engine)])
    [polarity] = [predictor["polarity"] for predictor in figures["predictors"].values()]
    assert polarity["rows"] >= 300
    # Measured 0.83 bad-F1 and 0.85 balanced accuracy when the en thresholds were set; see
    # docs/emotion-accuracy.md. The floor leaves room for small changes, not for losing complaints.
    assert polarity["bad_f1"] >= 0.78
    assert polarity["balanced_accuracy"] >= 0.78
