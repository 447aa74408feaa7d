"""Per-stage emotion windows as an aggregate: initialize, add, merge, result (SPEC 8).

One accumulator holds what one journey stage felt during one tumbling window, as seen by one source
partition. Partials from different source partitions are merged on read, so ``merge`` is associative and
commutative, and exact: scores and valence are summed as integers in millionths, so the totals do not
depend on the order events arrived in or partials were merged. ``merge`` expects partials built from
different events (one partial per source partition); it does not deduplicate counts.

Re-applying an event is a no-op: ``add`` takes the event's source partition and offset and skips offsets
at or below the last one applied for that partition (the stream delivers each partition in order).

Bounded: the negative peaks keep the ``peak_count`` lowest valences, reasons are counted per configured
rule name, and offsets per source partition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import orjson

from pipeline.domain.errors import PipelineError
from pipeline.domain.event import InteractionEvent
from pipeline.domain.labels import EmotionResult, EmotionScores, Experience, ExperienceResult, StageResult
from pipeline.domain.plutchik import PRIMARY_EMOTIONS
from pipeline.domain.records import (
    EmotionSums,
    NegativePeak,
    ReasonCount,
    StageWindowResult,
    stage_window_id,
)

# Sums are kept in millionths of a score: integers add exactly, in any order.
MICROS: Final[int] = 1_000_000
ACCUMULATOR_VERSION: Final[int] = 1
_EPOCH: Final[datetime] = datetime(1970, 1, 1, tzinfo=UTC)
_NO_SCORES: Final[tuple[int, ...]] = (0,) * len(PRIMARY_EMOTIONS)


def to_micros(value: float) -> int:
    """A score or valence in millionths, rounded half to even."""
    return round(value * MICROS)


@dataclass(frozen=True, slots=True)
class WindowContribution:
    """What one event adds to its stage's windows; built once per event and added to every window size."""

    journey: str
    stage: str
    occurred_at_ms: int
    event_id: str
    experience: Experience
    scores: tuple[float, ...]  # the eight Plutchik scores in PRIMARY_EMOTIONS order
    valence: float
    reasons: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.scores) != len(PRIMARY_EMOTIONS):
            raise ValueError(f"scores must hold {len(PRIMARY_EMOTIONS)} values, got {len(self.scores)}")

    @classmethod
    def from_labels(
        cls,
        event: InteractionEvent,
        emotion: EmotionResult,
        stage: StageResult,
        experience: ExperienceResult,
    ) -> WindowContribution:
        return cls(
            journey=stage.journey,
            stage=stage.stage,
            occurred_at_ms=event.occurred_at_ms,
            event_id=event.event_id,
            experience=experience.experience,
            scores=tuple(emotion.scores.get(name) for name in PRIMARY_EMOTIONS),
            valence=emotion.valence,
            reasons=tuple(firing.rule for firing in experience.reasons),
        )


@dataclass(frozen=True, slots=True)
class PeakCandidate:
    """A negative event that may be among the window's most negative."""

    event_id: str
    occurred_at_ms: int
    valence_micros: int

    @property
    def rank(self) -> tuple[int, str]:
        """Most negative first; ties by event id, so every merge order keeps the same peaks."""
        return (self.valence_micros, self.event_id)


class AccumulatorDecodeError(PipelineError):
    """Stored window state that cannot be read: corrupt bytes or an unknown version."""


