"""The token bucket paces to its rate, measured on a fake clock (no real waiting, no timing asserts)."""

from __future__ import annotations

import pytest

from pipeline.simulation.pacing import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds


@pytest.mark.parametrize(("rate", "burst", "takes"), [(10.0, 1.0, 50), (200.0, None, 1000), (0.5, 2.0, 6)])
def test_records_pass_at_the_rate(rate: float, burst: float | None, takes: int) -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate, burst, clock=clock, sleep=clock.sleep)
    for _ in range(takes):
        bucket.take()
    capacity = burst if burst is not None else max(1.0, rate / 10)
    assert clock.now == pytest.approx((takes - capacity) / rate)


def test_an_idle_bucket_refills_only_up_to_its_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(100.0, 5.0, clock=clock, sleep=clock.sleep)
    clock.now = 60.0
    for _ in range(5):
        bucket.take()
    assert clock.now == 60.0
    bucket.take()
    assert clock.now == pytest.approx(60.01)


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        TokenBucket(0.0)
