"""A token bucket that paces producers to a steady rate of records per second."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

_ROUNDING: Final[float] = 1e-9


class TokenBucket:
    """Lets ``rate`` records through per second on average, with bursts of at most ``burst`` records.

    The clock and the sleep are injected so the pacing can be tested without waiting.
    """

    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate:g}")
        # A tenth of a second of records by default: smooth, yet few enough sleeps to stay cheap.
        self._capacity = burst if burst is not None else max(1.0, rate / 10)
        self._rate = rate
        self._clock = clock
        self._sleep = sleep
        self._tokens = self._capacity
        self._updated = clock()

    def take(self, tokens: float = 1.0) -> None:
        """Wait until ``tokens`` may pass, then spend them."""
        while True:
            now = self._clock()
            self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
            self._updated = now
            # A hair of tolerance: float refills land a rounding error short of a whole token, and a sleep
            # too small to move the clock would never make up for it.
            if self._tokens >= tokens - _ROUNDING:
                self._tokens -= tokens
                return
            self._sleep((tokens - self._tokens) / self._rate)
