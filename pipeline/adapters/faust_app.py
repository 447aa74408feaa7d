"""The Faust application: settings in, a configured ``faust.App`` out. Agents live in their own modules."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Coroutine
from datetime import timedelta
from functools import cached_property
from typing import Any, Final, cast

import faust
from faust.types import TP
from faust.types.transports import ConsumerT, ProducerT

from pipeline.adapters.consumer_guards import (
    FetchPositions,
    OffsetOrder,
    commit_only_from_the_committed_offset,
    count_current_acks_only,
    forget_read_positions,
    keep_fetched_records,
    seek_committed_or_earliest,
)
from pipeline.adapters.kafka_security import faust_credentials
from pipeline.adapters.metadata_backoff import pace_failed_metadata_updates
from pipeline.config import Settings, WorkerSettings

WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})

log = logging.getLogger(__name__)


_PRODUCER_BUFFER_UNBOUNDED: Final = 1_000_000
# How long each step of a stopping worker waits for the broker: the last offset commit, the last records'
# acknowledgements, the consumer thread leaving the group. Faust waits without a bound for the first, up
# to 20 minutes (its producer request timeout) for the second and 60 s for the third, so a worker stopped
# during a broker outage outlived any grace period. What is cut short is what a crash cuts short: records
# whose batch was not committed are read again, and state is written only once its changelog records are
# acknowledged (``deliveries``), so reading them again applies nothing twice.
STOP_WAIT_SECONDS: Final = 10.0
_UNACKNOWLEDGED: Final = "the broker did not acknowledge the last records"
_AFTER_A_STOP_CUT_SHORT: Final = (
    "the records read since the last commit will be processed again from the committed offset, "
    "which applies nothing twice"
)


class PipelineApp(faust.App):
    """Faust's app with the consumer guards of ``consumer_guards``: after a rebalance a partition is read
    from its committed offset, in order, and only what the current generation applied is committed."""

    # Set from the worker's settings by ``create_app``; unset, fetches are Faust's own.
    fetch_min_bytes: int | None = None
    fetch_max_wait_ms: int | None = None

    def _new_consumer(self) -> ConsumerT:
        consumer = super()._new_consumer()
        stop_within(consumer, STOP_WAIT_SECONDS, "the last offset commit did not complete")
        if self.fetch_min_bytes is not None and self.fetch_max_wait_ms is not None:
            fetch_in_batches(consumer, self.fetch_min_bytes, self.fetch_max_wait_ms)
        guarded = count_current_acks_only(self, consumer)
        guarded = commit_only_from_the_committed_offset(self, guarded, self.offset_order)
        guarded = FetchPositions(self).install(guarded)
        return seek_committed_or_earliest(self, guarded, self.offset_order)

    def _new_producer(self) -> ProducerT:
        producer = super()._new_producer()
        # Faust blocks the delivery of every fetched record while more than 100 table writes wait in its
        # producer buffer, then waits for them one by one (0.1 s at most each). A batch's state flush writes
        # more than that at once, so under load the stream stalled on it, batches grew, and the next flush
        # was bigger: measured at 531 events/s, latency that ran away to 12-15 s at 66-71% CPU. The agents
        # already wait for every write of a batch to be acknowledged before it completes, which bounds the
        # buffer at one batch's writes.
        producer.buffer.max_messages = _PRODUCER_BUFFER_UNBOUNDED
        stop_within(producer, STOP_WAIT_SECONDS, _UNACKNOWLEDGED)
        return producer

    async def _producer_flush(self, logger: Any) -> None:
        if not await finished_within(super()._producer_flush(logger), STOP_WAIT_SECONDS):
            _stop_cut_short(_UNACKNOWLEDGED, STOP_WAIT_SECONDS)

    @cached_property
    def offset_order(self) -> OffsetOrder:
        """Where each input partition's records must continue (the fifth guard); the agents consult it."""
        return OffsetOrder(self)

    async def _on_partitions_assigned(self, assigned: set[TP], generation_id: int = 0) -> None:
        forget_read_positions(self, assigned)
        keep_fetched_records(self)
        await super()._on_partitions_assigned(assigned, generation_id)


async def finished_within(step: Coroutine[Any, Any, None], seconds: float) -> bool:
    """Run ``step`` for at most ``seconds``; past that, cancel it and return False without waiting for it.

    Not ``asyncio.wait_for``: that waits for the cancelled step to finish, and Faust's commit, waiting on
    the producer's flush, did not finish on being cancelled (seen: a stop that hung for minutes).
    """
    task = asyncio.ensure_future(step)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if done:
        task.result()  # its exception, if any, is the caller's
        return True
    task.cancel()
    return False


