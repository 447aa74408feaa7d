"""The Faust app's settings that change how records flow, checked on the app the worker builds."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path
from typing import Any, cast

import aiokafka
import aiokafka.client
import faust.transport.producer
import pytest
import yaml

from pipeline.adapters.faust_app import STOP_WAIT_SECONDS, create_app, finished_within
from pipeline.adapters.metadata_backoff import pace_failed_metadata_updates
from pipeline.config import load_settings

CHART_VALUES = Path(__file__).resolve().parents[2] / "deploy" / "helm" / "emotion-pipeline" / "values.yaml"


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



async def test_a_stop_step_that_ignores_its_cancellation_is_left_behind() -> None:
    # Faust's commit, stuck on the producer's flush while the broker was down, did not end when cancelled;
    # asyncio.wait_for waits for a cancelled step to end, so a stop bounded with it hung for minutes.
    released = asyncio.Event()

    async def stubborn() -> None:
        while not released.is_set():
            try:
                await released.wait()
            except asyncio.CancelledError:
                continue

    try:
        assert await asyncio.wait_for(finished_within(stubborn(), 0.05), 5.0) is False
    finally:
        released.set()


async def test_a_stop_step_that_ends_in_time_counts_and_its_error_is_raised() -> None:
    async def quick() -> None:
        await asyncio.sleep(0)

    async def broken() -> None:
        raise RuntimeError("commit refused")

    assert await finished_within(quick(), 5.0) is True
    with pytest.raises(RuntimeError, match="commit refused"):
        await finished_within(broken(), 5.0)


def test_the_consumer_and_producer_stop_within_a_bound(tmp_path: Path) -> None:
    # Faust waits without a bound for the last commit, 20 minutes for the producer's last acknowledgements
    # and 60 s for the consumer thread: a worker stopped during a broker outage outlived any grace period.
    app = create_app(load_settings(worker={"workdir": str(tmp_path), "store": "memory"}))
    consumer: Any = app.consumer
    assert consumer.on_stop.__name__ == "on_stop_within"
    assert consumer._thread.shutdown_timeout == STOP_WAIT_SECONDS
    assert cast(Any, app.producer).on_stop.__name__ == "on_stop_within"
    # The app's last flush, the consumer's last commit, its thread and the producer each wait at most this
    # long: together well inside the chart's grace period, after which the pod is killed.
    values = yaml.safe_load(CHART_VALUES.read_text(encoding="utf-8"))
    assert values["terminationGracePeriodSeconds"] >= 4 * STOP_WAIT_SECONDS + 10


class _UnreachableBroker:
    """An aiokafka client whose every metadata update fails at once, as with a refused connection."""

    _retry_backoff = 0.05

    def __init__(self) -> None:
        self.attempts = 0

    async def _metadata_update(self, cluster_metadata: object, topics: object) -> bool:
        self.attempts += 1
        return cluster_metadata is not None


async def test_failed_metadata_updates_wait_the_retry_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    pace_failed_metadata_updates(cast(Any, _UnreachableBroker))
    pace_failed_metadata_updates(cast(Any, _UnreachableBroker))  # installing twice paces once
    client = _UnreachableBroker()
    assert await client._metadata_update(None, None) is False
    assert pauses == [_UnreachableBroker._retry_backoff]
    assert await client._metadata_update(object(), None) is True  # a success is not delayed
    assert pauses == [_UnreachableBroker._retry_backoff]
    assert client.attempts == 2


def test_the_worker_paces_every_kafka_client(tmp_path: Path) -> None:
    create_app(load_settings(worker={"workdir": str(tmp_path), "store": "memory"}))
    assert getattr(aiokafka.client.AIOKafkaClient._metadata_update, "_emotion_pipeline_paced", False)
