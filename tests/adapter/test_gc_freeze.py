"""The worker freezes what is alive after its first recovery, once: later collections skip it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.adapters.worker_app import build_worker
from pipeline.config import load_settings
from pipeline.domain.emotion.chinese_lexicon import chinese_lexicon
from pipeline.domain.emotion.chinese_polarity import polarity_model
from pipeline.domain.emotion.english import english_model


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


async def test_the_engine_data_is_loaded_before_the_freeze_and_frozen_with_it(
    tmp_path: Path, unfrozen: None
) -> None:
    # The engine loads its weights and lexicons on first use; loaded by the first record, after the freeze,
    # the English weights alone (9,000 entries) stayed in the collector's way, and the first records waited
    # about a quarter of a second for them.
    loaders = (english_model, polarity_model, chinese_lexicon)
    for loader in loaders:
        loader.cache_clear()
    worker = build_worker(load_settings(worker={"store": "memory", "workdir": tmp_path}))
    assert [loader.cache_info().currsize for loader in loaders] == [1, 1, 1]

    await worker.app.on_rebalance_complete.send()
    young = {id(item) for generation in range(3) for item in gc.get_objects(generation)}
    assert id(english_model().weights) not in young
    assert id(polarity_model().bigrams) not in young
