"""The product's Prometheus metrics, declared in one container and recorded only through its verbs.

Every label value is bounded: journeys and stages come from the configured journeys (plus the ``unknown``
stage), outcomes, reasons, transitions, levels and experiences from fixed sets; anything else is recorded
as ``other``. Customer ids and event ids never become labels. The worker passes the registry that Faust's
own Prometheus sensor serves on ``/metrics``; tests pass a fresh ``CollectorRegistry``.
"""

from __future__ import annotations

import contextlib
import math
import platform
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeVar, get_args

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.metrics import MetricWrapperBase

from pipeline.domain.emotion import compiled
from pipeline.domain.labels import Experience
from pipeline.domain.records import DEAD_LETTER_KINDS, AlertTransition, RiskLevel
from pipeline.metrics_port import AGENT_NAMES, MetricsRecorder, NullMetrics

__all__ = [
    "DEFAULT_VALENCE_HALF_LIFE_EVENTS",
    "ENRICHMENT_LATENCY_BUCKETS",
    "EVENT_AGE_BUCKETS",
    "NAMESPACE",
    "OTHER",
    "MetricsRecorder",
    "NullMetrics",
    "PipelineMetrics",
]

NAMESPACE: Final[str] = "emotion_pipeline"
OTHER: Final[str] = "other"
UNKNOWN_STAGE: Final[str] = "unknown"

OUTCOMES: Final[tuple[str, ...]] = ("enriched", "invalid", "duplicate", "late")
EXPERIENCES: Final[tuple[str, ...]] = get_args(Experience)
TRANSITIONS: Final[tuple[str, ...]] = get_args(AlertTransition)
RISK_LEVELS: Final[tuple[str, ...]] = ("ok", *(level for level in get_args(RiskLevel) if level != "ok"))
DEAD_LETTER_REASONS: Final[tuple[str, ...]] = DEAD_LETTER_KINDS

# The default lexicon engine takes tens of microseconds per event; a batched transformer engine can take
# seconds. The buckets span both so p50 and p99 stay readable whichever engine is configured.
ENRICHMENT_LATENCY_BUCKETS: Final[tuple[float, ...]] = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
)
# From "just happened" (0.1 s) to a back-fill of a month-old export (30 days).
EVENT_AGE_BUCKETS: Final[tuple[float, ...]] = (
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
    60.0,
    120.0,
    300.0,
    600.0,
    1800.0,
    3600.0,
    7200.0,
    21600.0,
    86400.0,
    259200.0,
    604800.0,
    2592000.0,
)
# After this many events of one stage, an older event weighs half as much in the stage's valence gauge:
# smooth enough not to jump on one angry message, quick enough to show a shift within minutes at
# ordinary volumes. Counted in events rather than seconds so replay and streaming agree and a quiet
# stage keeps its last value instead of decaying towards a meaningless zero.
DEFAULT_VALENCE_HALF_LIFE_EVENTS: Final[int] = 50

_Metric = TypeVar("_Metric", bound=MetricWrapperBase)


@dataclass
class _StageSeries:
    """The series of one bounded (journey, stage) pair, with the running valence mean behind its gauge."""

    journey: str
    stage: str
    experiences: dict[str, Counter] = field(default_factory=dict)
    valence: Gauge | None = None
    valence_mean: float = 0.0


