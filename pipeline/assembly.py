"""Builds the domain components from settings; the worker and ``replay`` assemble the same way.

Every configuration error surfaces here, at start, as a ConfigurationError naming the setting or file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pipeline.config import Settings
from pipeline.domain.alert_builder import AlertBuilder
from pipeline.domain.emotion.engine import load_engine
from pipeline.domain.enrichment import Enricher
from pipeline.domain.event import InteractionEvent
from pipeline.domain.journeys.catalog import JourneyCatalog, load_journeys
from pipeline.domain.playbook import load_playbook
from pipeline.metrics_port import MetricsRecorder
from pipeline.processor import Processor
from pipeline.stage_windows import StageWindows


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Components:
    """The configured domain: what the worker's agents and replay run."""

    journeys: JourneyCatalog
    processor: Processor
    windows: StageWindows


def assemble(
    settings: Settings,
    metrics: MetricsRecorder,
    *,
    clock: Callable[[], datetime] = utc_now,
    require_key: bool = True,
    journeys: JourneyCatalog | None = None,
) -> Components:
    """Load the engine, journeys (unless given) and playbook and wire the processor and the window logic."""
    journeys = journeys if journeys is not None else load_journeys(settings.journeys.paths)
    engine = load_engine(settings.emotion.engine, settings.emotion.options)
    enricher = Enricher(engine, journeys, settings.experience)
    alerts = AlertBuilder(settings.alerts, settings.churn, load_playbook(settings.playbook.path))
    processor = Processor(
        enricher=enricher,
        alerts=alerts,
        policy=settings.churn,
        metrics=metrics,
        clock=clock,
        max_record_bytes=settings.worker.max_record_bytes,
        max_future_seconds=settings.worker.max_event_future_seconds,
        require_key=require_key,
        pii=settings.pii,
    )
    windows = StageWindows(settings.windows, settings.topics.partitions, metrics)
    return Components(journeys, processor, windows)


# One event per language path of the engine (English, simplified and traditional Chinese), with the rules,
# urgency cues and help phrases they reach.
_WARM_UP_EVENTS = (
    ("I was kept waiting for an hour, thanks for nothing! Please call me back right now.", "en"),
    ("快递三天了还没到，客服也不回消息，马上处理", "zh"),
    ("請問什麼時候可以出貨？謝謝", None),
)


def warm_up(enricher: Enricher) -> None:
    """Label a few fixed events, so that what the engine and rules load on first use (model weights,
    lexicons, compiled patterns: about a quarter of a second) is loaded before the first record arrives,
    and before the worker moves long-lived objects out of the garbage collector's way."""
    for number, (text, language) in enumerate(_WARM_UP_EVENTS):
        enricher.enrich(
            InteractionEvent(
                event_id=f"warm-up-{number}",
                customer_id="warm-up",
                occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
                channel="chat",
                text=text,
                language=language,
            )
        )
