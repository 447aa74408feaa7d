"""Chinese (simplified and traditional) text scorer: raw Plutchik evidence, valence, arousal and cues.

The text is normalised to simplified characters with unchanged offsets, matched leftmost-longest against
a hand-written lexicon, and the matches are read in order: negators and degree words change the next
emotion word of the same clause, the clause after a contrast (但是, 不过) outweighs the one before, praise
after a complaint turns sarcastic, and a small polarity model adds a weak prior and most of the valence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Final

from pipeline.domain.emotion.chinese_complaints import chinese_complaint_model, complaint_reading
from pipeline.domain.emotion.chinese_lexicon import Span, chinese_lexicon
from pipeline.domain.emotion.chinese_polarity import polarity_model
from pipeline.domain.emotion.chinese_script import (
    ChineseScript,
    chinese_script,
    code_points,
    simplified_points,
)
from pipeline.domain.emotion.fast_models import cue
from pipeline.domain.emotion.text_scores import TextScores
from pipeline.domain.labels import Cue
from pipeline.domain.plutchik import NEGATIVE_EMOTIONS, Emotion

__all__ = ["ChineseScript", "chinese_script", "score_chinese"]

# Characters a modifier may sit away from its word (不是很满意, 非常的开心) without losing it.
MAX_MODIFIER_GAP: Final = 2
MAX_SCALE: Final = 2.2
BEFORE_CONTRAST: Final = 0.5
AFTER_CONTRAST: Final = 1.2
# How much a complaint must weigh before praise in the same text reads as sarcasm.
SARCASM_COMPLAINT: Final = 0.5

# Negated praise becomes its opposite, a little weaker; negated complaints simply cancel (不难过).
_NEGATED: Final[dict[Emotion, tuple[tuple[Emotion, float], ...]]] = {
    "joy": (("sadness", 0.6), ("disgust", 0.25)),
    "trust": (("disgust", 0.5), ("anger", 0.25)),
}
_AROUSAL: Final[dict[Emotion, float]] = {
    "anger": 0.9,
    "fear": 0.8,
    "surprise": 0.8,
    "joy": 0.65,
    "anticipation": 0.6,
    "disgust": 0.55,
    "trust": 0.35,
    "sadness": 0.35,
}
# The polarity model's prior, spread over the emotions a complaint or a compliment usually carries.
_NEGATIVE_PRIOR: Final[tuple[tuple[Emotion, float], ...]] = (
    ("disgust", 0.5),
    ("sadness", 0.35),
    ("anger", 0.35),
)
_POSITIVE_PRIOR: Final[tuple[tuple[Emotion, float], ...]] = (("joy", 0.35), ("trust", 0.2))
PRIOR_DEADBAND: Final = 0.2
# Emotions with less than this share of the strongest one's evidence keep only part of it.
SECONDARY_RATIO: Final = 0.6
SECONDARY_DAMPING: Final = 0.5

_MENTION = re.compile(r"@[^\s:,.!?;@]{1,30}")
_CLAUSE_BREAK = re.compile(r"[,.!?;~。、…\n\r\t]")
_SENTENCE_MARKS: Final = ("。", ".", "!", "?", "\n")
_SENTENCE_END: Final = re.compile(f"[{re.escape(''.join(_SENTENCE_MARKS))}]")
_EXCLAMATIONS = re.compile(r"!{2,}")
_QUESTIONS = re.compile(r"\?{2,}")
_REPEATED = re.compile(r"([\u4e00-\u9fff])\1{2,}")
_TRIPLED = re.compile(r"([\u4e00-\u9fff])\1\1")
_PREFIX_MODIFIERS: Final = frozenset({"negation", "intensifier", "diminisher"})
# A question or a polite request (请问什么时候发货, 麻烦帮我查一下订单) asks; it does not complain. The
# polarity model learnt from product reviews, where such words mostly sit in complaints, so it reads them
# as negative; in a text that asks and names no complaint it keeps only this share of a negative lean.
# Its forms: a request opener, request words anywhere, or a question at the end (tested without a regex:
# an end-anchored alternative is tried at every position).
_ASKING_OPENER: Final = re.compile(
    r"\s*(?:你好|您好|hi|hello)?[,\s]*(?:请问|请|麻烦|想问|我想|我要|想|能不能|能否|可以|可不可以|帮我|帮忙|有没有|怎么(?!办)|如何)"
)
_ASKING_WORDS: Final = re.compile(
    r"请问|想问|问一下|问下|咨询|了解一下|麻烦[帮你您给问看查]|请帮|帮我[查看改取换开]|[查看改换开]一下"
)
_QUESTION_ENDINGS: Final = (
    *("吗", "么", "呢", "嘛", "?"),
    *("多少", "多久", "什么时候", "哪里", "哪儿", "在哪", "几天"),
)
# ...unless the question is a complaint in a question's clothes (为什么还没到, 怎么这么慢, 这不是坑人吗).
_RHETORICAL: Final = re.compile(
    r"为什么|为啥|凭什么|到底|难道|竟然|居然|还没|还不|又是|怎么[还又没不会]|怎么搞|[这那]么|什么意思"
    r"|不是.{0,20}(?:吗|(?<![怎什那这多])么)|能不能[这那]|就这样|有没有人"
)
ASKING_MODEL_SHARE: Final = 0.3
# A customer asking what to do (退款多久能到？我该怎么办？) seeks help; the same words (flagged ``help`` in
# the lexicon) in a post are worry.
HELP_SEEKING_SHARE: Final = 0.3
AFTER_CONTRAST_SHARE: Final = 0.5
# Complaint evidence of the lexicon below this leaves a question a question. Worry is no complaint: a
# worried question (有点紧张，术前需要空腹多久？) still asks (1.9.0).
ASKING_COMPLAINT: Final = 0.3
COMPLAINT_EMOTIONS: Final[tuple[Emotion, ...]] = ("anger", "disgust", "sadness")
_GRIEVANCE: Final[tuple[Emotion, ...]] = ("anger", "disgust")
_SARCASM_NOTE: Final = "praise in a complaint reads as sarcasm"
# Courtesy formulas, as written, beside a complaint the text states carry no feeling (1.11.0): "师傅没有来，
# 也没有电话通知。能否重新安排一个时间？谢谢" is a complaint told politely, not a thankful message. A
# complaint only asked about (屏幕碎了在保修范围内吗？谢谢), told before a contrast (晚了两天，但是处理得很
# 好，谢谢) or with its fix keeps the thanks, and so does gratitude a degree word strengthens.
COURTESY_FORMULAS: Final = frozenset(
    {"谢谢", "谢谢你", "谢谢你们", "多谢", "谢啦", "感谢", "辛苦了", "麻烦您", "麻烦看", "麻烦了", "麻烦你了"}
)
# How much stated complaint (the grievances of ``_complaint_part``) silences the formulas: as much as the
# mildest mishap (在处理中, 0.2), so any stated mishap does; a faint word alone does not.
COURTESY_COMPLAINT: Final = 0.2
_COURTESY_NOTE: Final = "courtesy beside a stated complaint carries no feeling"
_SPACE: Final = ord(" ")
# A mishap told with its fix (漏发的配件今天补发到了，谢谢) is a story with a good end: thanks beside it are
# meant and the mishap keeps this share of its weight, unless a sarcasm marker says otherwise.
FIXED_SHARE: Final = 0.3
# Done, not asked for (什么时候补发 asks) nor only claimed (说修好了，结果又坏了).
_FIXED: Final = re.compile(
    r"(?<![说称为没未不])(?:补(?:发|寄)(?:的\w{0,6})?(?:到了|收到了)|已经?补(?:发|寄)|补上了|补回来了|解决了|修好了"
    r"|处理好了|退款到了|退回来了|到账了|换好了|恢复了|已经好了|重新发了)"
)


# A seller's claim quoted back (这服务真“贴心”, 送来的“新鲜”水果烂了一半) is disputed: sarcasm even with no
# complaint word beside it (1.12.0). The claims, hand-written, besides any praise word of the lexicon inside
# the quotes; the quoted span holds at most eight characters (a claim, not a saying or a sentence).
_QUOTED: Final = re.compile(r"[“「『\"]([^“”「」『』\"]{1,8})[”」』\"]")
_QUOTED_CLAIM: Final = re.compile(
    r"极速|秒到|秒退|秒发|闪电|光速|快速|急速|加急|当日达|次日达|准时|优先|优质|正品|全新|原装|官方|旗舰|专业|贴心|"
    r"暖心|用心|新鲜|现做|现烤|包邮|免费|免单|优惠|特价|福利|惊喜|实惠|划算|超值|无忧|省心|放心|安心|透明|公道|诚信|"
    r"靠谱|保障|保修|质保|包退|包换|无理由|终身|尊享|尊贵|贵宾|至尊|豪华|高端|五星|金牌|一流|顶级|人性化|"
    r"智能|防水|静音|耐用|环保|纯天然|有机|无添加|高效|即时|实时|24小时|全天候|人工|售后"
)
# A quoted name right after these is an option or a label the customer chose or looked for, not a claim.
_QUOTE_CHOICE: Final = re.compile(
    r"(?:选|选了|选择|选择了|选的|勾选|勾选了|点了|点击|点击了|开通|开通了|办理|办理了|办了|升级到|升级成|换成|"
    r"换到|改成|改为|叫|叫做|名为|名叫|搜|搜索|搜了|输入|输入了|写成|写成了|写的|写着)$"
)
# "So-called" before the quotes disputes whatever they hold, asked or not (这也叫“专业”？, 所谓的“售后”).
_SO_CALLED: Final = re.compile(r"(?:所谓|所谓的|这也叫|这就叫|这也算|也配叫|号称|自称|美其名曰)$")
# A quoted place or business name (“幸福路”): not a claim.
_QUOTED_NAME: Final = re.compile(
    r"(?:路|街|道|巷|村|镇|区|县|市|省|园|苑|城|店|馆|号|楼|栋|座|厦|广场|中心|公司|集团)$"
)
QUOTED_CLAIM_WEIGHTS: Final[dict[Emotion, float]] = {"anger": 0.5, "disgust": 0.5}
_QUOTED_CLAIM_NOTE: Final = "a claim quoted back reads as sarcasm"


@dataclass(slots=True)
class _Hit:
    """An emotion word after its modifiers, before contrast weighting and sarcasm."""

    span: Span
    emotions: dict[Emotion, float]
    segment: int
    negated: bool
    sarcastic: bool = False
    # A courtesy formula beside a stated complaint: it carries nothing (``_silence_courtesy``).
    silenced: bool = False


def score_chinese(text: str) -> TextScores:
    """Raw evidence per primary, valence and arousal for a Chinese text, with cues into the original text."""
    simplified, points = simplified_points(text)
    if "@" in simplified:
        # A user name (@快乐小猪) says nothing about the writer's feeling; blank it, keeping offsets.
        simplified = _MENTION.sub(_blank, simplified)
        points = code_points(simplified)
    spans = chinese_lexicon().spans_of(simplified, points)
    evidence: dict[Emotion, float] = {}
    cues: list[Cue] = []
    # Substring tests (a set's isdisjoint would hash every character of the text).
    quotes = "“" in simplified or '"' in simplified or "「" in simplified or "『" in simplified
    quoted = _quoted_spans(simplified) if quotes else []
    if spans:
        after_contrast, silenced, claims = _gather(text, simplified, spans, evidence, cues, quoted)
    else:
        after_contrast, silenced, claims = 0, [], [(start, end) for start, end, named in quoted if named]
    for start, end in claims:
        _add_quoted_claim(text, start, end, evidence, cues)
        silenced.append((start, end))
    if silenced:
        # The models learnt thanks and claims as praise from reviews: they read the text without the silenced
        # formulas and the claims quoted back.
        points = list(points)
        for start, end in silenced:
            points[start:end] = [_SPACE] * (end - start)
    # A character three times is found without the open-ended repeat, which costs twice as much per
    # position; the run's full length is read only where one starts.
    tripled = _TRIPLED.search(simplified)
    repeated = _REPEATED.match(simplified, tripled.start()) if tripled is not None else None
    if repeated is not None or "!!" in simplified or "??" in simplified:
        arousal_boost = _punctuation(text, simplified, repeated, evidence, cues)
    else:
        arousal_boost = 0.0
    complaint = _ComplaintProbability(points)
    negative_probability = _negative_probability(simplified, points, after_contrast, evidence, complaint)
    _add_learned_complaint(simplified, text, complaint, evidence, cues)
    _add_prior(negative_probability, evidence, cues)

    valence = _valence(evidence, negative_probability)
    _sharpen(evidence)
    raw = {emotion: 1.0 - math.exp(-value) for emotion, value in evidence.items() if value > 0.0}
    arousal = _arousal(raw, arousal_boost)
    if len(cues) > 1:
        cues.sort(key=lambda cue: (cue.start if cue.start is not None else len(text), cue.kind))
    return TextScores(raw=raw, valence=valence, arousal=arousal, cues=tuple(cues))


class _ComplaintProbability:
    """The learned complaint reading's probability for one text, read only where it can change the result
    (most texts carry feeling words or a lean the reading does not touch) and then once."""

    __slots__ = ("_points", "_value")

    def __init__(self, points: list[int]) -> None:
        self._points = points
        self._value: float | None = None

    def __call__(self) -> float:
        if self._value is None:
            self._value = chinese_complaint_model().probability(self._points)
        return self._value


def _negative_probability(
    simplified: str,
    points: list[int],
    after_contrast: int,
    evidence: dict[Emotion, float],
    complaint: Callable[[], float],
) -> float:
    """The polarity model's P(negative), read as the lexicon is read.

    After a contrast (但是, 不过) the model's reading of what follows weighs as much as its reading of
    the whole text, as the words after a contrast outweigh those before. A text that asks, or that the
    learned complaint reading (``complaint``, its probability when called) confidently takes for no
    complaint and that has no rhetorical marker (怎么这么慢), keeps a fraction of a negative lean unless
    its words complain.
    """
    model = polarity_model()
    probability = model.probability_of(points)
    if after_contrast and len(points) - after_contrast >= 2:
        following = model.probability_of(points[after_contrast:])
        probability += AFTER_CONTRAST_SHARE * (following - probability)
    if (
        probability <= 0.5
        or sum(evidence.get(emotion, 0.0) for emotion in COMPLAINT_EMOTIONS) >= ASKING_COMPLAINT
    ):
        return probability
    if _asks(simplified, question_mark_anywhere=True) or (
        complaint() <= chinese_complaint_model().quiet and _RHETORICAL.search(simplified) is None
    ):
        return 0.5 + (probability - 0.5) * ASKING_MODEL_SHARE
    return probability


def _asks(simplified: str, *, question_mark_anywhere: bool) -> bool:
    """Whether the text asks (a question, a polite request) rather than complains in a question's form.

    A question mark inside the text (什么时候发货？我再说一遍……) is enough to doubt the review-trained model,
    not to discount worry: in a post, 怎么办？ follows fear (好害怕怎么办？), so help-seeking words need a
    request's own form.
    """
    asks = (
        (question_mark_anywhere and "?" in simplified)
        or simplified.rstrip().endswith(_QUESTION_ENDINGS)
        or _ASKING_OPENER.match(simplified) is not None
        or _ASKING_WORDS.search(simplified) is not None
    )
    return asks and _RHETORICAL.search(simplified) is None


def _blank(found: re.Match[str]) -> str:
    return " " * (found.end() - found.start())


def _gather(  # noqa: PLR0917 - one text's readings, passed along
    text: str,
    simplified: str,
    spans: list[Span],
    evidence: dict[Emotion, float],
    cues: list[Cue],
    quoted: list[tuple[int, int, bool]],
) -> tuple[int, list[tuple[int, int]], list[tuple[int, int]]]:
    """Add the lexicon's evidence and its cues (emotion words, then the modifiers they used).

    Returns where the clause after the last contrast word starts (0: no contrast), the spans the models
    must not read (courtesy formulas silenced beside a complaint, claims quoted back whose praise was
    turned), and the claims quoted back (``quoted``, see ``_quoted_spans``) that hold no praise word, whose
    evidence the caller adds.
    """
    hits, modifier_spans, segments, after_contrast = _read_spans(simplified, spans)
    if any(hit.span[2].help_seeking for hit in hits) and _asks(simplified, question_mark_anywhere=False):
        for hit in hits:
            if hit.span[2].help_seeking:
                hit.emotions = {name: HELP_SEEKING_SHARE * value for name, value in hit.emotions.items()}
    marker = any(hit.span[2].kind == "sarcasm" for hit in hits)
    claims: list[tuple[int, int]] = []
    silenced: list[tuple[int, int]] = []
    if quoted:
        claims, turned = _turn_quoted_praise(hits, quoted)
        silenced.extend(turned)
        # A claim quoted back speaks in an ironic voice, as 呵呵 does.
        marker = marker or bool(claims) or bool(turned)
    if not marker and _FIXED.search(simplified) is not None:
        # A mishap told with its fix: a story with a good end (see ``_FIXED``).
        for hit in hits:
            if hit.span[2].kind == "idiom":
                hit.emotions = {name: FIXED_SHARE * value for name, value in hit.emotions.items()}
    elif any(hit.span[2].term in COURTESY_FORMULAS for hit in hits) and _asks(
        simplified, question_mark_anywhere=True
    ):
        # Thanks that close a request are courtesy even after a grave complaint; bare thanks after one
        # (包裹丢了，谢谢你们。) are bitter.
        _silence_courtesy(simplified, hits)
        _turn_sarcastic(simplified, hits, marker)
    else:
        _turn_sarcastic(simplified, hits, marker)
        _silence_courtesy(simplified, hits)
    for hit in hits:
        start, end, entry = hit.span
        emotions = hit.emotions
        if segments:
            weight = AFTER_CONTRAST if hit.segment == segments else BEFORE_CONTRAST
            emotions = {emotion: value * weight for emotion, value in emotions.items()}
        for emotion, value in emotions.items():
            evidence[emotion] = evidence.get(emotion, 0.0) + value
        rounded = {emotion: round(value, 3) for emotion, value in emotions.items()}
        if hit.sarcastic:
            cues.append(cue("sarcasm", text[start:end], (start, end), rounded, _SARCASM_NOTE))
        elif hit.silenced:
            silenced.append((start, end))
            cues.append(cue(entry.kind, text[start:end], (start, end), {}, _COURTESY_NOTE))
        else:
            cues.append(cue(entry.kind, text[start:end], (start, end), rounded))
    for start, end, entry in modifier_spans:
        cues.append(cue(entry.kind, text[start:end], (start, end), {}))
    return after_contrast, silenced, claims


def _quoted_spans(simplified: str) -> list[tuple[int, int, bool]]:
    """Quoted spans that may be claims quoted back, each with whether it names a claim (``_QUOTED_CLAIM``, or
    anything after a "so-called"): not in a text that asks, not in a plain question, not a chosen option or
    a searched word, not a name; after a "so-called" (``_SO_CALLED``) always."""
    asks = _asks(simplified, question_mark_anywhere=False)
    found: list[tuple[int, int, bool]] = []
    for match in _QUOTED.finditer(simplified):
        start, end = match.span()
        before = max(0, start - 5)
        if _SO_CALLED.search(simplified, before, start) is not None:
            found.append((start, end, True))
            continue
        inner = match.group(1)
        if (
            asks
            or _QUOTED_NAME.search(inner) is not None
            or _QUOTE_CHOICE.search(simplified, before, start) is not None
            or _in_plain_question(simplified, start, end)
        ):
            continue
        found.append((start, end, _QUOTED_CLAIM.search(inner) is not None))
    return found


def _turn_quoted_praise(
    hits: list[_Hit], quoted: list[tuple[int, int, bool]]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Praise inside a quoted claim turns into anger and disgust, as sarcasm does. Returns the quoted claims
    that hold no praise word but name a claim (``_add_quoted_claim`` adds their evidence), and those whose
    praise was turned."""
    bare: list[tuple[int, int]] = []
    turned: list[tuple[int, int]] = []
    for start, end, named in quoted:
        praise = False
        for hit in hits:
            if hit.negated or not (start <= hit.span[0] and hit.span[1] <= end):
                continue
            praise = _as_sarcasm(hit) or praise
        if praise:
            turned.append((start, end))
        elif named:
            bare.append((start, end))
    return bare, turned


