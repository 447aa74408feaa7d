"""The English scorer's one-pass reading agrees with the training featurizer, feature for feature.

``word_evidence`` tokenizes and scores in one loop for speed; ``extract_features`` (``english_tokens``) is
what training reads. Weights learned on one and applied through the other are only right if both read
every text alike: same words, same negation scope, same modifier and contrast weights, same pairs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.emotion.english import CUE_MIN_EVIDENCE, english_model, score_english, word_evidence
from pipeline.domain.emotion.english_rules import (
    IDIOM_PATTERNS,
    IDIOMS_BY_KEY,
    SARCASM,
    SARCASM_BY_KEY,
    sarcasm_pattern,
)
from pipeline.domain.emotion.english_tokens import NEGATION_PREFIX, extract_features, read_tokens
from pipeline.evaluation.datasets import iter_rows

# Words that exercise every reading rule, plus plain and emotional words, in several spellings.
VOCABULARY = [
    "i", "I", "the", "service", "was", "is", "happy", "HAPPY", "haaappy", "angry", "ANGRY", "sad", "love",
    "great", "terrible", "worst", "thanks", "thank", "you", "not", "never", "no", "don't", "isn’t", "can't",
    "but", "however", "although", "though", "very", "so", "really", "extremely", "sooo", "kind", "of", "a",
    "bit", "slightly", "little", "barely", "on", "hold", "for", "an", "hour", "still", "waiting", "nobody",
    "answers", "oh", "just", "right", "yeah", "nothing", "lol", "OK", "wow", "helpful", "refund", "late",
    "could", "couldn't", "be", "more", "any", "believe", "how", "been", "only", "this",
    ",", ".", "!", "!!", "?", "?!", ";", ":", "...", "😡", ":)", "-", "'", "_",
]
texts = st.lists(st.sampled_from(VOCABULARY), max_size=30).map(" ".join)


def _reference_log_odds(text: str) -> tuple[list[float], list[tuple[int, int]]]:
    """Bias plus value x weights over the training featurizer's features, and the spans worth a cue."""
    model = english_model()
    sums = list(model.bias)
    strong = []
    for feature in extract_features(text):
        name = feature.name
        if name.startswith(NEGATION_PREFIX) and name[1:2] not in ("", "!", "?"):
            row = model.negated_weights(name[1:])
        else:
            row = model.weights.get(name)
        if row is None:
            continue
        for index in range(8):
            sums[index] += row[index] * feature.value
        if row[8] * feature.value >= CUE_MIN_EVIDENCE:
            strong.append((feature.start, feature.end))
    return sums, strong


@pytest.mark.parametrize(
    "text",
    [
        "I am not happy with the service",
        "The staff were lovely but the product is terrible",
        "although it arrived, it was broken. But I love it",
        "kind of a bit sad, but really REALLY happy!!!",
        "sooo haaappy :) but not great but fine",
        "I don't think it isn’t good, never again?!",
        "WHY IS THIS SO HARD??? I want to cancel",
        "I have never been so frustrated, I couldn't be more disappointed",
        "I can't believe how rude, nothing but problems. Not only late but broken",
        "",
        "!!!",
    ],
)
def test_one_pass_matches_the_training_featurizer(text: str) -> None:
    expected, strong = _reference_log_odds(text)
    found = word_evidence(text)
    assert found.log_odds == pytest.approx(expected, abs=1e-9)
    assert [(feature[2], feature[3]) for feature in found.strong] == strong


@settings(max_examples=300, deadline=None)
@given(texts)
def test_one_pass_matches_the_training_featurizer_on_any_text(text: str) -> None:
    expected, strong = _reference_log_odds(text)
    found = word_evidence(text)
    assert found.log_odds == pytest.approx(expected, abs=1e-9)
    assert [(feature[2], feature[3]) for feature in found.strong] == strong
    tokens = read_tokens(text)
    assert found.exclamations == tokens.exclamations
    assert found.caps == tokens.caps