def _stop_cut_short(left_undone: str, seconds: float) -> None:
    log.warning("%s within %.0f s of stopping: %s", left_undone, seconds, _AFTER_A_STOP_CUT_SHORT)


def stop_within(service: Any, seconds: float, left_undone: str) -> None:
    """Bound what a stopping consumer or producer waits for the broker (its last commit, its last
    acknowledgements, its thread leaving the group) to ``seconds``; past that, log what was left undone."""
    on_stop = service.on_stop

    async def on_stop_within() -> None:
        if not await finished_within(on_stop(), seconds):
            _stop_cut_short(left_undone, seconds)

    service.on_stop = on_stop_within
    thread = getattr(service, "_thread", None)
    if thread is not None:
        thread.shutdown_timeout = seconds


def create_app(settings: Settings) -> faust.App:
    """A Faust app with raw byte topics (our own codec decodes), at-least-once, and the configured store."""
    worker = settings.worker
    worker.workdir.mkdir(parents=True, exist_ok=True)
    pace_failed_metadata_updates()
    app = PipelineApp(
        worker.app_id,
        broker=[f"kafka://{server}" for server in settings.kafka.servers],
        broker_credentials=faust_credentials(settings.kafka),
        broker_client_id=settings.kafka.client_id,
        store="rocksdb://" if worker.store == "rocksdb" else "memory://",
        datadir=str(worker.workdir),
        web_host=worker.web_host,
        web_port=worker.web_port,
        web_in_thread=False,
        # Peers forward table-routed requests to this URL, so it must be reachable from the other workers.
        canonical_url=canonical_url(worker),
        # @app.table_route works from app.router alone; the /router/ views would only publish the topology,
        # and Faust's /table/ views would serve customer state without a token (the API serves it behind one).
        web_router_enabled=False,
        web_tables_enabled=False,
        topic_partitions=settings.topics.partitions,
        topic_replication_factor=settings.topics.replication_factor,
        topic_allow_declare=settings.topics.create,
        key_serializer="raw",
        value_serializer="raw",
        processing_guarantee="at_least_once",
        table_standby_replicas=0,
        broker_commit_every=worker.batch_size,
        broker_commit_interval=timedelta(seconds=worker.commit_interval_seconds),
        broker_session_timeout=timedelta(seconds=worker.session_timeout_seconds),
        broker_heartbeat_interval=timedelta(seconds=worker.heartbeat_interval_seconds),
        broker_max_poll_records=worker.batch_size,
        producer_linger=timedelta(milliseconds=5),
        producer_acks=-1,
        # Faust's default (True) waits on a revoke until every in-flight event is acked; with take_events that
        # wait deadlocked a partition for good in the rebalance test. Off, a batch in flight can still write
        # state for a partition being revoked: the agents check the assignment before each record and write.
        stream_wait_empty=False,
        logging_config=None,
    )
    app.fetch_min_bytes = worker.fetch_min_bytes
    app.fetch_max_wait_ms = worker.fetch_max_wait_ms
    return app


def fetch_in_batches(consumer: ConsumerT, min_bytes: int, max_wait_ms: int) -> None:
    """Have the broker hold each fetch until ``min_bytes`` are ready or ``max_wait_ms`` has passed.

    Faust builds aiokafka's consumer (in its consumer thread) without these options, so every fetch
    returned as soon as one record was there: below saturation the consumer sent a fetch request after
    every few records, each a round trip handled by both threads of the worker. Measured at 472 events/s:
    worker CPU 0.85 -> 0.78 of a core, p99 latency 153 -> 115 ms (docs/performance.md).
    """
    thread: Any = cast(Any, consumer)._thread
    create = thread._create_worker_consumer

    def create_fetching_in_batches(*args: Any, **kwargs: Any) -> Any:
        kafka_consumer = create(*args, **kwargs)
        # Read when aiokafka's consumer starts and builds its fetcher.
        kafka_consumer._fetch_min_bytes = min_bytes
        kafka_consumer._fetch_max_wait_ms = max_wait_ms
        return kafka_consumer

    thread._create_worker_consumer = create_fetching_in_batches


def canonical_url(worker: WorkerSettings) -> str:
    """How other workers reach this one: the bind address, or this host's name when bound to all interfaces.

    Faust's own ``NODE_CANONICAL_URL`` variable overrides it (e.g. a pod's DNS name behind a proxy).
    """
    host = worker.web_host
    if host in WILDCARD_HOSTS:
        host = socket.getfqdn()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{worker.web_port}"