def _add_quoted_claim(
    text: str, start: int, end: int, evidence: dict[Emotion, float], cues: list[Cue]
) -> None:
    for emotion, weight in QUOTED_CLAIM_WEIGHTS.items():
        evidence[emotion] = evidence.get(emotion, 0.0) + weight
    cues.append(cue("sarcasm", text[start:end], (start, end), dict(QUOTED_CLAIM_WEIGHTS), _QUOTED_CLAIM_NOTE))


def _read_spans(simplified: str, spans: list[Span]) -> tuple[list[_Hit], list[Span], int, int]:
    """Apply modifiers to the emotion words they precede.

    Returns the hits, the modifiers used, how many contrast words there were and where the clause after
    the last one starts.
    """
    hits: list[_Hit] = []
    used_modifiers: list[Span] = []
    pending: list[Span] = []
    segment = after_contrast = 0
    previous_end = 0
    last_hit: _Hit | None = None
    for index, span in enumerate(spans):
        start, end, entry = span
        if start > previous_end and _apart(simplified, previous_end, start):
            pending = []
            last_hit = None
        previous_end = end
        modifier = entry.modifier
        if modifier is None:
            if entry.emotions:
                last_hit = (
                    _modified_hit(span, pending, segment)
                    if pending
                    else _Hit(span, dict(entry.emotions), segment, False)
                )
                hits.append(last_hit)
                if pending:
                    used_modifiers.extend(pending)
                    pending = []
            else:
                pending = []
                last_hit = None
        elif modifier == "contrast":
            segment += 1
            after_contrast = end
            used_modifiers.append(span)
            pending = []
            last_hit = None
        elif modifier == "postfix":
            if last_hit is not None and last_hit.span[1] == start:
                factor = entry.factor
                last_hit.emotions = {emotion: value * factor for emotion, value in last_hit.emotions.items()}
                used_modifiers.append(span)
        elif not (entry.emotions and pending and _stands_alone(spans, index, simplified)):
            pending.append(span)
        else:
            last_hit = _modified_hit(span, pending, segment)
            hits.append(last_hit)
            used_modifiers.extend(pending)
            pending = []
    return hits, used_modifiers, segment, after_contrast


