"""The per-stage window aggregate: totals, peaks, reasons, idempotent add, exact merge, contract result."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.event import InteractionEvent
from pipeline.domain.labels import (
    EmotionResult,
    EmotionScores,
    EngineInfo,
    ExperienceResult,
    RuleFiring,
    StageResult,
)
from pipeline.domain.plutchik import PRIMARY_EMOTIONS
from pipeline.domain.stage_aggregate import (
    AccumulatorDecodeError,
    StageAggregation,
    StageWindowAccumulator,
    WindowContribution,
    already_applied,
)

HOUR = 3_600_000
START = 1_709_294_400_000  # 2024-03-01T12:00:00Z
AGG = StageAggregation(peak_count=3, top_reason_count=2)


def contribution(
    event_id: str,
    experience: str = "neutral",
    valence: float = 0.0,
    reasons: tuple[str, ...] = (),
    *,
    anger: float = 0.0,
    joy: float = 0.0,
) -> WindowContribution:
    scores = tuple(anger if name == "anger" else joy if name == "joy" else 0.0 for name in PRIMARY_EMOTIONS)
    return WindowContribution(
        journey="travel",
        stage="check_in",
        occurred_at_ms=START + int(event_id.lstrip("e") or 0) * 1_000,
        event_id=event_id,
        experience=experience,  # type: ignore[arg-type]
        scores=scores,
        valence=valence,
        reasons=reasons,
    )


def build(contributions: list[WindowContribution], partition: int = 0) -> StageWindowAccumulator:
    accumulator = AGG.initialize()
    for offset, item in enumerate(contributions):
        accumulator = AGG.add(accumulator, item, partition, offset)
    return accumulator


SAMPLE = [
    contribution("e1", "bad", -0.8, ("long_hold", "low_rating"), anger=0.9),
    contribution("e2", "bad", -0.5, ("low_rating",), anger=0.4),
    contribution("e3", "good", 0.7, joy=0.8),
    contribution("e4", "neutral", -0.5, ("many_transfers",)),
    contribution("e5", "good", 0.6, joy=0.5),
]


def test_result_of_a_window() -> None:
    result = AGG.result(build(SAMPLE), "travel", "check_in", START, HOUR)
    assert result.window_id == f"travel/check_in/3600/{START}"
    assert result.window_start == datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert result.window_end == datetime(2024, 3, 1, 13, tzinfo=UTC)
    assert (result.events, result.good, result.neutral, result.bad) == (5, 2, 1, 2)
    assert result.emotion_sums.anger == pytest.approx(1.3)
    assert result.emotion_means.anger == pytest.approx(0.26)
    assert result.emotion_means.joy == pytest.approx(0.26)
    assert result.mean_valence == pytest.approx(-0.1)
    assert result.positive_negative_ratio == pytest.approx(1.0)
    # low_rating 2; long_hold and many_transfers tie at 1 and the name decides.
    assert [(reason.rule, reason.count) for reason in result.top_reasons] == [
        ("low_rating", 2),
        ("long_hold", 1),
    ]
    # e2 and e4 tie at -0.5: the event id decides; only negative valences are peaks.
    assert [(peak.event_id, peak.valence) for peak in result.negative_peaks] == [
        ("e1", -0.8),
        ("e2", -0.5),
        ("e4", -0.5),
    ]
    assert result.negative_peaks[0].occurred_at == datetime(2024, 3, 1, 12, 0, 1, tzinfo=UTC)


def test_empty_window_result() -> None:
    result = AGG.result(AGG.initialize(), "travel", "check_in", START, HOUR)
    assert result.events == 0
    assert result.mean_valence == 0.0
    assert result.emotion_means.joy == 0.0
    assert result.positive_negative_ratio is None
    assert result.top_reasons == []
    assert result.negative_peaks == []


def test_no_bad_event_means_no_ratio() -> None:
    result = AGG.result(build([contribution("e1", "good", 0.5)]), "travel", "check_in", START, HOUR)
    assert result.positive_negative_ratio is None


def test_a_rule_counts_once_per_event() -> None:
    accumulator = build([contribution("e1", "bad", -0.5, ("low_rating", "low_rating"))])
    assert accumulator.reason_counts == {"low_rating": 1}


@pytest.mark.parametrize("size_ms", [0, 1_500, -HOUR])
def test_result_needs_whole_seconds(size_ms) -> None:
    with pytest.raises(ValueError, match="whole number of seconds"):
        AGG.result(AGG.initialize(), "travel", "check_in", START, size_ms)


def test_adding_an_applied_offset_again_is_a_no_op() -> None:
    accumulator = build(SAMPLE)
    assert AGG.add(accumulator, contribution("e9", "bad", -0.9), 0, 4) is accumulator
    assert AGG.add(accumulator, contribution("e9", "bad", -0.9), 0, 0) is accumulator
    assert already_applied(accumulator, 0, 4)
    assert not already_applied(accumulator, 0, 5)
    assert not already_applied(accumulator, 1, 0)
    assert AGG.add(accumulator, contribution("e9", "bad", -0.9), 1, 0).events == 6


def test_late_events_are_counted_once_and_change_nothing_else() -> None:
    accumulator = build(SAMPLE[:2])
    late = AGG.add_late(accumulator, 0, 7)
    assert AGG.add_late(late, 0, 7) is late
    assert late.late == 1
    assert late.events == accumulator.events


def test_contribution_needs_eight_scores() -> None:
    with pytest.raises(ValueError, match="8 values"):
        WindowContribution("j", "s", 0, "e", "good", (0.5,), 0.5, ())


def test_contribution_from_labels() -> None:
    event = InteractionEvent.model_validate(
        {
            "event_id": "e-7",
            "customer_id": "c",
            "occurred_at": datetime(2024, 3, 1, 12, tzinfo=UTC),
            "channel": "app",
        }
    )
    emotion = EmotionResult(
        language="zh-Hans",
        language_supported=True,
        scores=EmotionScores(fear=0.6, trust=0.1),
        present=["fear"],
        dominant="fear",
        dyads=[],
        valence=-0.4,
        arousal=0.5,
        evidence=[],
        engine=EngineInfo(name="lexicon", version="1"),
    )
    item = WindowContribution.from_labels(
        event,
        emotion,
        StageResult(journey="travel", stage="booking", method="inferred", cue="订票"),
        ExperienceResult(
            experience="bad", reasons=[RuleFiring(rule="long_wait", detail="waited 20 minutes")]
        ),
    )
    assert item == WindowContribution(
        journey="travel",
        stage="booking",
        occurred_at_ms=START,
        event_id="e-7",
        experience="bad",
        scores=(0.0, 0.1, 0.6, 0.0, 0.0, 0.0, 0.0, 0.0),
        valence=-0.4,
        reasons=("long_wait",),
    )


def test_accumulator_round_trips_through_compact_bytes() -> None:
    accumulator = AGG.add_late(AGG.merge(build(SAMPLE, 0), build(SAMPLE[:2], 3)), 0, 9)
    raw = accumulator.to_bytes()
    assert StageWindowAccumulator.from_bytes(raw) == accumulator
    assert StageWindowAccumulator.from_bytes(AGG.initialize().to_bytes()) == AGG.initialize()
    assert len(raw) < 512


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"{", "not JSON"),
        (b'{"ver": 9}', "version 9"),
        (b"[]", "version None"),
        (b'{"ver": 1, "n": "x"}', "malformed"),
    ],
)
def test_unreadable_accumulator_is_refused(raw, problem) -> None:
    with pytest.raises(AccumulatorDecodeError, match=problem):
        StageWindowAccumulator.from_bytes(raw)


scores = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
contributions = st.builds(
    WindowContribution,
    journey=st.just("travel"),
    stage=st.just("check_in"),
    occurred_at_ms=st.integers(min_value=START, max_value=START + HOUR - 1),
    event_id=st.just(""),  # replaced by a unique id below
    experience=st.sampled_from(["good", "neutral", "bad"]),
    scores=st.tuples(*[scores] * 8),
    valence=st.floats(min_value=-1.0, max_value=1.0, allow_nan=False),
    reasons=st.lists(
        st.sampled_from(["low_rating", "long_hold", "long_wait", "many_transfers"]), max_size=3
    ).map(tuple),
)
# Each event with its source partition; ids are made unique so partials never share an event.
partitioned_events = st.lists(
    st.tuples(st.integers(min_value=0, max_value=3), contributions), max_size=25
).map(
    lambda items: [
        (partition, WindowContribution(**{**_fields(item), "event_id": f"e{index}"}))
        for index, (partition, item) in enumerate(items)
    ]
)


def _fields(item: WindowContribution) -> dict[str, object]:
    return {name: getattr(item, name) for name in WindowContribution.__slots__}


def build_partitioned(events: list[tuple[int, WindowContribution]]) -> dict[int, StageWindowAccumulator]:
    partials: dict[int, StageWindowAccumulator] = {}
    next_offset: dict[int, int] = {}
    for partition, item in events:
        offset = next_offset.get(partition, 0)
        next_offset[partition] = offset + 1
        partials[partition] = AGG.add(partials.get(partition, AGG.initialize()), item, partition, offset)
    return partials


def merge_all(partials: Iterable[StageWindowAccumulator]) -> StageWindowAccumulator:
    merged = AGG.initialize()
    for partial in partials:
        merged = AGG.merge(merged, partial)
    return merged


@settings(max_examples=100, deadline=None)
@given(first=partitioned_events, second=partitioned_events, third=partitioned_events)
def test_merge_is_associative_and_commutative(first, second, third) -> None:
    # Three partials over disjoint partitions and events: 0-3, 10-13, 20-23.
    def shifted(events, by):
        return [
            (partition + by, WindowContribution(**{**_fields(item), "event_id": f"{by}-{item.event_id}"}))
            for partition, item in events
        ]

    a, b, c = (
        merge_all(build_partitioned(shifted(events, by)).values())
        for events, by in ((first, 0), (second, 10), (third, 20))
    )
    assert AGG.merge(a, AGG.merge(b, c)) == AGG.merge(AGG.merge(a, b), c)
    assert AGG.merge(a, b) == AGG.merge(b, a)
    assert AGG.merge(AGG.initialize(), a) == a


@settings(max_examples=100, deadline=None)
@given(events=partitioned_events, data=st.data())
def test_partials_merged_in_any_order_equal_one_accumulator_over_all_events(events, data) -> None:
    whole = AGG.initialize()
    next_offset: dict[int, int] = {}
    for partition, item in events:
        offset = next_offset.get(partition, 0)
        next_offset[partition] = offset + 1
        whole = AGG.add(whole, item, partition, offset)
    merged = merge_all(data.draw(st.permutations(list(build_partitioned(events).values()))))
    assert merged == whole
    assert AGG.result(merged, "travel", "check_in", START, HOUR) == AGG.result(
        whole, "travel", "check_in", START, HOUR
    )


@settings(max_examples=100, deadline=None)
@given(events=partitioned_events, data=st.data())
def test_redelivering_a_prefix_changes_nothing(events, data) -> None:
    partials = build_partitioned(events)
    replay_upto = data.draw(st.integers(min_value=0, max_value=len(events)))
    again = dict(partials)
    next_offset: dict[int, int] = {}
    for partition, item in events[:replay_upto]:
        offset = next_offset.get(partition, 0)
        next_offset[partition] = offset + 1
        again[partition] = AGG.add(again[partition], item, partition, offset)
    assert again == partials
