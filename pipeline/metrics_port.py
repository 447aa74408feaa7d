"""The metrics port: the verbs processing code records through, with no dependency on prometheus_client.

The processor and replay depend on ``MetricsRecorder`` only; the worker passes the Prometheus-backed
``pipeline.adapters.metrics.PipelineMetrics`` and replay passes ``NullMetrics``. Label values are bounded
by the implementation, so callers pass what they have (journey and stage names, reasons) unfiltered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Protocol, runtime_checkable

# The worker's agents, as they report work done again (``work_retried``); the recorder bounds its labels
# to these.
INTERACTIONS: Final = "interactions"
STAGE_WINDOWS: Final = "stage-windows"
AGENT_NAMES: Final = (INTERACTIONS, STAGE_WINDOWS)


@runtime_checkable
class MetricsRecorder(Protocol):
    """Everything the product measures about itself, one verb per thing that happened."""

    def event_enriched(
        self, journey: str, stage: str, experience: str, *, valence: float, latency_s: float, age_s: float
    ) -> None:
        """A valid event was enriched: its stage, experience, valence, enrichment time and event age."""

    def event_invalid(self, reason: str) -> None:
        """A record went to the dead-letter topic for ``reason`` (a dead-letter kind)."""

    def event_duplicate(self) -> None:
        """An event id already applied was seen again and changed nothing."""

    def event_late(self) -> None:
        """An enriched event arrived after its window's grace period and was skipped for windows only."""

    def alert_emitted(self, transition: str) -> None:
        """A churn-risk alert for ``transition`` was sent."""

    def alert_suppressed(self, transition: str) -> None:
        """A churn-risk alert for ``transition`` was held back by the per-customer cooldown."""

    def window_emitted(self) -> None:
        """A closed per-stage window result was sent."""

    def work_retried(self, agent: str) -> None:
        """``agent`` (``interactions`` or ``stage-windows``) failed its batch or message and does it again."""

    def set_customer_levels(self, counts: Mapping[str, int]) -> None:
        """The number of tracked customers per risk level, as the worker currently counts them."""

    def set_consumer_lag(self, topic: str, partition: int, lag: int) -> None:
        """End offset minus committed offset of one assigned partition."""

    def forget_consumer_lag(self, topic: str, partition: int) -> None:
        """Stop reporting lag for a partition this worker no longer owns (after a rebalance)."""

    def set_build_info(
        self, version: str, engine: str, engine_version: str, python: str | None = None
    ) -> None:
        """What is running: product version, emotion engine and its version, Python version (and, derived
        by the recorder, whether the engine runs its compiled helpers)."""

    def set_ready(self, ready: bool) -> None:
        """Whether the worker is connected and has recovered its state."""


class NullMetrics:
    """A recorder that records nothing: replay and tools that have no metrics endpoint."""

    def event_enriched(
        self, journey: str, stage: str, experience: str, *, valence: float, latency_s: float, age_s: float
    ) -> None:
        """Record nothing."""

    def event_invalid(self, reason: str) -> None:
        """Record nothing."""

    def event_duplicate(self) -> None:
        """Record nothing."""

    def event_late(self) -> None:
        """Record nothing."""

    def alert_emitted(self, transition: str) -> None:
        """Record nothing."""

    def alert_suppressed(self, transition: str) -> None:
        """Record nothing."""

    def window_emitted(self) -> None:
        """Record nothing."""

    def work_retried(self, agent: str) -> None:
        """Record nothing."""

    def set_customer_levels(self, counts: Mapping[str, int]) -> None:
        """Record nothing."""

    def set_consumer_lag(self, topic: str, partition: int, lag: int) -> None:
        """Record nothing."""

    def forget_consumer_lag(self, topic: str, partition: int) -> None:
        """Record nothing."""

    def set_build_info(
        self, version: str, engine: str, engine_version: str, python: str | None = None
    ) -> None:
        """Record nothing."""

    def set_ready(self, ready: bool) -> None:
        """Record nothing."""