def _apart(simplified: str, previous_end: int, start: int) -> bool:
    """Whether two matches are too far apart or in different clauses for one to modify the other."""
    if start - previous_end > MAX_MODIFIER_GAP:
        return True
    return start > previous_end and _CLAUSE_BREAK.search(simplified, previous_end, start) is not None


def _stands_alone(spans: list[Span], index: int, text: str) -> bool:
    """A modified modifier that also carries emotion (非常好) counts as a word when it modifies nothing."""
    if index + 1 == len(spans):
        return True
    following_start, _, following = spans[index + 1]
    if _apart(text, spans[index][1], following_start):
        return True
    return not (following.emotions or following.modifier in _PREFIX_MODIFIERS)


def _modified_hit(span: Span, pending: list[Span], segment: int) -> _Hit:
    scale = 1.0
    negations: list[float] = []
    for _, _, modifier in pending:
        if modifier.modifier == "negation":
            negations.append(modifier.factor)
        else:
            scale *= modifier.factor
    scale = min(scale, MAX_SCALE)
    # Two negators cancel out (不是不好); one flips.
    negated = len(negations) % 2 == 1
    emotions: dict[Emotion, float] = {}
    for emotion, weight in span[2].emotions:
        if not negated:
            emotions[emotion] = emotions.get(emotion, 0.0) + weight * scale
            continue
        for opposite, share in _NEGATED.get(emotion, ()):
            emotions[opposite] = emotions.get(opposite, 0.0) + weight * share * negations[-1] * scale
    return _Hit(span, emotions, segment, negated)


