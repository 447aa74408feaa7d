"""The churn-risk state machine (SPEC 6): one event in, the new state and any alert out.

Levels come from the counted strikes (see ``history``); alerts come from level changes:

- ok -> at_risk: ``at_risk``; ok or at_risk -> churn_threshold: ``churn_threshold`` (one alert, even when a
  single event skips at_risk);
- at_risk or churn_threshold -> ok: ``recovered``, but only if the last alert the CRM heard was a risk alert
  (``alerted_level``); a customer whose risk alert was held back by a cooldown is not told it recovered;
- churn_threshold -> at_risk: no alert. The CRM is already acting on the graver alert and no alert type
  exists for a partial improvement; the customer stays "alerted", so reaching ok later sends ``recovered``,
  and reaching churn_threshold again with a new strike sends a new ``churn_threshold`` (cooldown permitting).

Cooldowns run on the customer's event-time clock (the latest event time seen), never the wall clock: a
transition whose kind was last alerted less than its cooldown ago is reported with ``suppressed=True`` and
changes neither ``alerted_level`` nor the cooldown clock.

A redelivered event (its id already seen) changes nothing; its outcome has ``duplicate=True`` and carries
again the alerts that event triggered the first time (same ids), in case they were never sent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.domain.churn.alert_id import alert_id
from pipeline.domain.churn.facts import ExperienceFact
from pipeline.domain.churn.history import (
    BadExperience,
    Moment,
    counted_strikes,
    record,
    risk_level,
)
from pipeline.domain.churn.memory import memory_score
from pipeline.domain.churn.policy import DEFAULT_CHURN_POLICY, ChurnPolicy
from pipeline.domain.churn.state import CustomerState, SentAlert
from pipeline.domain.records import LEVEL_AFTER_TRANSITION, AlertTransition, RiskLevel


@dataclass(frozen=True, slots=True)
class Transition:
    """A level change worth an alert, with what the alert needs to say."""

    transition: AlertTransition
    from_level: RiskLevel
    to_level: RiskLevel
    alert_id: str
    strikes: tuple[BadExperience, ...]
    memory_score: float
    trigger: ExperienceFact
    suppressed: bool = False


@dataclass(frozen=True, slots=True)
class ChurnOutcome:
    """What one event did to a customer: the state to save and the transitions to announce."""

    state: CustomerState
    duplicate: bool
    level_before: RiskLevel
    level_after: RiskLevel
    strikes: tuple[BadExperience, ...]
    memory_score: float
    transitions: tuple[Transition, ...]

    @property
    def alerts(self) -> tuple[Transition, ...]:
        """The transitions to send: those not held back by a cooldown."""
        return tuple(transition for transition in self.transitions if not transition.suppressed)


def apply_event(
    state: CustomerState | None,
    fact: ExperienceFact,
    policy: ChurnPolicy = DEFAULT_CHURN_POLICY,
    *,
    source_partition: int | None = None,
    source_offset: int | None = None,
) -> ChurnOutcome:
    """Apply one judged interaction to a customer's state (None for a customer never seen).

    With ``source_partition`` and ``source_offset`` the state also records that offset as applied, so the
    adapter can skip a replayed record with ``already_applied`` before deserialising anything else.
    """
    prior = state if state is not None else CustomerState()
    if prior.has_seen(fact.event_id):
        return _redelivered(prior, fact, policy, source_partition, source_offset)

    strikes_before = _strikes(prior, policy)
    level_before = risk_level(len(strikes_before), policy.threshold)

    moment = Moment.from_fact(fact)
    latest = moment if prior.latest is None or moment.order_key > prior.latest.order_key else prior.latest
    history = record(prior.history, fact, latest.occurred_at_ms, policy)
    recent_ids = prior.recent_ids
    if not history.holds(fact.event_id):
        recent_ids = (*recent_ids, fact.event_id)[-policy.recent_ids :]
    updated = replace(
        prior,
        history=history,
        latest=latest,
        recent_ids=recent_ids,
        last_offset=_with_offset(prior.last_offset, source_partition, source_offset),
    )

    strikes = counted_strikes(history, latest.occurred_at_ms, policy)
    level_after = risk_level(len(strikes), policy.threshold)
    score = memory_score(strikes, latest)
    name = _transition_name(level_before, level_after, prior.alerted_level)
    if name is None:
        return ChurnOutcome(updated, False, level_before, level_after, strikes, score, ())

    now_ms = latest.occurred_at_ms
    last_sent_ms = prior.last_alert_ms.get(name)
    suppressed = last_sent_ms is not None and now_ms - last_sent_ms < policy.cooldown_seconds.for_transition(
        name
    )
    strike_ids = tuple(strike.event_id for strike in strikes)
    transition = Transition(
        transition=name,
        from_level=level_before,
        to_level=level_after,
        alert_id=alert_id(fact.customer_id, name, strike_ids, fact.event_id),
        strikes=strikes,
        memory_score=score,
        trigger=fact,
        suppressed=suppressed,
    )
    if not suppressed:
        sent = SentAlert(fact.event_id, name, level_before, strike_ids, score)
        updated = replace(
            updated,
            alerted_level=None if name == "recovered" else level_after,
            last_alert_ms={**prior.last_alert_ms, name: now_ms},
            sent_alerts=(*prior.sent_alerts, sent)[-policy.recent_alerts :],
        )
    return ChurnOutcome(updated, False, level_before, level_after, strikes, score, (transition,))


def customer_strikes(state: CustomerState | None, policy: ChurnPolicy) -> tuple[BadExperience, ...]:
    """The strikes that count against a customer now, oldest first."""
    return () if state is None else _strikes(state, policy)


def customer_level(state: CustomerState | None, policy: ChurnPolicy) -> RiskLevel:
    """The customer's risk level now."""
    return risk_level(len(customer_strikes(state, policy)), policy.threshold)


