"""The loop through a real broker: a worker consumes raw records and produces them on, in order per key."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from support.kafka import consume_all, create_topics, produce

from pipeline.devtools.local_kafka import free_port

pytestmark = pytest.mark.broker


def test_worker_forwards_every_record_in_order_per_key(bootstrap: str, unique: str, tmp_path: Path,
                                                       start_worker) -> None:
    source, sink = f"in-{unique}", f"out-{unique}"
    create_topics(bootstrap, [source, sink], partitions=4)
    records = [(f"customer-{i % 13}".encode(), f"{i}".encode()) for i in range(500)]
    worker = start_worker({
        "EMOTION_PIPELINE_KAFKA__BOOTSTRAP_SERVERS": bootstrap,
        "EMOTION_PIPELINE_TOPICS__INTERACTIONS": source,
        "EMOTION_PIPELINE_TOPICS__ENRICHED": sink,
        "EMOTION_PIPELINE_TOPICS__PARTITIONS": "4",
        "EMOTION_PIPELINE_WORKER__APP_ID": f"app-{unique}",
        "EMOTION_PIPELINE_WORKER__WORKDIR": str(tmp_path / "state"),
        "EMOTION_PIPELINE_WORKER__WEB_PORT": str(free_port()),
    })
    produce(bootstrap, source, records)

    received = consume_all(bootstrap, sink, expected=len(records), timeout_s=90, alive=worker.alive)

    assert len(received) == len(records), worker.log()[-3000:]
    per_key: dict[bytes | None, list[int]] = defaultdict(list)
    for key, value in received:
        per_key[key].append(int(value))
    assert all(values == sorted(values) for values in per_key.values())
    assert {key for key, _ in records} == set(per_key)