def _turn_sarcastic(simplified: str, hits: list[_Hit], marker: bool) -> None:
    """Praise flagged as sarcasm-prone turns into anger and disgust when the text also complains.

    Praise after a contrast that follows the complaint is the story's end, not sarcasm (本来很生气，但是
    处理得很好): only complaints in the praise's own clause group or after it count. Nor does a trouble the
    customer asks about (屏幕碎了在保修范围内吗？谢谢): thanks after a plain question are thanks; after a
    complaint in a question's clothes (为什么还没到？谢谢啊) they are not. ``marker``: the text carries a
    sarcasm marker (呵呵, 可真行). (A mishap told with its fix, 补发 or 修好了, and no marker never gets
    here.)
    """
    if not any(hit.span[2].sarcastic for hit in hits):
        return
    complaint_within_reach = _stated_complaint(simplified, hits, lambda hit: not hit.span[2].sarcastic)
    for hit in hits:
        if not hit.span[2].sarcastic or hit.negated:
            continue
        if complaint_within_reach(hit.segment) < SARCASM_COMPLAINT and not marker:
            continue
        _as_sarcasm(hit)


def _as_sarcasm(hit: _Hit) -> bool:
    """Turn a praise word's joy and trust into anger and disgust; whether it held any."""
    praise = hit.emotions.get("joy", 0.0) + hit.emotions.get("trust", 0.0)
    if praise <= 0.0:
        return False
    hit.emotions = {"anger": praise * 0.5, "disgust": praise * 0.5}
    hit.sarcastic = True
    return True


