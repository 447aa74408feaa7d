"""The durable per-customer state of the churn rule, and its compact JSON form.

Encoding (version 1), one orjson object with short keys; empty parts are left out::

    {"v": 1,
     "m": [event_id, occurred_at_ms, valence],                      latest moment (peak-end "end")
     "b": [[event_id, ms, channel, journey, stage, emotion|null, [reasons], valence], ...]
     "r": [[event_id, ms], ...],                                    recoveries
     "al": "at_risk" | "churn_threshold",                           level the CRM last heard of
     "cd": {transition: latest_ms_when_sent},                       cooldown clocks
     "sa": [[trigger_event_id, transition, from_level, [strike_ids], memory_score], ...]
     "ids": [event_id, ...],                                        recent ids of other events
     "off": {"partition": offset}}                                  last applied source offsets

The alert id of a sent alert is not stored: it is recomputed from the customer id, transition, strike ids
and trigger (see ``alert_id``), which is what makes it deterministic in the first place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, cast

import orjson

from pipeline.domain.churn.history import BadExperience, History, Moment, Recovery
from pipeline.domain.errors import PipelineError
from pipeline.domain.records import AlertTransition, RiskLevel

STATE_VERSION: Final[int] = 1


class StateDecodeError(PipelineError):
    """Stored customer state that cannot be read: corrupt bytes or an unknown version."""


@dataclass(frozen=True, slots=True)
class SentAlert:
    """An alert that was sent, kept so a redelivery of its triggering event re-sends exactly it."""

    triggering_event_id: str
    transition: AlertTransition
    from_level: RiskLevel
    strike_ids: tuple[str, ...]
    memory_score: float


@dataclass(frozen=True, slots=True)
class CustomerState:
    """Everything the churn rule remembers about one customer; bounded by the policy."""

    history: History = field(default_factory=History)
    latest: Moment | None = None
    alerted_level: RiskLevel | None = None
    last_alert_ms: Mapping[AlertTransition, int] = field(default_factory=dict)
    sent_alerts: tuple[SentAlert, ...] = ()
    recent_ids: tuple[str, ...] = ()
    last_offset: dict[int, int] = field(default_factory=dict)
    # (partition, offset) of recent records that were duplicates of an applied event: after a crash they are
    # redelivered below ``last_offset`` and must stay duplicates, not look like replays of applied records.
    duplicate_offsets: tuple[tuple[int, int], ...] = ()

    @property
    def latest_ms(self) -> int | None:
        """The latest event time seen for the customer: where the strike window ends."""
        return None if self.latest is None else self.latest.occurred_at_ms

    def has_seen(self, event_id: str) -> bool:
        """Whether this event was applied before (as far as the bounded state can tell)."""
        return (
            event_id in self.recent_ids
            or self.history.holds(event_id)
            or (self.latest is not None and self.latest.event_id == event_id)
            or any(sent.triggering_event_id == event_id for sent in self.sent_alerts)
        )

    def to_bytes(self) -> bytes:
        """Compact JSON for the state store."""
        encoded: dict[str, Any] = {"v": STATE_VERSION}
        if self.latest is not None:
            encoded["m"] = [self.latest.event_id, self.latest.occurred_at_ms, self.latest.valence]
        if self.history.bad:
            encoded["b"] = [
                [
                    b.event_id,
                    b.occurred_at_ms,
                    b.channel,
                    b.journey,
                    b.stage,
                    b.dominant_emotion,
                    b.reasons,
                    b.valence,
                ]
                for b in self.history.bad
            ]
        if self.history.recoveries:
            encoded["r"] = [[r.event_id, r.occurred_at_ms] for r in self.history.recoveries]
        if self.alerted_level is not None:
            encoded["al"] = self.alerted_level
        if self.last_alert_ms:
            encoded["cd"] = dict(self.last_alert_ms)
        if self.sent_alerts:
            encoded["sa"] = [
                [s.triggering_event_id, s.transition, s.from_level, s.strike_ids, s.memory_score]
                for s in self.sent_alerts
            ]
        if self.recent_ids:
            encoded["ids"] = self.recent_ids
        if self.last_offset:
            encoded["off"] = self.last_offset
        if self.duplicate_offsets:
            encoded["dup"] = self.duplicate_offsets
        return orjson.dumps(encoded, option=orjson.OPT_NON_STR_KEYS)

    @classmethod
    def from_bytes(cls, raw: bytes) -> CustomerState:
        """Read what ``to_bytes`` wrote; refuses other versions rather than guessing."""
        try:
            encoded = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise StateDecodeError(f"customer state is not JSON: {error}") from error
        if not isinstance(encoded, dict):
            raise StateDecodeError("customer state is not a JSON object")
        version = encoded.get("v")
        if version != STATE_VERSION:
            raise StateDecodeError(f"customer state version {version!r} is not supported ({STATE_VERSION})")
        try:
            return _decode_v1(encoded)
        except (TypeError, ValueError, IndexError) as error:
            raise StateDecodeError(f"customer state version 1 is malformed: {error}") from error


def _decode_v1(encoded: dict[str, Any]) -> CustomerState:
    latest = encoded.get("m")
    return CustomerState(
        history=History(
            bad=tuple(
                BadExperience(
                    event_id=event_id,
                    occurred_at_ms=int(ms),
                    channel=channel,
                    journey=journey,
                    stage=stage,
                    dominant_emotion=emotion,
                    reasons=tuple(reasons),
                    valence=float(valence),
                )
                for event_id, ms, channel, journey, stage, emotion, reasons, valence in encoded.get("b", ())
            ),
            recoveries=tuple(Recovery(event_id, int(ms)) for event_id, ms in encoded.get("r", ())),
        ),
        latest=None if latest is None else Moment(latest[0], int(latest[1]), float(latest[2])),
        alerted_level=cast(RiskLevel | None, encoded.get("al")),
        last_alert_ms={cast(AlertTransition, name): int(ms) for name, ms in encoded.get("cd", {}).items()},
        sent_alerts=tuple(
            SentAlert(
                trigger,
                cast(AlertTransition, transition),
                cast(RiskLevel, from_level),
                tuple(strike_ids),
                float(score),
            )
            for trigger, transition, from_level, strike_ids, score in encoded.get("sa", ())
        ),
        recent_ids=tuple(encoded.get("ids", ())),
        last_offset={int(partition): int(offset) for partition, offset in encoded.get("off", {}).items()},
        duplicate_offsets=tuple((int(part), int(offset)) for part, offset in encoded.get("dup", ())),
    )


def already_applied(state: CustomerState | None, partition: int, offset: int) -> bool:
    """Whether the record at this source partition and offset was applied to the state already."""
    if state is None:
        return False
    last = state.last_offset.get(partition)
    return last is not None and offset <= last
