"""Assembles the worker: the Faust app, topics, tables, agents, metrics and HTTP endpoints."""

from __future__ import annotations

import logging
import platform
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import faust
from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import CollectorRegistry

from pipeline import __version__
from pipeline.adapters.agents import InteractionsAgent, StageWindowsAgent, Tables, Topics
from pipeline.adapters.faust_app import create_app
from pipeline.adapters.metrics import PipelineMetrics
from pipeline.adapters.risk_levels import risk_level_counts
from pipeline.adapters.table_stores import WindowIndex
from pipeline.adapters.web import attach_operations
from pipeline.assembly import Components, assemble
from pipeline.config import Settings

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


def contributions_topic_name(settings: Settings) -> str:
    return f"{settings.worker.app_id}-stage-contributions"


def build_worker(settings: Settings, registry: CollectorRegistry | None = None) -> Worker:
    """Everything the worker runs, wired from settings (configuration errors raise here, before start)."""
    registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
    app = create_app(settings)
    partitions = settings.topics.partitions
    # Build the journeys first so the metric labels follow the configured journeys and stages.
    from pipeline.domain.journeys.catalog import load_journeys

    catalog = load_journeys(settings.journeys.paths)
    metrics = PipelineMetrics(registry, {name: catalog.stage_names(name) for name in catalog.journey_names})
    components = assemble(settings, metrics)
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

    def table(name: str, help_text: str) -> faust.Table:
        return app.Table(name, key_type=bytes, value_type=bytes, partitions=partitions, help=help_text)

    tables = Tables(
        customers=table("customers", "churn state per customer id"),
        source_watermarks=table("source-watermarks", "largest event time per input partition"),
        windows=table("stage-windows", "per-stage emotion windows by window id"),
        window_watermarks=table("window-watermarks", "source watermarks heard per contributions partition"),
    )
    index = WindowIndex(tables.windows, partitions, settings.windows)
    worker = Worker(app, settings, components, metrics, registry, topics, tables, index)
    _attach_agents(worker)
    _attach_health(worker)
    setup_prometheus_sensors(app, registry=registry, name_prefix="faust")
    attach_operations(worker)
    return worker


def _attach_agents(worker: Worker) -> None:
    app, settings = worker.app, worker.settings
    interactions = InteractionsAgent(worker.components.processor, worker.topics, worker.tables,
                                     settings.topics.partitions, levels=risk_level_counts(worker))
    stage = StageWindowsAgent(worker.components.windows, worker.topics, worker.tables, worker.index,
                              settings.topics.partitions)

    @app.agent(worker.topics.interactions, name="interactions", concurrency=1)
    async def consume_interactions(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for _ in interactions.run(stream, settings.worker.batch_size, settings.worker.batch_within_seconds):
            yield None

    @app.agent(worker.topics.contributions, name="stage-windows", concurrency=1)
    async def consume_contributions(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for _ in stage.run(stream):
            yield None

    # Window keys of a scope are re-read from the recovered table after every change of assignment.
    @app.on_partitions_revoked.connect
    async def forget_window_index(sender: Any, revoked: Any = None, **kwargs: Any) -> None:
        worker.index.reset()
        worker.metrics.set_ready(False)

    @app.on_partitions_assigned.connect
    async def reindex_windows(sender: Any, assigned: Any = None, **kwargs: Any) -> None:
        worker.index.reset()


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
    recovery = app.tables.recovery
    return bool(recovery.completed.is_set()) and not recovery.in_recovery