def _silence_courtesy(simplified: str, hits: list[_Hit]) -> None:
    """Courtesy formulas (``COURTESY_FORMULAS``) as written lose their feeling where the text states a
    complaint in their clause group or after it (the same reach as sarcasm's)."""
    courtesy = [
        hit
        for hit in hits
        if hit.span[2].term in COURTESY_FORMULAS
        and not hit.sarcastic
        and not hit.negated
        and hit.emotions == dict(hit.span[2].emotions)
    ]
    if not courtesy:
        return
    complaint_within_reach = _stated_complaint(
        simplified, hits, lambda hit: hit.span[2].term not in COURTESY_FORMULAS and not hit.sarcastic
    )
    for hit in courtesy:
        if complaint_within_reach(hit.segment) >= COURTESY_COMPLAINT:
            hit.emotions = {}
            hit.silenced = True


def _complaint_part(hit: _Hit) -> Collection[Emotion]:
    """The emotions of a hit that complain: every negative one of a service idiom (迟到, 还在路上), only
    anger and disgust of a feeling word. Sadness alone (孤独, 泪如雨下) is a feeling, not a grievance."""
    return NEGATIVE_EMOTIONS if hit.span[2].kind == "idiom" else _GRIEVANCE


def _stated_complaint(
    simplified: str, hits: list[_Hit], counted: Callable[[_Hit], bool]
) -> Callable[[int], float]:
    """How much complaint the text states within reach of a word in clause group ``segment``: the grievances
    (``_complaint_part``) of the hits ``counted`` admits, outside plain questions, in that group or a later
    one (a complaint a contrast closes is the story's start, not the word's context). Sarcasm and courtesy
    read the same reach."""
    by_segment: dict[int, float] = {}
    for hit in hits:
        if not counted(hit) or _in_plain_question(simplified, hit.span[0], hit.span[1]):
            continue
        grievances = _complaint_part(hit)
        for emotion, value in hit.emotions.items():
            if emotion in grievances:
                by_segment[hit.segment] = by_segment.get(hit.segment, 0.0) + value
    return lambda segment: sum(value for found, value in by_segment.items() if found >= segment)


