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
# An idiom: its pattern, its evidence, and its keys: words one of which every match contains (as the
# tokenizer splits them), so that only idioms whose keys occur in a text are tried; regexes are the costly
# part, and a common key word costs a scan of every text that has it.
_Idiom = tuple[str, _Weights, str]

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

# A fault named in one word (1.5.0): what broke, tore, leaked or crashed. The corpora give these words little
# evidence; stated to a service desk they are the complaint. Asked about ("is the cracked screen covered?")
# they are not, so these idioms count only in a sentence that does not end in a question mark, and not in a
# text that tells the good outcome too.
# The words, each its own key (see `_Idiom`), then the phrases, keyed on their first words.
_FAULT_WORD_LIST: Final = (
    "crash crashes crashed crashing cracked cracks shattered smashed snapped ripped dented scratched "
    "scratches chipped stained soaked peeling frayed sagging sags wobbly leaking leaks flooded floods "
    "mouldy moldy rotten stale defective faulty damaged disconnected unresponsive corrupted wiped broken "
    "missing overheats overheating overheated wobbles wobbling rattles rattling flickers flickering drips "
    "dripping squeaks squeaking squeaky jammed jams"
)
_FAULT_WORDS: Final = (
    rf"\b(?:{'|'.join(_FAULT_WORD_LIST.split())}|torn(?! between))\b|\bflat (?:tyre|tire)\b|\brings? out\b"
    r"|\blogs? (?:me|us) out\b|\blocked out\b|\bcuts? (?:me |us )?off\b|\bcuts out\b|\bdead pixels?\b"
    r"|\b(?:drops|dropping|dropped) (?:the |my |our )?(?:connection|calls?|signal|wi-?fi|internet|line)\b"
    r"|\b(?:gets|got|getting|runs|running) (?:so |really |very |too |extremely )hot\b"
    r"|\bspel(?:led|t) (?:wrong(?:ly)?|incorrectly)\b|\bmisspel(?:led|t)\b"
    r"|\bbroke (?:down|again|after|within|on (?:the|day)|the first)\b"
    r"|\bkeeps? (?:taking|asking|losing|charging|sending|cancell?ing|deleting|changing|moving|putting)\b"
    # Told with a hedge, as a polite complaint does (1.12.0): "seems to leak a little", "started to wobble".
    r"|\b(?:seems?|appears?|started|starts|begun|began|tends?) to (?:leak|crack|wobble|rattle|overheat|crash"
    r"|freeze|flicker|drip|peel|fray|sag|jam|squeak|fall apart|come apart|come loose|disconnect"
    r"|be (?:leaking|cracked|broken|faulty|damaged|missing|defective|wobbly|loose|stuck|jammed|chipped"
    r"|scratched|dented|torn|stained|mouldy|moldy|rotten|stale|off|wrong|incorrect))\b"
)
_FAULT_KEYS: Final = (
    f"{_FAULT_WORD_LIST} torn flat rings ring logs log locked cut cuts pixel pixels drops dropping dropped "
    "hot broke keep keeps spelled spelt misspelled misspelt seem seems appear appears started starts begun "
    "began tend tends"
)
# The same kind of evidence, each keyed on its own words (a common key word costs a scan of the text):
# the wrong thing; an expectation cut short; charges for what was never asked for; time it took.
_WRONG_THING: Final = (
    r"\b(?:the|a|an) wrong \w+|\bsomeone else's \w+"
    r"|\b(?:isn't|is not|wasn't|was not|aren't|are not|weren't|were not) (?:even )?(?:mine|ours)\b"
)
_CUT_SHORT: Final = r"\bonly to (?:be|find|get|discover|hear|learn|receive|see|realise|realize|end up)\b"
_NEVER_ASKED: Final = (
    r"\b(?:i|we) (?:didn't|did not|never) (?:make|made|cause|caused|order|request|requested|authori[sz]e"
    r"|agree to|sign up for)\b|\bquoted\b[^.!?]{0,50}\b(?:billed|charged|invoiced)\b"
)
_TIME_IT_TOOK: Final = (
    rf"\btook (?:you |them |your \w+ )?(?:over |more than |nearly |almost |about )?{_NUMBER}"
    r" (?:whole )?(?:days?|weeks?|months?)\b"
    rf"|\b(?:has|have|it's) taken (?:over |more than |nearly |almost |about )?{_NUMBER}"
    r" (?:days?|weeks?|months?)\b"
    r"|\b(?:waiting|chasing|trying|asking|under review|pending|outstanding|unresolved|under investigation"
    r"|in progress)\b[^.!?]{0,40}\bsince\b"
)
# 1.9.0: a fault that outlived its repair ("still drips after the repair visit", "the light is on again
# after your service"), and glass or china that arrived in pieces.
_NOT_FIXED: Final = (
    r"\b(?:still|again)\b[^.!?]{0,40}\bafter (?:the|your|their|its|my|our|a|last) (?:\w+ ){0,2}"
    r"(?:repairs?|service|servicing|visits?|fix|update|installation|engineer|technician|plumber)\b"
    r"|\b(?:arrived|came|come|were|was|are|is|turned up|delivered) (?:all )?in (?:pieces|bits|shards)\b"
)
_STATED_FAULTS: Final = (
    (_FAULT_WORDS, _FAULT_KEYS),
    (_NOT_FIXED, "after pieces bits shards"),
    (_WRONG_THING, "wrong else's mine ours"),
    (_CUT_SHORT, "only"),
    (_NEVER_ASKED, "make made cause caused order request requested authorise authorize agree sign quoted"),
    (_TIME_IT_TOOK, "took taken since"),
)
_FAULT_WEIGHTS: Final[_Weights] = {"anger": 2.2, "sadness": 1.0}

# Complaints of 1.7.0 that the same words asked about do not make ("is the fault back?", "is there a fee if I
# never use it?", "is the manual only in German?"): like the faults above, they count only when stated.
_FAULT_BACK: Final = (
    r"\b(?:warning light|leak|noise|rattle|fault|problem|issue|error|damp|mou?ld|crack|smell|drip"
    r"|same (?:fault|problem|issue|error))s? (?:is|are|has|have|was|were|came|comes|keeps coming|keep coming)"
    r"(?: come)? back\b"
)
_CHARGED_NEVER_DONE: Final = (
    r"\b(?:charged|billed|invoiced|fined|(?:a|the) (?:\w+ )?(?:fine|bill|charge|penalty|fee|invoice))\b"
    r"[^.!?]{0,40}?(?<!\bif )(?<!\bwhen )\b(?:(?:i|we)(?:'ve| have)? never|that (?:was|were) (?:never|not)"
    r"|that (?:wasn't|weren't|never))\b"
)
_ONLY_FOREIGN_LANGUAGE: Final = (
    r"\b(?:instructions|manual|menu|letter|website|app|form|contract|label|leaflet|guide|paperwork"
    r"|documents?|subtitles)s? (?:were |was |is |are |came |come )?(?:only|entirely|all) (?:written )?in "
    r"(?:german|french|chinese|spanish|italian|japanese|polish|dutch|russian|korean|portuguese|swedish"
    r"|welsh|arabic|turkish)\b(?! and)"
)
_BILL_ABOVE: Final = (
    r"\b(?:bill|invoice|statement|reading|charges?|quote|premium|fee)s? (?:on [\w' ]{1,20} )?(?:is|are|was"
    r"|were|came to|seems?) (?:much |far |way |a lot |twice as |double )?(?:higher|bigger|larger) than\b"
)
_STATED_COMPLAINTS: Final[tuple[_Idiom, ...]] = (
    (_FAULT_BACK, {"anger": 2.6, "sadness": 1.0}, "back"),
    (
        _CHARGED_NEVER_DONE,
        {"anger": 3.0, "surprise": 0.6},
        "charged billed invoiced fined fine bill charge penalty fee invoice",
    ),
    (
        _ONLY_FOREIGN_LANGUAGE,
        {"anger": 2.2, "sadness": 0.8},
        "german french chinese spanish italian japanese polish dutch russian korean portuguese swedish "
        "welsh arabic turkish",
    ),
    (_BILL_ABOVE, {"anger": 2.6, "surprise": 0.6}, "higher bigger larger"),
)
# Everything counted only when stated: the faults in one word or phrase, then these.
_STATED_ONLY: Final[tuple[_Idiom, ...]] = (
    *_STATED_COMPLAINTS,
    *((pattern, _FAULT_WEIGHTS, keys) for pattern, keys in _STATED_FAULTS),
)
_STATED_ONLY_PATTERNS: Final = frozenset(pattern for pattern, _, _ in _STATED_ONLY)

