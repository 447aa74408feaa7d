"""Assembles the worker: the Faust app, topics, tables, agents, metrics and HTTP endpoints."""

from __future__ import annotations

import asyncio
import gc
import logging
import platform
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, cast

import faust
from faust.sensors.prometheus import setup_prometheus_sensors
from faust.types import Message
from prometheus_client import CollectorRegistry

from pipeline import __version__
from pipeline.adapters.agents import (
    InteractionsAgent,
    Ownership,
    Readiness,
    StageWindowsAgent,
    Tables,
    Topics,
)
from pipeline.adapters.batching import take_ready
from pipeline.adapters.connection_check import check_connection
from pipeline.adapters.consumer_guards import OffsetOrder
from pipeline.adapters.deliveries import Deliveries, make_changelog_first
from pipeline.adapters.faust_app import PipelineApp, create_app
from pipeline.adapters.metrics import PipelineMetrics
from pipeline.adapters.risk_levels import risk_level_counts
from pipeline.adapters.rocksdb_memory import MIB, RocksDBBudget, memory_allocator, share_budget
from pipeline.adapters.table_stores import BytesTable, WindowIndex
from pipeline.adapters.topic_admin import TABLES, contributions_topic_name, ensure_topics
from pipeline.adapters.web import attach_operations
from pipeline.assembly import Components, assemble, warm_up
from pipeline.config import Settings
from pipeline.domain.journeys.catalog import load_journeys
from pipeline.logging_setup import worker_logging_config
from pipeline.metrics_port import INTERACTIONS, STAGE_WINDOWS

if TYPE_CHECKING:
    from faust.worker import Worker as FaustWorker

log = logging.getLogger(__name__)


@dataclass
class Worker:
    """The assembled worker: what tests and the web views reach into."""

    app: faust.App
    settings: Settings
    components: Components
    metrics: PipelineMetrics
    registry: CollectorRegistry
    topics: Topics
    tables: Tables
    index: WindowIndex