def _in_plain_question(simplified: str, start: int, end: int) -> bool:
    """Whether the span lies in a sentence that ends with a question mark and is not rhetorical."""
    stop = _SENTENCE_END.search(simplified, end)
    if stop is None or stop.group() != "?":
        return False
    opening = max(simplified.rfind(mark, 0, start) for mark in _SENTENCE_MARKS) + 1
    return _RHETORICAL.search(simplified, opening, stop.start()) is None


def _punctuation(
    text: str,
    simplified: str,
    repeated: re.Match[str] | None,
    evidence: dict[Emotion, float],
    cues: list[Cue],
) -> float:
    """Cues for !!, ?? and 啊啊啊; returns how much they raise arousal (they also strengthen the evidence)."""
    boost = 0.0
    for found in _EXCLAMATIONS.finditer(simplified):
        boost += 0.1
        start, end = found.span()
        cues.append(cue("punctuation", text[start:end], (start, end), {}))
    questions = _QUESTIONS.search(simplified)
    if questions is not None:
        evidence["surprise"] = evidence.get("surprise", 0.0) + 0.3
        boost += 0.05
        start, end = questions.span()
        cues.append(cue("punctuation", text[start:end], (start, end), {"surprise": 0.3}))
    if repeated is not None:
        boost += 0.1
        start, end = repeated.span()
        cues.append(cue("repetition", text[start:end], (start, end), {}))
    if boost > 0.0:
        strength = 1.0 + min(boost, 0.3)
        for emotion in evidence:
            evidence[emotion] *= strength
    return boost


