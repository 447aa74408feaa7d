"""One place that turns an input record into its outputs, for the worker and ``replay`` alike.

A record becomes either a dead letter, or an enriched record plus any churn alerts plus one window
contribution for its stage. State lives behind two small ports (customer state, partition watermarks),
so the same code runs over Faust tables in the worker and over dictionaries in ``replay``.

Delivery is at least once, so the same record can come again after a crash:
- a record whose offset the customer's state already applied is *replayed*: its outputs are produced again
  (the same alert ids, the same contribution offset, which the window side skips if it has it);
- an event whose id was seen at another offset (a producer retry, a re-sent file) is a *duplicate*: it
  changes nothing and produces nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal, Protocol

from pipeline import __version__
from pipeline.domain.alert_builder import AlertBuilder
from pipeline.domain.churn import ChurnPolicy, CustomerState, ExperienceFact, apply_event
from pipeline.domain.churn.state import already_applied
from pipeline.domain.codec import dead_letter, decode_event, decode_key
from pipeline.domain.enrichment import Enricher, Labels
from pipeline.domain.errors import InvalidRecord
from pipeline.domain.event import InteractionEvent
from pipeline.domain.pii import PiiPolicy, mask_event_text
from pipeline.domain.records import ChurnAlert, DeadLetter, EnrichedInteraction, RiskLevel, SourcePosition
from pipeline.domain.stage_aggregate import WindowContribution
from pipeline.metrics_port import MetricsRecorder

log = logging.getLogger(__name__)

DUPLICATE_OFFSETS_KEPT = 16

Outcome = Literal["enriched", "replayed", "duplicate", "invalid"]


class CustomerStore(Protocol):
    """Durable churn state per customer id."""

    def get(self, customer_id: str) -> CustomerState | None: ...

    def put(self, customer_id: str, state: CustomerState) -> None: ...


class WatermarkStore(Protocol):
    """The largest event time seen per source partition (decides lateness for windows)."""

    def get(self, partition: int) -> int | None: ...

    def put(self, partition: int, watermark_ms: int) -> None: ...


@dataclass(frozen=True, slots=True)
class InputRecord:
    """A record as read from the input topic (or a line of a replay file)."""

    value: bytes
    key: bytes | None
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True, slots=True)
class SourcedContribution:
    """A window contribution with where it came from and the source partition's watermark at that point."""

    contribution: WindowContribution
    source_partition: int
    source_offset: int
    watermark_ms: int


@dataclass(frozen=True, slots=True)
class RecordOutputs:
    """Everything one input record produces."""

    outcome: Outcome
    customer_id: str | None = None
    enriched: EnrichedInteraction | None = None
    alerts: tuple[ChurnAlert, ...] = ()
    contribution: SourcedContribution | None = None
    dead_letter: DeadLetter | None = None
    level_change: tuple[RiskLevel | None, RiskLevel] | None = (
        None  # (before, after); before None: new customer
    )


