"""One simulated customer's story: a persona, a walk through a journey's stages, and the events it leaves.

A persona fixes how many bad experiences the customer has and whether each is recovered. Every planned
bad experience carries at least one operational reason (a long hold, three transfers, an IVR that never
reached a person, an unresolved repeat contact, a low rating, a negative emotion picked on a survey), so
it is bad whatever the text engine makes of the words; every other event fires no rule, and carries
``resolved: true`` only where a recovery is meant, so strikes are exactly bad experiences minus recoveries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from random import Random
from typing import Any, Final, Literal, TypeVar, get_args

from pipeline.simulation.config import LanguageTag, PersonaName, SimulationConfig
from pipeline.simulation.phrasebook import IdiomKind, Situation, Tone
from pipeline.simulation.texts import Length, TextRequest, compose_text

BadKind = Literal[
    "long_hold", "long_wait", "transfers", "ivr", "repeat", "scripted", "low_rating", "selected", "voice"
]
Experience = Literal["good", "neutral", "bad"]

BAD_KINDS: Final[tuple[BadKind, ...]] = get_args(BadKind)
MINUTE_MS: Final[int] = 60_000
HOUR_MS: Final[int] = 60 * MINUTE_MS
DAY_MS: Final[int] = 24 * HOUR_MS

# The rule each kind of bad experience makes fire, whatever the text says.
BAD_KIND_RULES: Final[dict[BadKind, str]] = {
    "long_hold": "long_hold",
    "long_wait": "long_wait",
    "transfers": "many_transfers",
    "ivr": "no_human_reached",
    "repeat": "unresolved_repeat_contact",
    "scripted": "unresolved_repeat_contact",
    "low_rating": "low_rating",
    "selected": "selected_negative_emotion",
    "voice": "voice_distress",
}
_BAD_KIND_WEIGHTS: Final[dict[BadKind, float]] = {
    "long_hold": 0.16,
    "long_wait": 0.10,
    "transfers": 0.14,
    "ivr": 0.10,
    "repeat": 0.16,
    "scripted": 0.08,
    "low_rating": 0.14,
    "selected": 0.06,
    "voice": 0.06,
}
_BAD_KIND_CHANNELS: Final[dict[BadKind, tuple[str, ...]]] = {
    "long_hold": ("phone",),
    "long_wait": ("chat", "phone", "store"),
    "transfers": ("phone", "chat"),
    "ivr": ("ivr",),
    "repeat": ("email", "chat", "phone", "sms", "social"),
    "scripted": ("chat", "email"),
    "low_rating": ("survey",),
    "selected": ("survey", "app"),
    "voice": ("phone",),
}
_BAD_KIND_IDIOMS: Final[dict[BadKind, tuple[IdiomKind, ...]]] = {
    "long_hold": ("long_hold",),
    "long_wait": ("long_wait",),
    "transfers": ("transfers",),
    "ivr": ("ivr",),
    "repeat": ("repeat",),
    "scripted": ("scripted", "repeat"),
    "low_rating": ("survey",),
    "selected": ("survey",),
    "voice": ("voice",),
}
_CHANNEL_WEIGHTS: Final[dict[str, float]] = {
    "chat": 0.18,
    "email": 0.12,
    "phone": 0.14,
    "app": 0.14,
    "web": 0.12,
    "survey": 0.10,
    "social": 0.06,
    "sms": 0.05,
    "store": 0.05,
    "ivr": 0.04,
}
_ASSISTED: Final[frozenset[str]] = frozenset({"phone", "chat", "email", "ivr", "store"})
_HAPPY_TONES: Final[dict[Tone, float]] = {"delighted": 0.2, "satisfied": 0.3, "neutral": 0.3, "confused": 0.2}
_UNHAPPY_TONES: Final[dict[Tone, float]] = {
    "angry": 0.3,
    "disgusted": 0.15,
    "sad": 0.15,
    "worried": 0.2,
    "sarcastic": 0.2,
}
_TONE_EMOTION: Final[dict[Tone, tuple[str, ...]]] = {
    "angry": ("anger",),
    "disgusted": ("disgust",),
    "sad": ("sadness",),
    "worried": ("fear",),
    "sarcastic": ("disgust", "anger"),
    "delighted": ("joy", "trust"),
    "satisfied": ("trust",),
    "neutral": ("anticipation",),
    "confused": ("surprise",),
    "recovered": ("joy", "trust"),
}
_LANGUAGE_TAGS: Final[dict[LanguageTag, tuple[str, ...]]] = {
    "en": ("en", "en", "en", "en", "en-GB", "en-US"),
    "zh-Hans": ("zh-Hans", "zh-Hans", "zh-Hans", "zh-CN"),
    "zh-Hant": ("zh-Hant", "zh-Hant", "zh-TW", "zh-HK"),
}
# (journey, text, channel) -> the stage the pipeline would infer; a story names the stage when they differ.
StageInference = Callable[[str, str, str], str]
_T = TypeVar("_T")
_CHINA_TIME: Final[timezone] = timezone(timedelta(hours=8))
_RECOVERY_MAX_MS: Final[int] = 7 * DAY_MS  # well inside the 14 days a recovery may come after a strike


@dataclass(frozen=True, slots=True)
class EventIntent:
    """What the simulator meant an event to be, for tests and benchmarks to check the pipeline against."""

    customer_id: str
    persona: PersonaName
    journey: str
    stage: str
    language: LanguageTag
    tone: Tone
    experience: Experience
    bad_kind: BadKind | None = None
    recovery: bool = False


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """One event of a story: its event time, the event as a JSON-ready dict, and what it was meant to be."""

    occurred_at_ms: int
    event: dict[str, Any]
    intent: EventIntent


@dataclass(frozen=True, slots=True)
class _Beat:
    """One planned contact before it is written out."""

    stage_index: int
    bad_kind: BadKind | None = None
    recovery: bool = False


def persona_bad_count(persona: PersonaName, rng: Random) -> int:
    """How many bad experiences a persona has: none, one or two, three, or one or two later recovered."""
    if persona == "smooth":
        return 0
    if persona == "churner":
        return 3
    return rng.choice((1, 2))


def customer_story(
    config: SimulationConfig,
    index: int,
    *,
    event_count: int,
    arrival_ms: int,
    stage_names: Mapping[str, Sequence[str]],
    infer_stage: StageInference,
) -> list[StoryEvent]:
    """The events of customer ``index`` (``cust-000123``), starting at ``arrival_ms``, in event-time order."""
    rng = Random(f"{config.seed}:customer:{index}")
    customer_id = f"cust-{index:06d}"
    language = _weighted(rng, config.languages)
    journey = rng.choice(config.journeys)
    persona = _fit_persona(_weighted(rng, config.personas), event_count)
    bad_count = min(
        persona_bad_count(persona, rng), event_count if persona != "recovered" else event_count // 2
    )
    beats = _plan_beats(rng, persona, bad_count, event_count, len(stage_names[journey]))
    events: list[StoryEvent] = []
    occurred_ms = arrival_ms
    case_id: str | None = None
    writer = _EventWriter(
        rng,
        config=config,
        customer_id=customer_id,
        persona=persona,
        journey=journey,
        language=language,
        infer_stage=infer_stage,
    )
    for number, beat in enumerate(beats):
        if number > 0:
            occurred_ms += _gap_ms(rng, previous=beats[number - 1], beat=beat, speedup=config.speedup)
        if beat.bad_kind is not None:
            case_id = f"case-{index:06d}-{number:03d}"
        event, intent = writer.write(
            event_id=f"evt-{config.seed & 0xFFFFFFFF:08x}-{index:06d}-{number:04d}",
            occurred_ms=occurred_ms,
            stage=stage_names[journey][beat.stage_index],
            beat=beat,
            case_id=case_id if (beat.bad_kind is not None or beat.recovery) else None,
        )
        events.append(StoryEvent(occurred_ms, event, intent))
    return events


def _fit_persona(persona: PersonaName, event_count: int) -> PersonaName:
    # Too short a story cannot hold three strikes or a strike and its recovery.
    if (persona == "churner" and event_count < 3) or (persona == "recovered" and event_count < 2):
        return "bumpy"
    return persona


def _plan_beats(rng: Random, persona: PersonaName, bad_count: int, count: int, stages: int) -> list[_Beat]:
    # Units keep a bad experience and its recovery next to each other, then the units are shuffled.
    units: list[list[_Beat]] = []
    for _ in range(bad_count):
        kind = _weighted(rng, _BAD_KIND_WEIGHTS)
        unit = [_Beat(0, bad_kind=kind)]
        if persona == "recovered":
            unit.append(_Beat(0, recovery=True))
        units.append(unit)
    used = sum(len(unit) for unit in units)
    units.extend([_Beat(0)] for _ in range(count - used))
    rng.shuffle(units)
    stage_of_unit = sorted(rng.randrange(stages) for _ in units)
    return [
        _Beat(stage, beat.bad_kind, beat.recovery)
        for unit, stage in zip(units, stage_of_unit, strict=True)
        for beat in unit
    ]


def _gap_ms(rng: Random, *, previous: _Beat, beat: _Beat, speedup: float) -> int:
    if beat.recovery:
        gap = rng.uniform(HOUR_MS, _RECOVERY_MAX_MS)
    elif previous.bad_kind is not None:
        gap = rng.uniform(20 * MINUTE_MS, 2 * DAY_MS)  # an unhappy customer comes back soon
    else:
        roll = rng.random()
        if roll < 0.25:
            gap = rng.uniform(5 * MINUTE_MS, 90 * MINUTE_MS)
        elif roll < 0.7:
            gap = rng.uniform(2 * HOUR_MS, 30 * HOUR_MS)
        else:
            gap = rng.uniform(DAY_MS, 6 * DAY_MS)
    return max(1, round(gap / speedup))


def _weighted(rng: Random, weights: Mapping[_T, float]) -> _T:
    names = list(weights)
    return rng.choices(names, weights=[weights[name] for name in names])[0]


class _EventWriter:
    """Writes one event of a customer: channel, text, rating, signals and voice that agree with the beat."""

    def __init__(
        self,
        rng: Random,
        *,
        config: SimulationConfig,
        customer_id: str,
        persona: PersonaName,
        journey: str,
        language: LanguageTag,
        infer_stage: StageInference,
    ) -> None:
        self._rng = rng
        self._config = config
        self._customer_id = customer_id
        self._persona = persona
        self._journey = journey
        self._language = language
        self._infer_stage = infer_stage

    def write(
        self, *, event_id: str, occurred_ms: int, stage: str, beat: _Beat, case_id: str | None
    ) -> tuple[dict[str, Any], EventIntent]:
        rng = self._rng
        kind = beat.bad_kind
        if kind is not None:
            channel = rng.choice(_BAD_KIND_CHANNELS[kind])
            tone: Tone = _weighted(rng, _UNHAPPY_TONES)
            situation: Situation = "problem"
            experience: Experience = "bad"
        elif beat.recovery:
            channel = rng.choice(("phone", "chat", "email"))
            tone, situation, experience = "recovered", "good", "good"
        else:
            channel = _weighted(rng, _CHANNEL_WEIGHTS)
            tone = _weighted(rng, _HAPPY_TONES)
            situation = "good" if tone in ("delighted", "satisfied") else "question"
            experience = "good" if situation == "good" else "neutral"
        signals = self._signals(channel, kind, beat.recovery)
        facts = {
            "hold_minutes": round(signals.get("hold_seconds", 0) / 60),
            "wait_minutes": round(signals.get("wait_seconds", 0) / 60),
            "transfers": int(signals.get("transfers", 0)),
        }
        text = self._text(
            channel=channel, stage=stage, situation=situation, tone=tone, kind=kind, facts=facts
        )
        event: dict[str, Any] = {
            "event_id": event_id,
            "customer_id": self._customer_id,
            "occurred_at": self._timestamp(occurred_ms),
            "channel": channel,
        }
        if self._journey != "default" or rng.random() < 0.5:
            event["journey"] = self._journey
        explicit = rng.random() < self._config.explicit_stage_rate
        if text is None or (not explicit and self._infer_stage(self._journey, text, channel) != stage):
            explicit = True  # an upstream system that knows the touchpoint says so
        if explicit:
            event["stage"] = stage
        if text is not None:
            event["text"] = text
            if rng.random() < 0.75:
                event["language"] = rng.choice(_LANGUAGE_TAGS[self._language])
        self._survey(event, channel, tone, kind, beat.recovery)
        if signals:
            event["signals"] = signals
        if channel in ("phone", "ivr") and (kind == "voice" or rng.random() < 0.8):
            event["voice"] = self._voice(kind)
        if signals.get("reached_human") is True:
            event["agent_id"] = f"agent-{rng.randrange(1, 400):04d}"
        if case_id is not None:
            event["case_id"] = case_id
        if rng.random() < 0.2:
            event["attributes"] = {
                "region": rng.choice(("EMEA", "APAC", "AMER")),
                "segment": rng.choice(("consumer", "business")),
            }
        intent = EventIntent(
            customer_id=self._customer_id,
            persona=self._persona,
            journey=self._journey,
            stage=stage,
            language=self._language,
            tone=tone,
            experience=experience,
            bad_kind=kind,
            recovery=beat.recovery,
        )
        return event, intent

    def _timestamp(self, occurred_ms: int) -> str:
        # Chinese-speaking customers' systems often stamp local time; the offset keeps it the same instant.
        zone = UTC if self._language == "en" else _CHINA_TIME
        stamp = datetime.fromtimestamp(occurred_ms / 1000, tz=zone).isoformat(timespec="milliseconds")
        return stamp.replace("+00:00", "Z")

    def _text(
        self,
        *,
        channel: str,
        stage: str,
        situation: Situation,
        tone: Tone,
        kind: BadKind | None,
        facts: dict[str, int],
    ) -> str | None:
        rng = self._rng
        if channel in ("app", "web") and kind is None and rng.random() < 0.15:
            return None  # a click or a form, nothing written
        if channel == "survey" and rng.random() < 0.3:
            return None
        length: Length = "short"
        long_share = {"email": 0.5, "phone": 0.3, "chat": 0.2}.get(channel, 0.0)
        roll = rng.random()
        if roll < long_share:
            length = "long"
        elif channel not in ("sms", "survey", "social") and roll < long_share + 0.35:
            length = "medium"
        idioms: tuple[IdiomKind, ...] = _BAD_KIND_IDIOMS[kind] if kind is not None else ()
        request = TextRequest(
            journey=self._journey,
            stage=stage,
            language=self._language,
            situation=situation,
            tone=tone,
            idioms=idioms,
            length=length,
            letter=channel == "email",
            facts=facts,
        )
        return compose_text(rng, request)

    def _signals(self, channel: str, kind: BadKind | None, recovery: bool) -> dict[str, Any]:
        rng = self._rng
        signals: dict[str, Any] = {}
        if channel in ("phone", "chat"):
            signals["wait_seconds"] = float(rng.randint(5, 400))
            signals["transfers"] = rng.choice((0, 0, 0, 1, 2))
            signals["reached_human"] = True
            signals["handle_seconds"] = float(rng.randint(60, 1200))
        if channel == "phone":
            signals["hold_seconds"] = float(rng.choice((0, 0, rng.randint(10, 400))))
        elif channel == "ivr":
            signals["wait_seconds"] = float(rng.randint(0, 120))
            if rng.random() < 0.5:
                signals["reached_human"] = True
        elif channel == "store":
            signals["wait_seconds"] = float(rng.randint(0, 600))
        elif channel == "email":
            signals["reached_human"] = True
        if kind == "long_hold":
            signals["hold_seconds"] = float(rng.randint(600, 4500))
        elif kind == "long_wait":
            signals["wait_seconds"] = float(rng.randint(900, 3600))
        elif kind == "transfers":
            signals["transfers"] = rng.randint(3, 6)
        elif kind == "ivr":
            signals["reached_human"] = False
        elif kind in ("repeat", "scripted"):
            signals["repeat_contact"] = True
            if kind == "scripted":
                signals["scripted_reply"] = True
        if kind is not None:
            if channel in _ASSISTED or kind in ("repeat", "scripted"):
                signals["resolved"] = False
        elif recovery:
            signals.update(reached_human=True, resolved=True, repeat_contact=True)
        elif self._persona == "smooth" and channel in _ASSISTED and rng.random() < 0.6:
            signals["resolved"] = True
        elif channel in _ASSISTED and rng.random() < 0.3:
            # A follow-up that is not (yet) a resolution: it must not forgive an earlier strike.
            signals["repeat_contact"] = True
        return dict(sorted(signals.items()))

    def _survey(
        self, event: dict[str, Any], channel: str, tone: Tone, kind: BadKind | None, recovery: bool
    ) -> None:
        rng = self._rng
        if recovery:
            event["rating"] = rng.choice(
                (
                    {"scale": "csat5", "value": rng.choice((4, 5))},
                    {"scale": "nps10", "value": rng.choice((9, 10))},
                )
            )
            return
        if channel not in ("survey", "app"):
            return
        if kind == "low_rating":
            event["rating"] = rng.choice(
                (
                    {"scale": "csat5", "value": rng.choice((1, 2))},
                    {"scale": "nps10", "value": rng.randint(0, 4)},
                    {"scale": "stars5", "value": rng.choice((1, 1.5, 2))},
                )
            )
        elif channel == "survey" and kind != "selected":
            top = {"delighted": 5, "satisfied": 4}.get(tone, 3)
            event["rating"] = rng.choice(
                (
                    {"scale": "csat5", "value": rng.randint(top, max(top, 4))},
                    {"scale": "nps10", "value": rng.randint(2 * top - 1, 2 * top)},
                    {"scale": "stars5", "value": rng.choice((top, top - 0.5 if top > 3 else 3))},
                )
            )
        if kind in ("selected", "low_rating") and (kind == "selected" or rng.random() < 0.5):
            emotion = rng.choice(_TONE_EMOTION[tone])
            event["selected_emotions"] = [{"emotion": emotion, "intensity": round(rng.uniform(0.55, 1.0), 2)}]
        elif kind is None and channel == "survey" and rng.random() < 0.5:
            emotion = rng.choice(_TONE_EMOTION[tone])
            event["selected_emotions"] = [{"emotion": emotion, "intensity": round(rng.uniform(0.3, 1.0), 2)}]

    def _voice(self, kind: BadKind | None) -> dict[str, float]:
        rng = self._rng
        if kind == "voice":
            valence, arousal = rng.uniform(0.02, 0.18), rng.uniform(0.72, 0.98)
        elif kind is not None:
            valence, arousal = rng.uniform(0.15, 0.45), rng.uniform(0.45, 0.9)
        else:
            valence, arousal = rng.uniform(0.35, 0.9), rng.uniform(0.15, 0.65)
        return {
            "arousal": round(arousal, 2),
            "valence": round(valence, 2),
            "speech_rate": round(rng.uniform(0.3, 0.8), 2),
            "overtalk": round(rng.uniform(0.0, 0.4 if kind else 0.2), 2),
        }
