"""Watermark stores over a table after a crash: redelivered records see what they saw the first time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import orjson
import pytest

from pipeline.adapters.table_stores import HEARD_KEPT, BatchWatermarkStore, TableSourceWatermarks


@dataclass
class Message:
    offset: int
    partition: int = 0


@dataclass
class Event:
    message: Message


def run_batches(
    table: dict[bytes, bytes],
    occurred: Sequence[int] | Mapping[int, int],
    batches: list[range],
    duplicates: frozenset[int] = frozenset(),
) -> dict[int, int]:
    """The watermark each record carries, computed as the processor does, batch by batch (a duplicate
    changes no watermark and carries none)."""
    carried: dict[int, int] = {}
    for batch in batches:
        store = BatchWatermarkStore(cast(Any, table))
        for offset in batch:
            store.current = Event(Message(offset))
            if offset in duplicates:
                continue
            watermark = max(occurred[offset], store.get(0) or occurred[offset])
            store.put(0, watermark)
            carried[offset] = watermark
        store.flush(lambda message: True)
    return carried


# Record 5 is far ahead in event time, so every later record's watermark depends on it having been seen.
OCCURRED = [100, 110, 120, 130, 140, 900, 150, 160, 170, 180, 190, 200, 210, 220, 230]


def test_a_redelivered_range_in_other_batches_carries_the_first_runs_watermarks() -> None:
    table: dict[bytes, bytes] = {}
    first = run_batches(table, OCCURRED, [range(5), range(5, 10), range(10, 15)])

    # Killed after the last batch was stored but with only the first one committed: the records from
    # offset 5 come again, in differently cut batches, over the stored state that is ahead of them.
    again = run_batches(table, OCCURRED, [range(5, 7), range(7, 12), range(12, 15)])

    assert again == {offset: first[offset] for offset in range(5, 15)}


def test_a_batch_ending_in_duplicates_leaves_an_exact_checkpoint_after_them(caplog: Any) -> None:
    table: dict[bytes, bytes] = {}
    first = run_batches(
        table, OCCURRED, [range(5), range(5, 10), range(10, 15)], duplicates=frozenset({8, 9})
    )

    again = run_batches(table, OCCURRED, [range(10, 15)])

    assert again == {offset: first[offset] for offset in range(10, 15)}
    assert "no watermark checkpoint" not in caplog.text


def test_a_redelivery_from_the_first_offset_is_exact(caplog: Any) -> None:
    table: dict[bytes, bytes] = {}
    first = run_batches(table, OCCURRED, [range(5), range(5, 10), range(10, 15)])

    again = run_batches(table, OCCURRED, [range(3), range(3, 15)])

    assert again == first
    assert "no watermark checkpoint" not in caplog.text


@pytest.mark.parametrize("duplicates", [frozenset(), frozenset({1000, 1001})])
def test_a_redelivery_from_the_first_offset_of_a_log_that_starts_later_is_exact(
    caplog: Any, duplicates: frozenset[int]
) -> None:
    # Retention removed the partition's early records before this pipeline first read it; its first
    # records may even change no watermark (duplicates).
    occurred = {1000 + index: value for index, value in enumerate(OCCURRED)}
    table: dict[bytes, bytes] = {}
    first = run_batches(
        table, occurred, [range(1000, 1005), range(1005, 1010), range(1010, 1015)], duplicates
    )

    again = run_batches(table, occurred, [range(1000, 1003), range(1003, 1015)], duplicates)

    assert again == first
    assert "no watermark checkpoint" not in caplog.text


def test_a_redelivery_that_starts_between_checkpoints_never_raises_a_watermark() -> None:
    table: dict[bytes, bytes] = {}
    first = run_batches(table, OCCURRED, [range(5), range(5, 10), range(10, 15)])

    again = run_batches(table, OCCURRED, [range(7, 9), range(9, 15)])

    assert all(again[offset] <= first[offset] for offset in again)


def test_records_from_below_the_committed_offset_leave_later_watermarks_alone() -> None:
    table: dict[bytes, bytes] = {}
    first = run_batches(table, OCCURRED, [range(5), range(5, 10), range(10, 15)])

    # While a partition is assigned Faust may deliver a few records from its start before seeking to the
    # committed offset (here 10); then the committed records come, then new ones.
    early = run_batches(table, OCCURRED, [range(3)])
    again = run_batches(table, OCCURRED, [range(10, 15)])

    assert early == {offset: first[offset] for offset in range(3)}
    assert again == {offset: first[offset] for offset in range(10, 15)}


def test_watermarks_stored_in_the_earlier_layout_are_read() -> None:
    table = {b"0": orjson.dumps({"w": 900, "o": 9, "cp": [[0, None], [5, 140]]})}

    carried = run_batches(table, OCCURRED, [range(10, 12)])

    assert carried == {10: 900, 11: 900}


def heard(table: dict[bytes, bytes], offset: int, sources: int = 2) -> TableSourceWatermarks:
    return TableSourceWatermarks(cast(Any, table), scope=0, sources=sources, event=Event(Message(offset)))


def test_a_message_sees_the_watermarks_announced_up_to_it_and_none_after() -> None:
    table: dict[bytes, bytes] = {}
    heard(table, 10).put(0, 1_000)
    heard(table, 10).put(1, 1_500)
    heard(table, 20).put(0, 2_000)

    assert heard(table, 10).get_all() == {0: 1_000, 1: 1_500}, "its own announcements included"
    assert heard(table, 15).get_all() == {0: 1_000, 1: 1_500}
    assert heard(table, 25).get_all() == {0: 2_000, 1: 1_500}
    assert heard(table, 5).get_all() == {}, "redelivered before anything was heard: nothing may close"


def test_hearing_an_old_message_again_changes_nothing_heard_later() -> None:
    table: dict[bytes, bytes] = {}
    for offset, watermark in ((10, 1_000), (20, 2_000), (30, 3_000)):
        heard(table, offset).put(0, watermark)

    # Faust can hand out messages from below the committed offset while a partition is being assigned.
    heard(table, 20).put(0, 2_000)
    heard(table, 15).put(0, 1_500)

    assert orjson.loads(table[b"0/0"]) == [[10, 1_000], [15, 1_500], [20, 2_000], [30, 3_000]]
    assert heard(table, 35).get_all() == {0: 3_000}
    assert heard(table, 25).get_all() == {0: 2_000}


def test_only_the_last_watermarks_are_kept() -> None:
    table: dict[bytes, bytes] = {}
    for offset in range(HEARD_KEPT + 5):
        heard(table, offset).put(0, offset * 100)

    assert len(orjson.loads(table[b"0/0"])) == HEARD_KEPT
    assert heard(table, 2).get_all() == {}, "dropped history reads as not heard: closing waits"


def test_a_watermark_stored_before_positions_were_kept_counts_as_heard_before_everything() -> None:
    table = {b"0/1": b"1234"}

    assert heard(table, 0).get_all() == {1: 1234}
