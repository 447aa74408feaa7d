"""Tumbling window math and lateness conventions (SPEC 8), from tables and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.windows import (
    closing_step_ms,
    crosses_closing_point,
    expired,
    is_closed,
    is_too_late,
    window_range,
    window_start,
)

HOUR = 3_600_000
DAY = 86_400_000


@pytest.mark.parametrize(
    ("ts_ms", "size_ms", "expected"),
    [
        (0, HOUR, (0, HOUR)),
        (1, HOUR, (0, HOUR)),
        (HOUR - 1, HOUR, (0, HOUR)),
        (HOUR, HOUR, (HOUR, 2 * HOUR)),  # half-open: the end belongs to the next window
        (-1, HOUR, (-HOUR, 0)),
        (-HOUR, HOUR, (-HOUR, 0)),
        (-HOUR - 1, HOUR, (-2 * HOUR, -HOUR)),
        (1_709_294_400_250, DAY, (1_709_251_200_000, 1_709_337_600_000)),  # 2024-03-01 12:00:00.250Z
        (1_709_294_400_250, HOUR, (1_709_294_400_000, 1_709_298_000_000)),
        (17, 5, (15, 20)),
        (-17, 5, (-20, -15)),
        (7, 1, (7, 8)),
    ],
)
def test_window_range(ts_ms, size_ms, expected) -> None:
    assert window_range(ts_ms, size_ms) == expected
    assert window_start(ts_ms, size_ms) == expected[0]


@pytest.mark.parametrize("size_ms", [0, -HOUR])
def test_window_size_must_be_positive(size_ms) -> None:
    with pytest.raises(ValueError, match="positive"):
        window_start(0, size_ms)


@given(
    ts_ms=st.integers(min_value=-(2**62), max_value=2**62),
    size_ms=st.integers(min_value=1, max_value=400 * DAY),
)
def test_every_timestamp_lands_in_exactly_one_window(ts_ms, size_ms) -> None:
    start, end = window_range(ts_ms, size_ms)
    assert start <= ts_ms < end
    assert end - start == size_ms
    assert start % size_ms == 0
    # The neighbouring windows do not hold it: exactly one window does.
    assert not (start - size_ms <= ts_ms < start)
    assert not (end <= ts_ms < end + size_ms)
    assert window_range(start, size_ms) == window_range(end - 1, size_ms) == (start, end)


# Window [0, HOUR) with one minute of grace.
END = HOUR
GRACE = 60_000


@pytest.mark.parametrize(
    ("watermark_ms", "closed"),
    [
        (0, False),
        (END - 1, False),
        (END, False),  # the next window has begun, but the grace has not passed
        (END + GRACE - 1, False),
        (END + GRACE, True),  # exactly grace past the end: closed
        (END + 10 * GRACE, True),
    ],
)
def test_is_closed_boundaries(watermark_ms, closed) -> None:
    assert is_closed(END, watermark_ms, GRACE) is closed


@pytest.mark.parametrize(
    ("event_ms", "watermark_ms", "too_late"),
    [
        (END - 1, END - 1, False),  # in order
        (10, END + GRACE - 1, False),  # late, but within the grace: still updates its window
        (10, END + GRACE, True),  # its window closed: counted as late, skipped for windows
        (END - 1, END + GRACE, True),
    ],
)
def test_is_too_late_boundaries(event_ms, watermark_ms, too_late) -> None:
    assert is_too_late(event_ms, END, watermark_ms, GRACE) is too_late


def test_is_too_late_refuses_an_event_outside_the_window() -> None:
    with pytest.raises(ValueError, match="not in a window"):
        is_too_late(END, END, END, GRACE)


def test_zero_grace_closes_on_the_first_event_of_the_next_window() -> None:
    assert not is_closed(END, END - 1, 0)
    assert is_closed(END, END, 0)


@pytest.mark.parametrize(
    ("watermark_ms", "retention_ms", "gone"),
    [
        (END, DAY, False),
        (END + DAY - 1, DAY, False),
        (END + DAY, DAY, True),
        (END, 0, True),
    ],
)
def test_expired_boundaries(watermark_ms, retention_ms, gone) -> None:
    assert expired(END, watermark_ms, retention_ms) is gone


@given(
    event_ms=st.integers(min_value=-(2**50), max_value=2**50),
    advance_ms=st.integers(min_value=0, max_value=10 * DAY),
    grace_ms=st.integers(min_value=0, max_value=DAY),
)
def test_lateness_agrees_with_closing_and_a_window_never_reopens(event_ms, advance_ms, grace_ms) -> None:
    _, end = window_range(event_ms, HOUR)
    watermark_ms = event_ms + advance_ms
    assert is_too_late(event_ms, end, watermark_ms, grace_ms) == is_closed(end, watermark_ms, grace_ms)
    if is_closed(end, watermark_ms, grace_ms):
        assert is_closed(end, watermark_ms + 1, grace_ms)
    # An event cannot close its own window: the watermark including it is still before the end.
    assert not is_too_late(event_ms, end, event_ms, grace_ms)


def test_closing_step_of_the_default_windows_is_an_hour() -> None:
    assert closing_step_ms((HOUR, DAY), HOUR, 7 * DAY) == HOUR
    assert closing_step_ms((HOUR, DAY), 0, 0) == HOUR
    assert closing_step_ms((60_000,), 90_000, 600_000) == 30_000


@pytest.mark.parametrize(
    ("before_ms", "after_ms", "crosses"),
    [
        (None, 5, True),
        (0, HOUR - 1, False),
        (0, HOUR, True),
        (HOUR - 1, HOUR, True),
        (HOUR, 2 * HOUR - 1, False),
        (-1, 0, True),
        (-HOUR, -1, False),
    ],
)
def test_crossing_a_closing_point(before_ms, after_ms, crosses) -> None:
    assert crosses_closing_point(before_ms, after_ms, HOUR) is crosses


@given(
    sizes=st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=3, unique=True),
    grace=st.integers(min_value=0, max_value=60),
    retention=st.integers(min_value=0, max_value=200),
    before=st.integers(min_value=-500, max_value=500),
    advance=st.integers(min_value=0, max_value=100),
    other=st.integers(min_value=-600, max_value=600),
    event=st.integers(min_value=-700, max_value=700),
)
def test_a_watermark_move_that_crosses_no_point_changes_no_window(  # noqa: PLR0917 - drawn inputs
    sizes, grace, retention, before, advance, other, event
) -> None:
    """Why a worker may leave such a move unannounced: whatever another partition's watermark (the window
    side closes on the smallest), no window of any size closes or expires between the two."""
    retention = max(retention, grace)
    step = closing_step_ms(sizes, grace, retention)
    after = before + advance
    if crosses_closing_point(before, after, step):
        return
    for size in sizes:
        _, end = window_range(event, size)
        assert is_closed(end, min(after, other), grace) == is_closed(end, min(before, other), grace)
        assert expired(end, min(after, other), retention) == expired(end, min(before, other), retention)