def _add_prior(negative_probability: float, evidence: dict[Emotion, float], cues: list[Cue]) -> None:
    """The polarity model's weak prior: it tips a bare complaint or compliment, never outvotes words."""
    lean = 2.0 * negative_probability - 1.0
    if abs(lean) <= PRIOR_DEADBAND:
        return
    strength = (abs(lean) - PRIOR_DEADBAND) / (1.0 - PRIOR_DEADBAND)
    prior = _NEGATIVE_PRIOR if lean > 0 else _POSITIVE_PRIOR
    rounded: dict[Emotion, float] = {}
    for emotion, share in prior:
        value = share * strength
        evidence[emotion] = evidence.get(emotion, 0.0) + value
        rounded[emotion] = round(value, 3)
    note = f"character n-gram polarity: P(negative)={negative_probability:.2f}"
    cues.append(cue("model", "", None, rounded, note))


# What a complaint the learned reading finds adds, where the lexicon found none: about a service idiom's
# weight (退款还没到 is anger 0.8).
LEARNED_COMPLAINT: Final[dict[Emotion, float]] = {"anger": 0.7, "sadness": 0.3}


def _add_learned_complaint(
    simplified: str,
    text: str,
    complaint: Callable[[], float],
    evidence: dict[Emotion, float],
    cues: list[Cue],
) -> None:
    """Complaint evidence from the learned reading, when it is confident and the lexicon found next to no
    feeling (its evidence, before the polarity prior, under ``ASKING_COMPLAINT`` in all): a complaint told
    without a feeling word. Where the words carry one, they speak for the text; on Weibo posts the reading
    added anger beside them (SMP2020 0.511 -> 0.504 without this condition, 0.512 with it)."""
    if sum(evidence.values()) >= ASKING_COMPLAINT or complaint() < chinese_complaint_model().threshold:
        return
    reading = complaint_reading(simplified, complaint())
    for emotion, weight in LEARNED_COMPLAINT.items():
        evidence[emotion] = evidence.get(emotion, 0.0) + weight
    note = f"learned complaint reading {reading.probability:.2f}: {', '.join(reading.weightiest)}"
    span = (reading.start, reading.end)
    cues.append(cue("model", text[reading.start : reading.end], span, dict(LEARNED_COMPLAINT), note))


