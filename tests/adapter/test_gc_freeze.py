"""The worker freezes what is alive after its first recovery, once: later collections skip it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.adapters.worker_app import build_worker
from pipeline.config import load_settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


async def test_first_recovery_freezes_long_lived_objects_and_later_ones_do_not(
    tmp_path: Path, unfrozen: None
) -> None:
    worker = build_worker(load_settings(worker={"store": "memory", "workdir": tmp_path}))
    assert gc.get_freeze_count() == 0

    await worker.app.on_rebalance_complete.send()
    frozen = gc.get_freeze_count()
    assert frozen > 10_000, "the engine's tables, Faust's and aiokafka's machinery"

    _short_lived = [[index] for index in range(1_000)]  # tracked, alive during the second signal
    await worker.app.on_rebalance_complete.send()
    assert gc.get_freeze_count() == frozen, "a later rebalance must not freeze short-lived objects"
