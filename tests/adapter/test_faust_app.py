"""The Faust app's settings that change how records flow, checked on the app the worker builds."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, cast

import aiokafka
import faust.transport.producer

from pipeline.adapters.faust_app import create_app
from pipeline.config import load_settings


def test_table_writes_do_not_stall_the_stream_at_a_hundred(tmp_path: Path) -> None:
    # Faust blocks every fetched record while more than ProducerBuffer.max_messages (100) table writes wait
    # to be sent; a batch's state flush writes more than that at once. The agents bound the buffer
    # themselves by waiting for each batch's writes, so the app's own buffer must not stall at 100.
    app = create_app(load_settings(worker={"workdir": str(tmp_path), "store": "memory"}))
    assert faust.transport.producer.ProducerBuffer.max_messages == 100
    assert app.producer.buffer.max_messages >= 100_000


async def test_fetches_wait_for_the_configured_bytes_or_time(tmp_path: Path) -> None:
    # Faust builds aiokafka's consumer without fetch_min_bytes: every fetch returned at the first record, and
    # below saturation the worker asked the broker again after every few records.
    settings = load_settings(
        worker={"workdir": str(tmp_path), "store": "memory", "fetch_min_bytes": 4096, "fetch_max_wait_ms": 7}
    )
    app = create_app(settings)
    thread: Any = cast(Any, app.consumer)._thread
    kafka_consumer = thread._create_worker_consumer(app.transport)
    try:
        assert (kafka_consumer._fetch_min_bytes, kafka_consumer._fetch_max_wait_ms) == (4096, 7)
    finally:
        await kafka_consumer.stop()
    # aiokafka's consumer hands exactly these to the fetcher it builds when it starts.
    start = inspect.getsource(aiokafka.AIOKafkaConsumer.start)
    assert "fetch_min_bytes=self._fetch_min_bytes" in start
    assert "fetch_max_wait_ms=self._fetch_max_wait_ms" in start

