"""Query parameters of the journey-map endpoints, validated into a ``WindowQuery`` with clear messages."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime

from pipeline.adapters.web_windows import WindowQuery


class BadQuery(ValueError):
    """A query parameter is missing or wrong; the message names it and says what is expected."""


def parse_map_query(
    params: Mapping[str, str], journeys: Sequence[str], window_sizes: Sequence[int]
) -> WindowQuery:
    """``journey``, ``window`` (seconds; default the smallest size), ``from`` and ``to`` (RFC 3339)."""
    journey = _journey(params, journeys)
    size = _window_size(params.get("window"), window_sizes)
    start = _moment(params, "from")
    end = _moment(params, "to")
    if start is not None and end is not None and start >= end:
        raise BadQuery("'from' must be before 'to'")
    return WindowQuery(journey, size, start, end)


def parse_internal_query(
    params: Mapping[str, str], journeys: Sequence[str], window_sizes: Sequence[int]
) -> tuple[WindowQuery, set[int] | None]:
    """The internal windows query: like the map's, with epoch-millisecond bounds and the wanted partitions."""
    journey = _journey(params, journeys)
    size = _window_size(params.get("window"), window_sizes)
    bounds = [_integer(params, name) for name in ("from_ms", "to_ms")]
    wanted = params.get("partitions")
    partitions = None if not wanted else {_partition(part) for part in wanted.split(",")}
    return WindowQuery(journey, size, bounds[0], bounds[1]), partitions


def _journey(params: Mapping[str, str], journeys: Sequence[str]) -> str:
    journey = params.get("journey")
    if not journey:
        raise BadQuery(f"'journey' is required, one of: {', '.join(journeys)}")
    if journey not in journeys:
        raise BadQuery(f"unknown journey {journey[:64]!r}; configured journeys: {', '.join(journeys)}")
    return journey


def _window_size(raw: str | None, window_sizes: Sequence[int]) -> int:
    if raw is None or raw == "":
        return min(window_sizes)
    try:
        size = int(raw)
    except ValueError:
        size = -1
    if size not in window_sizes:
        raise BadQuery(
            f"'window' must be one of the configured window sizes in seconds: "
            f"{', '.join(str(size) for size in window_sizes)}"
        )
    return size


def _moment(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise BadQuery(f"'{name}' must be an RFC 3339 time, e.g. 2026-03-01T00:00:00Z") from None
    if moment.tzinfo is None:
        raise BadQuery(f"'{name}' needs a UTC offset (Z or +hh:mm)")
    return math.floor(moment.timestamp() * 1000)


def _integer(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadQuery(f"'{name}' must be an integer (epoch milliseconds)") from None


def _partition(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise BadQuery("'partitions' must be a comma-separated list of partition numbers") from None
