"""The emotional journey map: per stage of a journey, what customers felt over a time range.

Built from stage windows (open or closed) by merging the windows of one size that fall in the range; the
worker's HTTP API and ``replay`` both use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from pipeline.domain.journeys.catalog import JourneyCatalog
from pipeline.domain.records import StageWindowResult
from pipeline.domain.stage_aggregate import StageAggregation, StageWindowAccumulator
from pipeline.stage_windows import StoredWindow

UNKNOWN_STAGE = "unknown"

_MODEL = ConfigDict(frozen=True, extra="forbid")


class WindowPoint(BaseModel):
    """One window of a stage's series."""

    model_config = _MODEL

    window_start: datetime
    events: int
    bad: int
    mean_valence: float
    closed: bool


class StageMap(BaseModel):
    """A stage over the whole range (its windows merged) and its series of windows."""

    model_config = _MODEL

    stage: str
    position: int = Field(description="Order of the stage in the journey; unknown and unlisted stages last.")
    summary: StageWindowResult
    late_events: int
    series: list[WindowPoint]


class JourneyMap(BaseModel):
    """One journey's stages left to right, over a time range, at one window size."""

    model_config = _MODEL

    journey: str
    window_size_seconds: int
    range_start: datetime | None
    range_end: datetime | None
    stages: list[StageMap]


def build_journey_map(
    catalog: JourneyCatalog,
    journey: str,
    windows: Iterable[StoredWindow],
    aggregation: StageAggregation,
    *,
    window_size_seconds: int,
    range_start_ms: int | None = None,
    range_end_ms: int | None = None,
) -> JourneyMap:
    """Merge the journey's windows of one size inside ``[range_start, range_end)`` per stage."""
    size_ms = window_size_seconds * 1000
    by_stage: dict[str, list[StoredWindow]] = {}
    for window in windows:
        key = window.key
        if key.journey != journey or key.size_ms != size_ms:
            continue
        if range_start_ms is not None and key.start_ms < range_start_ms:
            continue
        if range_end_ms is not None and key.end_ms > range_end_ms:
            continue
        by_stage.setdefault(key.stage, []).append(window)
    order = _stage_order(catalog, journey)
    stages = [
        _stage_map(
            journey,
            stage,
            windows=sorted(found, key=lambda window: window.key.start_ms),
            aggregation=aggregation,
            size_ms=size_ms,
            position=order.get(stage, len(order) + (stage == UNKNOWN_STAGE)),
        )
        for stage, found in by_stage.items()
    ]
    stages.sort(key=lambda stage: (stage.position, stage.stage))
    return JourneyMap(
        journey=journey,
        window_size_seconds=window_size_seconds,
        range_start=None if range_start_ms is None else _utc(range_start_ms),
        range_end=None if range_end_ms is None else _utc(range_end_ms),
        stages=stages,
    )


def _stage_order(catalog: JourneyCatalog, journey: str) -> dict[str, int]:
    if journey not in catalog.journey_names:
        return {}
    return {stage: position for position, stage in enumerate(catalog.stage_names(journey))}


def _stage_map(
    journey: str,
    stage: str,
    *,
    windows: list[StoredWindow],
    aggregation: StageAggregation,
    size_ms: int,
    position: int,
) -> StageMap:
    merged = StageWindowAccumulator()
    for window in windows:
        merged = aggregation.merge(merged, window.accumulator)
    first = windows[0].key.start_ms
    span_ms = windows[-1].key.end_ms - first
    summary = aggregation.result(merged, journey, stage, first, span_ms)
    series = [
        WindowPoint(
            window_start=_utc(window.key.start_ms),
            events=window.accumulator.events,
            bad=window.accumulator.bad,
            mean_valence=aggregation.result(
                window.accumulator, journey, stage, window.key.start_ms, size_ms
            ).mean_valence,
            closed=window.emitted,
        )
        for window in windows
    ]
    return StageMap(stage=stage, position=position, summary=summary, late_events=merged.late, series=series)


def _utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)