_EVERY_MARKER = re.compile("|".join(SARCASM), re.IGNORECASE)
sarcastic = st.lists(
    st.sampled_from(
        [*VOCABULARY, "yeah right", "oh great", "just perfect", "thanks for nothing", "love how you", "/s",
         "so helpful not", "thanks a lot for wasting", "cheers", "amazing", "took", "weeks", "only",
         "'fresh'", "'24/7' support", "'in stock'", "'super fast'", "'next-day'", "\"hassle-free\"",
         "'eco-friendly'", "'within 24 hours'", "'money-back' guarantee", "five stars for", "10/10 for",
         "kudos for losing my", "can't thank you enough for wasting", "45 minutes on hold"]
    ),
    max_size=20,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(sarcastic)
def test_sarcasm_markers_tried_by_key_find_what_all_markers_find(text: str) -> None:
    words = {word for word in read_tokens(text).words if word is not None}
    markers = frozenset(index for word in words for index in SARCASM_BY_KEY.get(word, ()))
    every = [match.span() for match in _EVERY_MARKER.finditer(text)][:2]
    keyed = [match.span() for match in sarcasm_pattern(markers).finditer(text)][:2] if markers else []
    assert keyed == every


def test_cues_point_at_their_words() -> None:
    text = "I was not happy, but the agent was really helpful"
    for cue in score_english(text).cues:
        if cue.start is not None and cue.end is not None:
            assert text[cue.start : cue.end] == cue.text


def test_thanks_for_nothing_stays_sarcasm_when_nothing_but_follows() -> None:
    # "nothing but" is rewritten as an intensifier, so the marker cannot be keyed on "nothing".
    cues = score_english("Thanks for nothing but excuses.").cues
    assert [cue.text for cue in cues if cue.kind == "sarcasm"] == ["Thanks for nothing"]


@pytest.mark.parametrize(
    ("text", "idiom"),
    [
        ("Your app logged me out three times today.", "logged me out"),
        ("They kicked us out of the account again.", "kicked us out"),
        ("My ticket was closed without anyone contacting me.", "closed without anyone"),
        ("The account got suspended without notice.", "suspended without notice"),
        ("Half the yoghurts were expired.", "expired"),
        ("The bread was mouldy.", "mouldy"),
        ("The room wasn't available when we arrived.", "wasn't available when we arrived"),
        ("It says delivered but I never got it.", "never got it"),
    ],
)
def test_service_mishaps_without_a_feeling_word_are_idioms(text: str, idiom: str) -> None:
    cues = score_english(text).cues
    assert idiom in [cue.text for cue in cues if cue.kind == "idiom"]


def test_looking_forward_to_more_hold_music_is_sarcasm() -> None:
    cues = score_english("Can't wait to spend another hour on hold tomorrow.").cues
    assert [cue.text for cue in cues if cue.kind == "sarcasm"] == ["Can't wait to spend another hour on hold"]


DATA = Path(__file__).resolve().parents[2] / "data"
SERVICE_TEXTS = [
    row["text"] for name in ("cs_en_polarity.jsonl", "cs_en_mishaps.jsonl") for row in iter_rows(DATA / name)
]


MISHAP_IDIOMS = [
    ("My package was marked as delivered but it's not here.", "marked as delivered but it's not"),
    ("The tracking hasn't updated in six days.", "hasn't updated"),
    ("The replacement you sent has the exact same fault.", "has the exact same fault"),
    ("The router you sent is dead out of the box.", "dead out of the box"),
    ("The screen cracked after two days of normal use.", "cracked after two days"),
    ("You took the payment twice for one order.", "took the payment twice"),
    ("The gym is charging me even after I cancelled.", "charging me even after i"),
    ("The chat agent closed the conversation before I could explain.", "before I could"),
    ("The assistant on the phone talked over me.", "talked over me"),
    ("The boiler engineer left without fixing anything.", "without fixing"),
    ("Our room was given to someone else.", "given to someone"),
    ("The customer portal has been down all weekend.", "portal has been down"),
    ("I ordered a large and got a small.", "ordered a large and got"),
    ("I got a parking fine even though I had paid.", "even though I had paid"),
    ("This has happened five times now.", "five times now"),
    ("I spent the whole day waiting in for a delivery.", "spent the whole day"),
    ("The manager promised to call me back and never did.", "never did"),
    ("My bin wasn't collected again.", "wasn't collected"),
    ("The replacement I was promised has never been delivered.", "never been delivered"),
    ("Your courier lost my parcel.", "your courier lost"),
    ("You've cancelled my booking.", "you've cancelled my"),
    ("I've heard nothing since Monday.", "heard nothing"),
    ("Still nothing back from your team.", "nothing back"),
    ("Nothing has changed since my complaint.", "nothing has changed"),
    ("The flight was delayed by six hours.", "delayed by six hours"),
]


def _idiom_spans(text: str, indexes: list[int]) -> list[tuple[int, tuple[int, int]]]:
    return [(index, match.span()) for index in indexes for match in IDIOM_PATTERNS[index][0].finditer(text)]


def test_idioms_tried_by_key_find_what_every_idiom_finds() -> None:
    # The scorer tries an idiom only when one of its key words occurs: a key list that misses a word some
    # match holds would silently drop that match.
    every = list(range(len(IDIOM_PATTERNS)))
    for text in [*SERVICE_TEXTS, *(text for text, _ in MISHAP_IDIOMS)]:
        words = {word for word in read_tokens(text).words if word is not None}
        keyed = sorted({index for word in words for index in IDIOMS_BY_KEY.get(word, ())})
        assert _idiom_spans(text, keyed) == _idiom_spans(text, every), text


@pytest.mark.parametrize(("text", "idiom"), MISHAP_IDIOMS)
def test_plain_service_mishaps_are_idioms(text: str, idiom: str) -> None:
    cues = score_english(text).cues
    assert idiom.lower() in [cue.text.lower() for cue in cues if cue.kind == "idiom"]


def test_a_customers_own_slip_takes_the_blame_off_a_mishap() -> None:
    mine = score_english("Please cancel the order, I ordered the wrong colour by mistake.")
    theirs = score_english("Please cancel the order, you sent the wrong colour.")
    assert mine.raw["anger"] < theirs.raw["anger"] / 2


def test_a_mishap_the_customer_had_is_not_laid_on_the_company() -> None:
    mine = score_english("I lost my parcel somewhere on the way home.")
    theirs = score_english("Your courier lost my parcel somewhere on the way.")
    assert mine.raw["anger"] < theirs.raw["anger"] / 2
    assert mine.raw["sadness"] < theirs.raw["sadness"]


def test_please_is_manners_not_pleading() -> None:
    asked = score_english("Please send me a copy of my invoice.")
    assert asked.raw["fear"] < 0.1
    assert asked.raw["sadness"] < 0.1


# Plain words that the corpora read as "no emotion", many of them, around one idiom.
_PLAIN = "The engineer from the company came on the Tuesday morning for the appointment we had booked and"


def test_plain_words_around_a_stated_mishap_do_not_outweigh_it() -> None:
    alone = score_english("He left without fixing anything.")
    padded = score_english(f"{_PLAIN} he left without fixing anything.")
    assert padded.raw["anger"] >= alone.raw["anger"] * 0.95
    assert padded.raw["anger"] >= 0.5


def test_a_mishap_inside_a_question_keeps_only_its_own_weight() -> None:
    # "Where is my order?" asks; the same idiom stated is a complaint. A question does not get the floor.
    stated = score_english(f"{_PLAIN} he left without fixing anything.")
    asked = score_english(f"{_PLAIN} he left without fixing anything?")
    assert asked.raw["anger"] < stated.raw["anger"] / 2


@pytest.mark.parametrize(
    "text",
    [
        "Love how I get a different answer every time I call.",
        "Thanks a million for cancelling my flight without telling me.",
        "Awesome, the tracking still says processing after ten days.",
    ],
)
def test_praise_that_opens_a_stated_complaint_is_sarcasm(text: str) -> None:
    scores = score_english(text)
    notes = [cue.note for cue in scores.cues if cue.kind == "sarcasm"]
    assert notes
    assert set(notes) == {"praise before a complaint"}
    assert scores.raw["joy"] < 0.3
    assert scores.valence < -0.3


@pytest.mark.parametrize(
    "text",
    [
        "Thank you, the engineer fixed the boiler that had stopped working.",
        "Great staff, but the parcel was damaged in transit.",
        "The parcel arrived damaged. Great service otherwise!",
        "Swapping the wrong size was easy, thank you.",
    ],
)
def test_praise_beside_a_mishap_is_not_sarcasm_when_sincere(text: str) -> None:
    assert not [cue for cue in score_english(text).cues if cue.kind == "sarcasm"]


@pytest.mark.parametrize(
    "text",
    [
        "My 'brand new' phone arrived with a scratched screen.",
        "Loving the 'fresh' bread that was green by Tuesday.",
        "So much for the \u201chassle-free\u201d returns, I am on my fourth form now.",
    ],
)
def test_a_claim_quoted_back_is_sarcasm(text: str) -> None:
    scores = score_english(text)
    assert any(cue.kind == "sarcasm" and cue.text[0] in "'\u201c" for cue in scores.cues)
    assert scores.valence < -0.3


@pytest.mark.parametrize(
    "text",
    [
        "Can I switch to the 'premium' plan?",
        "I selected 'express' at checkout by mistake, please change it to standard.",
        "Please add 'Fresh Start' to my order.",
        "I searched for 'organic' on the app.",
    ],
)
def test_a_quoted_option_name_or_question_is_no_sarcasm(text: str) -> None:
    scores = score_english(text)
    assert not [cue for cue in scores.cues if cue.kind == "sarcasm"]
    assert scores.valence > -0.3


@pytest.mark.parametrize(
    "text",
    [
        "Five stars for making me wait two hours.",
        "10/10 for losing my suitcase again.",
        "Kudos for ruining my day.",
    ],
)
def test_praise_for_a_mishap_is_sarcasm(text: str) -> None:
    scores = score_english(text)
    assert any(cue.kind == "sarcasm" for cue in scores.cues)
    assert scores.valence < -0.3


@pytest.mark.parametrize(
    "text",
    ["Well done for losing weight, the coach said.", "Thanks for cancelling my old account as I asked."],
)
def test_praise_for_what_was_wanted_is_no_sarcasm(text: str) -> None:
    assert not any(cue.kind == "sarcasm" for cue in score_english(text).cues)


def _idioms(text: str) -> list[str]:
    return [cue.text.lower() for cue in score_english(text).cues if cue.kind == "idiom"]


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("The shelf has started to wobble after a week.", "started to wobble"),
        ("My new kettle seems to leak from the base.", "seems to leak"),
        ("The milk appears to be off, it smells sour.", "appears to be off"),
    ],
)
def test_a_fault_told_with_a_hedge_counts(text: str, fault: str) -> None:
    assert fault in _idioms(text)
    assert score_english(text).valence <= -0.3