def _strikes(state: CustomerState, policy: ChurnPolicy) -> tuple[BadExperience, ...]:
    latest_ms = state.latest_ms
    if latest_ms is None:
        return ()
    return counted_strikes(state.history, latest_ms, policy)


def _transition_name(
    before: RiskLevel, after: RiskLevel, alerted_level: RiskLevel | None
) -> AlertTransition | None:
    if after == before:
        return None
    if after == "ok":
        return "recovered" if alerted_level is not None else None
    if after == "churn_threshold":
        return "churn_threshold"
    if before == "ok":
        return "at_risk"
    return None  # churn_threshold -> at_risk: deliberately silent, see the module docstring


def _redelivered(
    state: CustomerState,
    fact: ExperienceFact,
    policy: ChurnPolicy,
    source_partition: int | None,
    source_offset: int | None,
) -> ChurnOutcome:
    strikes = _strikes(state, policy)
    level = risk_level(len(strikes), policy.threshold)
    stored_bad = {bad.event_id: bad for bad in state.history.bad}
    resent = tuple(
        Transition(
            transition=sent.transition,
            from_level=sent.from_level,
            to_level=LEVEL_AFTER_TRANSITION[sent.transition],
            alert_id=alert_id(fact.customer_id, sent.transition, sent.strike_ids, sent.triggering_event_id),
            # A strike that has since left the window or been compacted away can no longer be described.
            strikes=tuple(stored_bad[event_id] for event_id in sent.strike_ids if event_id in stored_bad),
            memory_score=sent.memory_score,
            trigger=fact,
        )
        for sent in state.sent_alerts
        if sent.triggering_event_id == fact.event_id
    )
    # Only the offset bookkeeping moves on, so the next replay of this record is skipped cheaply.
    offsets = _with_offset(state.last_offset, source_partition, source_offset)
    if offsets is not state.last_offset:
        state = replace(state, last_offset=offsets)
    score = memory_score(strikes, state.latest)
    return ChurnOutcome(state, True, level, level, strikes, score, resent)


def _with_offset(offsets: dict[int, int], partition: int | None, offset: int | None) -> dict[int, int]:
    if (partition is None) != (offset is None):
        raise ValueError("source_partition and source_offset must be given together")
    if partition is None or offset is None:
        return offsets
    if offsets.get(partition, -1) >= offset:
        return offsets
    return {**offsets, partition: offset}