@dataclass(frozen=True, slots=True)
class StageWindowAccumulator:
    """The running totals of one stage window, as seen by one source partition (or merged)."""

    events: int = 0
    good: int = 0
    neutral: int = 0
    bad: int = 0
    emotion_sums: tuple[int, ...] = _NO_SCORES
    valence_sum: int = 0
    reason_counts: Mapping[str, int] = field(default_factory=dict)
    negative_peaks: tuple[PeakCandidate, ...] = ()
    late: int = 0
    last_offsets: Mapping[int, int] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        """Compact JSON for the state store; empty parts are left out."""
        encoded: dict[str, Any] = {"ver": ACCUMULATOR_VERSION}
        if self.events:
            encoded.update(
                n=self.events,
                g=self.good,
                u=self.neutral,
                b=self.bad,
                e=self.emotion_sums,
                v=self.valence_sum,
            )
        if self.reason_counts:
            encoded["r"] = self.reason_counts
        if self.negative_peaks:
            encoded["p"] = [
                [peak.event_id, peak.occurred_at_ms, peak.valence_micros] for peak in self.negative_peaks
            ]
        if self.late:
            encoded["l"] = self.late
        if self.last_offsets:
            encoded["o"] = self.last_offsets
        return orjson.dumps(encoded, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS)

    @classmethod
    def from_bytes(cls, raw: bytes) -> StageWindowAccumulator:
        """Read what ``to_bytes`` wrote; refuses other versions rather than guessing."""
        try:
            encoded = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise AccumulatorDecodeError(f"window state is not JSON: {error}") from error
        if not isinstance(encoded, dict) or encoded.get("ver") != ACCUMULATOR_VERSION:
            version = encoded.get("ver") if isinstance(encoded, dict) else None
            raise AccumulatorDecodeError(
                f"window state version {version!r} is not supported ({ACCUMULATOR_VERSION})"
            )
        try:
            return cls(
                events=int(encoded.get("n", 0)),
                good=int(encoded.get("g", 0)),
                neutral=int(encoded.get("u", 0)),
                bad=int(encoded.get("b", 0)),
                emotion_sums=tuple(int(value) for value in encoded.get("e", _NO_SCORES)),
                valence_sum=int(encoded.get("v", 0)),
                reason_counts={str(rule): int(count) for rule, count in encoded.get("r", {}).items()},
                negative_peaks=tuple(
                    PeakCandidate(str(event_id), int(ms), int(valence))
                    for event_id, ms, valence in encoded.get("p", ())
                ),
                late=int(encoded.get("l", 0)),
                last_offsets={
                    int(partition): int(offset) for partition, offset in encoded.get("o", {}).items()
                },
            )
        except (TypeError, ValueError) as error:
            raise AccumulatorDecodeError(f"window state version 1 is malformed: {error}") from error


def already_applied(accumulator: StageWindowAccumulator, source_partition: int, source_offset: int) -> bool:
    """Whether the record at this source partition and offset was added already."""
    last = accumulator.last_offsets.get(source_partition)
    return last is not None and source_offset <= last


