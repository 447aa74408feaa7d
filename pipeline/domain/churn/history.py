"""A customer's strike history and the walk that decides which strikes still count.

Strikes are never counted incrementally: the count is always recomputed from the stored history, so the
same set of events gives the same strikes whatever order they arrived in.

Rules, in event time (integer milliseconds):

- The window ends at the latest event time seen for the customer (``latest_ms``). A bad experience counts
  while ``latest_ms - window_ms < occurred_at_ms``: one exactly ``window_days`` old no longer counts.
- History is walked in time order, by ``(occurred_at_ms, kind, event_id)`` where a strike sorts before a
  recovery of the same millisecond (a recovery at the very moment of a strike comes after it).
- A recovery (a good, resolved interaction) forgives the most recent unforgiven strike before it, if that
  strike is at most ``recovery_days`` older (inclusive). Otherwise it forgives nothing, and it is not banked:
  - a recovery before any strike forgives nothing, not even a later strike;
  - two recoveries forgive the two most recent unforgiven strikes, each within its own 14 days;
  - a recovery whose most recent unforgiven strike is older than 14 days forgives nothing (older strikes
    are older still).

Bounds: items at or before the window floor are dropped (they can no longer change any count inside the
window). Beyond ``max_history`` items, compaction drops what cannot change the present count, in this
order: the oldest recovery that forgives nothing; else the oldest forgiven strike together with the
recovery that forgave it; else the oldest strike. The first two are exact for the history held; they only
differ from an unbounded history if a strike arrives late enough to be forgiven by a recovery already
dropped, which needs more than ``max_history`` items inside one window.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass
from typing import Final, TypeVar

from pipeline.domain.churn.facts import ExperienceFact
from pipeline.domain.churn.policy import ChurnPolicy
from pipeline.domain.event import Channel
from pipeline.domain.plutchik import Emotion
from pipeline.domain.records import RiskLevel

# Valence is stored rounded so the state stays small; every score is computed from the stored value.
VALENCE_DIGITS: Final[int] = 4

_STRIKE_RANK: Final[int] = 0
_RECOVERY_RANK: Final[int] = 1


@dataclass(frozen=True, slots=True)
class BadExperience:
    """A stored bad experience: a strike while it is inside the window and not forgiven."""

    event_id: str
    occurred_at_ms: int
    channel: Channel
    journey: str
    stage: str
    dominant_emotion: Emotion | None
    reasons: tuple[str, ...]
    valence: float

    @classmethod
    def from_fact(cls, fact: ExperienceFact) -> BadExperience:
        return cls(
            event_id=fact.event_id,
            occurred_at_ms=fact.occurred_at_ms,
            channel=fact.channel,
            journey=fact.journey,
            stage=fact.stage,
            dominant_emotion=fact.dominant_emotion,
            reasons=fact.reasons,
            valence=round(fact.valence, VALENCE_DIGITS),
        )

    @property
    def order_key(self) -> tuple[int, int, str]:
        return (self.occurred_at_ms, _STRIKE_RANK, self.event_id)


@dataclass(frozen=True, slots=True)
class Recovery:
    """A stored good, resolved interaction that may forgive the strike before it."""

    event_id: str
    occurred_at_ms: int

    @property
    def order_key(self) -> tuple[int, int, str]:
        return (self.occurred_at_ms, _RECOVERY_RANK, self.event_id)


@dataclass(frozen=True, slots=True)
class Moment:
    """The most recent interaction by event time: the 'end' of the peak-end rule."""

    event_id: str
    occurred_at_ms: int
    valence: float

    @classmethod
    def from_fact(cls, fact: ExperienceFact) -> Moment:
        return cls(fact.event_id, fact.occurred_at_ms, round(fact.valence, VALENCE_DIGITS))

    @property
    def order_key(self) -> tuple[int, str]:
        return (self.occurred_at_ms, self.event_id)


@dataclass(frozen=True, slots=True)
class History:
    """Bad experiences and recoveries inside the window, each sorted by ``order_key``."""

    bad: tuple[BadExperience, ...] = ()
    recoveries: tuple[Recovery, ...] = ()

    def __len__(self) -> int:
        return len(self.bad) + len(self.recoveries)

    def holds(self, event_id: str) -> bool:
        return any(item.event_id == event_id for item in self.bad) or any(
            item.event_id == event_id for item in self.recoveries
        )


@dataclass(frozen=True, slots=True)
class Forgiveness:
    """The result of walking a history: strikes left unforgiven, and which recovery forgave which strike."""

    unforgiven: tuple[BadExperience, ...]
    pairs: tuple[tuple[Recovery, BadExperience], ...]


def forgive(history: History, recovery_ms: int) -> Forgiveness:
    """Walk the history in time order, letting each recovery forgive the latest unforgiven strike it can."""
    bad = history.bad
    if not history.recoveries:
        return Forgiveness(unforgiven=bad, pairs=())
    unforgiven: list[BadExperience] = []
    pairs: list[tuple[Recovery, BadExperience]] = []
    next_bad = 0
    for recovery in history.recoveries:
        # A strike of the same millisecond sorts before the recovery, whatever the ids.
        while next_bad < len(bad) and bad[next_bad].occurred_at_ms <= recovery.occurred_at_ms:
            unforgiven.append(bad[next_bad])
            next_bad += 1
        if unforgiven and recovery.occurred_at_ms - unforgiven[-1].occurred_at_ms <= recovery_ms:
            pairs.append((recovery, unforgiven.pop()))
    unforgiven.extend(bad[next_bad:])
    return Forgiveness(unforgiven=tuple(unforgiven), pairs=tuple(pairs))


def window_floor(latest_ms: int, policy: ChurnPolicy) -> int:
    """Event times at or before this are outside the window ending at ``latest_ms``."""
    return latest_ms - policy.window_ms


def counted_strikes(history: History, latest_ms: int, policy: ChurnPolicy) -> tuple[BadExperience, ...]:
    """The strikes that count against the customer, oldest first."""
    floor = window_floor(latest_ms, policy)
    unforgiven = forgive(history, policy.recovery_ms).unforgiven
    return tuple(strike for strike in unforgiven if strike.occurred_at_ms > floor)


def risk_level(strikes: int, threshold: int) -> RiskLevel:
    """ok below threshold-1, at_risk at threshold-1, churn_threshold from threshold on."""
    if strikes >= threshold:
        return "churn_threshold"
    if strikes == threshold - 1:
        return "at_risk"
    return "ok"


def record(history: History, fact: ExperienceFact, latest_ms: int, policy: ChurnPolicy) -> History:
    """The history after one new fact, pruned to the window ending at ``latest_ms`` and compacted."""
    floor = window_floor(latest_ms, policy)
    bad = history.bad
    recoveries = history.recoveries
    # Holding the id already makes a redelivery a no-op even when the caller did not check first.
    if fact.occurred_at_ms > floor and not history.holds(fact.event_id):
        if fact.is_bad:
            bad = _inserted(bad, BadExperience.from_fact(fact))
        elif fact.can_recover:
            recoveries = _inserted(recoveries, Recovery(fact.event_id, fact.occurred_at_ms))
    pruned = History(
        bad=tuple(item for item in bad if item.occurred_at_ms > floor),
        recoveries=tuple(item for item in recoveries if item.occurred_at_ms > floor),
    )
    return _compact(pruned, policy)


_Item = TypeVar("_Item", BadExperience, Recovery)


def _inserted(items: tuple[_Item, ...], item: _Item) -> tuple[_Item, ...]:
    merged = list(items)
    insort(merged, item, key=_order_key)
    return tuple(merged)


def _compact(history: History, policy: ChurnPolicy) -> History:
    while len(history) > policy.max_history:
        history = _drop_one(history, policy.recovery_ms)
    return history


def _order_key(item: BadExperience | Recovery) -> tuple[int, int, str]:
    return item.order_key


def _drop_one(history: History, recovery_ms: int) -> History:
    pairs = forgive(history, recovery_ms).pairs
    forgiving = {recovery.event_id for recovery, _ in pairs}
    useless = [recovery for recovery in history.recoveries if recovery.event_id not in forgiving]
    if useless:
        return History(history.bad, tuple(item for item in history.recoveries if item != useless[0]))
    if pairs:
        recovery, strike = min(pairs, key=lambda pair: pair[1].order_key)
        return History(
            bad=tuple(item for item in history.bad if item != strike),
            recoveries=tuple(item for item in history.recoveries if item != recovery),
        )
    return History(history.bad[1:], history.recoveries)
