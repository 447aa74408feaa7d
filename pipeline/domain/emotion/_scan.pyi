# The compiled English word scan (_scan.c); english.py loads it when it was built.
from typing import Any

def configure(
    cue_min: float,
    half: float,
    caps_weight: float,
    elongation_weight: float,
    negation_scope: int,
    negates: int,
    contrasts_before: int,
    contrasts_within: int,
    glue: int,
    rule_key: int,
    /,
) -> None: ...
def scan(
    lowered: str,
    text: str,
    caps_text: bool,
    entries: dict[str, Any],
    negated: dict[str, Any],
    negated_weights: Any,
    bias: tuple[float, ...],
    /,
) -> tuple[list[float], list[list[Any]], list[str], int, int, int, list[tuple[int, int]]]: ...
def configure_affect(
    floors: tuple[tuple[float, float], ...],
    valence_weights: tuple[tuple[int, float], ...],
    arousal_weights: tuple[tuple[int, float], ...],
    damping: float,
    /,
) -> None: ...
def affect(log_odds: list[float], arousal_boost: float, /) -> tuple[list[float], float, float]: ...
def round4(values: list[float], /) -> list[float]: ...
