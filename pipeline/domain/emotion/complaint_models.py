"""What the English and Chinese complaint readings share: the shipped model's file, and the reading a
confident complaint gets (its probability, where its weightiest feature sits, and the few that weighed
most)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

# How many of the weightiest words or pairs a reading names.
SHOWN: Final = 3


@dataclass(frozen=True, slots=True)
class ComplaintReading:
    """A text read as a complaint: how sure the model is, where the word or pair that weighed most for it
    sits, and the words of the few that weighed most (strongest first), for an analyst to see why."""

    probability: float
    start: int
    end: int
    weightiest: tuple[str, ...]


def shipped_complaint_model(folder: str) -> dict[str, Any]:
    """A language's complaint model as training wrote it (``data/<folder>/complaints.json.gz``)."""
    path = resources.files("pipeline.domain.emotion") / "data" / folder / "complaints.json.gz"
    shipped: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    return shipped


def reading_of(probability: float, text: str, found: list[tuple[float, int, int]]) -> ComplaintReading:
    """The reading from the weighing features found (weight, start, end; offsets into ``text``)."""
    found.sort(key=lambda item: (-item[0], item[1]))
    start, end = (found[0][1], found[0][2]) if found else (0, len(text))
    words = tuple(dict.fromkeys(text[first:last] for _, first, last in found[:SHOWN]))
    return ComplaintReading(round(probability, 2), start, end, words)
