"""Customer-service text judged bad or not by the text rule alone (SPEC 5.3), as a CX analyst would.

The cases come from ``tests/data/cs_en_polarity.jsonl``, ``cs_en_mishaps.jsonl`` and ``cs_zh_polarity.jsonl``,
the project's hand-written customer-service sets; the last test holds the default engine's figures on each
whole set to a floor, so a change to a scorer or a language's thresholds that loses customer-service
complaints, or turns plain questions into complaints, fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.domain.emotion.engine import EmotionEngine, load_engine
from pipeline.domain.experience import judge_experience
from pipeline.evaluation.predictors import EnginePredictor
from pipeline.evaluation.runner import evaluate_file

DATA = Path(__file__).resolve().parents[2] / "data"
SERVICE_SETS = {
    "en": DATA / "cs_en_polarity.jsonl",
    "en-mishaps": DATA / "cs_en_mishaps.jsonl",
    "zh": DATA / "cs_zh_polarity.jsonl",
}

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

# Mishaps told without a feeling word (tests/data/cs_en_mishaps.jsonl): the 1.4.0 rules.
BAD_MISHAPS = [
    "My package was marked as delivered but it's not here.",
    "You took the payment twice for one order.",
    "The router you sent is dead out of the box.",
    "I've emailed four times and got the same copy-paste answer each time.",
    "The customer portal has been down all weekend.",
    "They sent me someone else's order.",
    "The boiler engineer left without fixing anything.",
    "I am very unhappy with how my complaint was handled.",
    "The repair took six weeks and the same part has failed again.",
    "The dentist cancelled my appointment on the morning of it, for the second time.",
    "The milk in my delivery was already out of date.",
    # 1.5.0: a fault in one word, the wrong thing, time it took, "keeps asking", "despite having a booking"
    "The heater arrived with a cracked casing.",
    "My new glasses have the wrong prescription in them.",
    "It took you nine days to answer a simple email.",
    "The insurance company keeps asking for documents I've already sent.",
    "We waited forty minutes for our table despite having a booking.",
    "The zip broke the first time I used the suitcase.",
    # 1.6.0 (round 8 of the set): a connection that drops, someone else's thing, quoted then billed, pending
    # since, not what was ordered, what never appeared, contradicting answers, paid for and then put last
    "The new router drops the connection every evening around eight.",
    "The pharmacy gave me someone else's prescription.",
    "I was quoted 40 pounds on the phone and then billed 95.",
    "My insurance claim has been 'under review' since June.",
    "We ordered a king size duvet and got a single.",
    "The refund you confirmed last month has not appeared on my card.",
    "Your agent told me one thing and the manager told me the exact opposite.",
    "I paid for priority boarding and was put in the last group.",
    "The tablet's screen has a line of dead pixels straight out of the box.",
    # 1.7.0 (round 9): a street skipped, a time not kept, a fault back, a charge for what was never done,
    # kept waiting, a refund cut, a code rejected, nobody came despite reports
    "The bin men have skipped our street three weeks running.",
    "We booked the removal van for nine and it turned up at two.",
    "The garage kept my car for a week and the warning light is back on.",
    "The vet charged us for a scan that was never done.",
    "I was kept waiting at the desk for forty minutes with a booking confirmation in my hand.",
    "The refund came through, but for half the amount.",
    "The discount code in your email is rejected at checkout every time.",
    "Nobody from the council has been to look at the leak despite four reports.",
    # 1.8.2 (round 12): payments taken beyond the agreement, nobody came, work left undone, a fee for a
    # trivial change
    "I cancelled the gym membership in writing and they've taken another two payments.",
    "The meter reading on my bill is made up, nobody has been to read it in a year.",
    "Booked a deep clean, the cleaner stayed 50 minutes and left the oven untouched.",
    "I can't believe I have to pay £30 just to change the name on a ticket.",
]
NOT_BAD_MISHAPS = [
    "Please cancel the order I placed this morning, I ordered the wrong colour by mistake.",
    "I lost my card, please block it and send a new one.",
    "My daughter broke her phone screen, can I claim on the insurance?",
    "I'd like to return the shoes, they're a bit too small.",
    "I accidentally ordered two, can I cancel one?",
    "I need to cancel my gym membership because I'm moving abroad.",
    "The delayed parcel turned up today, no harm done.",
    "Is it possible to pay the balance in two instalments?",
]

BAD_ZH = [
    "我的快递三天了还没到，客服也不回消息",
    "衣服洗了一次就掉色了，质量太差",
    "少发了一件，订单里明明是三件",
    "气死我了，到底有没有人管",
    "电话打了五次都转来转去，没人能解决",
    "退款一拖再拖",
    "东西还可以，但是客服态度太差了",
    "真是太棒了，又坏了",
    "呵呵，你们效率真高啊，一个月了还没发货",
    "银行卡被盗刷了，我好害怕",
]
NOT_BAD_ZH = [
    "我想问一下怎么修改收货地址",
    "请问什么时候发货",
    "你好，我的订单号是12345，麻烦帮我查一下",
    "我要退货",
    "帮我取消订单",
    "請問什麼時候可以出貨",
    "本来很生气，但是你们处理得很好",
    "物流慢了点，但是东西很好",
    "谢谢你们的耐心解答",
    "好的，我知道了",
]
CASES = {"en": (BAD, NOT_BAD), "en-mishaps": (BAD_MISHAPS, NOT_BAD_MISHAPS), "zh": (BAD_ZH, NOT_BAD_ZH)}


@pytest.fixture(scope="module")
def engine() -> EmotionEngine:
    return load_engine()


@pytest.mark.parametrize("name", sorted(SERVICE_SETS))
def test_the_cases_come_from_the_service_set(name: str) -> None:
    labelled = {
        row["text"]: row["negative"]
        for row in map(json.loads, SERVICE_SETS[name].read_text(encoding="utf-8").splitlines())
    }
    bad, not_bad = CASES[name]
    assert {text: labelled.get(text) for text in bad} == dict.fromkeys(bad, True)
    assert {text: labelled.get(text) for text in not_bad} == dict.fromkeys(not_bad, False)


@pytest.mark.parametrize("text", BAD + BAD_MISHAPS + BAD_ZH)
def test_complaints_are_bad(engine: EmotionEngine, text: str) -> None:
    result = engine.analyze(text)
    verdict = judge_experience(result, text=text)
    assert verdict.experience == "bad", (result.valence, result.scores)
    assert [reason.rule for reason in verdict.reasons] == ["text_strongly_negative"]


@pytest.mark.parametrize("text", NOT_BAD + NOT_BAD_MISHAPS + NOT_BAD_ZH)
def test_requests_thanks_and_recovered_moments_are_not_bad(engine: EmotionEngine, text: str) -> None:
    result = engine.analyze(text)
    assert judge_experience(result, text=text).experience != "bad", (result.valence, result.scores)


# Measured when each set's rules were last set (see docs/emotion-accuracy.md): en 0.93 bad-F1 and 0.93
# balanced accuracy (1.3.0: 0.84 and 0.86), en-mishaps 0.83 and 0.84 (1.4.0: 0.76 and 0.79; 1.3.0 on its
# first four rounds: 0.38 and 0.61), zh 0.91 and 0.90. Since 1.8.0 the English sets are scored on the rows
# the learned complaint reading never trained on (evaluate_file leaves the others out): the polarity set's
# other half, 0.90 and 0.91 (the rules alone: 0.88), and the mishap set's rounds 5, 10 and 11, told without
# a feeling word, 0.80 and 0.83 (the rules alone: about 0.6). The floors leave room for small changes, not
# for losing complaints.
FLOORS = {"en": 0.86, "en-mishaps": 0.75, "zh": 0.85}
HELD_OUT_ROWS = {"en": 180, "en-mishaps": 200, "zh": 150}


@pytest.mark.parametrize("name", sorted(SERVICE_SETS))
def test_the_service_set_as_a_whole(engine: EmotionEngine, name: str) -> None:
    figures = evaluate_file(SERVICE_SETS[name], [EnginePredictor(engine)])
    [polarity] = [predictor["polarity"] for predictor in figures["predictors"].values()]
    assert polarity["rows"] >= HELD_OUT_ROWS[name]
    assert polarity["bad_f1"] >= FLOORS[name]
    assert polarity["balanced_accuracy"] >= FLOORS[name]
