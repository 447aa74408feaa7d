"""The journey map gathered from several workers equals the map of all windows, and says what is missing.

Windows come from a real replay of a generated stream; each "worker" is the set of windows its partitions
hold, sent through the same wire format the internal endpoint uses.
"""

from __future__ import annotations

import pytest
from support.streams import event_stream

from pipeline.adapters.table_stores import stage_partition
from pipeline.adapters.web_windows import (
    GatheredWindows,
    PartitionWindows,
    WindowQuery,
    decode_partition_windows,
    encode_partition_windows,
    gather_windows,
    select_windows,
)
from pipeline.assembly import assemble
from pipeline.config import load_settings
from pipeline.journey_map import JourneyMap, build_journey_map
from pipeline.metrics_port import NullMetrics
from pipeline.replay import ReplayRun, ReplaySinks
from pipeline.stage_windows import StoredWindow

PARTITIONS = 4
OWNERS = {"http://a:6066": {0, 1}, "http://b:6066": {2, 3}}
EMOTIONS = {"joy", "trust", "fear", "surprise", "sadness", "disgust", "anger", "anticipation"}


@pytest.fixture(scope="module")
def replayed() -> ReplayRun:
    settings = load_settings(topics={"partitions": PARTITIONS})
    run = ReplayRun(assemble(settings, NullMetrics()), PARTITIONS)
    run.feed(event_stream(3000, 300, seed=11), ReplaySinks())
    return run


def stored_items(windows: list[StoredWindow]) -> list[tuple[bytes, bytes]]:
    return [(window.key.window_id.encode(), window.to_bytes()) for window in windows]


def worker_answer(replayed: ReplayRun, query: WindowQuery, owned: set[int]) -> PartitionWindows:
    """What a worker owning ``owned`` answers, after the round trip through the wire format."""
    found = select_windows(stored_items(replayed.stored_windows), query, owned, PARTITIONS)
    return decode_partition_windows(encode_partition_windows(found))


def build(replayed: ReplayRun, query: WindowQuery, windows: list[StoredWindow]) -> JourneyMap:
    components = replayed.components
    return build_journey_map(
        components.journeys,
        query.journey,
        windows,
        components.windows.aggregation,
        window_size_seconds=query.window_size_seconds,
        range_start_ms=query.range_start_ms,
        range_end_ms=query.range_end_ms,
    )


async def gather(
    replayed: ReplayRun, query: WindowQuery, failing: frozenset[str] = frozenset()
) -> GatheredWindows:
    async def fetch_peer(url: str, wanted: set[int]) -> PartitionWindows:
        if url in failing:
            raise ConnectionRefusedError(url)
        return worker_answer(replayed, query, wanted)

    local = worker_answer(replayed, query, OWNERS["http://a:6066"])
    return await gather_windows(local, "http://a:6066", OWNERS, PARTITIONS, fetch_peer)


@pytest.mark.parametrize("journey", ["travel", "ecommerce", "telecom", "banking"])
@pytest.mark.parametrize("size", [3600, 86400])
async def test_two_workers_give_the_map_of_all_windows(replayed: ReplayRun, journey: str, size: int) -> None:
    query = WindowQuery(journey, size)
    gathered = await gather(replayed, query)
    assert gathered.missing_partitions == []
    assert gathered.workers == 2
    assert build(replayed, query, gathered.windows) == build(replayed, query, replayed.stored_windows)


async def test_a_time_range_keeps_only_windows_inside_it(replayed: ReplayRun) -> None:
    starts = sorted({w.key.start_ms for w in replayed.stored_windows if w.key.size_ms == 3_600_000})
    query = WindowQuery("travel", 3600, starts[10], starts[40])
    gathered = await gather(replayed, query)
    assert gathered.windows
    assert all(starts[10] <= w.key.start_ms and w.key.end_ms <= starts[40] for w in gathered.windows)
    assert build(replayed, query, gathered.windows) == build(replayed, query, replayed.stored_windows)


async def test_a_worker_that_does_not_answer_leaves_its_partitions_missing(replayed: ReplayRun) -> None:
    query = WindowQuery("travel", 86400)
    gathered = await gather(replayed, query, failing=frozenset({"http://b:6066"}))
    assert gathered.missing_partitions == [2, 3]
    assert gathered.workers == 1
    assert {stage_partition(w.key.journey, w.key.stage, PARTITIONS) for w in gathered.windows} <= {0, 1}


async def test_a_peer_cannot_cover_partitions_it_was_not_asked_for(replayed: ReplayRun) -> None:
    query = WindowQuery("travel", 86400)

    async def fetch_everything(url: str, wanted: set[int]) -> PartitionWindows:
        # A peer whose assignment is stale claims everything it still holds.
        return worker_answer(replayed, query, set(range(PARTITIONS)))

    local = PartitionWindows(set(), [])
    gathered = await gather_windows(local, "http://a:6066", OWNERS, PARTITIONS, fetch_everything)
    assert gathered.missing_partitions == [0, 1]


async def test_the_map_json_has_what_the_page_draws(replayed: ReplayRun) -> None:
    query = WindowQuery("travel", 3600)
    journey_map = build(replayed, query, (await gather(replayed, query)).windows).model_dump(mode="json")
    stages = [stage["stage"] for stage in journey_map["stages"]]
    order = list(replayed.components.journeys.stage_names("travel"))
    assert [stage for stage in stages if stage in order] == [stage for stage in order if stage in stages]
    assert len(stages) >= 3
    for stage in journey_map["stages"]:
        summary = stage["summary"]
        assert summary["events"] == summary["good"] + summary["neutral"] + summary["bad"] > 0
        assert set(summary["emotion_means"]) == EMOTIONS
        assert -1 <= summary["mean_valence"] <= 1
        ratio = summary["positive_negative_ratio"]
        expected_ratio = None if summary["bad"] == 0 else pytest.approx(summary["good"] / summary["bad"])
        assert ratio == expected_ratio
        assert all({"rule", "count"} == set(reason) for reason in summary["top_reasons"])
        assert all({"event_id", "occurred_at", "valence"} == set(peak) for peak in summary["negative_peaks"])
        assert sum(point["events"] for point in stage["series"]) == summary["events"]
        starts = [point["window_start"] for point in stage["series"]]
        assert starts == sorted(starts)
    assert any(stage["summary"]["negative_peaks"] for stage in journey_map["stages"])
