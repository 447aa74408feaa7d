"""Per-stage windows over many source partitions: closing, lateness, expiry, and order independence."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.records import StageWindowResult
from pipeline.domain.stage_aggregate import WindowContribution
from pipeline.metrics_port import NullMetrics
from pipeline.stage_windows import (
    MemorySourceWatermarks,
    MemoryWindowStore,
    StageWindows,
    WindowKey,
    WindowSettings,
)

HOUR = 3_600_000
SETTINGS = WindowSettings(sizes_seconds=(3600,), grace_seconds=600, retention_seconds=2 * 3600)


def contribution(
    event_id: str, at_ms: int, stage: str = "check_in", valence: float = -0.5
) -> WindowContribution:
    experience = "bad" if valence < 0 else "good"
    return WindowContribution(
        "travel", stage, at_ms, event_id, experience, (0.1,) * 8, valence, ("long_wait",)
    )


class Scope:
    """One scope (contributions partition) with its store and heard watermarks."""

    def __init__(self, sources: int, window_settings: WindowSettings = SETTINGS) -> None:
        self.windows = StageWindows(window_settings, sources, NullMetrics())
        self.store = MemoryWindowStore()
        self.heard = MemorySourceWatermarks()
        self.emitted: list[StageWindowResult] = []

    def add(self, source: int, offset: int, watermark: int, item: WindowContribution) -> None:
        self.windows.apply(source, [(offset, watermark, item)], self.store)

    def advance(self, source: int, watermark: int) -> list[StageWindowResult]:
        closed = self.windows.advance(source, watermark, self.store, self.heard)
        self.emitted.extend(closed)
        return closed


def test_a_window_closes_only_when_every_source_partition_has_passed_it() -> None:
    scope = Scope(sources=2)
    scope.add(0, 0, 10, contribution("a", 10))
    assert scope.advance(0, 2 * HOUR) == []
    assert scope.advance(1, HOUR + 599_999) == []
    closed = scope.advance(1, HOUR + 600_000)
    assert [result.window_id for result in closed] == ["travel/check_in/3600/0"]
    assert closed[0].events == 1


def test_a_closed_window_is_emitted_once() -> None:
    scope = Scope(sources=1)
    scope.add(0, 0, 10, contribution("a", 10))
    assert len(scope.advance(0, 2 * HOUR)) == 1
    assert scope.advance(0, 2 * HOUR + 1) == []
    scope.add(0, 0, 10, contribution("a", 10))
    assert scope.advance(0, 2 * HOUR + 2) == []


def test_an_event_past_the_grace_period_is_late_for_its_window_only() -> None:
    scope = Scope(sources=1, window_settings=WindowSettings(sizes_seconds=(3600, 86_400), grace_seconds=600))
    scope.add(0, 0, 2 * HOUR, contribution("a", 2 * HOUR))
    scope.add(0, 1, 2 * HOUR, contribution("late", 10))
    by_id = {key.window_id: window for key, window in scope.store.windows.items()}
    assert by_id["travel/check_in/3600/0"].accumulator.events == 0
    assert by_id["travel/check_in/3600/0"].accumulator.late == 1
    assert by_id["travel/check_in/86400/0"].accumulator.events == 2


def test_a_window_holding_only_late_events_emits_nothing() -> None:
    scope = Scope(sources=1)
    scope.add(0, 0, 2 * HOUR, contribution("late", 10))
    assert scope.advance(0, 2 * HOUR) == []


def test_closed_windows_expire_after_the_retention_period() -> None:
    scope = Scope(sources=1)
    scope.add(0, 0, 10, contribution("a", 10))
    scope.advance(0, 2 * HOUR)
    assert WindowKey("travel", "check_in", HOUR, 0) in scope.store.windows
    scope.advance(0, 3 * HOUR)
    assert WindowKey("travel", "check_in", HOUR, 0) not in scope.store.windows


# A source partition's events, in offset order: (event time offset within the stream, stage, valence).
partition_events = st.lists(
    st.tuples(st.integers(0, 40 * 60_000), st.sampled_from(["check_in", "booking"]), st.floats(-1, 1)),
    min_size=8,
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(partition_events, min_size=2, max_size=3),
    st.randoms(use_true_random=False),
    st.integers(1, 6),
)
def test_windows_do_not_depend_on_how_partitions_interleave_or_batch(
    partitions: Sequence[Sequence[tuple[int, str, float]]], shuffler: object, batch_size: int
) -> None:
    """The worker splits a partition's contributions into per-stage messages per batch and announces the
    watermark after each batch; replay applies one event at a time. Both must emit the same windows."""
    sources = len(partitions)
    prepared: list[list[tuple[int, int, WindowContribution]]] = []
    for source, events in enumerate(partitions):
        watermark, items = 0, []
        clock = 0
        for offset, (step, stage, valence) in enumerate(events):
            clock += step // 2
            at = clock - step % 7 * 60_000  # a little out of order
            watermark = max(watermark, at)
            items.append((offset, watermark, contribution(f"{source}-{offset}", at, stage, valence)))
        prepared.append(items)

    one_at_a_time = Scope(sources)
    for source, items in enumerate(prepared):
        for offset, watermark, item in items:
            one_at_a_time.add(source, offset, watermark, item)
            one_at_a_time.advance(source, watermark)
    final = max((items[-1][1] for items in prepared if items), default=0) + 10 * HOUR
    for source in range(sources):
        one_at_a_time.advance(source, final)

    batched = Scope(sources)
    messages: list[tuple[int, list[tuple[int, int, WindowContribution]] | int]] = []
    for source, items in enumerate(prepared):
        stream: list[tuple[int, list[tuple[int, int, WindowContribution]] | int]] = []
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            for stage in ("check_in", "booking"):
                of_stage = [item for item in batch if item[2].stage == stage]
                if of_stage:
                    stream.append((source, of_stage))
            stream.append((source, batch[-1][1]))
        messages.append(stream)  # type: ignore[arg-type]
    # Interleave the partitions' message streams at random, keeping each stream's order.
    cursors = [0] * sources
    while any(cursor < len(stream) for cursor, stream in zip(cursors, messages, strict=True)):
        live = [index for index, stream in enumerate(messages) if cursors[index] < len(stream)]
        pick = shuffler.choice(live)  # type: ignore[attr-defined]
        source, body = messages[pick][cursors[pick]]
        cursors[pick] += 1
        if isinstance(body, int):
            batched.advance(source, body)
        else:
            batched.windows.apply(source, body, batched.store)
    for source in range(sources):
        batched.advance(source, final)

    def by_id(results: list[StageWindowResult]) -> dict[str, StageWindowResult]:
        return {result.window_id: result for result in results}

    assert by_id(batched.emitted) == by_id(one_at_a_time.emitted)