def _sharpen(evidence: dict[Emotion, float]) -> None:
    """Damp emotions far weaker than the strongest: a complaint is mostly one feeling, not all four."""
    if not evidence:
        return
    strongest = max(evidence.values())
    for emotion, value in evidence.items():
        if value < SECONDARY_RATIO * strongest:
            evidence[emotion] = value * SECONDARY_DAMPING


def _valence(evidence: dict[Emotion, float], negative_probability: float) -> float:
    positive = evidence.get("joy", 0.0) + evidence.get("trust", 0.0) + 0.3 * evidence.get("anticipation", 0.0)
    negative = (
        evidence.get("anger", 0.0)
        + evidence.get("disgust", 0.0)
        + evidence.get("fear", 0.0)
        + evidence.get("sadness", 0.0)
    )
    lexical = (positive - negative) / (positive + negative + 0.3)
    lexical_weight = (positive + negative) / (positive + negative + 0.6)
    model = 1.0 - 2.0 * negative_probability
    valence = lexical_weight * lexical + (1.0 - lexical_weight) * 0.8 * model
    return max(-1.0, min(1.0, valence))


def _arousal(raw: dict[Emotion, float], boost: float) -> float:
    peak = max((value * _AROUSAL[emotion] for emotion, value in raw.items()), default=0.0)
    return max(0.0, min(1.0, 0.1 + 0.75 * peak + boost))
