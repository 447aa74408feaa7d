"""Building frozen pydantic value objects from values the engine computed itself, without validation.

``model_construct`` still walks every field; on the scoring hot path that costs more than the scoring.
These helpers set the instance state pydantic v2 expects directly, through the slot descriptors of
``BaseModel`` (one C call each). Use them only for values built in code, never for input.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from pipeline.domain.labels import Cue, CueKind
from pipeline.domain.plutchik import Emotion

Model = TypeVar("Model", bound=BaseModel)
_new = object.__new__
_set_dict = object.__setattr__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def construct(model: type[Model], values: dict[str, Any]) -> Model:
    """An instance of ``model`` holding ``values``, which must name every field."""
    instance = _new(model)
    _set_dict(instance, "__dict__", values)
    _set_fields_set(instance, set(values))
    _set_extra(instance, None)
    _set_private(instance, None)
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
    instance = _new(Cue)
    values = {"kind": kind, "text": text, "start": start, "end": end, "emotions": emotions, "note": note}
    _set_dict(instance, "__dict__", values)
    _set_fields_set(instance, set(values))
    _set_extra(instance, None)
    _set_private(instance, None)
    return instance
