"""Reads the journey map back from the worker's HTTP API, as an analyst's tool would."""

from __future__ import annotations

import urllib.parse
import urllib.request
from typing import Any, Final

import orjson

from pipeline.journey_map import JourneyMap

MAP_WINDOW_SECONDS: Final[int] = 3600
TIMEOUT_S: Final[float] = 15.0


def _get_json(url: str, token: str | None = None) -> Any:
    request = urllib.request.Request(url)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
        return orjson.loads(answer.read())


def journey_names(base_url: str) -> list[str]:
    """The journeys the worker knows, from the open ``/api/journeys``."""
    catalog = _get_json(f"{base_url}/api/journeys")
    return [str(journey["name"]) for journey in catalog["journeys"]]


def fetch_journey_map(base_url: str, token: str, journey: str) -> tuple[JourneyMap, list[int]]:
    """One journey's map over all its hour windows, and the partitions no worker answered for."""
    query = urllib.parse.urlencode({"journey": journey, "window": MAP_WINDOW_SECONDS})
    payload = _get_json(f"{base_url}/api/journey-map?{query}", token)
    missing = [int(partition) for partition in payload.get("missing_partitions", [])]
    fields = set(JourneyMap.model_fields)
    return JourneyMap.model_validate({key: value for key, value in payload.items() if key in fields}), missing


def journey_map_page_url(base_url: str) -> str:
    return f"{base_url}/journey-map"