def test_a_hedged_fault_asked_about_or_a_hedge_without_one_is_none() -> None:
    assert not _idioms("Does the kettle tend to leak if overfilled?")
    assert not _idioms("It seems to be working now, thanks!")


def test_time_on_hold_told_first_is_a_complaint() -> None:
    assert _idioms("Wow, 45 minutes on hold. Impressive.") == ["45 minutes on hold"]


def test_a_fault_named_in_one_word_counts_when_stated_not_when_asked() -> None:
    stated = "The heater arrived with a cracked casing."
    asked = "Is the cracked casing covered by the warranty?"
    assert "cracked" in _idioms(stated)
    assert "cracked" not in _idioms(asked)
    assert score_english(stated).valence <= -0.3 < score_english(asked).valence


def test_a_fault_told_with_its_good_outcome_is_not_a_complaint() -> None:
    assert "cracked" not in _idioms("The heater arrived with a cracked casing and it was replaced easily.")
    assert "the wrong size" not in _idioms("Swapping the wrong size was easy, the label was in the box.")


def test_the_wrong_thing_the_customer_chose_is_not_laid_on_the_company() -> None:
    mine = score_english("I typed the wrong email address when I signed up.")
    theirs = score_english("You sent the invoice to the wrong email address.")
    assert mine.raw["anger"] < theirs.raw["anger"] / 2


