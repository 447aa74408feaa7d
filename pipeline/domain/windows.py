"""Tumbling event-time windows over integer milliseconds, and when a window may still change.

Windows are half-open, ``[start, start + size)``, aligned to the UTC epoch: ``start`` is the largest multiple
of ``size`` at or before the timestamp (floor division, so negative timestamps work too: -1 ms lands in
``[-size, 0)``).

Lateness is judged against a watermark: the largest event time seen on one *source partition* (each
partition has its own, because partitions progress independently). With ``grace`` the allowed lateness:

- a window is **closed** once ``watermark - grace >= window_end``: an event exactly ``grace`` past the end
  closes it, so with ``grace = 0`` the first event of the next window closes the previous one;
- an event is **too late** when its window is already closed: it is counted as late and skipped for windows
  (it still counts for everything else). An event can never close its own window, since it lies before
  ``window_end``;
- a closed window is **expired** (may be deleted) once ``watermark - retention >= window_end``; retention
  counts from the window end and should be at least the grace, or a window could vanish before it closes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def window_start(ts_ms: int, size_ms: int) -> int:
    """Start of the tumbling window of ``size_ms`` that holds ``ts_ms``."""
    if size_ms <= 0:
        raise ValueError(f"window size must be positive, got {size_ms} ms")
    return ts_ms - ts_ms % size_ms


def window_range(ts_ms: int, size_ms: int) -> tuple[int, int]:
    """``(start, end)`` of the window holding ``ts_ms``; ``start <= ts_ms < end``."""
    start = window_start(ts_ms, size_ms)
    return start, start + size_ms


def is_closed(window_end_ms: int, watermark_ms: int, grace_ms: int) -> bool:
    """Whether the watermark is at least ``grace_ms`` past the window end, so no event may change it."""
    return watermark_ms - grace_ms >= window_end_ms


def is_too_late(event_ms: int, window_end_ms: int, watermark_ms: int, grace_ms: int) -> bool:
    """Whether an event arrives after its window closed (beyond the grace): late, skipped for windows."""
    if event_ms >= window_end_ms:
        raise ValueError(f"event at {event_ms} ms is not in a window ending at {window_end_ms} ms")
    return is_closed(window_end_ms, watermark_ms, grace_ms)


def expired(window_end_ms: int, watermark_ms: int, retention_ms: int) -> bool:
    """Whether a window ended at least ``retention_ms`` before the watermark and may be deleted."""
    return watermark_ms - retention_ms >= window_end_ms


def closing_step_ms(sizes_ms: Iterable[int], grace_ms: int, retention_ms: int) -> int:
    """The event-time step every closing and expiry point is a multiple of.

    A window closes at ``end + grace`` and expires at ``end + retention``, and every ``end`` is a multiple
    of its size, so all these points are multiples of the sizes' and both delays' greatest common divisor.
    """
    return math.gcd(*sizes_ms, grace_ms, retention_ms)


def crosses_closing_point(before_ms: int | None, after_ms: int, step_ms: int) -> bool:
    """Whether a watermark moving from ``before_ms`` to ``after_ms`` reaches a new closing or expiry point.

    One that does not can close or expire no window, whatever the other partitions' watermarks: the
    smallest of them reaches a point only when this one does. ``None`` (never heard) always crosses.
    """
    return before_ms is None or after_ms // step_ms > before_ms // step_ms
