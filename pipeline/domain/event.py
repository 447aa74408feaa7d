"""The input interaction event (SPEC section 4), the one contract every producer writes to."""

from __future__ import annotations

import math
from typing import Annotated, Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from pipeline.domain.plutchik import Emotion

SUPPORTED_SCHEMA_VERSIONS: Final[frozenset[int]] = frozenset({1})
MAX_TEXT_CHARS: Final[int] = 20_000
MAX_ATTRIBUTES: Final[int] = 32

Channel = Literal["phone", "chat", "email", "sms", "social", "survey", "app", "web", "store", "ivr", "other"]
RatingScale = Literal["csat5", "nps10", "stars5"]

Identifier = Annotated[str, Field(min_length=1, max_length=128)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegativeSeconds = Annotated[float, Field(ge=0.0, le=31_536_000.0)]

RATING_RANGES: Final[dict[str, tuple[float, float]]] = {
    "csat5": (1.0, 5.0),
    "stars5": (0.0, 5.0),
    "nps10": (0.0, 10.0),
}

_NESTED = ConfigDict(frozen=True, strict=True, extra="forbid", allow_inf_nan=False)


class Rating(BaseModel):
    """A score the customer gave: CSAT 1-5, NPS 0-10 or 0-5 stars."""

    model_config = _NESTED

    scale: RatingScale
    value: float

    @field_validator("value")
    @classmethod
    def _value_on_scale(cls, value: float, info: ValidationInfo) -> float:
        # A field validator (not a model validator) so the error names `rating.value`, the field at fault.
        scale = info.data.get("scale")
        if scale is None:
            return value
        low, high = RATING_RANGES[scale]
        if not (low <= value <= high):
            raise ValueError(f"value {value:g} is outside the {scale} scale [{low:g}, {high:g}]")
        return value


class SelectedEmotion(BaseModel):
    """An emotion the customer picked themselves, e.g. on a survey."""

    model_config = _NESTED

    emotion: Emotion
    intensity: Unit = 1.0


class Signals(BaseModel):
    """Operational facts about the contact, from the contact-centre or app platform."""

    model_config = _NESTED

    wait_seconds: NonNegativeSeconds | None = None
    hold_seconds: NonNegativeSeconds | None = None
    transfers: Annotated[int, Field(ge=0, le=1000)] | None = None
    reached_human: bool | None = None
    resolved: bool | None = None
    repeat_contact: bool | None = None
    scripted_reply: bool | None = None
    handle_seconds: NonNegativeSeconds | None = None


class Voice(BaseModel):
    """Hints from upstream speech analytics, each 0..1 (valence 0 is negative)."""

    model_config = _NESTED

    arousal: Unit | None = None
    valence: Unit | None = None
    speech_rate: Unit | None = None
    overtalk: Unit | None = None


class InteractionEvent(BaseModel):
    """One customer contact or touch.

    Unknown top-level fields are kept (``model_extra``) but never trusted.
    """

    model_config = ConfigDict(frozen=True, strict=True, extra="allow", allow_inf_nan=False)

    event_id: Identifier
    customer_id: Identifier
    occurred_at: AwareDatetime
    channel: Channel
    journey: Annotated[str, Field(min_length=1, max_length=64)] = "default"
    stage: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    text: Annotated[str, Field(max_length=MAX_TEXT_CHARS)] | None = None
    language: (
        Annotated[str, Field(min_length=2, max_length=35, pattern=r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")]
        | None
    ) = None
    rating: Rating | None = None
    selected_emotions: Annotated[list[SelectedEmotion], Field(max_length=16)] | None = None
    signals: Signals | None = None
    voice: Voice | None = None
    agent_id: Identifier | None = None
    case_id: Identifier | None = None
    attributes: (
        dict[Annotated[str, Field(min_length=1, max_length=128)], Annotated[str, Field(max_length=1024)]]
        | None
    ) = None
    schema_version: int = 1

    @field_validator("attributes")
    @classmethod
    def _attributes_bounded(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is not None and len(value) > MAX_ATTRIBUTES:
            raise ValueError(f"at most {MAX_ATTRIBUTES} attributes are allowed, got {len(value)}")
        return value

    @field_validator("schema_version")
    @classmethod
    def _schema_version_supported(cls, value: int) -> int:
        if value not in SUPPORTED_SCHEMA_VERSIONS:
            supported = ", ".join(str(v) for v in sorted(SUPPORTED_SCHEMA_VERSIONS))
            raise ValueError(f"schema_version {value} is not supported (supported: {supported})")
        return value

    @property
    def occurred_at_ms(self) -> int:
        """Event time as integer milliseconds since the epoch (all window and strike math uses this)."""
        return math.floor(self.occurred_at.timestamp() * 1000)

    @property
    def unknown_fields(self) -> dict[str, Any]:
        """Top-level fields the contract does not know: carried along, never used for decisions."""
        return dict(self.model_extra or {})