def build_worker(settings: Settings, registry: CollectorRegistry | None = None) -> Worker:
    """Everything the worker runs, wired from settings (configuration errors raise here, before start)."""
    registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
    app = create_app(settings)
    partitions = settings.topics.partitions
    # Journeys first: the metric labels follow the configured journeys and stages.
    catalog = load_journeys(settings.journeys.paths)
    metrics = PipelineMetrics(registry, {name: catalog.stage_names(name) for name in catalog.journey_names})
    components = assemble(settings, metrics, journeys=catalog)
    warm_up(components.processor.enricher)
    engine_info = components.processor.enricher.engine.info
    metrics.set_build_info(__version__, engine_info.name, engine_info.version, platform.python_version())

    def topic(name: str, **options: Any) -> faust.TopicT:
        return app.topic(name, key_type=bytes, value_type=bytes, partitions=partitions, **options)

    names = settings.topics
    topics = Topics(
        interactions=topic(names.interactions),
        enriched=topic(names.enriched),
        alerts=topic(names.alerts),
        stage_emotions=topic(names.stage_emotions),
        dlq=topic(names.dlq),
        contributions=topic(contributions_topic_name(settings), internal=True),
    )

    def table(name: str, help_text: str) -> BytesTable:
        return cast(
            BytesTable,
            app.Table(
                name,
                key_type=bytes,
                value_type=bytes,
                partitions=partitions,
                help=help_text,
            ),
        )

    # Named as ensure_topics names their changelogs, which it creates before the worker starts.
    customers, source_watermarks, windows, window_watermarks = TABLES
    tables = Tables(
        customers=table(customers, "churn state per customer id"),
        source_watermarks=table(source_watermarks, "largest event time per input partition"),
        windows=table(windows, "per-stage emotion windows by window id"),
        window_watermarks=table(window_watermarks, "source watermarks heard per contributions partition"),
    )
    if settings.worker.store == "rocksdb":
        budget = RocksDBBudget.of(settings.worker.rocksdb_memory_mib)
        for field in fields(tables):
            share_budget(getattr(tables, field.name).data, budget, settings.worker.rocksdb_write_buffer_mib)
        cache, memtables = budget.cache.get_usage, budget.write_buffers.get_usage
        metrics.track_rocksdb_memory(budget.size_bytes, cache, memtables)
        allocator = memory_allocator()
        log.info("RocksDB memory budget", extra={"mib": budget.size_bytes // MIB, "allocator": allocator})
    index = WindowIndex(tables.windows, partitions, settings.windows)
    worker = Worker(app, settings, components, metrics, registry, topics, tables, index)
    _attach_agents(worker)
    _attach_health(worker)
    freeze_after_first_recovery(app)
    setup_prometheus_sensors(app, registry=registry, name_prefix="faust")
    attach_operations(worker)
    return worker


def _attach_agents(worker: Worker) -> None:
    app, settings = worker.app, worker.settings

    owns = in_offset_order(current_records(app), cast(PipelineApp, app).offset_order)
    ready = tables_recovered(app, cast(PipelineApp, app).offset_order)
    # Each agent waits for its own outputs and its own tables' changelog writes before Faust acks.
    enrichment_sends, window_sends = Deliveries(), Deliveries()
    make_changelog_first(worker.tables.customers, enrichment_sends)
    make_changelog_first(worker.tables.source_watermarks, enrichment_sends)
    make_changelog_first(worker.tables.windows, window_sends)
    make_changelog_first(worker.tables.window_watermarks, window_sends)

    interactions = InteractionsAgent(
        worker.components.processor,
        worker.topics,
        worker.tables,
        settings.topics.partitions,
        levels=risk_level_counts(worker),
        owns=owns,
        deliveries=enrichment_sends,
        ready=ready,
        closing_step_ms=settings.windows.closing_step_ms,
        metrics=worker.metrics,
    )
    stage = StageWindowsAgent(
        worker.components.windows,
        worker.topics,
        worker.tables,
        worker.index,
        settings.topics.partitions,
        owns=owns,
        deliveries=window_sends,
        ready=ready,
        metrics=worker.metrics,
    )

    @app.agent(worker.topics.interactions, name=INTERACTIONS, concurrency=1)
    async def consume_interactions(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        batches = take_ready(stream, settings.worker.batch_size, settings.worker.batch_within_seconds)
        async for _ in interactions.run(batches):
            yield None

    @app.agent(worker.topics.contributions, name=STAGE_WINDOWS, concurrency=1)
    async def consume_contributions(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for _ in stage.run(stream):
            yield None

    # Window keys of a scope are re-read from the recovered table after every change of assignment.
    async def forget_window_index(*args: Any, **kwargs: Any) -> None:
        worker.index.reset()
        worker.metrics.set_ready(False)

    async def reindex_windows(*args: Any, **kwargs: Any) -> None:
        worker.index.reset()

    app.on_partitions_revoked.connect(forget_window_index)
    app.on_partitions_assigned.connect(reindex_windows)


def current_records(app: faust.App) -> Ownership:
    """Whether a record may still change state: fetched in this consumer generation, from a partition still
    assigned (see ``agents.Ownership``), by a worker that is not stopping.

    A stopping worker keeps its generation and assignment until it has left the group, but Faust stops its
    tables before the agents have finished the batch in hand, and a stopped RocksDB store holds no
    partition: a read there finds no state, as if the customer were new, and the state written from it
    reached the changelog, where the next owner recovered it in place of the customer's history (traced
    in the join-and-leave test: a customer's strikes started again and the second at_risk and
    churn_threshold alerts went out). The batch's records are released instead and read again by the
    partition's next owner from the committed offset.
    """

    assignment = assigned_partitions(app)

    def owns(message: Message) -> bool:
        return (
            not app.should_stop
            and message.generation_id == app.consumer_generation_id
            and message.tp in assignment()
        )

    return owns


def in_offset_order(owns: Ownership, order: OffsetOrder) -> Ownership:
    """``owns``, and only in offset order from the generation's seek (the fifth consumer guard)."""
    admits = order.admits

    def owns_in_order(message: Message) -> bool:
        return owns(message) and admits(message)

    return owns_in_order


def assigned_partitions(app: faust.App) -> Callable[[], Collection[tuple[str, int]]]:
    """A reader of the consumer's current assignment that copies nothing.

    Faust's ``consumer.assignment()`` converts aiokafka's into a new set of ``TP`` on every call: asked for
    every record (is it still owned?), that was a twentieth of a busy worker's time. aiokafka keeps the
    assignment as a frozenset of ``TopicPartition`` namedtuples, which hash and compare equal to ``TP``, and
    replaces it on every rebalance; once its consumer exists, it is read directly.
    """

    def read() -> Collection[tuple[str, int]]:
        client = getattr(getattr(app.consumer, "_thread", None), "_consumer", None)
        if client is None:
            return app.consumer.assignment()
        return cast(Collection[tuple[str, int]], client.assignment())

    return read


def tables_recovered(app: faust.App, order: OffsetOrder, poll_seconds: float = 0.05) -> Readiness:
    """Waits until the tables are recovered for the current consumer generation and its seek has put the
    input partitions at their committed offsets (``order`` notes it; see ``agents.Readiness``).

    Faust's own flags are not enough: between the end of a rebalance and the start of its recovery neither
    ``rebalancing`` nor ``in_recovery`` is set, and ``completed`` stays set from the previous round, while
    the consumer already hands out records. Faust sends ``on_rebalance_complete`` once a round's tables are
    recovered (or had nothing to recover); the generation current at that moment is the recovered one. It
    sends it before it resumes and seeks the input partitions, so records taken then come from wherever the
    fetch position was, ahead of the commit perhaps, and the fifth guard cannot judge their order yet.
    """
    recovered: list[int | None] = [None]

    async def note_recovered(*args: Any, **kwargs: Any) -> None:
        recovered[0] = app.consumer_generation_id

    app.on_rebalance_complete.connect(note_recovered)

    async def ready() -> None:
        recovery = cast(Any, app.tables).recovery  # the TableManager stub lacks it
        while (
            app.rebalancing
            or recovery.in_recovery
            or recovered[0] is None
            or recovered[0] != app.consumer_generation_id
            or not order.seek_done_in_this_generation()
        ):
            await asyncio.sleep(poll_seconds)

    return ready


def freeze_after_first_recovery(app: faust.App) -> None:
    """Move what is alive once the first assignment is recovered out of the garbage collector's way.

    By then the lexicons, model weights (loaded by ``warm_up`` in ``build_worker``, not by the first
    record), journeys, Faust's and aiokafka's machinery (most of a worker's 130,000 tracked objects) are
    loaded and live as long as the process; every full collection would walk them again. Frozen objects
    are still freed by reference counting, only no longer scanned for cycles.
    """
    frozen = False

    async def freeze(*args: Any, **kwargs: Any) -> None:
        nonlocal frozen
        if not frozen:
            frozen = True
            gc.collect()
            gc.freeze()
            log.info("froze long-lived objects", extra={"objects": gc.get_freeze_count()})

    app.on_rebalance_complete.connect(freeze)


def _attach_health(worker: Worker) -> None:
    app = worker.app

    @app.page("/healthz")
    async def healthz(self: faust.web.View, request: faust.web.Request) -> faust.web.Response:
        return self.json({"status": "alive", "version": __version__})

    @app.page("/readyz")
    async def readyz(self: faust.web.View, request: faust.web.Request) -> faust.web.Response:
        ready = is_ready(app)
        worker.metrics.set_ready(ready)
        return self.json({"ready": ready}, status=200 if ready else 503)


def is_ready(app: faust.App) -> bool:
    """Connected to Kafka with an assignment, not rebalancing, and every table recovered."""
    consumer = app.consumer if app.producer is not None else None
    if consumer is None or app.rebalancing:
        return False
    recovery = cast(Any, app.tables).recovery  # the TableManager stub lacks it
    return bool(recovery.completed.is_set()) and not recovery.in_recovery


def run_worker(settings: Settings) -> None:
    """Check the connection and topics, then run the worker until it is stopped (signals handled by Faust)."""
    from faust.worker import Worker as FaustWorker  # noqa: PLC0415 - importing it sets up Faust's CLI machinery

    worker = build_worker(settings)
    check_connection(settings.kafka)
    ensure_topics(settings)
    without_spinner(
        FaustWorker(
            worker.app,
            loglevel=settings.worker.log_level.lower(),
            logging_config=worker_logging_config(settings.worker.log_level),
        )
    ).execute_from_commandline()


def without_spinner(worker: FaustWorker) -> FaustWorker:
    """Drop Faust's terminal spinner. At WARNING and above Faust keeps it and lowers the root logger to DEBUG
    so that it spins on every record: each debug call of Faust and aiokafka (several per message sent) then
    builds a log record nobody prints, about 7% of a busy worker's CPU. A worker's output is a log, not a
    terminal."""
    worker.spinner = None
    return worker