@dataclass
class Processor:
    """Decode, enrich, apply the churn rule, build alerts and the window contribution for one record."""

    enricher: Enricher
    alerts: AlertBuilder
    policy: ChurnPolicy
    metrics: MetricsRecorder
    clock: Callable[[], datetime]
    max_record_bytes: int = 1024 * 1024
    require_key: bool = True
    # An event dated further ahead than this is refused: it would move its partition's watermark into the
    # future and make every later event of that partition late for the journey map.
    max_future_seconds: int = 2 * 86_400
    pii: PiiPolicy = field(default_factory=PiiPolicy)

    def process(
        self, record: InputRecord, customers: CustomerStore, watermarks: WatermarkStore
    ) -> RecordOutputs:
        """The outputs of one record; never raises for bad input (that becomes a dead letter)."""
        try:
            event = self._decode(record)
        except InvalidRecord as invalid:
            return self._dead(record, invalid.kind, invalid.message, invalid.field)
        try:
            return self._process_event(record, event, customers, watermarks)
        except Exception as error:  # a bug must cost one record, never the partition
            log.exception(
                "processing failed",
                extra={
                    "topic": record.topic,
                    "partition": record.partition,
                    "offset": record.offset,
                    "event_id": event.event_id,
                },
            )
            return self._dead(
                record, "processing_error", f"processing failed: {type(error).__name__}: {error}", None
            )

    def _decode(self, record: InputRecord) -> InteractionEvent:
        event = decode_event(record.value, max_bytes=self.max_record_bytes)
        ahead_s = event.occurred_at.timestamp() - self.clock().timestamp()
        if ahead_s > self.max_future_seconds:
            raise InvalidRecord(
                "validation",
                f"occurred_at {event.occurred_at.isoformat()} is {ahead_s / 86_400:.1f} days in the future "
                f"(at most {self.max_future_seconds} s ahead is accepted)",
                "occurred_at",
            )
        if record.key is None:
            if self.require_key:
                raise InvalidRecord(
                    "missing_key", "the record has no key; records must be keyed by customer_id"
                )
            return event
        key = decode_key(record.key)
        if key != event.customer_id:
            raise InvalidRecord(
                "validation",
                f"the record key {key[:64]!r} is not its customer_id {event.customer_id[:64]!r}; "
                "records must "
                "be keyed by customer_id so one worker owns each customer",
                "customer_id",
            )
        return event

    def _process_event(
        self,
        record: InputRecord,
        event: InteractionEvent,
        customers: CustomerStore,
        watermarks: WatermarkStore,
    ) -> RecordOutputs:
        started = self.clock()
        state = customers.get(event.customer_id)
        replayed = already_applied(state, record.partition, record.offset)
        labels = self.enricher.enrich(event)
        fact = ExperienceFact.from_labels(event, labels.emotion, labels.stage, labels.experience, labels.pace)
        outcome = apply_event(
            state, fact, self.policy, source_partition=record.partition, source_offset=record.offset
        )
        position = (record.partition, record.offset)
        was_duplicate = state is not None and position in state.duplicate_offsets
        if outcome.duplicate and (not replayed or was_duplicate):
            # A duplicate stays a duplicate when it is redelivered after a crash: remember its position.
            if not replayed:
                remembered = (*outcome.state.duplicate_offsets, position)[-DUPLICATE_OFFSETS_KEPT:]
                customers.put(event.customer_id, replace(outcome.state, duplicate_offsets=remembered))
            self.metrics.event_duplicate()
            return RecordOutputs("duplicate", event.customer_id)
        if outcome.state is not state:
            customers.put(event.customer_id, outcome.state)
        watermark = max(event.occurred_at_ms, watermarks.get(record.partition) or event.occurred_at_ms)
        watermarks.put(record.partition, watermark)
        alerts = tuple(
            self.alerts.build(transition, tuple(labels.emotion.dyads)) for transition in outcome.alerts
        )
        enriched = self._enriched(record, event, labels)
        contribution = SourcedContribution(
            WindowContribution.from_labels(event, labels.emotion, labels.stage, labels.experience),
            record.partition,
            record.offset,
            watermark,
        )
        if replayed:
            self.metrics.event_duplicate()
            return RecordOutputs("replayed", event.customer_id, enriched, alerts, contribution)
        finished = self.clock()
        self.metrics.event_enriched(
            labels.stage.journey,
            labels.stage.stage,
            labels.experience.experience,
            valence=labels.emotion.valence,
            latency_s=(finished - started).total_seconds(),
            age_s=(finished - event.occurred_at).total_seconds(),
        )
        for transition in outcome.transitions:
            if transition.suppressed:
                self.metrics.alert_suppressed(transition.transition)
            else:
                self.metrics.alert_emitted(transition.transition)
        before = None if state is None else outcome.level_before
        change = None if before == outcome.level_after else (before, outcome.level_after)
        return RecordOutputs(
            "enriched", event.customer_id, enriched, alerts, contribution, level_change=change
        )

    def _enriched(self, record: InputRecord, event: InteractionEvent, labels: Labels) -> EnrichedInteraction:
        # Scoring saw the original text; what leaves the worker carries it masked.
        return EnrichedInteraction(
            event=mask_event_text(event, self.pii),
            emotion=labels.emotion,
            stage=labels.stage,
            experience=labels.experience,
            pace=labels.pace,
            source=SourcePosition(topic=record.topic, partition=record.partition, offset=record.offset),
            processed_at=self.clock(),
            pipeline_version=__version__,
        )

    def _dead(self, record: InputRecord, kind: str, message: str, field: str | None) -> RecordOutputs:
        self.metrics.event_invalid(kind)
        letter = dead_letter(
            record.value,
            record.key,
            kind,
            message,
            field,
            record.topic,
            record.partition,
            record.offset,
            self.clock(),
        )
        log.warning(
            "dead-lettered a record: %s",
            kind,
            extra={
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "event_id": letter.event_id,
                "error_kind": kind,
                "error_field": field,
            },
        )
        return RecordOutputs("invalid", dead_letter=letter)
