"""The output contracts: what the product writes to its topics (SPEC sections 3, 7, 8 and 9).

CRM systems, platform teams and analysts integrate against these shapes, so they are frozen and refuse
unknown fields; the JSON Schemas in ``schemas/`` are generated from them. Within schema version 1 only
additive, optional changes are allowed (see ``docs/contracts.md``).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Final, Literal, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from pipeline.domain.event import Channel, Identifier, InteractionEvent
from pipeline.domain.labels import (
    EmotionResult,
    EmotionScores,
    ExperienceResult,
    PaceResult,
    StageResult,
)
from pipeline.domain.plutchik import Emotion

RECORD_SCHEMA_VERSION: Final[int] = 1
DEFAULT_ALERT_TYPE_PREFIX: Final[str] = "com.emotion_pipeline"

RiskLevel = Literal["at_risk", "churn_threshold", "ok"]
AlertTransition = Literal["at_risk", "churn_threshold", "recovered"]
DeadLetterKind = Literal[
    "not_utf8",
    "not_json",
    "not_object",
    "too_large",
    "validation",
    "unsupported_schema_version",
    "missing_key",
    "processing_error",
]
DEAD_LETTER_KINDS: Final[tuple[DeadLetterKind, ...]] = get_args(DeadLetterKind)

# The level a customer is left at by each transition: an alert whose level disagrees is a bug upstream.
LEVEL_AFTER_TRANSITION: Final[dict[AlertTransition, RiskLevel]] = {
    "at_risk": "at_risk",
    "churn_threshold": "churn_threshold",
    "recovered": "ok",
}

# Channels where no human answers; a recommended action must never send the customer there.
UNATTENDED_CHANNELS: Final[frozenset[str]] = frozenset({"ivr"})

Signed = Annotated[float, Field(ge=-1.0, le=1.0)]
NonNegativeFloat = Annotated[float, Field(ge=0.0)]
Count = Annotated[int, Field(ge=0)]

# Published in the JSON Schema too, so it must be valid ECMA-262 and Rust regex: no named groups, no
# look-around. It refuses the empty forms "P", "PT" and "P1DT".
_ISO_TIME = r"T(?:\d+H(?:\d+M)?(?:\d+S)?|\d+M(?:\d+S)?|\d+S)"
ISO_DURATION_PATTERN: Final[str] = rf"^P(?:\d+D(?:{_ISO_TIME})?|{_ISO_TIME})$"
_ISO_DURATION = re.compile(ISO_DURATION_PATTERN)
_ISO_DURATION_PARTS = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")

# Output contracts: immutable, unknown fields refused, NaN refused (JSON cannot carry it), and every field
# listed as required in the generated schema because the producer always writes it.
_CONTRACT = ConfigDict(
    frozen=True,
    extra="forbid",
    allow_inf_nan=False,
    json_schema_serialization_defaults_required=True,
)


def alert_type(prefix: str, transition: AlertTransition) -> str:
    """The CloudEvents ``type`` of a churn-risk alert: ``<prefix>.churn_risk.<transition>.v1``."""
    return f"{prefix}.churn_risk.{transition}.v1"


def iso_duration(seconds: int) -> str:
    """Whole seconds as the shortest ISO 8601 duration: 900 -> ``PT15M``, 86400 -> ``P1D``."""
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative, got {seconds} seconds")
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    units = ((hours, "H"), (minutes, "M"), (secs, "S"))
    time_part = "".join(f"{amount}{unit}" for amount, unit in units if amount)
    if not days and not time_part:
        return "PT0S"
    return f"P{f'{days}D' if days else ''}{f'T{time_part}' if time_part else ''}"


def iso_duration_seconds(duration: str) -> int:
    """Seconds in an ISO 8601 duration made of days, hours, minutes and seconds (``PT15M`` -> 900)."""
    match = _ISO_DURATION_PARTS.fullmatch(duration) if _ISO_DURATION.fullmatch(duration) else None
    if match is None:
        raise ValueError(f"{duration!r} is not an ISO 8601 duration of days, hours, minutes and seconds")
    days, hours, minutes, seconds = (int(group) if group else 0 for group in match.groups())
    return days * 86_400 + hours * 3_600 + minutes * 60 + seconds


def stage_window_id(journey: str, stage: str, window_size_seconds: int, window_start_ms: int) -> str:
    """The deterministic id of a stage window: ``journey/stage/size_seconds/start_epoch_ms``."""
    return f"{journey}/{stage}/{window_size_seconds}/{window_start_ms}"


def _epoch_ms(moment: datetime) -> int:
    return math.floor(moment.timestamp() * 1000)


class SourcePosition(BaseModel):
    """Where a record was read from, so any output can be traced back to its input."""

    model_config = _CONTRACT

    topic: str = Field(description="Kafka topic the input record was read from.")
    partition: Count = Field(description="Partition of the input record.")
    offset: Count = Field(description="Offset of the input record in its partition.")


class EnrichedInteraction(BaseModel):
    """One valid interaction event with its emotion, stage, experience and pace labels."""

    model_config = ConfigDict(
        **_CONTRACT,
        title="EnrichedInteraction",
        json_schema_extra={
            "description": (
                "Value of the enriched-interactions topic: one valid input event with its labels. "
                "Unknown top-level fields of the input are kept inside `event` as received "
                "(additionalProperties) but were never used for any decision and must not be trusted."
            )
        },
    )

    schema_version: Literal[1] = Field(default=1, description="Version of this record's contract.")
    event: InteractionEvent = Field(
        description=(
            "The input event as received (its text may have been masked for PII). Unknown top-level "
            "fields of the input are kept here as additional properties: carried along, never trusted."
        )
    )
    emotion: EmotionResult = Field(description="Plutchik labels of the event (SPEC 5.1).")
    stage: StageResult = Field(description="Journey stage of the event and how it was chosen (SPEC 5.2).")
    experience: ExperienceResult = Field(description="Good, neutral or bad, with every rule that fired.")
    pace: PaceResult = Field(description="How urgently the customer needs an answer (SPEC 5.4).")
    source: SourcePosition | None = Field(
        default=None, description="Topic, partition and offset of the input record; null in a file replay."
    )
    processed_at: AwareDatetime = Field(description="Wall-clock time the record was produced (RFC 3339).")
    pipeline_version: str = Field(description="Version of the pipeline that produced the record.")


class CountedBadExperience(BaseModel):
    """A bad experience that counts as a strike against the customer."""

    model_config = _CONTRACT

    event_id: Identifier = Field(description="Id of the interaction event judged bad.")
    occurred_at: AwareDatetime = Field(description="Event time of that interaction (RFC 3339).")
    channel: Channel = Field(description="Channel of that interaction.")
    journey: str = Field(description="Journey of that interaction.")
    stage: str = Field(description="Journey stage of that interaction (`unknown` when none was found).")
    dominant_emotion: Emotion | None = Field(default=None, description="Strongest emotion, null if neutral.")
    reasons: list[str] = Field(description="Names of the experience rules that fired.")


class RecommendedAction(BaseModel):
    """What the CRM should do next and how soon, from the configured playbook."""

    model_config = _CONTRACT

    action: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        description="Stable machine code of the action, e.g. `senior_agent_callback`.",
    )
    description: str = Field(description="What to do, in English.")
    description_zh: str | None = Field(default=None, description="What to do, in Chinese, when configured.")
    channel: str = Field(description="Channel to contact the customer on; always one where a human answers.")
    respond_within: str = Field(
        pattern=ISO_DURATION_PATTERN,
        description="How soon to respond, as an ISO 8601 duration, e.g. `PT15M`.",
    )
    respond_within_seconds: Count = Field(description="The same response time in seconds.")

    @field_validator("channel")
    @classmethod
    def _human_channel(cls, channel: str) -> str:
        if channel in UNATTENDED_CHANNELS:
            raise ValueError(f"channel {channel!r} has no human to answer; recommend a human channel")
        return channel

    @model_validator(mode="after")
    def _durations_agree(self) -> RecommendedAction:
        seconds = iso_duration_seconds(self.respond_within)
        if seconds != self.respond_within_seconds:
            raise ValueError(
                f"respond_within {self.respond_within} is {seconds} s but respond_within_seconds is "
                f"{self.respond_within_seconds}"
            )
        return self


class ChurnAlertData(BaseModel):
    """The payload of a churn-risk alert: who, how bad, why, and what to do."""

    model_config = _CONTRACT

    customer_id: Identifier = Field(description="The customer the alert is about.")
    level: RiskLevel = Field(description="Risk level after the triggering event.")
    previous_level: RiskLevel = Field(description="Risk level before the triggering event.")
    transition: AlertTransition = Field(description="The level change this alert announces.")
    strikes: Count = Field(description="Bad experiences that still count (in the window, not forgiven).")
    threshold: Annotated[int, Field(ge=1)] = Field(description="Strikes at which a customer likely leaves.")
    window_days: Annotated[int, Field(ge=1)] = Field(description="Length of the rolling strike window, days.")
    bad_experiences: list[CountedBadExperience] = Field(description="The counted strikes, oldest first.")
    memory_score: Signed = Field(description="How the customer will likely remember it (peak-end), -1..1.")
    dominant_emotion: Emotion | None = Field(description="Strongest emotion of the triggering event.")
    triggering_event_id: Identifier = Field(description="Id of the event that caused the transition.")
    recommended_action: RecommendedAction = Field(description="What the CRM should do next.")
    explanation: str = Field(min_length=1, description="One readable sentence saying why it was raised.")

    @model_validator(mode="after")
    def _consistent(self) -> ChurnAlertData:
        expected_level = LEVEL_AFTER_TRANSITION[self.transition]
        if self.level != expected_level:
            raise ValueError(
                f"transition {self.transition!r} must leave level {expected_level!r}, not {self.level!r}"
            )
        if self.previous_level == self.level:
            raise ValueError(f"previous_level and level are both {self.level!r}: that is no transition")
        if len(self.bad_experiences) != self.strikes:
            raise ValueError(
                f"strikes is {self.strikes} but bad_experiences lists {len(self.bad_experiences)} entries"
            )
        return self


class ChurnAlert(BaseModel):
    """A churn-risk alert as a CloudEvents 1.0 event in structured JSON mode."""

    model_config = ConfigDict(
        **_CONTRACT,
        title="ChurnAlert",
        json_schema_extra={
            "description": (
                "Value of the churn-risk alert topic: a CloudEvents 1.0 event in structured JSON mode "
                "(content type application/cloudevents+json). `id` is deterministic, so a redelivered "
                "alert is an exact repeat: deduplicate by `id`."
            )
        },
    )

    specversion: Literal["1.0"] = Field(default="1.0", description="CloudEvents specification version.")
    id: Annotated[str, Field(min_length=1)] = Field(
        description="Deterministic id: the same input history always yields the same id; deduplicate by it."
    )
    source: Annotated[str, Field(min_length=1)] = Field(description="URI reference naming the producer.")
    type: Annotated[str, Field(pattern=r"^.+\.churn_risk\.(at_risk|churn_threshold|recovered)\.v1$")] = Field(
        description="`<prefix>.churn_risk.<transition>.v1`; the suffix is the contract's major version."
    )
    subject: Identifier = Field(description="The customer id.")
    time: AwareDatetime = Field(
        description="Event time of the triggering interaction (not the send time), so repeats are identical."
    )
    datacontenttype: Literal["application/json"] = Field(
        default="application/json", description="Content type of `data`."
    )
    partitionkey: Identifier = Field(
        description="CloudEvents partitioning extension: the customer id, also the Kafka record key."
    )
    dataschema: str | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="URI of the JSON Schema of `data`, when configured; absent otherwise.",
    )
    data: ChurnAlertData = Field(description="The alert payload.")

    @model_validator(mode="after")
    def _envelope_matches_data(self) -> ChurnAlert:
        customer_id = self.data.customer_id
        if self.subject != customer_id or self.partitionkey != customer_id:
            raise ValueError("subject and partitionkey must both be data.customer_id")
        suffix = f".churn_risk.{self.data.transition}.v1"
        if not self.type.endswith(suffix):
            raise ValueError(f"type {self.type!r} must end with {suffix!r} for this transition")
        return self


class EmotionSums(BaseModel):
    """Sums of each Plutchik score over the events of a window (unbounded, non-negative)."""

    model_config = _CONTRACT

    joy: NonNegativeFloat = 0.0
    trust: NonNegativeFloat = 0.0
    fear: NonNegativeFloat = 0.0
    surprise: NonNegativeFloat = 0.0
    sadness: NonNegativeFloat = 0.0
    disgust: NonNegativeFloat = 0.0
    anger: NonNegativeFloat = 0.0
    anticipation: NonNegativeFloat = 0.0

    def get(self, emotion: Emotion) -> float:
        return float(getattr(self, emotion))


class ReasonCount(BaseModel):
    """How many events of a window a named experience rule fired on."""

    model_config = _CONTRACT

    rule: str = Field(description="Name of the experience rule.")
    count: Annotated[int, Field(ge=1)] = Field(description="Events of the window it fired on.")


class NegativePeak(BaseModel):
    """One of the most negative events of a window."""

    model_config = _CONTRACT

    event_id: Identifier = Field(description="Id of the event.")
    occurred_at: AwareDatetime = Field(description="Event time (RFC 3339).")
    valence: Signed = Field(description="Valence of the event, -1..1.")


class StageWindowResult(BaseModel):
    """The emotional map of one journey stage over one closed tumbling window."""

    model_config = ConfigDict(
        **_CONTRACT,
        title="StageWindowResult",
        json_schema_extra={
            "description": (
                "Value of the stage-emotions topic: one journey stage over one closed event-time window "
                "[window_start, window_end) in UTC. No wall-clock fields: the same input always yields the "
                "same record, so a repeat can be deduplicated by window_id."
            )
        },
    )

    window_id: str = Field(description="`journey/stage/window_size_seconds/window_start_epoch_ms`.")
    journey: str = Field(description="The journey.")
    stage: str = Field(description="The journey stage.")
    window_size_seconds: Annotated[int, Field(ge=1)] = Field(description="Window length in seconds.")
    window_start: AwareDatetime = Field(description="Inclusive start of the window, UTC.")
    window_end: AwareDatetime = Field(description="Exclusive end of the window, UTC.")
    events: Count = Field(description="Events counted in the window (good + neutral + bad).")
    good: Count = Field(description="Events judged good.")
    neutral: Count = Field(description="Events judged neutral.")
    bad: Count = Field(description="Events judged bad.")
    emotion_sums: EmotionSums = Field(description="Sum of each emotion score over the window's events.")
    emotion_means: EmotionScores = Field(description="Mean of each emotion score (0 for an empty window).")
    mean_valence: Signed = Field(description="Mean valence of the window's events.")
    positive_negative_ratio: NonNegativeFloat | None = Field(
        description="good / bad; null when no event was bad."
    )
    top_reasons: list[ReasonCount] = Field(description="Most frequent experience rules, most frequent first.")
    negative_peaks: list[NegativePeak] = Field(description="Most negative events, most negative first.")

    @field_validator("window_start", "window_end")
    @classmethod
    def _in_utc(cls, moment: datetime) -> datetime:
        return moment.astimezone(UTC)

    @model_validator(mode="after")
    def _consistent(self) -> StageWindowResult:
        if self.window_end - self.window_start != timedelta(seconds=self.window_size_seconds):
            raise ValueError("window_end - window_start must equal window_size_seconds")
        expected_id = stage_window_id(
            self.journey, self.stage, self.window_size_seconds, _epoch_ms(self.window_start)
        )
        if self.window_id != expected_id:
            raise ValueError(f"window_id must be {expected_id!r}, got {self.window_id!r}")
        for peak in self.negative_peaks:
            if not self.window_start <= peak.occurred_at < self.window_end:
                raise ValueError(f"negative peak {peak.event_id} lies outside [window_start, window_end)")
        if self.good + self.neutral + self.bad != self.events:
            raise ValueError(f"good + neutral + bad must equal events ({self.events})")
        expected_ratio = self.good / self.bad if self.bad else None
        if (expected_ratio is None) != (self.positive_negative_ratio is None) or (
            expected_ratio is not None
            and self.positive_negative_ratio is not None
            and not math.isclose(expected_ratio, self.positive_negative_ratio, rel_tol=1e-9)
        ):
            raise ValueError(f"positive_negative_ratio must be good / bad ({expected_ratio}), null if no bad")
        return self


class DeadLetter(BaseModel):
    """An input record that could not be processed, with why, where from, and its original bytes."""

    model_config = ConfigDict(
        **_CONTRACT,
        title="DeadLetter",
        json_schema_extra={
            "description": (
                "Value of the dead-letter topic: an input record that could not be processed, with the "
                "reason, the field at fault, where it was read from and its original bytes (base64)."
            )
        },
    )

    schema_version: Literal[1] = Field(default=1, description="Version of this record's contract.")
    error_kind: DeadLetterKind = Field(description="Why the record was refused.")
    error_message: str = Field(description="Human-readable reason, naming the field at fault.")
    error_field: str | None = Field(default=None, description="Dotted JSON path of the bad field.")
    original_value_base64: str = Field(description="The record value exactly as received, base64 (RFC 4648).")
    original_key_base64: str | None = Field(default=None, description="The record key as received, base64.")
    original_size_bytes: Count = Field(default=0, description="Size of the original value in bytes.")
    original_truncated: bool = Field(
        default=False,
        description="True when the original value was larger than the dead-letter cap (512 KiB) and only its "
        "first bytes are kept, so the dead letter still fits in a Kafka message.",
    )
    topic: str = Field(description="Topic the record was read from.")
    partition: Count | None = Field(default=None, description="Partition of the record; null outside Kafka.")
    offset: Count | None = Field(default=None, description="Offset of the record; null outside Kafka.")
    failed_at: AwareDatetime = Field(description="Wall-clock time the record was refused (RFC 3339).")
    pipeline_version: str = Field(description="Version of the pipeline that refused it.")
    event_id: str | None = Field(default=None, description="The record's event_id, if it could be read.")
