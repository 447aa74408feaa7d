"""What a simulation run looks like: how many customers and records, which journeys and languages, and
how much of the traffic is duplicated, late, out of order or malformed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Final, Literal, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

LanguageTag = Literal["en", "zh-Hans", "zh-Hant"]
PersonaName = Literal["smooth", "bumpy", "churner", "recovered"]

LANGUAGE_TAGS: Final[tuple[LanguageTag, ...]] = get_args(LanguageTag)
PERSONA_NAMES: Final[tuple[PersonaName, ...]] = get_args(PersonaName)
BUILTIN_JOURNEYS: Final[tuple[str, ...]] = ("ecommerce", "travel", "telecom", "banking", "default")
# A fixed Monday morning, so a run with default settings is the same today and next year.
DEFAULT_START: Final[datetime] = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)

DEFAULT_LANGUAGES: Final[dict[LanguageTag, float]] = {"en": 0.5, "zh-Hans": 0.3, "zh-Hant": 0.2}
DEFAULT_PERSONAS: Final[dict[PersonaName, float]] = {
    "smooth": 0.45,
    "bumpy": 0.28,
    "churner": 0.12,
    "recovered": 0.15,
}

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Field(ge=0.0, le=0.5)]


class SimulationConfig(BaseModel):
    """Everything that decides the generated traffic; the same config always yields the same bytes.

    ``events`` is the exact number of records produced (duplicates and malformed ones included); without it
    every customer gets a number of story events drawn from ``events_per_customer``. Late and out-of-order
    records are story events sent after later ones, so they do not add records. ``speedup`` divides every
    simulated gap between a customer's contacts (and between customers' arrivals): 24 squeezes a day of
    customer life into an hour of event time.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 7
    customers: Annotated[int, Field(ge=1, le=10_000_000)] = 200
    events: Annotated[int, Field(ge=1, le=100_000_000)] | None = None
    events_per_customer: tuple[int, int] = (3, 12)
    journeys: tuple[str, ...] = BUILTIN_JOURNEYS
    languages: dict[LanguageTag, Share] = Field(default_factory=lambda: dict(DEFAULT_LANGUAGES))
    personas: dict[PersonaName, Share] = Field(default_factory=lambda: dict(DEFAULT_PERSONAS))
    duplicate_rate: Rate = 0.02
    late_rate: Rate = 0.02
    out_of_order_rate: Rate = 0.05
    malformed_rate: Rate = 0.01
    explicit_stage_rate: Share = 0.3
    start: AwareDatetime = DEFAULT_START
    speedup: Annotated[float, Field(gt=0.0, le=1_000_000.0)] = 1.0
    arrival_days: Annotated[float, Field(gt=0.0, le=3650.0)] = 14.0

    @field_validator("events_per_customer")
    @classmethod
    def _range_ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        low, high = value
        if not 1 <= low <= high <= 10_000:
            raise ValueError(f"must be MIN,MAX with 1 <= MIN <= MAX <= 10000, got {low},{high}")
        return value

    @field_validator("journeys")
    @classmethod
    def _journeys_known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in BUILTIN_JOURNEYS]
        if not value or unknown:
            raise ValueError(f"choose from {', '.join(BUILTIN_JOURNEYS)} (got {', '.join(value) or 'none'})")
        return tuple(dict.fromkeys(value))

    @field_validator("languages", "personas")
    @classmethod
    def _some_weight(cls, value: dict[str, float]) -> dict[str, float]:
        if sum(value.values()) <= 0:
            raise ValueError("at least one share must be positive")
        return value

    @model_validator(mode="after")
    def _room_for_stories(self) -> SimulationConfig:
        if self.duplicate_rate + self.malformed_rate > 0.5:
            raise ValueError(
                "duplicate_rate + malformed_rate may be at most 0.5: half the records at least tell stories"
            )
        return self

    @property
    def start_ms(self) -> int:
        """The start of simulated time in epoch milliseconds."""
        return round(self.start.timestamp() * 1000)