class PipelineMetrics:
    """Every metric the product exposes, declared on ``registry``; recorded only through the verbs below.

    ``journeys`` maps each configured journey to its stage names; those (and the ``unknown`` stage) are the
    only journey and stage label values, so the number of series is fixed by configuration.
    """

    def __init__(
        self,
        registry: CollectorRegistry,
        journeys: Mapping[str, Sequence[str]],
        *,
        valence_half_life_events: int = DEFAULT_VALENCE_HALF_LIFE_EVENTS,
    ) -> None:
        if valence_half_life_events < 1:
            raise ValueError(f"valence_half_life_events must be at least 1, got {valence_half_life_events}")
        self._valence_weight = 1.0 - 0.5 ** (1.0 / valence_half_life_events)
        self._declared: list[MetricWrapperBase] = []

        self._events = self._declare(
            Counter(
                "events_total",
                "Input records by outcome: enriched, invalid (dead-lettered), duplicate "
                "(event id already applied), late (enriched, but past the window grace period).",
                ["outcome"],
                namespace=NAMESPACE,
                registry=registry,
            )
        )
        self._enrichment_latency = self._declare(
            Histogram(
                "enrichment_latency_seconds",
                "Time to enrich one event (emotion, stage, experience, pace).",
                namespace=NAMESPACE,
                registry=registry,
                buckets=ENRICHMENT_LATENCY_BUCKETS,
            )
        )
        self._event_age = self._declare(
            Histogram(
                "event_age_seconds",
                "Processing time minus the event's occurred_at (0 for future-dated events).",
                namespace=NAMESPACE,
                registry=registry,
                buckets=EVENT_AGE_BUCKETS,
            )
        )
        self._alerts = self._declare(
            Counter(
                "alerts_total",
                "Churn-risk alerts sent, by level transition.",
                ["transition"],
                namespace=NAMESPACE,
                registry=registry,
            )
        )
        self._alerts_suppressed = self._declare(
            Counter(
                "alerts_suppressed_total",
                "Churn-risk alerts held back by the per-customer cooldown.",
                ["transition"],
                namespace=NAMESPACE,
                registry=registry,
            )
        )
        self._dead_letters = self._declare(
            Counter(
                "dead_letters_total",
                "Records sent to the dead-letter topic, by reason.",
                ["reason"],
                namespace=NAMESPACE,
                registry=registry,
            )
        )
        self._customers = self._declare(
            Gauge(
                "customers",
                "Tracked customers per risk level, as counted by this worker.",
                ["level"],
                namespace=NAMESPACE,
                registry=registry,
            )
        )
        self._stage_experiences = self._declare(
            Counter(
                "stage_experiences_total",
                "Enriched events per journey stage and experience (good, neutral, bad).",
                ["journey", "stage", "experience"],
                namespace=NAMESPACE,
                registry=registry,
            )
        )
        self._stage_valence = self._declare(
            Gauge(
                "stage_valence",
                f"Exponentially weighted mean valence (-1..1) of the stage's recent events; half-life "
                f"{valence_half_life_events} events.",
                ["journey", "stage"],
                namespace=NAMESPACE,
                registry=registry,
            )
        )
        self._windows_emitted = self._declare(
            Counter(
                "stage_windows_emitted_total",
                "Closed per-stage emotion windows sent.",
                namespace=NAMESPACE,
                registry=registry,
            )
        )
        self._work_retries = self._declare(
            Counter(
                "work_retries_total",
                "Batches (interactions) or messages (stage-windows) that failed and are done again after a "
                "pause; a failure that keeps coming back stalls its partition.",
                ["agent"],
                namespace=NAMESPACE,
                registry=registry,
            )
        )
        self._consumer_lag = self._declare(
            Gauge(
                "consumer_lag",
                "Messages not yet committed: end offset minus committed offset.",
                ["topic", "partition"],
                namespace=NAMESPACE,
                registry=registry,
            )
        )
        self._build_info = self._declare(
            Gauge(
                "build_info",
                "Always 1; the labels say what is running.",
                ["version", "engine", "engine_version", "python", "engine_build"],
                namespace=NAMESPACE,
                registry=registry,
            )
        )
        self._ready = self._declare(
            Gauge(
                "ready",
                "1 when the worker is connected and its state recovered, else 0.",
                namespace=NAMESPACE,
                registry=registry,
            )
        )
        self._rocksdb_memory = self._declare(
            Gauge(
                "rocksdb_memory_bytes",
                "The worker's RocksDB memory budget and its use: the shared block cache (memtables charged "
                "to it included) and the memtables alone.",
                ["part"],
                namespace=NAMESPACE,
                registry=registry,
            )
        )

        # Children bound once: the hot path does dictionary lookups, not label validation.
        self._outcome = {outcome: self._events.labels(outcome) for outcome in OUTCOMES}
        self._dead_letter = {reason: self._dead_letters.labels(reason) for reason in DEAD_LETTER_REASONS}
        self._other_dead_letter = self._dead_letters.labels(OTHER)
        self._alert = {transition: self._alerts.labels(transition) for transition in TRANSITIONS}
        self._suppressed = {name: self._alerts_suppressed.labels(name) for name in TRANSITIONS}
        self._retry = {agent: self._work_retries.labels(agent) for agent in AGENT_NAMES}
        self._other_retry = self._work_retries.labels(OTHER)
        for level in RISK_LEVELS:
            self._customers.labels(level).set(0)
        self._known_stages: dict[tuple[str, str], _StageSeries] = {}
        for journey, stages in journeys.items():
            for stage in (*stages, UNKNOWN_STAGE):
                self._known_stages[(journey, stage)] = self._stage_series(journey, stage)
        self._configured_journeys = frozenset(journeys)
        self._other_stages: dict[tuple[str, str], _StageSeries] = {}
        self._ready.set(0)

    def _declare(self, metric: _Metric) -> _Metric:
        self._declared.append(metric)
        return metric

    def _stage_series(self, journey: str, stage: str) -> _StageSeries:
        series = _StageSeries(journey, stage)
        # Experience counters start at zero so the first event of a stage shows in rate() and increase().
        for experience in EXPERIENCES:
            series.experiences[experience] = self._stage_experiences.labels(journey, stage, experience)
        return series

    def _bounded_stage(self, journey: str, stage: str) -> _StageSeries:
        series = self._known_stages.get((journey, stage))
        if series is not None:
            return series
        key = (journey, OTHER) if journey in self._configured_journeys else (OTHER, OTHER)
        series = self._other_stages.get(key)
        if series is None:
            series = self._other_stages[key] = self._stage_series(*key)
        return series

    def series_names(self) -> frozenset[str]:
        """Every sample name this container can expose (``_total``, ``_bucket``, ... included)."""
        names: set[str] = set()
        for metric in self._declared:
            for family in metric.describe():
                names.update(_sample_names(family.name, family.type))
        return frozenset(names)

    def event_enriched(
        self, journey: str, stage: str, experience: str, *, valence: float, latency_s: float, age_s: float
    ) -> None:
        """A valid event was enriched: count it per stage and experience, and feed latency, age, valence."""
        self._outcome["enriched"].inc()
        if math.isfinite(latency_s):
            self._enrichment_latency.observe(max(latency_s, 0.0))
        if math.isfinite(age_s):
            # A future occurred_at (clock skew upstream) lands in the lowest bucket instead of
            # pulling the histogram's sum below zero.
            self._event_age.observe(max(age_s, 0.0))
        series = self._bounded_stage(journey, stage)
        counter = series.experiences.get(experience)
        if counter is None:
            counter = self._stage_experiences.labels(series.journey, series.stage, OTHER)
        counter.inc()
        if math.isfinite(valence):
            self._record_valence(series, valence)

    def _record_valence(self, series: _StageSeries, valence: float) -> None:
        if series.valence is None:
            series.valence_mean = valence
            series.valence = self._stage_valence.labels(series.journey, series.stage)
            # Read at scrape time: a locked set() per event would cost more than the mean itself.
            series.valence.set_function(lambda: series.valence_mean)
        else:
            series.valence_mean += self._valence_weight * (valence - series.valence_mean)

    def event_invalid(self, reason: str) -> None:
        """A record was dead-lettered for ``reason``, a dead-letter kind (others count as ``other``)."""
        self._outcome["invalid"].inc()
        self._dead_letter.get(reason, self._other_dead_letter).inc()

    def event_duplicate(self) -> None:
        """An already applied event id was seen again."""
        self._outcome["duplicate"].inc()

    def event_late(self) -> None:
        """An enriched event was too late for its window; it is also counted as ``enriched``."""
        self._outcome["late"].inc()

    def alert_emitted(self, transition: str) -> None:
        """A churn-risk alert was sent."""
        (self._alert.get(transition) or self._alerts.labels(OTHER)).inc()

    def alert_suppressed(self, transition: str) -> None:
        """A churn-risk alert was held back by the cooldown."""
        (self._suppressed.get(transition) or self._alerts_suppressed.labels(OTHER)).inc()

    def window_emitted(self) -> None:
        """A closed stage window was sent."""
        self._windows_emitted.inc()

    def work_retried(self, agent: str) -> None:
        """An agent failed a batch or message and will do it again (others count as ``other``)."""
        self._retry.get(agent, self._other_retry).inc()

    def set_customer_levels(self, counts: Mapping[str, int]) -> None:
        """Replace the per-level customer counts; levels missing from ``counts`` are set to zero."""
        totals = dict.fromkeys(RISK_LEVELS, 0)
        unknown = 0
        for level, count in counts.items():
            if level in totals:
                totals[level] += count
            else:
                unknown += count
        for level, count in totals.items():
            self._customers.labels(level).set(count)
        if unknown:
            self._customers.labels(OTHER).set(unknown)
        else:
            _remove_if_present(self._customers, OTHER)

    def set_consumer_lag(self, topic: str, partition: int, lag: int) -> None:
        """End offset minus committed offset of one assigned partition (never below zero)."""
        # The end offset may be fetched before a commit lands; a negative difference means "caught up".
        self._consumer_lag.labels(topic, str(partition)).set(max(lag, 0))

    def forget_consumer_lag(self, topic: str, partition: int) -> None:
        """Drop the lag series of a revoked partition so two workers never report the same partition."""
        _remove_if_present(self._consumer_lag, topic, str(partition))

    def set_build_info(
        self, version: str, engine: str, engine_version: str, python: str | None = None
    ) -> None:
        """Publish what is running; ``python`` defaults to this interpreter's version, ``engine_build`` is
        whether the engine runs its compiled helpers (``compiled.build``)."""
        self._build_info.clear()
        python = python or platform.python_version()
        self._build_info.labels(version, engine, engine_version, python, compiled.build()).set(1)

    def set_ready(self, ready: bool) -> None:
        """1 when connected and recovered, else 0."""
        self._ready.set(1 if ready else 0)

    def track_rocksdb_memory(
        self, budget_bytes: int, block_cache: Callable[[], float], memtables: Callable[[], float]
    ) -> None:
        """Read RocksDB's own counters at every scrape (``part`` = budget, block_cache, memtables)."""
        self._rocksdb_memory.labels("budget").set(budget_bytes)
        self._rocksdb_memory.labels("block_cache").set_function(block_cache)
        self._rocksdb_memory.labels("memtables").set_function(memtables)


def _sample_names(family_name: str, family_type: str) -> Iterable[str]:
    suffixes = {
        "counter": ("_total", "_created"),
        "histogram": ("_bucket", "_count", "_sum", "_created"),
        "summary": ("", "_count", "_sum", "_created"),
    }.get(family_type, ("",))
    return (family_name + suffix for suffix in suffixes)


def _remove_if_present(metric: Gauge, *label_values: str) -> None:
    # Older prometheus_client releases raise KeyError for a series that was never created.
    with contextlib.suppress(KeyError):
        metric.remove(*label_values)
