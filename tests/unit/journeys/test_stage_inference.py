"""Stage inference (SPEC 5.2) over the built-in journeys: explicit, inferred from text or channel, unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.domain.journeys import JourneyCatalog, load_journeys


@pytest.fixture(scope="module")
def catalog() -> JourneyCatalog:
    return load_journeys()


INFERRED: list[tuple[str, str, str, str, str]] = [
    # journey, text, channel, expected stage, expected cue
    ("travel", "I want to book a flight to Tokyo", "web", "booking", "book a flight"),
    ("travel", "我想订机票去上海", "app", "booking", "订机票"),
    ("travel", "我想訂機票去台北", "app", "booking", "訂機票"),
    ("travel", "Can I change my booking to next Friday?", "chat", "pre_trip", "change my booking"),
    ("travel", "签证材料还没准备好", "chat", "pre_trip", "签证"),
    ("travel", "Online check-in keeps failing", "app", "check_in", "online check in"),
    ("travel", "The flight was delayed and I missed my connection", "phone", "check_in",
     "missed my connection"),
    ("travel", "航班延误了三个小时", "phone", "check_in", "延误"),
    ("travel", "航班延誤了三個小時", "phone", "check_in", "延誤"),
    ("travel", "The room was dirty and the air conditioning is broken", "chat", "in_stay",
     "air conditioning"),
    ("travel", "酒店房間很髒", "app", "in_stay", "房間"),
    ("travel", "My luggage didn't arrive on the return flight", "email", "return", "luggage didn't arrive"),
    ("travel", "My luggage didn’t arrive", "email", "return", "luggage didn't arrive"),
    ("travel", "行李丢失了，谁负责？", "phone", "return", "行李丢失"),
    ("travel", "Still waiting for my compensation", "email", "post_trip", "compensation"),
    ("ecommerce", "我的快递还没到，已经一周了", "chat", "delivery", "还没到"),
    ("ecommerce", "我的快遞還沒到", "chat", "delivery", "還沒到"),
    ("ecommerce", "Where is my order? Tracking shows nothing", "email", "delivery", "where is my order"),
    ("ecommerce", "I want to return this, wrong size", "chat", "returns", "wrong size"),
    ("ecommerce", "我要退貨", "chat", "returns", "退貨"),
    ("ecommerce", "Card declined at CHECKOUT", "web", "payment", "card declined"),
    ("telecom", "没信号，打不通电话", "phone", "network", "没信号"),
    ("telecom", "Why was I overcharged on this bill?", "phone", "billing", "overcharged"),
    ("telecom", "我要携号转网", "store", "cancellation", "携号转网"),
    ("banking", "Someone used my card without permission", "phone", "fraud", "someone used my card"),
    ("banking", "手機銀行一直閃退", "app", "digital_banking", "手機銀行"),
    ("banking", "转账三天了还没到账", "chat", "payments", "没到账"),
    ("default", "I was charged twice on my bill", "phone", "billing", "charged"),
    # Code-switching: an English cue right after Chinese characters still matches.
    ("default", "我要refund", "chat", "billing", "refund"),
]


@pytest.mark.parametrize("case", INFERRED, ids=[f"{case[0]}:{case[1]}" for case in INFERRED])
def test_inferred_from_text(catalog: JourneyCatalog, case: tuple[str, str, str, str, str]) -> None:
    journey, text, channel, stage, cue = case
    result = catalog.infer_stage(journey, None, text, channel)
    assert (result.journey, result.stage, result.method, result.cue) == (journey, stage, "inferred", cue)
    assert result.note is None


@pytest.mark.parametrize(
    ("journey", "explicit", "stage"),
    [
        ("travel", "check_in", "check_in"),
        ("travel", "Check-In", "check_in"),
        ("travel", "boarding", "check_in"),
        ("ecommerce", "cart", "checkout"),
        ("banking", "fraud", "fraud"),
    ],
)
def test_explicit_stage_wins(catalog: JourneyCatalog, journey: str, explicit: str, stage: str) -> None:
    result = catalog.infer_stage(journey, explicit, "I want a refund for my booking", "chat")
    assert (result.stage, result.method, result.cue, result.note) == (stage, "explicit", None, None)


def test_explicit_stage_outside_the_journey_is_not_trusted(catalog: JourneyCatalog) -> None:
    result = catalog.infer_stage("travel", "checkout_page", "the room was dirty", "chat")
    assert (result.stage, result.method, result.cue) == ("in_stay", "inferred", "the room")
    assert result.note is not None
    assert "'checkout_page'" in result.note


def test_untrusted_explicit_stage_with_nothing_to_infer_is_unknown(catalog: JourneyCatalog) -> None:
    result = catalog.infer_stage("travel", "lounge", "hello", "sms")
    assert (result.stage, result.method) == ("unknown", "unknown")
    assert result.note is not None


def test_unknown_journey_falls_back_to_default(catalog: JourneyCatalog) -> None:
    result = catalog.infer_stage("cruise", None, "I need a refund", "email")
    assert (result.journey, result.stage, result.method) == ("default", "billing", "inferred")
    assert result.note == "journey 'cruise' is not configured; used 'default'"


@pytest.mark.parametrize(
    ("journey", "channel", "stage"),
    [("ecommerce", "survey", "review"), ("travel", "survey", "post_trip"), ("default", "ivr", "support"),
     ("banking", "store", "branch")],
)
def test_channel_hint_when_text_has_no_cue(
    catalog: JourneyCatalog, journey: str, channel: str, stage: str
) -> None:
    for text in (None, "", "ok"):
        result = catalog.infer_stage(journey, None, text, channel)
        assert (result.stage, result.method, result.cue) == (stage, "inferred", f"channel:{channel}")


@pytest.mark.parametrize("text", [None, "", "hello there", "notebook", "你好"])
def test_nothing_to_go_on_is_unknown(catalog: JourneyCatalog, text: str | None) -> None:
    result = catalog.infer_stage("travel", None, text, "sms")
    assert (result.stage, result.method, result.cue) == ("unknown", "unknown", None)


def test_stage_labels_are_bounded_and_include_unknown(catalog: JourneyCatalog) -> None:
    labels = catalog.stage_labels()
    assert ("travel", "unknown") in labels
    assert ("travel", "check_in") in labels
    assert len(labels) == len(set(labels))


def test_channel_hint_breaks_a_tie_between_equal_cues(tmp_path: Path) -> None:
    (tmp_path / "tie.yaml").write_text(
        "name: tie\nstages:\n"
        "  - name: first\n    keywords: {en: [alpha]}\n"
        "  - name: second\n    channels: [chat]\n    keywords: {en: [omega]}\n",
        encoding="utf-8",
    )
    catalog = load_journeys([tmp_path])
    assert catalog.infer_stage("tie", None, "omega then alpha", "web").stage == "first"
    assert catalog.infer_stage("tie", None, "omega then alpha", "chat").stage == "second"
