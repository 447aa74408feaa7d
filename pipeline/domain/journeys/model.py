"""Journeys and their stages (touchpoints), as read from configuration (SPEC 5.2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

# The stage of an event that names no valid stage and matches no cue; never a configured stage name.
UNKNOWN_STAGE: Final[str] = "unknown"
DEFAULT_JOURNEY: Final[str] = "default"


@dataclass(frozen=True, slots=True)
class Stage:
    """One touchpoint of a journey: the phrases customers use for it, per language, and channel hints.

    ``channels`` are hints: on a tie between equally long cues the stage that hints the event's channel
    wins, and an event with no cue in its text goes to the first stage that hints its channel.
    """

    name: str
    description: str = ""
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    channels: frozenset[str] = frozenset()

    def all_keywords(self) -> tuple[str, ...]:
        """Every keyword of the stage, all languages together, in file order."""
        return tuple(keyword for phrases in self.keywords.values() for keyword in phrases)


@dataclass(frozen=True, slots=True)
class Journey:
    """An ordered list of stages; ``stage_aliases`` maps other names producers use to a stage's name."""

    name: str
    stages: tuple[Stage, ...]
    description: str = ""
    stage_aliases: Mapping[str, str] = field(default_factory=dict)
    source: str = ""

    @property
    def stage_names(self) -> tuple[str, ...]:
        """The stage names in journey order."""
        return tuple(stage.name for stage in self.stages)
