"""Batches are handed over when nothing more is waiting, not after the configured wait.

Faust's own ``take_events`` handed a batch over only when it was full or when ``within`` had passed since
the last one, so below saturation every record waited out ``within``. The worker's batching
(``adapters/batching.py``) must hand a lone record over as soon as it is fetched; ``within`` is only the
longest it may wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from support.kafka import (
    WorkerProcess,
    create_topics,
    end_offsets_total,
    produce,
    role_topics,
    wait_for,
    worker_topics_env,
)
from support.streams import event_stream

from pipeline.devtools.local_kafka import free_port
from pipeline.replay import record_key

pytestmark = [pytest.mark.broker]

WITHIN_S = 10.0


def test_a_lone_record_is_not_held_for_the_batch_wait(
    bootstrap: str, unique: str, tmp_path: Path, start_worker: Callable[..., WorkerProcess]
) -> None:
    topics = role_topics(unique)
    create_topics(bootstrap, topics.values(), 1)
    worker = start_worker({
        **worker_topics_env(bootstrap, topics, 1),
        "EMOTION_PIPELINE_WORKER__APP_ID": f"app-{unique}",
        "EMOTION_PIPELINE_WORKER__WORKDIR": str(tmp_path / "state"),
        "EMOTION_PIPELINE_WORKER__WEB_PORT": str(free_port()),
        "EMOTION_PIPELINE_WORKER__BATCH_WITHIN_SECONDS": str(WITHIN_S),
        "EMOTION_PIPELINE_WORKER__LOG_LEVEL": "WARNING",
    })
    by_id = {orjson.loads(record)["event_id"]: record for record in event_stream(20, 20)}
    first, second, third = list(by_id.values())[:3]

    def enriched() -> int:
        return end_offsets_total(bootstrap, topics["enriched"])

    # The first record also waits for the worker to start, join the group and recover.
    produce(bootstrap, topics["in"], [(record_key(first), first)])
    assert wait_for(lambda: enriched() >= 1 or not worker.alive(), 180), worker.log()[-3000:]
    assert worker.alive(), worker.log()[-3000:]

    # Each later record arrives alone, right after the batch before it: Faust's take_events would hold it
    # until WITHIN_S after that batch.
    for expected, record in enumerate((second, third), start=2):
        sent = time.monotonic()
        produce(bootstrap, topics["in"], [(record_key(record), record)])
        assert wait_for(lambda n=expected: enriched() >= n, WITHIN_S, poll_s=0.1), worker.log()[-3000:]
        assert time.monotonic() - sent < WITHIN_S / 2, "the record waited for the batch wait"
