"""Building frozen pydantic value objects from values the engine computed itself, without validation.

``model_construct`` still walks every field; on the scoring hot path that costs more than the scoring.
These helpers set the instance state pydantic v2 expects directly. Use them only for values built in
code, never for input.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from pipeline.domain.labels import Cue, CueKind
from pipeline.domain.plutchik import Emotion

Model = TypeVar("Model", bound=BaseModel)
_set = object.__setattr__


def construct(model: type[Model], values: dict[str, Any]) -> Model:
    """An instance of ``model`` holding ``values``, which must name every field."""
    instance = model.__new__(model)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", set(values))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


def cue(
    kind: CueKind,
    text: str,
    span: tuple[int, int] | None,
    emotions: dict[Emotion, float],
    note: str | None = None,
) -> Cue:
    """A Cue built without validation (see the module docstring)."""
    start, end = span if span is not None else (None, None)
    return construct(
        Cue, {"kind": kind, "text": text, "start": start, "end": end, "emotions": emotions, "note": note}
    )