_IDIOMS: Final[tuple[_Idiom, ...]] = (
    (
        rf"\b(?:on|put on|placed on|kept on) hold (?:for )?(?:over |almost |nearly )?{_LONG_TIME}",
        {"anger": 3.0, "sadness": 0.8},
        "hold",
    ),
    (
        r"\b(?:on|put on) hold (?:for )?(?:over |almost )?(?:\d{2,}|thirty|forty|sixty) min",
        {"anger": 2.6},
        "hold",
    ),
    (r"\bon hold (?:again|forever|the whole time)\b", {"anger": 2.6}, "hold"),
    # The time told first (1.12.0): "45 minutes on hold", "two hours on hold".
    (
        r"\b(?:over |almost |nearly |more than )?(?:[2-9]\d|\d{3,}|twenty|thirty|forty|fifty|sixty|ninety)"
        rf"(?:[- ]\w+)? min(?:ute)?s? on hold\b|\b{_LONG_TIME} on hold\b",
        {"anger": 2.6},
        "hold",
    ),
    (
        rf"\b(?:been )?(?:waiting|waited) (?:for )?(?:over |almost |nearly |more than )?{_LONG_TIME}"
        r"|\b(?:been )?(?:waiting|waited) (?:since|all (?:day|morning|afternoon|evening|night|week))\b"
        r"|\b(?:been )?(?:waiting|waited) (?:[\w']+ ){0,4}?(?:for )?(?:over |almost |nearly |more than )?"
        r"(?:[2-9]\d|\d{3,}|twenty|thirty|forty|fifty|sixty|ninety)(?:[- ]\w+)? min",
        {"anger": 3.0, "sadness": 0.8},
        "waiting waited",
    ),
    (
        r"\bstill (?:waiting|have(?:n't| not) (?:received|heard|got)|"
        r"no (?:reply|response|answer|refund|word))\b",
        {"anger": 3.0, "sadness": 0.8},
        "still",
    ),
    (
        rf"\btransferred (?:me )?(?:{_NUMBER} times|twice|again|around|back and forth|from one)",
        {"anger": 3.0, "disgust": 1.0},
        "transferred",
    ),
    (
        r"\b(?:passed|bounced|shuffled) (?:me )?(?:around|between|from one)",
        {"anger": 2.8, "disgust": 1.0},
        "passed bounced shuffled",
    ),
    (
        r"\b(?:nobody|no one|no-one) (?:from (?:the |your )?[\w']+(?: [\w']+)? )?"
        r"(?:ever |even |has |have |had |will |could |would |here )?(?:yet |ever |even )?(?:answers?"
        r"|been (?:out|round|around|over|back|in touch|to (?:look(?: at)?|see|check|fix|repair|inspect|read"
        r"|collect|sort))|come (?:out|round|around|back|to)|turned up|shown up|showed up|gotten back"
        r"|rung back|answered|"
        r"picks? up|picked up|called (?:me )?back|calls? (?:me )?back|got back|gets back|get back|responds?|"
        r"responded|replie[sd]|reply|cares?|helps?|helped|help|is answering|did|knows?|knew|could tell|said"
        r"|told|"
        r"tells|explains?|explained|informed|warned|mentioned|bothered|let (?:me|us) know|listens?"
        r"|listened)\b",
        {"anger": 2.8, "sadness": 1.2},
        "nobody one",
    ),
    (
        r"\b(?:never|didn't|did not|haven't|have not) (?:got|get|gotten|received|heard) "
        r"(?:back|a (?:reply|response|call))",
        {"anger": 2.4, "sadness": 1.0},
        "back reply response call",
    ),
    (r"\b(?:hung|hang) up on (?:me|us)\b", {"anger": 3.2, "disgust": 1.0}, "hung hang"),
    (
        r"\b(?:no|zero) (?:response|reply|answer|help|follow[- ]up) (?:from|at all|whatsoever)",
        {"anger": 2.4},
        "response reply answer help follow",
    ),
    (
        r"\b(?:same|this) (?:problem|issue) (?:again|keeps|every time)",
        {"anger": 2.2, "disgust": 1.0},
        "problem issue",
    ),
    (
        r"\b(?:third|fourth|fifth|3rd|4th|5th|\d+(?:th)?) time "
        r"(?:i(?:'ve| have)? (?:called|contacted|written|asked)|"
        r"calling|contacting)",
        {"anger": 2.8, "disgust": 1.0},
        "time",
    ),
    (
        r"\b(?:speak|talk) (?:to|with) (?:a |an |your )?(?:real person|human|manager|supervisor)",
        {"anger": 2.2, "anticipation": 0.6},
        "speak talk",
    ),
    (
        r"\bwaste of (?:my |our )?(?:time|money)\b",
        {"disgust": 3.0, "anger": 2.6, "joy": -1.5, "trust": -1.5},
        "waste",
    ),
    (
        r"\b(?:worst|terrible|horrible|awful|appalling|pathetic|useless) (?:customer )?(?:service|support|"
        r"experience|company|app|product|agent)",
        {"anger": 2.6, "disgust": 2.2},
        "worst terrible horrible awful appalling pathetic useless",
    ),
    (
        r"\b(?:rip[- ]?off|scam|scammed|fraud|robbery|daylight robbery)\b",
        {"anger": 2.6, "disgust": 2.4},
        "rip ripoff scam scammed fraud robbery",
    ),
    (
        r"\b(?:charged|billed) (?:me )?(?:twice|double|two times|again|wrongly|incorrectly)"
        r"|double[- ]charged",
        {"anger": 2.8, "surprise": 0.6},
        "charged billed double",
    ),
    (
        r"\b(?:cancel|close) my (?:account|subscription|contract|order|membership|broadband|policy|plan"
        r"|line|package)",
        {"anger": 1.8, "disgust": 1.2},
        "cancel close",
    ),
    (
        r"\b(?:i )?(?:want|demand|need) (?:a |my )?(?:full )?refund\b",
        {"anger": 2.0, "disgust": 0.8},
        "refund",
    ),
    (
        r"\bnever (?:again|buying|ordering|using|coming back)\b"
        # Not a condition: "is there a fee if I never use the card?"
        r"|(?<!\bif )(?<!\bwhen )\b(?:i|i'll|i will|i'd|we|we'll|we will) never "
        r"(?:\w+ )?(?:order|buy|shop|use|book|fly|stay|come back|go back|return|recommend|deal|trust)\w*\b",
        {"disgust": 2.6, "anger": 1.8},
        "never",
    ),
    (
        r"\b(?:switch(?:ing)?|moving|going) to (?:a |another )?"
        r"(?:competitor|different provider|another provider)",
        {"disgust": 2.4, "anger": 2.2},
        "competitor provider",
    ),
    # 1.9.0: leaving, told in the words customers use: switching, taking the business elsewhere, not
    # renewing, closing the accounts, the last time, uninstalling.
    (
        r"\b(?:i'm|i am|we're|we are|i'll be|we'll be) switching\b"
        r"|\b(?:moving|taking|move|take) (?:my|our) (?:\w+ ){0,4}(?:business|custom|accounts?|insurance|money"
        r"|savings|mortgage|policy|policies|contract) (?:\w+ ){0,2}elsewhere\b"
        r"|\b(?:will not|won't|will no longer|not) be renewing\b|\b(?:i|we) (?:will not|won't) (?:be )?renew"
        r"|\bclosing (?:every|all|each) (?:\w+ ){0,2}accounts?\b"
        r"|\b(?:the|my) last time (?:i|we) (?:\w+ )?(?:use|order|book|fly|shop|stay|buy|eat|come)"
        r"|\buninstall(?:ing|ed)?\b(?! and reinstall)(?! it and)",
        {"anger": 2.2, "disgust": 1.6},
        "switching moving taking move take renewing renew closing last uninstall uninstalling uninstalled",
    ),
    (
        r"\b(?:fed up|sick and tired|sick of|tired of|had enough|last straw)\b",
        {"anger": 2.6, "disgust": 1.8},
        "fed sick tired enough straw",
    ),
    (
        r"\b(?:unacceptable|outrageous|ridiculous|disgraceful|shameful)\b",
        {"anger": 2.4, "disgust": 1.2},
        "unacceptable outrageous ridiculous disgraceful shameful",
    ),
    (
        r"\b(?:doesn't|does not|didn't|did not|still doesn't|won't|will not) work\b"
        r"|\bnot working\b|\bbroken\b",
        {"anger": 1.2, "sadness": 1.0},
        "work working broken",
    ),
    (
        r"\b(?:lost|missing|never arrived|never received|didn't arrive|did not arrive|hasn't arrived|"
        r"has not arrived)\b",
        {"sadness": 1.4, "anger": 1.4, "fear": 0.4},
        "lost missing arrived arrive received",
    ),
    (
        r"\b(?:where is|where's) my (?:order|package|parcel|refund|money|delivery)",
        {"anger": 2.8, "fear": 0.6},
        "where where's",
    ),
    (r"\bwhen (?:will|can|do) (?:i|we) (?:get|receive|hear)", {"anticipation": 2.2}, "when"),
    (
        r"\b(?:worried|concerned|anxious|nervous) (?:about|that)\b",
        {"fear": 2.4},
        "worried concerned anxious nervous",
    ),
    (r"\b(?:afraid|scared|terrified) (?:that|of|i)\b", {"fear": 2.4}, "afraid scared terrified"),
    (r"\b(?:am i going to|will i) (?:lose|be charged|get charged)", {"fear": 2.4}, "lose charged"),
    (
        r"\b(?:account|card) (?:was |has been |got )?(?:hacked|compromised|blocked|frozen|locked)",
        {"fear": 2.4},
        "hacked compromised blocked frozen locked",
    ),
    (
        r"\b(?:unauthori[sz]ed|suspicious|fraudulent) (?:charge|transaction|payment|activity)",
        {"fear": 2.6},
        "unauthorized unauthorised suspicious fraudulent",
    ),
    (
        r"\bthank(?:s| you) (?:so much|very much|a lot|a million)\b",
        {"joy": 2.4, "trust": 1.8},
        "thank thanks",
    ),
    (
        r"\bthank(?:s| you) (?:for (?:your|the|all your) (?:help|support|patience|quick))",
        {"joy": 1.8, "trust": 2.4},
        "thank thanks",
    ),
    (
        r"\b(?:problem|issue|it)(?:'s| is| was| has been| got)? (?:now )?(?:resolved|fixed|solved|sorted)",
        {"joy": 2.2, "trust": 1.8},
        "resolved fixed solved sorted",
    ),
    (
        r"\b(?:very|really|so|super|extremely) (?:helpful|friendly|patient|professional|quick|fast)\b",
        {"trust": 2.2, "joy": 1.6},
        "helpful friendly patient professional quick fast",
    ),
    (
        r"\b(?:above and beyond|highly recommend|would recommend|five stars|5 stars|great service|"
        r"excellent service|top notch|top marks|hats off|kudos)",
        {"trust": 2.6, "joy": 2.0},
        "beyond recommend stars service notch marks hats kudos",
    ),
    (r"\b(?:can't|cannot|can not) wait\b", {"anticipation": 2.6, "joy": 1.0}, "wait"),
    (
        r"\b(?:couldn't|could not|can't) be (?:happier|better|more pleased)",
        {"joy": 3.0},
        "happier better pleased",
    ),
    (r"\b(?:no (?:problem|worries)|not bad at all)\b", {"joy": 1.0, "trust": 0.8}, "problem worries bad"),
    (r"\blooking forward to\b", {"anticipation": 2.4, "joy": 1.0}, "forward"),
    # Customer-service complaints, written for this project and measured on tests/data/cs_en_polarity.jsonl.
    (
        r"\b(?:never|didn't|did not|hasn't|has not|haven't|have not) (?:showed|shown|show|turned|turn|came"
        r"|come) up\b"
        r"|\bno[- ]show\b|\b(?:nobody|no one|no-one) (?:came|turned up|showed up|arrived)\b",
        {"anger": 3.0, "sadness": 0.8},
        "showed shown show turned turn came come arrived",
    ),
    (
        r"\b(?:stopped|stops|quit) working\b|\b(?:won't|will not|doesn't|does not|didn't|did not) "
        r"(?:turn|switch|power) on\b|\bfell apart\b|\bkeeps? (?:crashing|freezing|failing|breaking|dropping|"
        r"disconnecting|logging me out|cutting out|buffering|lagging|throwing|timing out|rebooting"
        r"|restarting|"
        r"resetting|switching off|turning off|shutting down|declining|rejecting|charging me|billing me|"
        r"taking (?:money|payments?)|sending me)\b",
        {"anger": 2.6, "sadness": 1.4},
        "stopped stops quit turn switch power fell keep keeps",
    ),
    (
        r"\b(?:sent|gave|given|delivered|shipped|told) (?:me |us )?(?:the )?wrong\b"
        r"|\bwrong (?:size|item|colou?r|order|product|address|information|info|amount|model|part|parcel|"
        r"package|one)\b",
        {"anger": 2.8, "sadness": 0.4},
        "wrong",
    ),
    (
        r"\b(?:was|were|been) (?:promised|assured|guaranteed)\b|\b(?:was|were) supposed to "
        r"(?:arrive|be|come|get|call|ship|deliver)\b|\byou (?:said|promised|told me) (?:it|that|this|you|i"
        r"|they|the)\b|\b(?:told|tells|said|says) (?:me |us )?one thing\b|\bcontradict(?:s|ed|ing|ory)?\b"
        r"|\b(?:each|every) (?:agent|advisor|adviser|person|one|time)\b[^.!?]{0,40}\b(?:a )?different "
        r"(?:answer|story|thing|reason|price|date)\b",
        {"anger": 1.8, "sadness": 0.6},
        "promised assured guaranteed supposed said told tells says contradict contradicts contradicted "
        "contradicting contradictory different",
    ),
    (
        r"\b(?:without|with no|no) (?:any )?(?:warning|notice|explanation|notification|telling (?:me|us)|"
        r"informing (?:me|us)|asking (?:me|us)|(?:my|our) (?:consent|permission|approval))\b",
        {"anger": 2.8},
        "warning notice explanation notification telling informing asking consent permission approval",
    ),
    (
        r"\b(?:wrongly|incorrectly|mistakenly) (?:charged|billed)\b|\bhidden (?:fees?|charges?|costs?)\b"
        r"|\b(?:charged|billed) (?:me |us )?(?:for (?:a |an |the )?(?:\w+ ){0,2}(?:i|we) (?:never|didn't"
        r"|did not|"
        r"haven't|have not)\b|a (?:\w+ )?fee)",
        {"anger": 3.0},
        "charged billed hidden",
    ),
    (
        r"\b(?:i|we) never (?:got|received|ordered|took|signed up|agreed|used|asked for|authori[sz]ed)\b",
        {"anger": 2.2, "sadness": 0.6},
        "never",
    ),
    (
        rf"\b{_NUMBER} (?:days?|weeks?|months?) (?:late|overdue|delayed)\b"
        rf"|\btook {_NUMBER} (?:more )?(?:days|weeks|months)\b|\b(?:still|yet) to (?:arrive|come"
        rf"|be delivered)\b",
        {"anger": 2.8, "sadness": 0.8},
        "late overdue delayed took arrive come delivered",
    ),
    (
        r"\b(?:is|was|what|such) (?:a |an )?(?:complete |total |absolute |bad |sick )?joke\b"
        r"|\b(?:a|an) (?:complete|total|absolute) joke\b",
        {"anger": 2.8, "disgust": 2.0, "joy": -3.0},
        "joke",
    ),
    (r"\b(?:had|have had|i've had) it with\b", {"anger": 3.0, "disgust": 1.0}, "had"),
    (r"\b(?:kidding|joking) me\b|\bgot to be kidding\b", {"anger": 2.6, "surprise": 0.8}, "kidding joking"),
    (r"\bhow (?:hard|difficult) (?:can|could|is) it\b", {"anger": 3.0, "disgust": 0.6}, "hard difficult"),
    (
        r"\b(?:back and forth|in circles|round and round|the runaround|run ?around)\b",
        {"anger": 3.0, "disgust": 1.0},
        "forth circles round runaround run",
    ),
    (
        r"\b(?:got|received|had|heard|there(?:'s| is| was)) no (?:reply|response|answer|call ?back|callback"
        r"|update|"
        r"feedback|explanation|word)\b|\bno (?:reply|response|answer|update|callback)s? (?:yet|so far"
        r"|since)\b",
        {"anger": 3.0, "sadness": 0.8},
        "no",
    ),
    (
        r"\b(?:cut|cutting) (?:me |us |my \w+ |our \w+ )?off\b|\b(?:closed|ended|hung up) (?:the chat "
        r"|the call )?on me\b"
        r"|\bclosed (?:my |the )?(?:complaint|ticket|case|chat) without\b",
        {"anger": 3.0, "sadness": 0.6},
        "cut cutting closed ended hung",
    ),
    (
        r"\b(?:can't|cannot|can not|couldn't|could not|unable to|not able to) (?:log ?in|login|sign in"
        r"|access|"
        r"get into|pay|check in|check-in|open (?:the|my) app)\b",
        {"anger": 2.0, "sadness": 0.8, "fear": 0.8},
        "log login sign access into pay check open",
    ),
    (
        r"\b(?:can't|cannot|can not|couldn't|could not|unable to|impossible to) (?:reach|get hold of|"
        r"get through to|speak to|talk to|contact) (?:a |an |any )?(?:human|person|agent|anyone|anybody|"
        r"someone|manager|you)\b|\b(?:been |keep |kept )trying to (?:reach|contact|get hold of|get through"
        r"|call|speak)",
        {"anger": 3.0, "sadness": 0.6},
        "reach hold through speak talk contact trying",
    ),
    (
        r"\bkeeps? (?:happening|coming back|getting worse|going down)\b",
        {"anger": 2.8, "disgust": 0.8},
        "keep keeps",
    ),
    (
        r"\bstill (?:not|nothing|isn't|is not|hasn't|has not|doesn't|does not|won't|broken|down|missing|"
        r"unresolved|the same)\b",
        {"anger": 2.6, "sadness": 0.8},
        "still",
    ),
    (
        r"\barrived (?:damaged|broken|smashed|crushed|dented|open|opened|wet|soaked|soaking|cold|late|empty"
        r"|torn|"
        r"leaking|in pieces)\b|\b(?:damaged|broken|smashed|crushed|dented|soaked) (?:on arrival"
        r"|in transit)\b",
        {"anger": 2.6, "sadness": 1.2},
        "arrived arrival transit",
    ),
    (
        r"\bnothing like (?:the|what|in the|its) (?:pictures?|photos?|description|advert|ad|website"
        r"|listing)\b"
        r"|\bnot as (?:described|advertised|pictured|shown)\b",
        {"anger": 2.6, "disgust": 1.6},
        "nothing described advertised pictured shown",
    ),
    (
        r"\b(?:down|broken|late|cancell?ed|delayed|wrong|missing|crashed|failed|declined|lost|"
        r"not working) again\b",
        {"anger": 2.8, "disgust": 0.8},
        "again",
    ),
    (r"\b(?:this is|that was|this was|it's|it is) the last time\b", {"anger": 2.6, "disgust": 1.4}, "last"),
    (
        r"\bnothing (?:got|has been|was|is|ever gets?|ever got) (?:fixed|done|resolved|sorted|solved)\b"
        r"|\b(?:not|never|wasn't|isn't|hasn't been|haven't been) (?:fixed|resolved|sorted|solved)\b",
        {"anger": 2.6, "sadness": 1.0},
        "fixed done resolved sorted solved",
    ),
    (
        r"\b(?:quality|service|food|product|room|support|experience|app|connection) (?:is|was|has been|"
        r"is just) (?:terrible|awful|horrible|appalling|poor|rubbish|shocking|dreadful|abysmal|atrocious)\b",
        {"anger": 2.4, "disgust": 2.0},
        "terrible awful horrible appalling poor rubbish shocking dreadful abysmal atrocious",
    ),
    (
        r"\bavoid (?:at all costs|this (?:company|place|shop|seller|app|product|hotel|airline)|them|"
        r"like the plague)\b|\bstay (?:well )?away\b",
        {"disgust": 3.0, "anger": 1.4},
        "avoid away",
    ),
    (
        r"\b(?:someone|somebody|a stranger) (?:has |have |had )?(?:access(?:ed)?|changed|used|logged into"
        r"|got into|"
        r"stole|taken|took)\b",
        {"fear": 3.0, "anger": 0.6},
        "someone somebody stranger",
    ),
    (
        r"\b(?:lost|lose|losing) (?:access|all (?:my|our)|my (?:booking|money|seat|data|files|photos|job"
        r"|deposit))\b"
        r"|\b(?:deleted|wiped|erased) (?:all )?(?:my|our) (?:saved )?(?:data|files|photos|messages|account"
        r"|history|"
        r"points|progress|contacts)\b",
        {"anger": 2.0, "sadness": 1.8, "fear": 0.8},
        "lost lose losing deleted wiped erased",
    ),
    (
        r"\b(?:not|never|wasn't|weren't|isn't|aren't|was not|were not|is not|are not) (?:very |at all |"
        r"particularly |even |remotely |the least bit )?(?:helpful|useful|friendly|polite|professional"
        r"|competent|responsive|courteous|respectful|knowledgeable)\b",
        {"anger": 2.0, "disgust": 1.2, "sadness": 0.6},
        "helpful useful friendly polite professional competent responsive courteous respectful knowledgeable",
    ),
    (
        r"\bnothing but (?:\w+ )?(?:problems|trouble|troubles|issues|excuses|lies|headaches|hassle|grief"
        r"|disappointment|delays|complaints|errors|bugs)\b",
        {"anger": 2.4, "disgust": 1.4, "sadness": 0.8},
        "problems trouble troubles issues excuses lies headaches hassle grief disappointment delays "
        "complaints errors bugs",
    ),
    # Mishaps reported without a feeling word: thrown out of an account, a case closed unheard, spoiled
    # goods, a booking not there on arrival, an order never received.
    (
        r"\b(?:logged|kicked|signed|threw|thrown|locked) (?:me|us) out\b",
        {"anger": 2.4, "disgust": 0.8},
        "logged kicked signed threw thrown locked",
    ),
    (
        r"\b(?:closed|cancell?ed|terminated|suspended) (?:\w+ )?without (?:any |a |my )?"
        r"(?:notice|warning|reason|explanation|anyone|anybody|contacting|asking|telling|consent|permission)",
        {"anger": 2.6, "disgust": 1.0},
        "closed cancelled canceled terminated suspended",
    ),
    (
        r"\b(?:expired|mou?ldy|rotten|stale|spoil(?:ed|t))\b",
        {"disgust": 2.6, "anger": 1.2},
        "expired mouldy moldy rotten stale spoiled spoilt",
    ),
    (
        r"\b(?:wasn't|was not|weren't|were not|isn't|is not|not) (?:available|ready|there) when (?:we|i) "
        r"(?:arrived|got there|came|checked in)",
        {"anger": 2.4, "sadness": 0.8},
        "arrived got came checked",
    ),
    (
        r"\bnever (?:got|received) (?:it|them|anything|my (?:order|parcel|package|refund|money|item))\b",
        {"anger": 2.4, "sadness": 1.0},
        "never",
    ),
    # Service mishaps in plain words (1.4.0): what customers report without naming a feeling, by kind of
    # failure, written from the kinds of failure, not from the sets' sentences.
    # An order stuck in a status, or delivered only on paper.
    (
        r"\b(?:hasn't|has not|haven't|have not|hadn't|didn't|did not|not) (?:been )?updated\b"
        r"|\bstill (?:says|shows|showing|saying|pending|processing|in transit|under review|on its way)\b",
        {"anger": 3.0, "sadness": 0.8},
        "updated still",
    ),
    (
        r"\b(?:marked|shows?|showing|says?|saying|listed|confirmed) (?:as |it was |it's |it is )?delivered\b"
        r"[^.!?]{0,40}\b(?:not|nothing|never|no|isn't|wasn't|haven't|hasn't|didn't)\b|\bno record of\b",
        {"anger": 3.2, "sadness": 0.8},
        "delivered record",
    ),
    # A fault: the same one again, dead on arrival, broken within days, a device that dies, won't do its job.
    (
        r"\b(?:has|had|have|got|with|still|showing|shows|gets|get) (?:the |exactly the )?(?:exact )?same "
        r"(?:fault|problem|issue|error|defect)\b|\bsame (?:fault|problem|issue|error) (?:again|as before|as "
        r"last time|all over again)\b",
        {"anger": 3.0, "sadness": 0.8},
        "same",
    ),
    (
        r"\bdead (?:on arrival|out of the box|after (?:a|an|one|two|three|\d+))\b",
        {"anger": 3.2, "sadness": 1.0},
        "dead",
    ),
    (
        r"\b(?:battery|phone|laptop|screen|device|charger|tablet|it) (?:dies|died|drains|keeps dying"
        r"|won't hold|doesn't hold|does not hold)\b",
        {"anger": 2.6, "sadness": 1.0},
        "dies died drains dying hold",
    ),
    (
        r"\b(?:broke|broken|stopped working|failed|died|snapped|cracked|fell apart|came apart|ripped|tore|"
        r"split|peeled|faded) (?:on|after|within|in) (?:the |its |a |an |one |two |three |four |five |\d+ )?"
        r"(?:first|second|third|few|couple|days?|weeks?|months?|uses?|wash(?:es)?|hours?)\b",
        {"anger": 3.2, "sadness": 1.2},
        "broke broken working failed died snapped cracked apart ripped tore split peeled faded",
    ),
    (
        r"\b(?:won't|will not|doesn't|does not|didn't|did not|wouldn't|would not|can't|cannot) (?:even )?"
        r"(?:hold (?:a |its )?charge|charge|connect|load|boot|pair|sync|print|install|start|heat up|cool down"
        r"|scan|download|go through)\b",
        {"anger": 2.4, "sadness": 1.0},
        "charge connect load boot pair sync print install start heat cool scan download through",
    ),
    (
        r"\b(?:only|barely) (?:works?|worked|charges?|lasts?|lasted|turns on)\b",
        {"anger": 2.6, "sadness": 1.0},
        "only barely",
    ),
    (
        r"\b(?:stopped|stops) (?:heating|charging|responding|connecting|cooling|printing|syncing|loading|"
        r"spinning|flushing|lighting up|updating|sending|receiving|draining)\b",
        {"anger": 3.0, "sadness": 1.4},
        "stopped stops",
    ),
    (
        r"\b(?:code|voucher|coupon|discount|promo|promotion|gift card)s? (?:doesn't|does not|didn't|did not"
        r"|won't|will not|isn't|is not) (?:apply|applying|work|working|accepted|valid|recogni[sz]ed)\b",
        {"anger": 2.6, "sadness": 0.6},
        "code codes voucher vouchers coupon coupons discount discounts promo promos promotion promotions "
        "card cards",
    ),
    # Money: taken twice, taken after cancelling, renewed unannounced, refunded in part, a charge unknown.
    (
        r"\b(?:taken|took|charged|debited|billed|paid|deducted|withdrawn|collected|charging|billing"
        r"|went out|came out|gone out|come out)"
        r" (?:\w+ ){0,3}twice\b|\b(?:twice|double) (?:what|the (?:price|amount|quote|quoted))\b",
        {"anger": 3.2, "surprise": 0.4},
        "twice double",
    ),
    (
        r"\b(?:charged|billed|charging|billing|debited|invoiced) (?:\w+ ){0,6}(?:after|even though|despite|"
        r"although|though|when) (?:i|we|i've|we've|i'd|we'd|i had|we had|having)\b"
        r"|\b(?:keep|keeps|kept|still) (?:getting |being )?(?:charged|billed|charging|billing|debiting)\b",
        {"anger": 3.2},
        "charged billed charging billing debited debiting invoiced",
    ),
    (
        r"\btook (?:my|our) (?:money|payment)\b|\b(?:renewed|charged|upgraded|extended) (?:\w+ )?without "
        r"(?:a |any )?(?:reminder|warning|notice|asking)\b|\bwithout (?:a |any )?reminder\b",
        {"anger": 3.0},
        "money payment without",
    ),
    (
        r"\b(?:only|just) (?:a |got a |received a )?partial (?:refund|payment|credit|reimbursement)\b"
        r"|\bpartial refund\b",
        {"anger": 2.4, "sadness": 0.8},
        "partial",
    ),
    (
        r"\b(?:card|payment|transaction|purchase|application|claim|refund request|code|voucher|coupon"
        r"|password|pin|login)s?(?: (?!(?:not|never|wasn't|isn't|weren't|aren't|hasn't|haven't)\b)[\w']+)"
        r"{0,4}?"
        r" (?:was |were |is |are "
        r"|got "
        r"|gets |keeps? getting |has been |have been )?(?:declined|rejected|refused|denied|bounced)\b",
        {"anger": 2.4, "sadness": 1.0, "fear": 0.4},
        "declined rejected refused denied bounced",
    ),
    # Being handled badly: cut short, answered by script, not listened to, sent round, chasing, no reason.
    (r"\bbefore (?:i|we) (?:could|had a chance|got a chance|even|finished)\b", {"anger": 2.6}, "before"),
    (
        r"\b(?:copy[- ]?(?:and[- ])?paste[d]?|canned|scripted|automated|generic|template[d]?) (?:response"
        r"|reply"
        r"|answer|email|message)s?\b|\bthe same (?:response|reply|answer|email|message|excuse)\b",
        {"anger": 3.0, "disgust": 1.0},
        "copy paste pasted canned scripted automated generic template templated same",
    ),
    (
        r"\btalked (?:over|down to) (?:me|us)\b|\b(?:didn't|did not|doesn't|does not|don't|won't|wouldn't"
        r"|never"
        r"|refused to) (?:even )?(?:listen|let me (?:speak|explain|finish))\b",
        {"anger": 3.2, "disgust": 0.6},
        "talked listen speak explain finish",
    ),
    (
        r"\b(?:a )?(?:different|new) (?:answer|story|excuse|explanation)s? (?:each|every) time\b"
        r"|\b(?:each|every) (?:single )?time (?:i|we) (?:call|ring|phone|contact|ask|chat|email|write)"
        r"[^.!?]{0,30}\b(?:different|another|new) (?:answer|story|excuse|explanation)",
        {"anger": 3.0, "disgust": 0.8},
        "each every",
    ),
    (
        r"\b(?:have|had|having|keep|kept|need) to (?:keep )?(?:chase|chasing|remind)\b|\bchasing (?:you|this"
        r"|them|it|up|for)\b",
        {"anger": 3.0},
        "chase chasing remind",
    ),
    (
        r"\b(?:keep|keeps|kept) (?:getting |being )?(?:redirected|sent back|sent round|sent around)\b"
        r"|\bredirected (?:again|back|me|us|to (?:another|a different|the wrong))\b",
        {"anger": 3.0, "disgust": 0.6},
        "redirected sent",
    ),
    (
        r"\bwithout (?:even )?(?:fixing|solving|resolving|repairing|doing|checking|looking|finishing|testing"
        r"|explaining|telling (?:me|us|anyone)|saying (?:a word|anything)|a word"
        r"|an apology|apologi[sz]ing|replacing)\b",
        {"anger": 3.0, "sadness": 0.6},
        "without",
    ),
    (
        r"\bfor no (?:apparent |good |obvious )?reason\b|\b(?:with|gave|given|giving) no (?:reason"
        r"|explanation)"
        r"\b|\bno reason (?:was )?given\b",
        {"anger": 2.8, "sadness": 0.6},
        "reason explanation",
    ),
    (
        r"\b(?:doesn't|does not|didn't|did not) (?:even )?exist (?:in|on) (?:your|the|their) system\b"
        r"|\bnot (?:even )?(?:in|on) (?:your|the|their) system\b",
        {"anger": 2.8, "sadness": 0.6},
        "system",
    ),
    (
        r"\bgiven (?:away|to (?:someone|somebody|another (?:guest|customer|passenger)))\b"
        r"|\bsomeone else's (?:order|parcel|package|booking|room|food|bag|luggage|items?|shopping)\b"
        r"|\b(?:double[- ]booked|overbooked|over-booked)\b",
        {"anger": 3.2, "sadness": 0.6},
        "given someone booked overbooked",
    ),
    # Outages: a service down, no signal or power, a product that keeps failing.
    (
        r"\b(?:site|website|app|portal|system|server|service|network|internet|wifi|wi-fi|line|broadband"
        r"|platform|account)s? (?:is|are|was|were|has been|have been|keeps going|keep going|went|goes) down\b"
        r"|\b(?:has been|have been|been) down (?:all|for|since|again|every|twice)\b",
        {"anger": 2.8, "sadness": 0.8},
        "down",
    ),
    (
        r"\b(?:no|without|lost) (?:any )?(?:signal|internet|connection|coverage|power|electricity|hot water"
        r"|heating|heat|wifi|wi-fi|broadband|dial tone|phone line|water)\b",
        {"anger": 2.8, "sadness": 1.0},
        "signal internet connection coverage power electricity water heating heat wifi wi broadband tone "
        "line",
    ),
    # Stays and meals: smells, pests, food cold or raw, made ill, a booking that did not count.
    (
        r"\bsmel(?:l|ls|led|t) (?:of|like) (?:smoke|cigarettes|damp|mou?ld|sewage|urine|pee|vomit|bleach"
        r"|garbage|rubbish|drains?|sweat|wee)\b|\b(?:damp|musty)\b",
        {"disgust": 3.0, "anger": 0.8},
        "smell smells smelled smelt damp musty",
    ),
    (
        r"\b(?:food|meal|pizza|order|dinner|lunch|breakfast|coffee|soup|burger|chips|fries|delivery|it|"
        r"everything) (?:arrived|was|came|turned up|is|were) (?:stone[- ]|completely |totally )?(?:cold"
        r"|lukewarm|"
        r"soggy|raw|undercooked|burnt|burned|inedible|stale)\b",
        {"disgust": 2.6, "anger": 1.6},
        "cold lukewarm soggy raw undercooked burnt burned inedible stale",
    ),
    (
        r"\b(?:made|making|got|left) (?:me|us|him|her|them|(?:my|our) (?:\w+ ){1,2})(?:sick|ill|vomit)\b"
        r"|\bfood poisoning\b|\bhair in (?:my|our|the) (?:food|meal|soup|salad|drink|pizza|burger|dish)\b",
        {"disgust": 3.0, "anger": 1.6, "fear": 0.4},
        "sick ill vomit poisoning hair",
    ),
    (
        r"\bdespite (?:having|booking|paying|being told|ordering|confirming|calling|a booking|a reservation"
        r"|(?:my|our|the) (?:booking|reservation|confirmation))\b"
        rf"|\bdespite (?:\w+ )?(?:{_NUMBER}|repeated|countless|numerous) (?:\w+ )?(?:reports|calls|emails"
        r"|complaints|reminders|requests|letters|messages|visits|attempts|tries|chasers)\b"
        r"(?! (?:of|about)\b)",
        {"anger": 2.8},
        "despite",
    ),
    (
        r"\b(?:forgot|forgotten|left out|missed out) (?:half |part |some |one |two |three |most |all "
        r"|the rest )?(?:of )?(?:my|our|the) "
        r"(?:order|items?|drinks?|food|meal|sides?|bags?|luggage|sauces?|fries|dishes?)\b",
        {"anger": 3.0, "sadness": 0.6},
        "forgot forgotten left missed",
    ),
    # What was expected and did not happen: paid, followed, told, and yet.
    (
        r"\b(?:even though|even after|despite the fact) (?:i|we|i'd|we'd|i've|we've|i had|we had) (?:\w+ )?"
        r"(?:paid|followed|was told|were told|got|received|had|called|sent|booked|ordered|cancell?ed|returned"
        r"|asked|confirmed|checked|reported|explained|provided|submitted|signed|arrived|did|already)\b",
        {"anger": 2.6, "sadness": 0.6},
        "though even despite",
    ),
    (
        r"\bbut (?:i|we) (?:had )?(?:already |clearly |definitely )?(?:paid|followed|cancell?ed|returned"
        r"|confirmed|booked|was told|were told)\b(?! you)"
        r"|\bpaid (?:extra )?for\b[^.!?]{0,30}\b(?:and|but) (?:(?:was|were) (?:put|told)|still|never|didn't"
        r"|did not|wasn't|weren't|haven't|have not|hasn't|has not)\b",
        {"anger": 2.6, "sadness": 0.6},
        "paid followed cancelled canceled returned confirmed booked told",
    ),
    (
        r"\b(?:never|didn't|did not|hasn't|has not|haven't|have not) (?:happened|came|come|called"
        r"|rang|rung|returned my|got back|showed|followed up|materiali[sz]ed|bothered)\b(?! up)"
        r"|\bnever did\b",
        {"anger": 2.6, "sadness": 0.8},
        "happened came come called rang rung returned got showed followed materialised materialized "
        "bothered did",
    ),
    # Counting: the nth time, n times now, yet another person, from scratch, hours and days lost.
    (
        r"\bfor the (?:second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th|\d+th|umpteenth|hundredth|"
        r"millionth|nth) time\b|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|multiple"
        r"|countless|numerous) times (?:now|already|so far|this (?:week|month|year)|in (?:a|one|two|three) "
        r"(?:days?|weeks?|months?))\b|\b(?:reported|called|complained|asked|explained|emailed|written|chased"
        r"|rung|phoned|contacted|raised|returned|visited) (?:\w+ ){0,3}(?:\d+|two|three|four|five|six|several"
        r"|many|multiple|countless|numerous) times\b",
        {"anger": 2.8, "disgust": 0.8},
        "time times",
    ),
    (
        r"\b(?:yet )?another (?:person|agent|advisor|adviser|department|form|call|engineer|email|excuse"
        r"|delay|day off)\b|\b(?:start|starting|started) (?:all )?(?:over|again)? ?from scratch\b"
        r"|\b(?:start|starting) (?:all )?over again\b",
        {"anger": 2.6, "disgust": 0.6},
        "another scratch over",
    ),
    (
        r"\b(?:spent|wasted|lost|taken|took) (?:over |more than |nearly |almost |about |around )?"
        rf"(?:{_NUMBER} "
        r"(?:hours?|days?|mornings?|afternoons?|evenings?|weeks?)|the (?:whole|entire|best part of the) "
        r"(?:day|morning|afternoon|evening|week|weekend)|(?:a|an) (?:whole|entire) (?:day|morning|afternoon"
        r"|evening|week|weekend))\b|\b(?:take|took|taken|taking) (?:a|another|the) day off\b",
        {"anger": 2.6, "sadness": 0.8},
        "spent wasted lost taken took take taking",
    ),
    (
        r"\b(?:smashed|shattered|vanished|disappeared|jams|jammed|shrank|shrunk|peeling|grinding|rattling"
        r"|squeaking|flickering|mangled|crushed|seized up)\b",
        {"anger": 2.2, "sadness": 1.0},
        "smashed shattered vanished disappeared jams jammed shrank shrunk peeling grinding rattling "
        "squeaking flickering mangled crushed seized",
    ),
    (
        r"\b(?:painfully|incredibly|really|very|so|too|extremely|ridiculously|unbearably|super|unusably) slow"
        r"\b|\b(?:a )?fraction of what\b",
        {"anger": 2.6, "sadness": 0.6},
        "slow fraction",
    ),
    (
        r"\b(?:lied|lying|lies) (?:about|to (?:me|us))\b|\b(?:just |simply )?shrugged\b|\bthrew (?:the|my"
        r"|our)"
        r" (?:parcel|package|box|bag|delivery|shopping)\b",
        {"anger": 2.8, "disgust": 1.2},
        "lied lying lies shrugged threw",
    ),
    (
        r"\b(?:doesn't|don't|didn't|does not|do not|did not) (?:even )?(?:exist|cover what|include what)\b"
        r"|\b(?:payment|order|transaction|upload|booking|transfer|delivery|installation|repair)s? (?:has "
        r"|had "
        r"|have )?failed\b",
        {"anger": 2.6, "sadness": 0.8},
        "exist cover include failed",
    ),
    (
        r"\bwrong (?:department|person|team|branch|account|name|date|time|price|room|seat|flight|ticket|"
        r"number|logo|address)\b",
        {"anger": 2.6, "sadness": 0.4},
        "wrong",
    ),
    (
        r"\bprices? (?:went up|has gone up|have gone up|increased|rose|doubled|tripled)\b"
        r"|\b(?:raised|increased|hiked|doubled) (?:my|the|our) (?:price|fee|bill|premium|rent|rate|tariff)\b",
        {"anger": 2.4, "surprise": 0.6},
        "price prices raised increased hiked doubled",
    ),
    (
        r"\b(?:wasn't|weren't|was not|were not|hasn't been|haven't been|hadn't been|has not been"
        r"|have not been|never been|never got|never was|never were) (?:\w+ )?"
        r"(?:collected|picked up|sent|delivered|fixed|repaired|refunded|processed|returned|cleaned|replaced"
        r"|credited|honou?red|installed|connected)\b",
        {"anger": 2.6, "sadness": 0.8},
        "collected picked sent delivered fixed repaired refunded processed returned cleaned replaced "
        "credited honoured honored installed connected",
    ),
    (
        r"\bhung up (?:on|when|as soon|before|the phone on|halfway|mid)\b|\bshort[- ]?changed\b"
        r"|\b(?:out of date|past (?:its|the) (?:use[- ]by|sell[- ]by|best[- ]before)(?: date)?)\b"
        r"|\b(?:left|leaving) (?:a |the |their )?(?:mess|rubbish|dirt|debris)\b"
        r"|\b(?:box|parcel|package|envelope|bag) (?:was |came |arrived )?empty\b|\bempty (?:box|parcel"
        r"|package|envelope)\b|\bworse (?:than (?:before|when)|condition|state)\b",
        {"anger": 2.8, "sadness": 0.8},
        "hung short shortchanged date left leaving empty worse",
    ),
    # A promised act that did not happen, stated: never arrived, wasn't told, hasn't been fixed.
    (
        r"\b(?:never|didn't|did not|hasn't|has not|haven't|have not|hadn't|had not|wasn't|was not|weren't"
        r"|were not|won't|will not|doesn't|does not|isn't|is not|aren't|are not)"
        r" (?:even |ever |yet |actually |properly |once |been )?"
        r"(?:arrived|received|heard back|fixed|repaired|refunded|delivered|replaced|rang|replied|responded"
        r"|answered|turned up|showed up|shown up|happened|updated|processed|resolved|explained|told"
        r"|informed|apologi[sz]ed|honou?red|credited|collected|cleaned|activated|listened|helped|bothered"
        r"|improved|materiali[sz]ed|appeared|cleared|gone through|come through)\b",
        {"anger": 2.6, "sadness": 0.8},
        "arrived received heard fixed repaired refunded delivered replaced rang replied responded answered "
        "turned showed shown happened updated processed resolved explained told informed apologised "
        "apologized honoured honored credited collected cleaned activated listened helped bothered improved "
        "materialised materialized appeared cleared through",
    ),
    # Blame put on the company or its people: you lost it, your driver threw it.
    (
        r"\b(?:you|you've|you have|you guys|your (?:\w+ )?(?:driver|courier|engineer|technician|agent|staff"
        r"|team|advisor|adviser|rep|representative|company|website|app|system|store|shop|bank|colleague"
        r"|manager|people|guy|plumber|fitter|installer|cleaner|waiter|waitress|builders?|movers?))"
        r" (?:have |has |had |just |then |also |even |completely |somehow )?"
        r"(?:lost|broke|damaged|forgot|ignored|deleted|overcharged|dropped|threw|messed up|mixed up|refused"
        r"|denied|lied|blocked|wiped|ruined|scratched|spilled|spilt|hung up|cut (?:me|us) off|sold (?:me|us)"
        r"|cancell?ed (?:my|our)|closed (?:my|our)|double[- ]charged|misplaced)\b",
        {"anger": 2.8, "disgust": 0.6},
        "lost broke damaged forgot ignored deleted overcharged dropped threw messed mixed refused denied "
        "lied blocked wiped ruined scratched spilled spilt hung cut sold cancelled canceled closed double "
        "misplaced",
    ),
    (
        r"\b(?:heard nothing|nothing back|not heard (?:anything|a thing|back)|nothing (?:has|have"
        r"|had) (?:changed|happened|improved|been done))\b",
        {"anger": 2.6, "sadness": 1.0},
        "heard nothing",
    ),
    (
        rf"\b(?:delayed|late) (?:by )?(?:over |more than |nearly |almost |another )?{_NUMBER} "
        r"(?:hours?|days?|weeks?)\b|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
        r" hours? (?:late|delay|delayed)\b",
        {"anger": 2.6, "sadness": 0.8},
        "delayed late delay",
    ),
    # Not what was ordered or shown.
    (
        r"\b(?:not|isn't|wasn't|aren't|weren't|nothing like) what (?:i|we) (?:ordered|asked for|paid for"
        r"|booked"
        r"|expected|was promised|were promised)\b|\b(?:came|arrived|delivered|sent|got) (?:with )?(?:a |an "
        r"|the )?different \w+(?: \w+)? (?:than|from|to what) (?:i|we)\b"
        r"|\bordered (?:a |an |the |some )?\w+(?: \w+){0,2} (?:and|but) (?:got|received|was sent|were sent"
        r"|they sent)\b(?! (?:it|them|everything|all|my|our|in|on|within|the next|the same|next|same|quickly"
        r"|fast|early|promptly)\b)",
        {"anger": 3.0, "sadness": 0.6},
        "ordered asked paid booked expected promised different",
    ),
    (
        r"\b(?:doesn't|does not|don't|do not|didn't|did not) (?:match|look like|resemble) (?:the |their "
        r"|your )?"
        r"(?:photos?|pictures?|description|listing|website|images?|ad|advert)\b|\bnothing fits\b"
        r"|\b(?:size|sizing|size chart|sizes) (?:is |are |was |were )?(?:completely |totally |way |all )?"
        r"(?:off|wrong|inaccurate)\b",
        {"anger": 2.8, "disgust": 0.8},
        "match look resemble fits size sizing sizes",
    ),
    # Poor as a verdict on the service, and feelings the corpora leave weak.
    (
        r"\bpoor (?:service|communication|quality|customer|support|experience|workmanship|standard|condition"
        r"|job|value|packaging|handling|response|product|attitude|hygiene)\b",
        {"anger": 2.8, "disgust": 1.4},
        "poor",
    ),
    (
        r"\b(?:let (?:me|us) down|not (?:impressed|satisfied|happy) (?:with|at all|about))\b",
        {"sadness": 2.2, "anger": 1.6},
        "down impressed satisfied happy",
    ),
    # 1.7.0, from round 9 of the mishap set: a visit skipped, a time kept wrong, a fault come back, days
    # counted out, charges for what was paid or never done, the heating still cold, kept waiting, a manual
    # in a language the customer does not read, part of a refund, a bill above the reading.
    (
        # Not the customer's own miss: "I missed the delivery, can I rebook it?"
        r"(?<!\bi )(?<!\bwe )(?<!\bi've )(?<!\bwe've )(?<!\bjust )"
        r"\b(?:skipped|missed) (?:our|my|us|the) (?:street|road|house|flat|bins?|collection|stop|delivery"
        r"|appointment|visit|booking|slot)\b",
        {"anger": 2.6, "sadness": 0.6},
        "skipped missed",
    ),
    (
        r"\b(?:booked|scheduled|arranged|due|promised|expected|confirmed|told)\b[^.!?]{0,40}?\b(?:for|at|by) "
        r"(\d{1,2}(?::\d\d)?(?: ?[ap]m)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
        r"|twelve|noon|midday)\b[^.!?]{0,30}?\b(?:turned up|showed up|arrived|came|rang|called|got (?:here"
        r"|there)) (?:at|after|around|about) (?!\1\b)(?:\d{1,2}|one|two|three|four|five|six|seven"
        r"|eight|nine|ten|eleven|twelve|noon|midday|lunchtime|teatime|night)\b",
        {"anger": 2.8, "sadness": 0.4},
        "booked scheduled arranged due promised expected confirmed told",
    ),
    (
        r"\b(?:on|since|last) (monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b[^.!?]{0,50}?"
        r"\b(?:and|but|now) (?:it's|it is|now it's|today is|we're on|we are on|it's now) (?:already )?"
        r"(?!\1\b)(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        {"anger": 2.6, "sadness": 0.8},
        "monday tuesday wednesday thursday friday saturday sunday",
    ),
    (
        r"\b(?:charged|billed|debited|invoiced)(?: (?!(?:but|fine|ok|okay|though|which)\b)[\w']+){0,5}"
        r" (?:anyway|regardless)\b",
        {"anger": 3.0},
        "anyway regardless",
    ),
    (
        r"\b(?:chased|chasing|fined|reminders?|demands?|final notice|debt collectors?|(?:being|still)"
        r" (?:billed|charged|asked to pay|invoiced))\b[^.!?]{0,40}?\b(?:i|we)(?:'ve| have| had)?"
        r" (?:already |had )?"
        r"(?:paid|settled|cleared|returned|cancell?ed)\b",
        {"anger": 3.0, "surprise": 0.4},
        "chased chasing fined reminder reminders demand demands notice collector collectors billed charged "
        "asked invoiced",
    ),
    (
        r"\b(?:radiators?|heating|house|flat|rooms?|water|shower|bath|food|dinner|meal|tea|coffee|pizza)"
        r" (?:is|are|was|were) still (?:cold|freezing|lukewarm|stone cold)\b",
        {"anger": 2.6, "sadness": 0.6},
        "cold freezing lukewarm",
    ),
    (
        r"\b(?:kept|left) (?:me|us|him|her|them|my \w+|our \w+) (?:waiting|hanging|standing|sitting)"
        r" (?:for|at|in|outside|on|around|while|until|there|again)\b|\b(?:was|were|been|being) (?:kept|left)"
        r" waiting\b",
        {"anger": 2.8, "sadness": 0.6},
        "waiting hanging standing sitting",
    ),
    (
        r"\b(?:refund\w*|credit\w*|compensation|reimburse\w*|deposit|came through|paid (?:back|out)|returned"
        r"|back)\b(?:(?!\bbut\b)[^.!?]){0,30}?\b(?:only |just )?(?:half|a third|a quarter|a fraction|part)"
        r" (?:of )?(?:the |what |my )?(?:amount|money|cost|price|fare|total|deposit|(?:i|we) paid|owed"
        r"|was owed)\b"
        # After "but" the match must start at "but": a match from before it would count half.
        r"|\bbut (?:only |just )?(?:for |of )?(?:half|a third|a quarter|a fraction) (?:of )?(?:the |what )?"
        r"(?:amount|money|total|deposit|(?:i|we) paid|owed|was owed|refund)\b",
        {"anger": 2.6, "sadness": 0.8},
        "half third quarter fraction part",
    ),
    # More money taken than agreed: another payment, two more instalments, an extra fee.
    (
        r"\b(?:taken|took|taking|deducted|debited|charged|billed) (?:me |us )?(?:another |a (?:second|third"
        r"|further) |an(?:other)? extra |(?:another )?(?:two|three|four|five|\d+) (?:more |further |extra )?)"
        r"(?:\w+ )?(?:payments?|instalments?|installments?|direct debits?|charges?|fees?)\b",
        {"anger": 3.0, "sadness": 0.4},
        "taken took taking deducted debited charged billed",
    ),
    # Work walked away from: "left the oven untouched", "left the job half done".
    (
        r"\b(?:left|leaving|leaves) (?:\w+ ){0,3}(?:untouched|undone|unfinished|half[- ](?:done|finished"
        r"|painted|built|fitted|installed|cleaned|assembled))\b",
        {"anger": 2.6, "sadness": 0.8},
        "untouched undone unfinished half",
    ),
    # A fee for a trivial change: "I have to pay 30 pounds just to change the name on a ticket".
    (
        r"\b(?:pay|paying|paid|charge|charges|charged|charging|cost|costs|costing|fee)\b(?: \S+){0,4} just"
        r" (?:to|for) (?:change|changing|update|updating|cancel|cancell?ing|correct|correcting|speak|speaking"
        r"|talk|talking|print|printing|amend|amending|rebook|rebooking|reschedule|rescheduling|transfer"
        r"|transferring|swap|swapping|add|adding)\b",
        {"anger": 2.4, "disgust": 0.6},
        "just",
    ),
    # Promises and bookings treated as nothing: "the delivery window means nothing to you", "gave our room
    # away", "locked again".
    (
        r"\bmeans? nothing to (?:you|them|your|the|anyone|anybody)\b|\bgave (?:our|my|the) (?:\w+ )?(?:room"
        r"|table|seat|slot|appointment|booking|place|spot|reservation)s? (?:away|to someone else)\b"
        r"|\b(?:is|are|was|were|got|been|gets) locked (?:out )?again\b",
        {"anger": 2.6, "sadness": 0.6},
        "nothing gave locked",
    ),
    (r"\bno harm done\b", {"joy": 2.4, "trust": 1.6}, "harm"),
    *_STATED_ONLY,
    # The customer's own slip is not the company's failure.
    (
        r"\b(?:by mistake|my (?:own )?(?:mistake|fault|error)|(?:i|we) accidentally|by accident"
        r"|(?:i|we) (?:messed|mixed) up)\b",
        {"anger": -2.4, "sadness": -0.8, "disgust": -1.0},
        "mistake fault error accidentally accident messed mixed",
    ),
    # A mishap the customer had, not one the company caused: "I lost my card, please block it".
    (
        r"\b(?:i|we|i've|we've|i have|we have|my (?:son|daughter|kid|child|husband|wife|partner|dog|cat))"
        r" (?:just |recently |accidentally )?(?:lost|broke|dropped|forgot|forgotten|damaged|misplaced|spilled"
        r"|spilt|cracked|smashed|locked myself)\b"
        r"|\b(?:i|we|i've|we've) (?:\w+ )?(?:entered|typed|put|picked|chose|chosen|selected|gave|given|used"
        r"|wrote|ordered|bought|booked|sent) (?:in )?(?:the |a |an )?wrong\b"
        # 1.10.0: a name or address the customer got wrong ("I misspelled my surname on the ticket").
        r"|\b(?:i|we|i've|we've) (?:just |accidentally )?(?:misspel(?:led|t)|mistyped|made a typo)\b",
        {"anger": -2.4, "sadness": -1.8},
        "lost broke dropped forgot forgotten damaged misplaced spilled spilt cracked smashed locked wrong "
        "misspelled misspelt mistyped typo",
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
    # 1.4.0: feelings the corpora leave weak, and faults named in one word.
    "unhappy": {"sadness": 2.2, "anger": 1.4},
    "dissatisfied": {"anger": 2.0, "sadness": 1.6},
    "unsatisfied": {"anger": 1.8, "sadness": 1.4},
    "displeased": {"anger": 2.0, "sadness": 1.2},
    "appalled": {"anger": 2.4, "disgust": 2.2},
    "disgusted": {"disgust": 1.6, "anger": 1.0},
    "horrified": {"fear": 1.4, "disgust": 1.6},
    "leaking": {"anger": 1.6, "sadness": 0.8},
    "leaks": {"anger": 1.4, "sadness": 0.8},
    "scratched": {"anger": 1.4, "sadness": 0.8},
    "scratches": {"anger": 1.2, "sadness": 0.8},
    "torn": {"anger": 1.2, "sadness": 0.8},
    "dented": {"anger": 1.4, "sadness": 0.8},
    "stains": {"disgust": 1.8, "anger": 0.6},
    "overheats": {"anger": 1.8, "fear": 0.6},
    "overheating": {"anger": 1.6, "fear": 0.6},
    "glitch": {"anger": 1.4, "sadness": 0.4},
    "glitches": {"anger": 1.6, "sadness": 0.4},
    "glitchy": {"anger": 1.8, "sadness": 0.4},
    "buggy": {"anger": 1.8, "sadness": 0.4},
    "unusable": {"anger": 2.4, "sadness": 1.0},
    "malfunctioning": {"anger": 1.8, "sadness": 0.8},
    "outage": {"anger": 1.6, "sadness": 0.6},
    "outages": {"anger": 1.8, "sadness": 0.6},
    "buffering": {"anger": 1.4, "sadness": 0.4},
    "unreliable": {"anger": 2.0, "disgust": 0.8},
    "unanswered": {"anger": 2.0, "sadness": 0.8},
    "misleading": {"anger": 2.2, "disgust": 1.2},
    "misled": {"anger": 2.4, "disgust": 1.2},
    "missold": {"anger": 2.6, "disgust": 1.2},
    "inedible": {"disgust": 2.6, "anger": 1.0},
    "undercooked": {"disgust": 2.2, "anger": 1.0},
    "cockroach": {"disgust": 2.8},
    "cockroaches": {"disgust": 2.8},
    "bedbugs": {"disgust": 2.8, "fear": 0.6},
    "error": {"anger": 0.8, "sadness": 0.4},
    # On Reddit "please" pleads ("please don't go"); to a service desk it is manners.
    "please": {"fear": -1.0, "sadness": -1.0},
    "shocking": {"anger": 2.2, "disgust": 1.4},
    "overpriced": {"anger": 1.8, "disgust": 1.0},
    "ruined": {"anger": 2.0, "sadness": 1.6},
    "stuck": {"anger": 1.4, "sadness": 0.8},
    "refused": {"anger": 1.6},
    "noisy": {"anger": 1.2},
    "bent": {"anger": 1.4, "sadness": 0.6},
    "warped": {"anger": 1.4, "sadness": 0.6},
    "chipped": {"anger": 1.4, "sadness": 0.6},
    "frayed": {"anger": 1.2, "sadness": 0.6},
    "substituted": {"anger": 1.2},
    "errors": {"anger": 1.0, "sadness": 0.4},
    # 1.9.0: revulsion and contempt the corpora leave weak or missing ("vile" carries nothing learned).
    "vile": {"disgust": 2.6, "anger": 0.8},
    "sleazy": {"disgust": 2.4, "anger": 0.8},
    "shameful": {"disgust": 2.0, "anger": 1.4},
    "disgraceful": {"disgust": 2.2, "anger": 1.6},
    "unhygienic": {"disgust": 2.6, "anger": 0.6},
    "sticky": {"disgust": 1.4},
    "smelly": {"disgust": 2.2},
    "stinks": {"disgust": 2.2, "anger": 0.6},
    "stinking": {"disgust": 2.2, "anger": 0.6},
    "rotten": {"disgust": 2.4, "anger": 0.6},
    "slimy": {"disgust": 2.2},
    "greasy": {"disgust": 1.2},
    "hairs": {"disgust": 1.4},
    # Waiting with a wish: rare on Reddit and in subtitles, common before a delivery or a booking.
    "awaiting": {"anticipation": 2.0},
    "eagerly": {"anticipation": 2.0, "joy": 0.6},
    "keen": {"anticipation": 1.6},
    # The British spelling of a word the corpora learnt in its American one ("realize": surprise 1.6).
    "realise": {"surprise": 1.4},
    "realised": {"surprise": 1.2},
}

# A complaint is evidence against joy and trust too: the polite words around it ("thanks", "friendly") must
# not make a complaint read as a mixed or good experience. Idioms with no positive evidence of their own
# and a strong negative one get this added.
COMPLAINT_DAMPING: Final[_Weights] = {"joy": -1.0, "trust": -1.0}
_POSITIVE: Final = ("joy", "trust", "anticipation")


def _is_complaint(weights: _Weights) -> bool:
    return not any(weights.get(emotion, 0.0) > 0.0 for emotion in _POSITIVE) and max(weights.values()) >= 1.8


IDIOMS: Final[tuple[tuple[str, _Weights], ...]] = tuple(
    (pattern, {**COMPLAINT_DAMPING, **weights} if _is_complaint(weights) else weights)
    for pattern, weights, _ in _IDIOMS
)
# The complaint idioms (damped above); a stated one turns praise in front of it into sarcasm.
COMPLAINT_IDIOMS: Final[frozenset[int]] = frozenset(
    index for index, (_, weights, _) in enumerate(_IDIOMS) if _is_complaint(weights)
)
# Idioms that count only when stated, not asked about.
STATED_ONLY_IDIOMS: Final[frozenset[int]] = frozenset(
    index
    for index, (pattern, _, _) in enumerate(_IDIOMS)
    if pattern in _STATED_ONLY_PATTERNS
)
# Mishaps the customer had ("I lost my card"): evidence against a complaint, and no learned complaint beside.
OWN_MISHAP_IDIOMS: Final[frozenset[int]] = frozenset(
    index for index, (_, weights, _) in enumerate(_IDIOMS) if max(weights.values()) < 0.0
)
# The praising idioms ("thanks a million"), with the joy and trust they add: sarcasm when a complaint follows.
PRAISE_IDIOMS: Final[dict[int, tuple[float, float]]] = {
    index: (max(weights.get("joy", 0.0), 0.0), max(weights.get("trust", 0.0), 0.0))
    for index, (_, weights, _) in enumerate(_IDIOMS)
    if not _is_complaint(weights) and (weights.get("joy", 0.0) > 0.0 or weights.get("trust", 0.0) > 0.0)
}

# What a seller claims for a product or a service, as customers quote it back (1.12.0). Hand-written.
_CLAIM_WORDS: Final = (
    "quick quicker fast faster express premium urgent priority delivered resolved fixed sorted helpful "
    "guaranteed guarantee fresh waterproof cheaper cheap free new secure easy simple instant reliable "
    "unlimited luxury deluxe clean genuine original authentic durable seamless friendly support service "
    "help best better improved upgrade upgraded refundable available professional expert complimentary vip "
    "smart organic healthy handmade sustainable care exclusive bonus special deal bargain discount value "
    "lifetime warranty tracked insured superfast ultra super"
)
_CLAIMS: Final = (
    r"(?:next|same)[- ]day|24 hours|within 24 hours|24/7|in stock|on time|high quality|money[- ]back"
    r"|hassle[- ]free|no[- ]quibble|fast[- ]track|eco[- ]friendly|" + "|".join(_CLAIM_WORDS.split())
)
# A seller's claim in scare quotes ("the 'waterproof' jacket", "your 'priority' support"): the customer
# disputes it. Not in a question, nor after a choice ("I selected 'express'"): see ``CHOICE_BEFORE``.
# Tried only where a quote mark occurs: many claims are common words, and keyed on them as the markers are,
# the pattern ran for most texts.
QUOTED_CLAIM_LOWER: Final = re.compile(
    r"(?<!\w)['‘\"“](?:[a-z]+[ -])?(?:" + _CLAIMS + r")(?:[ -][a-z]+){0,2}['’\"”](?!\w)"
)
QUOTED_CLAIM: Final = re.compile(QUOTED_CLAIM_LOWER.pattern, re.IGNORECASE)
# A quoted claim right after these names an option the customer chose or asks about, not a disputed claim.
CHOICE_BEFORE: Final = re.compile(
    r"\b(?:select(?:ed)?|cho(?:o)?se|chosen|pick(?:ed)?|tick(?:ed)?|click(?:ed)?|tap(?:ped)?|press(?:ed)?"
    r"|(?:switch(?:ed|ing)?|upgrad(?:e|ed|ing)|downgrad(?:e|ed|ing)|change(?:d)?|mov(?:e|ed)) to"
    r"|opt(?:ed)? for|sign(?:ed)? up for|search(?:ed|ing)? for|typ(?:e|ed|ing)|enter(?:ed|ing)?|called|named)"
    r"(?: (?:the|a|an|your|my|our|option|plan|button|box))*\W*$"
)
# Positive words said with a roll of the eyes; they move evidence from joy and trust to anger and disgust.
_SARCASM_MARKERS: Final[tuple[tuple[str, str], ...]] = (
    (r"\byeah,? right\b", "right"),
    (r"\boh,? (?:great|wonderful|perfect|fantastic|lovely|brilliant|joy)\b", "oh"),
    (r"\bjust (?:great|perfect|wonderful|fantastic|brilliant|what i needed)\b", "just"),
    # Not "nothing": the false-negation rewrite takes it out of "thanks for nothing but excuses".
    (r"\b(?:thanks?|cheers) for nothing\b", "thank thanks cheers"),
    (
        r"\b(?:love|loving|great|nice|awesome|amazing|incredible|impressive|funny) (?:how|that|when) "
        r"(?:(?:i|you|they|it|your|a|the|my|our|this)\b[^.!?]{0,60}\b(?:wait|hold|never|still|again|broken"
        r"|charged|cancel|nobody|no one|hours|days|weeks|months|can't|cannot|won't|doesn't|didn't|ignore"
        r"|ignores"
        r"|ignored|lost|late)\b|(?:nobody|no one) (?:ever )?(?:reads|answers|replies|responds|bothers|cares"
        r"|listens|calls|checks|picks up)\b)",
        "love loving great nice awesome amazing incredible impressive funny",
    ),
    (r"\bso (?:helpful|useful)\b[^.!?]{0,20}\b(?:not|lol|lmao)\b", "helpful useful"),
    (r"(?:^|\s)/s\b", "s"),
    (
        r"\b(?:thanks|thank you|can't thank you enough|cheers|five stars|5 stars|10/10|well done|great job"
        r"|nice job|good job|nice work|great work|kudos|bravo|props|congrats|congratulations)"
        r"(?: so much| very much| a lot| a million)? for (?:wasting|ruining|breaking|ignoring"
        r"|losing (?:my|our|the|all|every)\b|making me wait|keeping me waiting|leaving me|overcharging"
        r"|double[- ]charging"
        r"|charging me (?:twice|again|for nothing)|forgetting|messing up|mixing up|sending the wrong|damaging"
        r"|deleting|blocking|cutting me off|hanging up|putting me on hold|transferring me|the runaround)\b",
        # Keyed on the mishap: the praise words are among the commonest.
        "wasting ruining breaking ignoring losing making keeping leaving overcharging charging forgetting "
        "messing mixing sending damaging deleting blocking cutting hanging putting transferring runaround",
    ),
    (r"\bthanks a lot\b[^.!?]{0,40}\b(?:for|now)\b[^.!?]{0,40}\b(?:nothing|wasting|ruining|breaking)", "lot"),
    (rf"\bonly (?:took|takes|taking) {_NUMBER} (?:more )?(?:hours?|days?|weeks?|months?|years?)\b", "only"),
    (
        r"\b(?:impressed|amazed) (?:by|with|at) how (?:you|they|your)\b[^.!?]{0,40}\b"
        r"(?:ignore|lose|lost|never|late|wait|hold|charge|broke|cancel|mess)",
        "impressed amazed",
    ),
    (
        r"\b(?:amazing|great|brilliant|fantastic|superb|excellent|wonderful|awesome|stellar"
        r"|top) (?:customer )?"
        r"(?:service|job|work|support|care)\b[^.!?]{0,60}\b(?:another|still waiting|disconnected|cut off"
        r"|lost|"
        r"losing|on hold|ignored|ignoring|wasted|wasting|broke|broken|charged twice)\b",
        "amazing great brilliant fantastic superb excellent wonderful awesome stellar top",
    ),
    (r"\bappreciate (?:being|getting) (?:transferred|ignored|passed|kept|put|cut|hung)\b", "appreciate"),
    (r"\b(?:can't|cannot) wait (?:to|for) [^.!?]{0,40}\b(?:on hold|another|again|queue|waiting)\b", "wait"),
)
SARCASM: Final[tuple[str, ...]] = tuple(pattern for pattern, _ in _SARCASM_MARKERS)
SARCASM_WEIGHTS: Final[_Weights] = {"joy": -5.0, "trust": -5.0, "anger": 3.0, "disgust": 2.6}

# Each idiom's keys, in IDIOMS order (see ``_Idiom``).
IDIOM_KEYS: Final[tuple[str, ...]] = tuple(keys for _, _, keys in _IDIOMS)



def _typed(pattern: str) -> str:
    """A pattern that also matches contractions typed without their apostrophe ("doesnt load", "wont
    charge"), as customers in a hurry write them (1.9.0)."""
    return pattern.replace("n't", "n'?t")


def _keys_typed(keys: str) -> list[str]:
    """Keys with each contraction's apostrophe-less spelling beside it."""
    words = keys.split()
    return [*words, *(word.replace("'", "") for word in words if "n't" in word)]


IDIOM_PATTERNS: Final[tuple[tuple[re.Pattern[str], _Weights], ...]] = tuple(
    (re.compile(_typed(pattern), re.IGNORECASE), weights) for pattern, weights in IDIOMS
)
# The same idioms, case-sensitive, for ASCII text lower-cased first: ASCII case folding is one to one and
# every pattern is written in lower case, so they match the same spans, without folding each character.
IDIOM_PATTERNS_LOWER: Final[tuple[re.Pattern[str], ...]] = tuple(
    re.compile(_typed(pattern)) for pattern, _ in IDIOMS
)
# Each idiom's keys as a set, contractions typed without their apostrophe included.
_TYPED_KEYS: Final = tuple(frozenset(_keys_typed(keys)) for keys in IDIOM_KEYS)
IDIOMS_BY_KEY: Final[dict[str, tuple[int, ...]]] = {
    key: tuple(index for index, keys in enumerate(_TYPED_KEYS) if key in keys)
    for key in frozenset().union(*_TYPED_KEYS)
}
# Per sarcasm marker, words one of which every match contains, as for idioms.
SARCASM_MARKER_KEYS: Final[tuple[str, ...]] = tuple(keys for _, keys in _SARCASM_MARKERS)
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


# A service request ("Can I pay by bank transfer?", "Do you ship to Canada?", "I'd like to update my
# address") asks; it does not hope. The learned weights took a question mark and request words for
# curiosity and desire (GoEmotions maps both to anticipation), so a desk's plain questions read as
# anticipation: 23 of the 32 neutral messages of the service emotion set's tuning half. In a text that
# opens as a request, those features keep this share of their anticipation and surprise; words of
# feeling ("would love to try", "can't wait") are not among them and keep theirs.
REQUEST_SHARE: Final = 0.3
SERVICE_REQUEST: Final = re.compile(
    r"(?:(?:hi|hello|hey|good (?:morning|afternoon|evening)|dear [^,.!?\n]{1,40})"
    r"(?: there| team| all)?[,.!\s]+)?"
    r"(?:(?:can|could|may) (?:i|we)\b|(?:can|could|would|will) you\b|is it possible\b"
    r"|(?:do|does|did|is|are|was|will) (?:you|it|the|this|that|there|my|our|i|we)\b"
    r"|(?:how|where|when|what|which) (?:do|does|can|should|is|are|will|time|long|many|much|documents)\b"
    r"|(?:i|we)(?:'d| would) like to\b|(?:i|we) (?:need|want|wish) to\b|please\b)",
    re.IGNORECASE,
)
REQUEST_FEATURES: Final = re.compile(
    r"\?|\b(?:i'd like|would like|like to|i need|i want|can i|can you|is there|do you|is it|will|please"
    r"|what|how|if)\b"
)

# Courtesy formulas carry no feeling: "I hope you're well", "I'd be grateful if", "thanks in advance",
# "kind regards" open and close a complaint as often as a question. Read as joy and trust they made a
# polite complaint a mixed or good experience, and a plain request a happy one (1.10.0).
COURTESY: Final = re.compile(
    r"\b(?:i |we )?hope (?:you(?:'re| are)(?: (?:all|both|keeping))? "
    r"(?:well|ok|okay|good|doing (?:well|ok|okay|good|fine)"
    r"|having an? (?:good|great|nice|lovely) (?:day|week|weekend))"
    r"|this (?:message |email |note )?finds you well|all is well)"
    r"|\b(?:i|we)(?:'d| would) be (?:very |most |really |so |extremely |truly )?(?:grateful|thankful)\b"
    r"|\b(?:i|we)(?:'d| would) (?:really |greatly |very much |truly )?appreciate "
    r"(?:it|if|any|your|a |an |some)"
    r"|\bthanks?(?: you)?(?: (?:so|very) much)? in advance\b|\bthank(?:s| you) for (?:your|taking the) time\b"
    r"|\bthank(?:s| you)(?: (?:so|very) much)? for looking into (?:this|it|that)\b"
    r"|\b(?:kind|best|warm|warmest|many) regards\b|\bbest wishes\b|\bsorry to (?:bother|trouble) you\b"
    r"|\bhave an? (?:nice|good|great|lovely) (?:day|weekend|evening)\b"
    # "Kindly" asking ("kindly send the invoice"), not telling ("the driver kindly carried it upstairs").
    r"|\bkindly (?:note|let|send|advise|confirm|check|help|look|reply|respond|provide|update|arrange|contact"
    r"|call|refund|cancel|process|share|investigate|assist|resolve|expedite|do|inform|review|escalate"
    r"|return|change|correct|issue|revert|acknowledge)\b",
    re.IGNORECASE,
)
# A bare thanks that closes a request ("Can I pay by bank transfer? Thanks!") or a stated complaint
# ("Refund still not through. Thanks x", 1.11.0) is a formula too; after a fix or plain praise it is meant.
CLOSING_THANKS: Final = re.compile(
    r"\b(?:many |big )?(?:thanks|thank you|thx|cheers)(?: (?:so|very) much| a lot)?[\s!.,:;)(~-]*"
    r"(?:x+[\s!.]*)?$",
    re.IGNORECASE,
)
# The same patterns for lower-cased ASCII text (IGNORECASE costs twice the time).
COURTESY_LOWER: Final = re.compile(COURTESY.pattern)
CLOSING_THANKS_LOWER: Final = re.compile(CLOSING_THANKS.pattern)
# Words one of which every courtesy formula holds: the formula is looked for only where one occurs.
COURTESY_KEYS: Final = frozenset({
    "hope", "grateful", "thankful", "appreciate", "advance", "time", "looking", "regards", "wishes", "bother",
    "trouble", "day", "weekend", "evening", "kindly", "thanks", "thank", "thx", "cheers",
})