def test_an_idiom_that_opens_a_contrast_is_not_halved_by_it() -> None:
    # "despite" halves the clause it opens ("despite the delay, they were kind"); when the idiom is that
    # clause ("despite having a booking"), the idiom is the complaint.
    [cue] = [
        cue
        for cue in score_english("We waited forty minutes for our table despite having a booking.").cues
        if cue.kind == "idiom" and cue.text.startswith("despite")
    ]
    assert cue.text == "despite having"
    assert cue.note is None


def _bad(text: str) -> bool:
    from pipeline.domain.emotion.engine import load_engine
    from pipeline.domain.experience import judge_experience

    return judge_experience(load_engine().analyze(text, "en"), text=text).experience == "bad"


@pytest.mark.parametrize(
    ("complaint", "not_one"),
    [
        # 1.6.0: each complaint beside the sentence its rule must leave alone.
        ("The speaker cuts out every few minutes.", "Can I cut out the middleman and order direct?"),
        ("My laptop overheats whenever I open two tabs.",
         "Is it normal that the phone gets so hot while charging?"),
        ("The monitor came with dead pixels in the corner.", "Do you check monitors for dead pixels?"),
        ("The wifi keeps dropping the connection at night.", "Please drop the parcel at the back door."),
        ("The delivery was for number 12, it isn't even mine.",
         "That bag isn't mine, could you help me find mine?"),
        ("I was quoted 200 for the repair and charged 340.",
         "Could I be quoted for the repair before you start?"),
        ("My complaint has been pending since the end of August.",
         "We've been customers since 2010 and love it."),
        ("I ordered a blue mountain bike and received a red road bike.",
         "I ordered a coffee table and received it this morning, thanks."),
        ("The compensation you agreed to has not appeared in my account.",
         "The compensation appeared in my account today, thank you."),
        ("Each advisor gives me a different answer about my pension.",
         "Each advisor was lovely, thank you for a different kind of service."),
        ("The receptionist told me one thing and the email said another.",
         "The receptionist told me about the spa, which sounds great."),
        ("I paid for next-day delivery and still had to wait a week.",
         "I paid for the upgrade and was given a lovely room."),
    ],
)
def test_the_1_6_0_complaints_read_bad_and_their_neighbours_do_not(complaint: str, not_one: str) -> None:
    assert _bad(complaint)
    assert not _bad(not_one)