@dataclass(frozen=True, slots=True)
class StageAggregation:
    """The per-stage window aggregate; ``peak_count`` and ``top_reason_count`` bound what it reports."""

    peak_count: int = 5
    top_reason_count: int = 5

    def __post_init__(self) -> None:
        if self.peak_count < 0 or self.top_reason_count < 0:
            raise ValueError("peak_count and top_reason_count cannot be negative")

    def initialize(self) -> StageWindowAccumulator:
        """An empty window."""
        return StageWindowAccumulator()

    def add(
        self,
        accumulator: StageWindowAccumulator,
        contribution: WindowContribution,
        source_partition: int,
        source_offset: int,
    ) -> StageWindowAccumulator:
        """The window with one more event; the same accumulator if that offset was applied already."""
        if already_applied(accumulator, source_partition, source_offset):
            return accumulator
        reason_counts = dict(accumulator.reason_counts)
        for rule in dict.fromkeys(contribution.reasons):
            reason_counts[rule] = reason_counts.get(rule, 0) + 1
        valence_micros = to_micros(contribution.valence)
        peaks = accumulator.negative_peaks
        if valence_micros < 0:
            candidate = PeakCandidate(contribution.event_id, contribution.occurred_at_ms, valence_micros)
            peaks = self._lowest((*peaks, candidate))
        return StageWindowAccumulator(
            events=accumulator.events + 1,
            good=accumulator.good + (contribution.experience == "good"),
            neutral=accumulator.neutral + (contribution.experience == "neutral"),
            bad=accumulator.bad + (contribution.experience == "bad"),
            emotion_sums=tuple(
                total + to_micros(score)
                for total, score in zip(accumulator.emotion_sums, contribution.scores, strict=True)
            ),
            valence_sum=accumulator.valence_sum + valence_micros,
            reason_counts=reason_counts,
            negative_peaks=peaks,
            late=accumulator.late,
            last_offsets={**accumulator.last_offsets, source_partition: source_offset},
        )

    def add_late(
        self, accumulator: StageWindowAccumulator, source_partition: int, source_offset: int
    ) -> StageWindowAccumulator:
        """Count an event that arrived after its window closed; it changes nothing else."""
        if already_applied(accumulator, source_partition, source_offset):
            return accumulator
        return replace(
            accumulator,
            late=accumulator.late + 1,
            last_offsets={**accumulator.last_offsets, source_partition: source_offset},
        )

    def merge(self, first: StageWindowAccumulator, second: StageWindowAccumulator) -> StageWindowAccumulator:
        """Combine partials of the same window built from different events (e.g. one per source partition)."""
        reason_counts = dict(first.reason_counts)
        for rule, count in second.reason_counts.items():
            reason_counts[rule] = reason_counts.get(rule, 0) + count
        last_offsets = dict(first.last_offsets)
        for partition, offset in second.last_offsets.items():
            last_offsets[partition] = max(offset, last_offsets.get(partition, offset))
        return StageWindowAccumulator(
            events=first.events + second.events,
            good=first.good + second.good,
            neutral=first.neutral + second.neutral,
            bad=first.bad + second.bad,
            emotion_sums=tuple(a + b for a, b in zip(first.emotion_sums, second.emotion_sums, strict=True)),
            valence_sum=first.valence_sum + second.valence_sum,
            reason_counts=reason_counts,
            negative_peaks=self._lowest((*first.negative_peaks, *second.negative_peaks)),
            late=first.late + second.late,
            last_offsets=last_offsets,
        )

    def result(
        self,
        accumulator: StageWindowAccumulator,
        journey: str,
        stage: str,
        window_start_ms: int,
        window_size_ms: int,
    ) -> StageWindowResult:
        """The contract record of one window (``window_size_ms`` must be whole seconds)."""
        if window_size_ms <= 0 or window_size_ms % 1000:
            raise ValueError(
                f"window size must be a positive whole number of seconds, got {window_size_ms} ms"
            )
        size_seconds = window_size_ms // 1000
        events = accumulator.events
        sums = dict(zip(PRIMARY_EMOTIONS, accumulator.emotion_sums, strict=True))
        ranked_reasons = sorted(accumulator.reason_counts.items(), key=lambda item: (-item[1], item[0]))
        return StageWindowResult(
            window_id=stage_window_id(journey, stage, size_seconds, window_start_ms),
            journey=journey,
            stage=stage,
            window_size_seconds=size_seconds,
            window_start=_utc(window_start_ms),
            window_end=_utc(window_start_ms + window_size_ms),
            events=events,
            good=accumulator.good,
            neutral=accumulator.neutral,
            bad=accumulator.bad,
            emotion_sums=EmotionSums(**{name: total / MICROS for name, total in sums.items()}),
            emotion_means=EmotionScores(
                **{name: total / (events * MICROS) if events else 0.0 for name, total in sums.items()}
            ),
            mean_valence=accumulator.valence_sum / (events * MICROS) if events else 0.0,
            positive_negative_ratio=accumulator.good / accumulator.bad if accumulator.bad else None,
            top_reasons=[
                ReasonCount(rule=rule, count=count) for rule, count in ranked_reasons[: self.top_reason_count]
            ],
            negative_peaks=[
                NegativePeak(
                    event_id=peak.event_id,
                    occurred_at=_utc(peak.occurred_at_ms),
                    valence=peak.valence_micros / MICROS,
                )
                for peak in accumulator.negative_peaks
            ],
        )

    def _lowest(self, candidates: tuple[PeakCandidate, ...]) -> tuple[PeakCandidate, ...]:
        unique = {candidate.event_id: candidate for candidate in candidates}
        return tuple(sorted(unique.values(), key=lambda candidate: candidate.rank)[: self.peak_count])


def _utc(epoch_ms: int) -> datetime:
    # timedelta keeps whole milliseconds exact where a float timestamp could round.
    return _EPOCH + timedelta(milliseconds=epoch_ms)
