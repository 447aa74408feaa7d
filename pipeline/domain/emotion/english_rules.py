"""Hand-written English cues: negators, intensifiers, diminishers, contrast words, customer-service idioms
and cheap sarcasm markers.

Idiom and sarcasm weights are additive evidence (log-odds) per primary, the unit of the learned word
weights, chosen by hand for text the training corpora (Reddit, subtitles) rarely contain: what customers
write to a service desk.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from pipeline.domain.plutchik import Emotion

_Weights = dict[Emotion, float]

NEGATORS: Final[frozenset[str]] = frozenset(
    {
        "not",
        "no",
        "never",
        "cannot",
        "nothing",
        "nobody",
        "none",
        "neither",
        "nor",
        "without",
        "hardly",
        "barely",
        "nowhere",
        "dont",
        "cant",
        "wont",
        "isnt",
        "wasnt",
        "didnt",
        "doesnt",
        "arent",
        "couldnt",
        "shouldnt",
        "wouldnt",
        "havent",
        "hasnt",
        "hadnt",
        "aint",
    }
)
# Negation reaches this many words forward, and stops at punctuation or a contrast word.
NEGATION_SCOPE: Final = 3

INTENSIFIERS: Final[dict[str, float]] = {
    "very": 1.4,
    "really": 1.3,
    "so": 1.3,
    "extremely": 1.6,
    "super": 1.4,
    "totally": 1.4,
    "absolutely": 1.5,
    "completely": 1.5,
    "incredibly": 1.6,
    "truly": 1.3,
    "utterly": 1.6,
    "seriously": 1.3,
    "highly": 1.4,
    "deeply": 1.4,
    "terribly": 1.5,
    "awfully": 1.4,
    "insanely": 1.5,
    "ridiculously": 1.5,
    "too": 1.2,
    "most": 1.2,
    "such": 1.2,
    "freaking": 1.4,
    "fucking": 1.5,
    "damn": 1.3,
    "beyond": 1.3,
    "sooo": 1.5,
}
DIMINISHERS: Final[dict[str, float]] = {
    "slightly": 0.6,
    "somewhat": 0.6,
    "kinda": 0.6,
    "kind": 0.7,
    "sort": 0.7,
    "bit": 0.7,
    "little": 0.75,
    "fairly": 0.8,
    "rather": 0.85,
    "mildly": 0.6,
    "partly": 0.7,
    "barely": 0.5,
    "almost": 0.8,
}
# Clauses before these weigh half: in "the staff were nice but nothing works" the second clause counts.
CONTRAST_BEFORE: Final[frozenset[str]] = frozenset({"but", "however", "yet", "nevertheless", "nonetheless"})
# Clauses introduced by these weigh half until the next punctuation: "although it arrived, it was broken".
CONTRAST_WITHIN: Final[frozenset[str]] = frozenset({"although", "though", "despite", "whereas"})
CONTRAST_WEIGHT: Final = 0.5

_NUMBER = r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|several|many|multiple|few)"
_LONG_TIME = rf"(?:{_NUMBER}\s+(?:more\s+)?(?:hours?|days?|weeks?|months?)|ages|forever|so long|too long)"

IDIOMS: Final[tuple[tuple[str, _Weights], ...]] = (
    (
        rf"\b(?:on|put on|placed on|kept on) hold (?:for )?(?:over |almost |nearly )?{_LONG_TIME}",
        {"anger": 3.0, "sadness": 0.8},
    ),
    (r"\b(?:on|put on) hold (?:for )?(?:over |almost )?(?:\d{2,}|thirty|forty|sixty) min", {"anger": 2.6}),
    (r"\bon hold (?:again|forever|the whole time)\b", {"anger": 2.6}),
    (
        rf"\b(?:been )?waiting (?:for )?(?:over |almost |nearly |more than )?{_LONG_TIME}",
        {"anger": 2.6, "sadness": 0.8, "anticipation": 0.5},
    ),
    (
        r"\bstill (?:waiting|have(?:n't| not) (?:received|heard|got)|"
        r"no (?:reply|response|answer|refund|word))\b",
        {"anger": 2.6, "sadness": 0.8, "anticipation": 0.8},
    ),
    (
        rf"\btransferred (?:me )?(?:{_NUMBER} times|again|around|back and forth|from one)",
        {"anger": 3.0, "disgust": 1.0},
    ),
    (r"\b(?:passed|bounced|shuffled) (?:me )?(?:around|between|from one)", {"anger": 2.8, "disgust": 1.0}),
    (
        r"\b(?:nobody|no one|no-one) (?:answers?|answered|picks up|called (?:me )?back|got back|gets back|"
        r"responds?|responded|replie[sd]|cares?|helps?|helped|is answering)",
        {"anger": 2.8, "sadness": 1.2},
    ),
    (
        r"\b(?:never|didn't|did not|haven't|have not) (?:got|get|gotten|received|heard) "
        r"(?:back|a (?:reply|response|call))",
        {"anger": 2.4, "sadness": 1.0},
    ),
    (r"\b(?:hung|hang) up on (?:me|us)\b", {"anger": 3.2, "disgust": 1.0}),
    (r"\b(?:no|zero) (?:response|reply|answer|help|follow[- ]up) (?:from|at all|whatsoever)", {"anger": 2.4}),
    (r"\b(?:same|this) (?:problem|issue) (?:again|keeps|every time)", {"anger": 2.2, "disgust": 1.0}),
    (
        r"\b(?:third|fourth|fifth|3rd|4th|5th|\d+(?:th)?) time "
        r"(?:i(?:'ve| have)? (?:called|contacted|written|asked)|"
        r"calling|contacting)",
        {"anger": 2.8, "disgust": 1.0},
    ),
    (
        r"\b(?:speak|talk) (?:to|with) (?:a |an |your )?(?:real person|human|manager|supervisor)",
        {"anger": 2.2, "anticipation": 0.6},
    ),
    (r"\bwaste of (?:my )?(?:time|money)\b", {"disgust": 2.6, "anger": 2.0}),
    (
        r"\b(?:worst|terrible|horrible|awful|appalling|pathetic|useless) (?:customer )?(?:service|support|"
        r"experience|company|app|product|agent)",
        {"anger": 2.6, "disgust": 2.2},
    ),
    (r"\b(?:rip[- ]?off|scam|scammed|fraud|robbery|daylight robbery)\b", {"anger": 2.6, "disgust": 2.4}),
    (
        r"\b(?:charged|billed) (?:me )?(?:twice|double|two times|again|wrongly|incorrectly)"
        r"|double[- ]charged",
        {"anger": 2.8, "surprise": 0.6},
    ),
    (
        r"\b(?:cancel|close) my (?:account|subscription|contract|order|membership)",
        {"anger": 1.8, "disgust": 1.2},
    ),
    (r"\b(?:i )?(?:want|demand|need) (?:a |my )?(?:full )?refund\b", {"anger": 2.0, "disgust": 0.8}),
    (r"\bnever (?:again|buying|ordering|using|coming back)\b", {"disgust": 2.6, "anger": 1.8}),
    (
        r"\b(?:switch(?:ing)?|moving|going) to (?:a |another )?"
        r"(?:competitor|different provider|another provider)",
        {"disgust": 1.8, "anger": 1.6},
    ),
    (r"\b(?:fed up|sick and tired|sick of|tired of|had enough|last straw)\b", {"anger": 2.6, "disgust": 1.8}),
    (r"\b(?:unacceptable|outrageous|ridiculous|disgraceful|shameful)\b", {"anger": 2.4, "disgust": 1.2}),
    (
        r"\b(?:doesn't|does not|didn't|did not|still doesn't|won't|will not) work\b"
        r"|\bnot working\b|\bbroken\b",
        {"anger": 1.2, "sadness": 1.0},
    ),
    (
        r"\b(?:lost|missing|never arrived|never received|didn't arrive|did not arrive|hasn't arrived|"
        r"has not arrived)\b",
        {"sadness": 1.4, "anger": 1.4, "fear": 0.4},
    ),
    (
        r"\b(?:where is|where's) my (?:order|package|parcel|refund|money|delivery)",
        {"anger": 1.8, "fear": 0.6},
    ),
    (r"\bwhen (?:will|can|do) (?:i|we) (?:get|receive|hear)", {"anticipation": 2.2}),
    (r"\b(?:worried|concerned|anxious|nervous) (?:about|that)\b", {"fear": 2.4}),
    (r"\b(?:afraid|scared|terrified) (?:that|of|i)\b", {"fear": 2.4}),
    (r"\b(?:am i going to|will i) (?:lose|be charged|get charged)", {"fear": 2.4}),
    (
        r"\b(?:account|card) (?:was |has been |got )?(?:hacked|compromised|blocked|frozen|locked)",
        {"fear": 2.4},
    ),
    (r"\b(?:unauthori[sz]ed|suspicious|fraudulent) (?:charge|transaction|payment|activity)", {"fear": 2.6}),
    (r"\bthank(?:s| you) (?:so much|very much|a lot|a million)\b", {"joy": 2.4, "trust": 1.8}),
    (
        r"\bthank(?:s| you) (?:for (?:your|the|all your) (?:help|support|patience|quick))",
        {"joy": 1.8, "trust": 2.4},
    ),
    (
        r"\b(?:problem|issue|it)(?:'s| is| was| has been| got)? (?:now )?(?:resolved|fixed|solved|sorted)",
        {"joy": 2.2, "trust": 1.8},
    ),
    (
        r"\b(?:very|really|so|super|extremely) (?:helpful|friendly|patient|professional|quick|fast)",
        {"trust": 2.2, "joy": 1.6},
    ),
    (
        r"\b(?:above and beyond|highly recommend|would recommend|five stars|5 stars|great service|"
        r"excellent service|top notch)",
        {"trust": 2.6, "joy": 2.0},
    ),
    (r"\b(?:can't|cannot|can not) wait\b", {"anticipation": 2.6, "joy": 1.0}),
    (r"\b(?:couldn't|could not|can't) be (?:happier|better|more pleased)", {"joy": 3.0}),
    (r"\b(?:no (?:problem|worries)|not bad at all)\b", {"joy": 1.0, "trust": 0.8}),
    (r"\blooking forward to\b", {"anticipation": 2.4, "joy": 1.0}),
)

# Positive words said with a roll of the eyes; they move evidence from joy and trust to anger and disgust.
SARCASM: Final[tuple[str, ...]] = (
    r"\byeah,? right\b",
    r"\boh,? (?:great|wonderful|perfect|fantastic|lovely|brilliant|joy)\b",
    r"\bjust (?:great|perfect|wonderful|fantastic|brilliant|what i needed)\b",
    r"\bthanks? for nothing\b",
    r"\b(?:love|loving|great|nice|awesome) (?:how|that|when) (?:i|you|they|it|your)\b[^.!?]{0,60}\b"
    r"(?:wait|hold|never|still|again|broken|charged|cancel|nobody|no one|hours|days)",
    r"\bso (?:helpful|useful)\b[^.!?]{0,20}\b(?:not|lol|lmao)\b",
    r"(?:^|\s)/s\b",
    r"\bthanks a lot\b[^.!?]{0,40}\b(?:for|now)\b[^.!?]{0,40}\b(?:nothing|wasting|ruining|breaking)",
)
SARCASM_WEIGHTS: Final[_Weights] = {"joy": -3.5, "trust": -3.5, "anger": 2.0, "disgust": 2.2}

# Words one of which every match of the idiom at the same position contains (as the tokenizer splits
# them), so only idioms whose key words occur in a text are tried: regexes are the costly part.
IDIOM_KEYS: Final[tuple[str, ...]] = (
    "hold",
    "hold",
    "hold",
    "waiting",
    "still",
    "transferred",
    "passed bounced shuffled",
    "nobody one",
    "back reply response call",
    "hung hang",
    "response reply answer help follow",
    "problem issue",
    "time",
    "speak talk",
    "waste",
    "worst terrible horrible awful appalling pathetic useless",
    "rip ripoff scam scammed fraud robbery",
    "charged billed double",
    "cancel close",
    "refund",
    "never",
    "competitor provider",
    "fed sick tired enough straw",
    "unacceptable outrageous ridiculous disgraceful shameful",
    "work working broken",
    "lost missing arrived arrive received",
    "where where's",
    "when",
    "worried concerned anxious nervous",
    "afraid scared terrified",
    "lose charged",
    "hacked compromised blocked frozen locked",
    "unauthorized unauthorised suspicious fraudulent",
    "thank thanks",
    "thank thanks",
    "resolved fixed solved sorted",
    "helpful friendly patient professional quick fast",
    "beyond recommend stars service notch",
    "wait",
    "happier better pleased",
    "problem worries bad",
    "forward",
)
if len(IDIOM_KEYS) != len(IDIOMS):
    raise RuntimeError(f"IDIOM_KEYS has {len(IDIOM_KEYS)} entries for {len(IDIOMS)} idioms")

IDIOM_PATTERNS: Final[tuple[tuple[re.Pattern[str], _Weights], ...]] = tuple(
    (re.compile(pattern, re.IGNORECASE), weights) for pattern, weights in IDIOMS
)
# The same idioms, case-sensitive, for ASCII text lower-cased first: ASCII case folding is one to one and
# every pattern is written in lower case, so they match the same spans, without folding each character.
IDIOM_PATTERNS_LOWER: Final[tuple[re.Pattern[str], ...]] = tuple(re.compile(pattern) for pattern, _ in IDIOMS)
IDIOMS_BY_KEY: Final[dict[str, tuple[int, ...]]] = {
    key: tuple(index for index, keys in enumerate(IDIOM_KEYS) if key in keys.split())
    for key in {word for keys in IDIOM_KEYS for word in keys.split()}
}
# Per sarcasm marker, words one of which every match contains, as for idioms.
SARCASM_MARKER_KEYS: Final[tuple[str, ...]] = (
    "right",
    "oh",
    "just",
    "nothing",
    "love loving great nice awesome",
    "helpful useful",
    "s",
    "lot",
)
if len(SARCASM_MARKER_KEYS) != len(SARCASM):
    raise RuntimeError(f"SARCASM_MARKER_KEYS has {len(SARCASM_MARKER_KEYS)} entries for {len(SARCASM)}")
SARCASM_BY_KEY: Final[dict[str, tuple[int, ...]]] = {
    key: tuple(index for index, keys in enumerate(SARCASM_MARKER_KEYS) if key in keys.split())
    for key in {word for keys in SARCASM_MARKER_KEYS for word in keys.split()}
}
SARCASM_KEYS: Final[frozenset[str]] = frozenset(SARCASM_BY_KEY)


@lru_cache(maxsize=256)
def sarcasm_pattern(markers: frozenset[int], lower_case_ascii: bool = False) -> re.Pattern[str]:
    """The markers' alternation, in SARCASM order: in a text whose words hold the keys of these markers
    only, it finds what the alternation of every marker finds (the others cannot match there), faster.

    ``lower_case_ascii``: for ASCII text already lower-cased (see IDIOM_PATTERNS_LOWER)."""
    alternation = "|".join(SARCASM[index] for index in sorted(markers))
    return re.compile(alternation) if lower_case_ascii else re.compile(alternation, re.IGNORECASE)

if any(re.search(r"(?<!\\)[A-Z]", pattern) for pattern in (*SARCASM, *(idiom for idiom, _ in IDIOMS))):
    raise RuntimeError("idiom and sarcasm patterns must be written in lower case (see IDIOM_PATTERNS_LOWER)")