@pytest.mark.parametrize(
    ("complaint", "not_one"),
    [
        # 1.7.0: each complaint beside the sentence its rule must leave alone.
        ("The recycling lorry missed our road again this week.",
         "I missed the delivery yesterday, can I rebook it?"),
        ("The plumber was booked for 10am and showed up at 4.",
         "The plumber was booked for 10am and showed up at 10, great work."),
        ("The same fault has come back after the repair.",
         "Is the fault likely to come back after the repair?"),
        ("I posted the form on Monday and it's Friday, still nothing.",
         "I posted the form on Monday, when will it arrive?"),
        ("I cancelled in time but was billed for the month anyway.",
         "I was billed for the month, which is fine anyway."),
        ("I keep getting reminders for a bill I already paid.",
         "Can you send me a reminder before the bill is due?"),
        ("You charged me for a delivery that never happened.",
         "There is no charge if we never collect it, right?"),
        ("The engineer came yesterday and the house is still cold.",
         "Is the fridge supposed to feel cold on the outside?"),
        ("The receptionist kept us waiting for an hour with no explanation.",
         "I kept waiting for the update to finish, it works now."),
        ("The manual is only in French.", "Is the manual only in French?"),
        ("The deposit came back, but only half the amount.",
         "I'd like to pay half the amount now and the rest later."),
        ("My gas bill is much higher than the meter reading.",
         "Why would a bill be higher than the estimate?"),
        ("My voucher code keeps getting rejected at checkout.",
         "My voucher code was not rejected this time, thanks."),
        ("Nobody from your team has been out to look at the damp.",
         "Nobody from the council needs to visit, it is sorted."),
        ("The roof still leaks despite three reports to the landlord.",
         "Despite three reports of bad weather, the flight left on time."),
        ("The delayed train made us miss the wedding.", "The delayed parcel turned up today, no harm done."),
        # A condition is not a vow: "if I never use it" is neither churn talk nor a charge for nothing.
        ("I will never use your app again.", "Is there a fee if I never use the card?"),
    ],
)
def test_the_1_7_0_complaints_read_bad_and_their_neighbours_do_not(complaint: str, not_one: str) -> None:
    assert _bad(complaint)
    assert not _bad(not_one)


@pytest.mark.parametrize(
    ("complaint", "not_one"),
    [
        # 1.8.2: each complaint beside the sentence its rule must leave alone.
        ("They took another payment after I cancelled.", "I took another look at the manual, found it."),
        ("You've charged me an extra fee for paper bills.", "Is there an extra fee for paper bills?"),
        ("No one has called back since Tuesday.", "No one has been as kind to us as your team."),
        ("The decorators left the hallway half-painted.", "The decorators left the hallway spotless."),
        ("I have to pay a fee just to change the date on my ticket.",
         "I just want to change the date on my ticket."),
        # Sarcasm around a complaint the rules now know, and the same praise meant.
        ("Amazing how a simple refund takes two months.", "Amazing how fast the engineer fixed it."),
        ("Really great that nobody reads my emails.", "Great that no one was hurt."),
        ("Funny how the price went up the day after I bought it.", "Funny how you always know what I need."),
        ("What a wonderful surprise, my account is locked again.",
         "What a wonderful surprise, my account is ready."),
        ("Top marks for the hotel that gave our room away.", "Top marks for the hotel that kept our room."),
        ("Glad to see the delivery window means nothing to you.", "That means nothing to me, don't worry."),
    ],
)
def test_the_1_8_2_complaints_read_bad_and_their_neighbours_do_not(complaint: str, not_one: str) -> None:
    assert _bad(complaint)
    assert not _bad(not_one)
