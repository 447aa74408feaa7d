"""The configured journeys, and the decision of which stage an event belongs to (SPEC 5.2)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType

from pipeline.domain.errors import ConfigurationError
from pipeline.domain.journeys.loader import (
    journey_files,
    normalize_stage_name,
    parse_journey,
    read_journey_file,
)
from pipeline.domain.journeys.matcher import StageMatcher
from pipeline.domain.journeys.model import DEFAULT_JOURNEY, UNKNOWN_STAGE, Journey
from pipeline.domain.labels import StageMethod, StageResult


class JourneyCatalog:
    """Every configured journey with a compiled matcher each; immutable once built, safe to share."""

    def __init__(self, journeys: Sequence[Journey]) -> None:
        by_name = {journey.name: journey for journey in journeys}
        if DEFAULT_JOURNEY not in by_name:
            raise ConfigurationError("journeys", f"no {DEFAULT_JOURNEY!r} journey is configured")
        self._journeys: Mapping[str, Journey] = MappingProxyType(by_name)
        self._matchers = {name: StageMatcher(journey) for name, journey in by_name.items()}

    @property
    def journeys(self) -> Mapping[str, Journey]:
        """The journeys by name, in the order they were configured."""
        return self._journeys

    @property
    def journey_names(self) -> tuple[str, ...]:
        """The configured journey names."""
        return tuple(self._journeys)

    def journey(self, name: str) -> Journey:
        """A journey by name; KeyError if it is not configured."""
        return self._journeys[name]

    def stage_names(self, journey: str) -> tuple[str, ...]:
        """A journey's stage names in order (without ``unknown``, which inference may add)."""
        return self._journeys[journey].stage_names

    def stage_labels(self) -> tuple[tuple[str, str], ...]:
        """Every (journey, stage) pair an event can be labelled with, ``unknown`` included: a bounded set."""
        return tuple(
            (name, stage)
            for name, journey in self._journeys.items()
            for stage in (*journey.stage_names, UNKNOWN_STAGE)
        )

    def infer_stage(self, journey: str, stage: str | None, text: str | None, channel: str) -> StageResult:
        """The event's stage: the explicit one if the journey has it, else the best cue in the text, else the
        first stage that hints the channel, else ``unknown``. An unknown journey falls back to ``default``.
        """
        notes: list[str] = []
        chosen = self._journeys.get(journey)
        if chosen is None:
            notes.append(f"journey {journey!r} is not configured; used {DEFAULT_JOURNEY!r}")
            chosen = self._journeys[DEFAULT_JOURNEY]
        if stage is not None:
            explicit = _resolve_stage(chosen, stage)
            if explicit is not None:
                return _result(chosen, explicit, "explicit", None, notes)
            notes.append(f"stage {stage!r} is not a stage of journey {chosen.name!r}, so it was not trusted")
        matcher = self._matchers[chosen.name]
        match = matcher.best_match(text, channel) if text else None
        if match is not None:
            return _result(chosen, chosen.stages[match.stage_index].name, "inferred", match.cue, notes)
        hinted = matcher.channel_stage(channel)
        if hinted is not None:
            return _result(chosen, chosen.stages[hinted].name, "inferred", f"channel:{channel}", notes)
        return _result(chosen, UNKNOWN_STAGE, "unknown", None, notes)


def _resolve_stage(journey: Journey, stage: str) -> str | None:
    name = normalize_stage_name(stage)
    if name in journey.stage_names:
        return name
    return journey.stage_aliases.get(name)


def _result(
    journey: Journey, stage: str, method: StageMethod, cue: str | None, notes: list[str]
) -> StageResult:
    note = "; ".join(notes) or None
    return StageResult(journey=journey.name, stage=stage, method=method, cue=cue, note=note)


def builtin_journeys() -> list[Journey]:
    """The journeys shipped with the product: ecommerce, travel, telecom, banking and default."""
    folder = files("pipeline.domain.journeys").joinpath("builtin")
    return [
        parse_journey(resource.read_text(encoding="utf-8"), f"builtin/{resource.name}")
        for resource in sorted(folder.iterdir(), key=lambda item: item.name)
        if resource.name.endswith((".yaml", ".yml"))
    ]


def load_journeys(paths: Sequence[Path] = ()) -> JourneyCatalog:
    """The built-in journeys plus the user's files (each path a file or a directory of YAML files).

    A user journey with a built-in's name replaces it; two user files defining one journey, or any bad
    file, stop the start with ConfigurationError naming the file, line and problem.
    """
    by_name = {journey.name: journey for journey in builtin_journeys()}
    defined_by_user: dict[str, str] = {}
    for path in journey_files(paths):
        journey = read_journey_file(path)
        if journey.name in defined_by_user:
            raise ConfigurationError(
                f"{path}:1", f"journey {journey.name!r} is already defined in {defined_by_user[journey.name]}"
            )
        defined_by_user[journey.name] = str(path)
        by_name[journey.name] = journey
    return JourneyCatalog(list(by_name.values()))
