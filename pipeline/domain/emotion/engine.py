"""The pluggable emotion-engine interface and the factory that builds an engine from configuration.

Callers (processor, replay, classify, eval) depend only on ``EmotionEngine``; which engine runs is a
setting (``emotion.engine``) with string options, so a transformer model can replace the default without
code changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from pipeline.domain.errors import ConfigurationError
from pipeline.domain.event import SelectedEmotion, Voice
from pipeline.domain.labels import EmotionResult, EngineInfo


@dataclass(frozen=True, slots=True)
class EmotionRequest:
    """The arguments of one ``analyze`` call, for batched analysis."""

    text: str | None
    language: str | None = None
    selected: Sequence[SelectedEmotion] = ()
    voice: Voice | None = None


@runtime_checkable
class EmotionEngine(Protocol):
    """Scores text (plus the customer's selected emotions and voice hints) on Plutchik's wheel."""

    @property
    def info(self) -> EngineInfo:
        """Name and version, recorded in every result so it can be reproduced."""
        ...

    def analyze(
        self,
        text: str | None,
        language: str | None = None,
        *,
        selected: Sequence[SelectedEmotion] = (),
        voice: Voice | None = None,
    ) -> EmotionResult:
        """One event's emotion; ``language`` is a BCP 47 tag, detected from the text when None."""
        ...

    def analyze_many(self, requests: Sequence[EmotionRequest]) -> list[EmotionResult]:
        """Many events at once, results in request order (engines that batch do it here)."""
        ...


EngineFactory = Callable[[Mapping[str, str]], EmotionEngine]

# name -> "module:function"; modules load lazily so an optional engine's extra is needed only when chosen.
_ENGINES: dict[str, str] = {
    "lexicon": "pipeline.domain.emotion.lexicon_engine:build_lexicon_engine",
    "plutchik-linear": "pipeline.domain.emotion.lexicon_engine:build_lexicon_engine",
    "transformer": "pipeline.domain.emotion.onnx_engine:build_onnx_engine",
}


def engine_names() -> tuple[str, ...]:
    """The names ``load_engine`` accepts."""
    return tuple(_ENGINES)


def load_engine(name: str = "lexicon", options: Mapping[str, str] | None = None) -> EmotionEngine:
    """Build the named engine; ConfigurationError naming ``emotion.engine`` for a bad name or option."""
    target = _ENGINES.get(name)
    if target is None:
        raise ConfigurationError("emotion.engine", f"unknown engine {name!r} (known: {', '.join(_ENGINES)})")
    module_name, function_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:  # an optional engine whose extra is not installed
        raise ConfigurationError("emotion.engine", f"engine {name!r} is not available: {error}") from error
    factory: EngineFactory = getattr(module, function_name)
    return factory(dict(options or {}))


def check_options(engine: str, options: Mapping[str, str], allowed: Sequence[str]) -> None:
    """Refuse options an engine does not know, naming them, so a typo does not pass silently."""
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ConfigurationError(
            "emotion.engine",
            f"engine {engine!r} has no option(s) {', '.join(unknown)}; known: {', '.join(allowed) or 'none'}",
        )
