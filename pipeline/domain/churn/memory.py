"""How a customer will likely remember the recent journey: the peak-end rule (Kahneman), -1..1.

``memory_score = (peak + end) / 2``, rounded to 4 decimals, where

- ``end`` is the valence of the most recent interaction by event time (ties by event id);
- ``peak`` is the most negative valence among the counted strikes and that end moment.

Only counted strikes are negative moments: a forgiven strike "becomes a good memory" (SPEC 6) and one that
left the window is no longer recent. With no strikes the peak is the end itself, so the score is the end's
valence. Both inputs come from the stored state, so the score is the same whatever order events arrived in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from pipeline.domain.churn.history import BadExperience, Moment

MEMORY_DIGITS: Final[int] = 4


def memory_score(strikes: Sequence[BadExperience], end: Moment | None) -> float:
    """Peak-end memory of the counted strikes and the latest moment; 0.0 for a customer never seen."""
    if end is None:
        return 0.0
    peak = min((strike.valence for strike in strikes), default=end.valence)
    peak = min(peak, end.valence)
    score = (peak + end.valence) / 2
    return round(max(-1.0, min(1.0, score)), MEMORY_DIGITS)
