"""The churn-risk rule (SPEC 6): strikes in a rolling event-time window, recoveries, levels and alerts.

Pure and deterministic: the streaming worker and ``replay`` both call ``apply_event`` and nothing else
decides a customer's strikes, level or alert ids.
"""

from pipeline.domain.churn.alert_id import ALERT_ID_NAMESPACE, alert_id
from pipeline.domain.churn.facts import ExperienceFact
from pipeline.domain.churn.history import (
    BadExperience,
    History,
    Moment,
    Recovery,
    counted_strikes,
    risk_level,
)
from pipeline.domain.churn.machine import (
    ChurnOutcome,
    Transition,
    apply_event,
    customer_level,
    customer_strikes,
)
from pipeline.domain.churn.memory import memory_score
from pipeline.domain.churn.policy import DEFAULT_CHURN_POLICY, ChurnPolicy, CooldownSeconds
from pipeline.domain.churn.state import (
    STATE_VERSION,
    CustomerState,
    SentAlert,
    StateDecodeError,
    already_applied,
)

__all__ = [
    "ALERT_ID_NAMESPACE",
    "DEFAULT_CHURN_POLICY",
    "STATE_VERSION",
    "BadExperience",
    "ChurnOutcome",
    "ChurnPolicy",
    "CooldownSeconds",
    "CustomerState",
    "ExperienceFact",
    "History",
    "Moment",
    "Recovery",
    "SentAlert",
    "StateDecodeError",
    "Transition",
    "alert_id",
    "already_applied",
    "apply_event",
    "counted_strikes",
    "customer_level",
    "customer_strikes",
    "memory_score",
    "risk_level",
]
