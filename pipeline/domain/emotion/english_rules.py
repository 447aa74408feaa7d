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

_IDIOMS: Final[tuple[tuple[str, _Weights], ...]] = (
    (
        rf"\b(?:on|put on|placed on|kept on) hold (?:for )?(?:over |almost |nearly )?{_LONG_TIME}",
        {"anger": 3.0, "sadness": 0.8},
    ),
    (r"\b(?:on|put on) hold (?:for )?(?:over |almost )?(?:\d{2,}|thirty|forty|sixty) min", {"anger": 2.6}),
    (r"\bon hold (?:again|forever|the whole time)\b", {"anger": 2.6}),
    (
        rf"\b(?:been )?(?:waiting|waited) (?:for )?(?:over |almost |nearly |more than )?{_LONG_TIME}"
        r"|\b(?:been )?(?:waiting|waited) (?:since|all (?:day|morning|afternoon|evening|night|week))\b",
        {"anger": 3.0, "sadness": 0.8},
    ),
    (
        r"\bstill (?:waiting|have(?:n't| not) (?:received|heard|got)|"
        r"no (?:reply|response|answer|refund|word))\b",
        {"anger": 3.0, "sadness": 0.8},
    ),
    (
        rf"\btransferred (?:me )?(?:{_NUMBER} times|twice|again|around|back and forth|from one)",
        {"anger": 3.0, "disgust": 1.0},
    ),
    (r"\b(?:passed|bounced|shuffled) (?:me )?(?:around|between|from one)", {"anger": 2.8, "disgust": 1.0}),
    (
        r"\b(?:nobody|no one|no-one) (?:ever |even |has |have |had |will |could |would |here )?(?:answers?"
        r"|answered|"
        r"picks? up|picked up|called (?:me )?back|calls? (?:me )?back|got back|gets back|get back|responds?|"
        r"responded|replie[sd]|reply|cares?|helps?|helped|help|is answering|did|knows?|knew|could tell)\b",
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
    (r"\bwaste of (?:my |our )?(?:time|money)\b", {"disgust": 3.0, "anger": 2.6, "joy": -1.5, "trust": -1.5}),
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
    (
        r"\bnever (?:again|buying|ordering|using|coming back)\b"
        r"|\b(?:i|i'll|i will|i'd|we|we'll|we will) never "
        r"(?:\w+ )?(?:order|buy|shop|use|book|fly|stay|come back|go back|return|recommend|deal|trust)\w*\b",
        {"disgust": 2.6, "anger": 1.8},
    ),
    (
        r"\b(?:switch(?:ing)?|moving|going) to (?:a |another )?"
        r"(?:competitor|different provider|another provider)",
        {"disgust": 2.4, "anger": 2.2},
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
        {"anger": 2.8, "fear": 0.6},
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
    # Customer-service complaints, written for this project and measured on tests/data/cs_en_polarity.jsonl.
    (
        r"\b(?:never|didn't|did not|hasn't|has not|haven't|have not) (?:showed|shown|turned|came|come) up\b"
        r"|\bno[- ]show\b|\b(?:nobody|no one|no-one) (?:came|turned up|showed up|arrived)\b",
        {"anger": 3.0, "sadness": 0.8},
    ),
    (
        r"\b(?:stopped|stops|quit) working\b|\b(?:won't|will not|doesn't|does not|didn't|did not) "
        r"(?:turn|switch|power) on\b|\bfell apart\b|\bkeeps? (?:crashing|freezing|failing|breaking|dropping|"
        r"disconnecting|logging me out|cutting out)\b",
        {"anger": 2.6, "sadness": 1.4},
    ),
    (
        r"\b(?:sent|gave|given|delivered|shipped|told) (?:me |us )?(?:the )?wrong\b"
        r"|\bwrong (?:size|item|colou?r|order|product|address|information|info|amount|model|part|parcel|"
        r"package|one)\b",
        {"anger": 2.8, "sadness": 0.4},
    ),
    (
        r"\b(?:was|were|been) (?:promised|assured|guaranteed)\b|\b(?:was|were) supposed to "
        r"(?:arrive|be|come|get|call|ship|deliver)\b|\byou (?:said|promised|told me) (?:it|that|this|you|i"
        r"|they|the)\b",
        {"anger": 1.8, "sadness": 0.6},
    ),
    (
        r"\b(?:without|with no|no) (?:any )?(?:warning|notice|explanation|notification|telling (?:me|us)|"
        r"informing (?:me|us)|asking (?:me|us)|(?:my|our) (?:consent|permission|approval))\b",
        {"anger": 2.8},
    ),
    (
        r"\b(?:wrongly|incorrectly|mistakenly) (?:charged|billed)\b|\bhidden (?:fees?|charges?|costs?)\b"
        r"|\b(?:charged|billed) (?:me |us )?(?:for (?:a |an |the )?(?:\w+ ){0,2}(?:i|we) (?:never|didn't"
        r"|did not|"
        r"haven't|have not)\b|a (?:\w+ )?fee)",
        {"anger": 3.0},
    ),
    (
        r"\b(?:i|we) never (?:got|received|ordered|took|signed up|agreed|used|asked for|authori[sz]ed)\b",
        {"anger": 2.2, "sadness": 0.6},
    ),
    (
        rf"\b{_NUMBER} (?:days?|weeks?|months?) (?:late|overdue|delayed)\b"
        rf"|\btook {_NUMBER} (?:more )?(?:days|weeks|months)\b|\b(?:still|yet) to (?:arrive|come"
        rf"|be delivered)\b",
        {"anger": 2.8, "sadness": 0.8},
    ),
    (
        r"\b(?:is|was|what|such) (?:a |an )?(?:complete |total |absolute |bad |sick )?joke\b"
        r"|\b(?:a|an) (?:complete|total|absolute) joke\b",
        {"anger": 2.8, "disgust": 2.0, "joy": -3.0},
    ),
    (r"\b(?:had|have had|i've had) it with\b", {"anger": 3.0, "disgust": 1.0}),
    (r"\b(?:kidding|joking) me\b|\bgot to be kidding\b", {"anger": 2.6, "surprise": 0.8}),
    (r"\bhow (?:hard|difficult) (?:can|could|is) it\b", {"anger": 3.0, "disgust": 0.6}),
    (
        r"\b(?:back and forth|in circles|round and round|the runaround|run ?around)\b",
        {"anger": 3.0, "disgust": 1.0},
    ),
    (
        r"\b(?:got|received|had|heard|there(?:'s| is| was)) no (?:reply|response|answer|call ?back|callback"
        r"|update|"
        r"feedback|explanation|word)\b|\bno (?:reply|response|answer|update|callback)s? (?:yet|so far"
        r"|since)\b",
        {"anger": 3.0, "sadness": 0.8},
    ),
    (
        r"\b(?:cut|cutting) (?:me |us |my \w+ |our \w+ )?off\b|\b(?:closed|ended|hung up) (?:the chat "
        r"|the call )?on me\b"
        r"|\bclosed (?:my |the )?(?:complaint|ticket|case|chat) without\b",
        {"anger": 3.0, "sadness": 0.6},
    ),
    (
        r"\b(?:can't|cannot|can not|couldn't|could not|unable to|not able to) (?:log ?in|login|sign in"
        r"|access|"
        r"get into|pay|check in|check-in|open (?:the|my) app)\b",
        {"anger": 2.0, "sadness": 0.8, "fear": 0.8},
    ),
    (
        r"\b(?:can't|cannot|can not|couldn't|could not|unable to|impossible to) (?:reach|get hold of|"
        r"get through to|speak to|talk to|contact) (?:a |an |any )?(?:human|person|agent|anyone|anybody|"
        r"someone|manager|you)\b|\b(?:been |keep |kept )trying to (?:reach|contact|get hold of|get through"
        r"|call|speak)",
        {"anger": 3.0, "sadness": 0.6},
    ),
    (r"\bkeeps? (?:happening|coming back|getting worse|going down)\b", {"anger": 2.8, "disgust": 0.8}),
    (
        r"\bstill (?:not|nothing|isn't|is not|hasn't|has not|doesn't|does not|won't|broken|down|missing|"
        r"unresolved|the same)\b",
        {"anger": 2.6, "sadness": 0.8},
    ),
    (
        r"\barrived (?:damaged|broken|smashed|crushed|dented|open|opened|wet|soaked|soaking|cold|late|empty"
        r"|torn|"
        r"leaking|in pieces)\b|\b(?:damaged|broken|smashed|crushed|dented|soaked) (?:on arrival"
        r"|in transit)\b",
        {"anger": 2.6, "sadness": 1.2},
    ),
    (
        r"\bnothing like (?:the|what|in the|its) (?:pictures?|photos?|description|advert|ad|website"
        r"|listing)\b"
        r"|\bnot as (?:described|advertised|pictured|shown)\b",
        {"anger": 2.6, "disgust": 1.6},
    ),
    (
        r"\b(?:down|broken|late|cancell?ed|delayed|wrong|missing|crashed|failed|declined|lost|"
        r"not working) again\b",
        {"anger": 2.8, "disgust": 0.8},
    ),
    (r"\b(?:this is|that was|this was|it's|it is) the last time\b", {"anger": 2.6, "disgust": 1.4}),
    (
        r"\bnothing (?:got|has been|was|is|ever gets?|ever got) (?:fixed|done|resolved|sorted|solved)\b"
        r"|\b(?:not|never|wasn't|isn't|hasn't been|haven't been) (?:fixed|resolved|sorted|solved)\b",
        {"anger": 2.6, "sadness": 1.0},
    ),
    (
        r"\b(?:quality|service|food|product|room|support|experience|app|connection) (?:is|was|has been|"
        r"is just) (?:terrible|awful|horrible|appalling|poor|rubbish|shocking|dreadful|abysmal|atrocious)\b",
        {"anger": 2.4, "disgust": 2.0},
    ),
    (
        r"\bavoid (?:at all costs|this (?:company|place|shop|seller|app|product|hotel|airline)|them|"
        r"like the plague)\b|\bstay (?:well )?away\b",
        {"disgust": 3.0, "anger": 1.4},
    ),
    (
        r"\b(?:someone|somebody|a stranger) (?:has |have |had )?(?:access(?:ed)?|changed|used|logged into"
        r"|got into|"
        r"stole|taken|took)\b",
        {"fear": 3.0, "anger": 0.6},
    ),
    (
        r"\b(?:lost|lose|losing) (?:access|all (?:my|our)|my (?:booking|money|seat|data|files|photos|job"
        r"|deposit))\b"
        r"|\b(?:deleted|wiped|erased) (?:all )?(?:my|our) (?:saved )?(?:data|files|photos|messages|account"
        r"|history|"
        r"points|progress|contacts)\b",
        {"anger": 2.0, "sadness": 1.8, "fear": 0.8},
    ),
    (
        r"\b(?:not|never|wasn't|weren't|isn't|aren't|was not|were not|is not|are not) (?:very |at all |"
        r"particularly |even |remotely |the least bit )?(?:helpful|useful|friendly|polite|professional"
        r"|competent|responsive|courteous|respectful|knowledgeable)\b",
        {"anger": 2.0, "disgust": 1.2, "sadness": 0.6},
    ),
    (
        r"\bnothing but (?:\w+ )?(?:problems|trouble|troubles|issues|excuses|lies|headaches|hassle|grief"
        r"|disappointment|delays|complaints|errors|bugs)\b",
        {"anger": 2.4, "disgust": 1.4, "sadness": 0.8},
    ),
    # Mishaps reported without a feeling word: thrown out of an account, a case closed unheard, spoiled
    # goods, a booking not there on arrival, an order never received.
    (r"\b(?:logged|kicked|signed|threw|thrown|locked) (?:me|us) out\b", {"anger": 2.4, "disgust": 0.8}),
    (
        r"\b(?:closed|cancell?ed|terminated|suspended) (?:\w+ )?without (?:any |a |my )?"
        r"(?:notice|warning|reason|explanation|anyone|anybody|contacting|asking|telling|consent|permission)",
        {"anger": 2.6, "disgust": 1.0},
    ),
    (r"\b(?:expired|mou?ldy|rotten|stale|spoil(?:ed|t))\b", {"disgust": 2.6, "anger": 1.2}),
    (
        r"\b(?:wasn't|was not|weren't|were not|isn't|is not|not) (?:available|ready|there) when (?:we|i) "
        r"(?:arrived|got there|came|checked in)",
        {"anger": 2.4, "sadness": 0.8},
    ),
    (
        r"\bnever (?:got|received) (?:it|them|anything|my (?:order|parcel|package|refund|money|item))\b",
        {"anger": 2.4, "sadness": 1.0},
    ),
)

# Customer-service words: what a customer writes to a service desk when something went wrong; hand-written
# evidence (log-odds) added to the learned weights of the same word, which the Reddit and subtitle
# corpora leave weak or missing ("furious" is rare there, "livid" absent).
SERVICE_WORDS: Final[dict[str, _Weights]] = {
    # anger at the company or its staff
    "furious": {"anger": 3.0},
    "livid": {"anger": 3.0},
    "fuming": {"anger": 3.0},
    "outraged": {"anger": 3.0, "disgust": 0.8},
    "outrageous": {"anger": 2.4, "disgust": 1.2},
    "infuriating": {"anger": 3.0},
    "infuriated": {"anger": 3.0},
    "enraged": {"anger": 3.0},
    "irate": {"anger": 2.6},
    "pissed": {"anger": 2.4},
    "annoyed": {"anger": 2.0},
    "annoying": {"anger": 1.6},
    "irritated": {"anger": 2.0},
    "frustrated": {"anger": 2.2, "sadness": 0.6},
    "frustrating": {"anger": 2.2, "sadness": 0.4},
    "exasperated": {"anger": 2.4},
    "rude": {"anger": 2.0, "disgust": 0.8},
    "dismissive": {"anger": 1.8, "disgust": 0.8},
    "unhelpful": {"anger": 2.0, "disgust": 0.6},
    "useless": {"anger": 2.2, "disgust": 1.2},
    "incompetent": {"anger": 2.4, "disgust": 1.4},
    "incompetence": {"anger": 2.4, "disgust": 1.4},
    "unprofessional": {"anger": 2.2, "disgust": 1.2},
    "clueless": {"anger": 1.8, "disgust": 1.0},
    "shambles": {"anger": 2.4, "disgust": 1.4},
    "nightmare": {"anger": 1.6, "sadness": 1.0, "fear": 0.6},
    "excuses": {"anger": 1.8, "disgust": 0.8},
    "ignored": {"anger": 2.0, "sadness": 0.8},
    "ignoring": {"anger": 2.0, "sadness": 0.6},
    "ignore": {"anger": 1.4, "sadness": 0.4},
    "overcharged": {"anger": 2.8},
    "overcharging": {"anger": 2.6},
    "ripped": {"anger": 2.0, "disgust": 1.2},
    # things that went wrong
    "damaged": {"anger": 1.6, "sadness": 1.2},
    "defective": {"anger": 2.0, "sadness": 0.8},
    "faulty": {"anger": 2.0, "sadness": 0.8},
    "crashing": {"anger": 1.8, "sadness": 0.6},
    "crashes": {"anger": 1.6, "sadness": 0.6},
    "crashed": {"anger": 1.4, "sadness": 0.6},
    "disconnected": {"anger": 2.0, "sadness": 0.6},
    "unresolved": {"anger": 2.0, "sadness": 0.8},
    "delayed": {"anger": 1.6, "sadness": 0.8},
    "overdue": {"anger": 1.4, "sadness": 0.6},
    "expired": {"anger": 1.0, "disgust": 1.0},
    "filthy": {"disgust": 2.8, "anger": 1.0},
    "dirty": {"disgust": 2.2, "anger": 0.6},
    "mouldy": {"disgust": 2.6},
    "moldy": {"disgust": 2.6},
    "stained": {"disgust": 1.8},
    "smelled": {"disgust": 1.4},
    "stank": {"disgust": 2.4},
    # disappointment and distress
    "disappointed": {"sadness": 2.2, "anger": 1.2},
    "disappointing": {"sadness": 2.0, "anger": 1.2},
    "disappointment": {"sadness": 2.0, "anger": 1.0},
    "upset": {"sadness": 2.0, "anger": 1.2},
    "devastated": {"sadness": 2.8},
    "gutted": {"sadness": 2.4},
    "stressed": {"fear": 1.8, "sadness": 1.0},
    "stressful": {"fear": 1.6, "sadness": 0.8},
    "panicking": {"fear": 2.8},
    "panic": {"fear": 2.2},
    "desperate": {"fear": 2.0, "sadness": 1.4},
    "terrified": {"fear": 2.8},
    "frightened": {"fear": 2.6},
    "anxious": {"fear": 2.4},
    "worried": {"fear": 1.6},
    "concerned": {"fear": 1.2},
    "leaked": {"fear": 1.8, "anger": 1.0},
}

# A complaint is evidence against joy and trust too: the polite words around it ("thanks", "friendly") must
# not make a complaint read as a mixed or good experience. Idioms with no positive evidence of their own
# and a strong negative one get this added.
COMPLAINT_DAMPING: Final[_Weights] = {"joy": -1.0, "trust": -1.0}
_POSITIVE: Final = ("joy", "trust", "anticipation")


def _with_damping(weights: _Weights) -> _Weights:
    if any(weights.get(emotion, 0.0) > 0.0 for emotion in _POSITIVE) or max(weights.values()) < 1.8:
        return weights
    return {**COMPLAINT_DAMPING, **weights}


IDIOMS: Final[tuple[tuple[str, _Weights], ...]] = tuple(
    (pattern, _with_damping(weights)) for pattern, weights in _IDIOMS
)

# Positive words said with a roll of the eyes; they move evidence from joy and trust to anger and disgust.
SARCASM: Final[tuple[str, ...]] = (
    r"\byeah,? right\b",
    r"\boh,? (?:great|wonderful|perfect|fantastic|lovely|brilliant|joy)\b",
    r"\bjust (?:great|perfect|wonderful|fantastic|brilliant|what i needed)\b",
    r"\b(?:thanks?|cheers) for nothing\b",
    r"\b(?:love|loving|great|nice|awesome) (?:how|that|when) (?:i|you|they|it|your)\b[^.!?]{0,60}\b"
    r"(?:wait|hold|never|still|again|broken|charged|cancel|nobody|no one|hours|days|weeks|can't|cannot|won't|"
    r"doesn't|didn't|ignore|ignores|ignored|lost|late)",
    r"\bso (?:helpful|useful)\b[^.!?]{0,20}\b(?:not|lol|lmao)\b",
    r"(?:^|\s)/s\b",
    r"\bthanks a lot\b[^.!?]{0,40}\b(?:for|now)\b[^.!?]{0,40}\b(?:nothing|wasting|ruining|breaking)",
    rf"\bonly (?:took|takes|taking) {_NUMBER} (?:more )?(?:hours?|days?|weeks?|months?|years?)\b",
    r"['‘\"“](?:quick|fast|express|premium|urgent|priority|next[- ]day|same[- ]day|24 hours|within 24 hours|"
    r"delivered|resolved|fixed|customer service|helpful|guaranteed)['’\"”]",
    r"\b(?:impressed|amazed) (?:by|with|at) how (?:you|they|your)\b[^.!?]{0,40}\b"
    r"(?:ignore|lose|lost|never|late|wait|hold|charge|broke|cancel|mess)",
    r"\b(?:amazing|great|brilliant|fantastic|superb|excellent|wonderful|awesome|stellar|top) (?:customer )?"
    r"(?:service|job|work|support|care)\b[^.!?]{0,60}\b(?:another|still waiting|disconnected|cut off|lost|"
    r"losing|on hold|ignored|ignoring|wasted|wasting|broke|broken|charged twice)\b",
    r"\bappreciate (?:being|getting) (?:transferred|ignored|passed|kept|put|cut|hung)\b",
    r"\b(?:can't|cannot) wait (?:to|for) [^.!?]{0,40}\b(?:on hold|another|again|queue|waiting)\b",
)
SARCASM_WEIGHTS: Final[_Weights] = {"joy": -5.0, "trust": -5.0, "anger": 3.0, "disgust": 2.6}

# Words one of which every match of the idiom at the same position contains (as the tokenizer splits
# them), so only idioms whose key words occur in a text are tried: regexes are the costly part.
IDIOM_KEYS: Final[tuple[str, ...]] = (
    "hold",
    "hold",
    "hold",
    "waiting waited",
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
    "showed shown turned came come show arrived",
    "stopped stops quit turn switch power fell keep keeps",
    "wrong",
    "promised assured guaranteed supposed said told",
    "warning notice explanation notification telling informing asking consent permission approval",
    "charged billed hidden",
    "never",
    "late overdue delayed took arrive come delivered",
    "joke",
    "had",
    "kidding joking",
    "hard difficult",
    "forth circles round runaround run",
    "no",
    "cut cutting closed ended hung",
    "log login sign access into pay check open",
    "reach hold through speak talk contact trying",
    "keep keeps",
    "still",
    "arrived arrival transit",
    "nothing described advertised pictured shown",
    "again",
    "last",
    "fixed done resolved sorted solved",
    "terrible awful horrible appalling poor rubbish shocking dreadful abysmal atrocious",
    "avoid away",
    "someone somebody stranger",
    "lost lose losing deleted wiped erased",
    "helpful useful friendly polite professional competent responsive courteous respectful knowledgeable",
    "problems trouble troubles issues excuses lies headaches hassle grief disappointment delays complaints "
    "errors bugs",
    "logged kicked signed threw thrown locked",
    "closed cancelled canceled terminated suspended",
    "expired mouldy moldy rotten stale spoiled spoilt",
    "arrived got came checked",
    "never",
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
    # Not "nothing": the false-negation rewrite takes it out of "thanks for nothing but excuses".
    "thank thanks cheers",
    "love loving great nice awesome",
    "helpful useful",
    "s",
    "lot",
    "only",
    "quick fast express premium urgent priority next same 24 hours within delivered resolved fixed customer "
    "helpful guaranteed",
    "impressed amazed",
    "amazing great brilliant fantastic superb excellent wonderful awesome stellar top",
    "appreciate",
    "wait",
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
