"""Deterministic alert ids: the same input history always yields the same id, so CRMs can deduplicate.

``alert_id = str(uuid5(ALERT_ID_NAMESPACE, orjson.dumps([customer_id, transition, sorted(strike_ids)])))``
for at_risk and churn_threshold, and with the triggering event id appended as a fourth element for
recovered (a recovered alert usually leaves few or no strikes, so the ids alone would not tell two apart).
The risk alerts leave the trigger out on purpose: the same counted strikes give the same alert whichever of
them arrived last, so a worker and a replay that saw the events in different orders agree on the id.
JSON encoding keeps the parts unambiguous whatever characters the ids contain.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Final

import orjson

from pipeline.domain.records import AlertTransition

ALERT_ID_NAMESPACE: Final[uuid.UUID] = uuid.UUID("6c1f3a52-9d0e-5b7a-8f2e-3d4c5b6a7980")


def alert_id(
    customer_id: str,
    transition: AlertTransition,
    strike_event_ids: Iterable[str],
    triggering_event_id: str,
) -> str:
    """The CloudEvents id of the alert announcing ``transition`` with these counted strikes."""
    parts: list[object] = [customer_id, transition, sorted(strike_event_ids)]
    if transition == "recovered":
        parts.append(triggering_event_id)
    return str(uuid.uuid5(ALERT_ID_NAMESPACE, orjson.dumps(parts).decode()))
