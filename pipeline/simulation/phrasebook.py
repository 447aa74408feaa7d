"""The simulator's phrasebooks (data/en.yaml, data/zh.yaml): stage sentences, tones, idioms, slot values."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Annotated, Final, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field

Situation = Literal["good", "question", "problem"]
Tone = Literal[
    "delighted",
    "satisfied",
    "neutral",
    "confused",
    "worried",
    "sad",
    "disgusted",
    "angry",
    "sarcastic",
    "recovered",
]
IdiomKind = Literal["long_hold", "long_wait", "transfers", "ivr", "repeat", "scripted", "voice", "survey"]
PhrasebookLanguage = Literal["en", "zh"]

TONES: Final[tuple[Tone, ...]] = get_args(Tone)
IDIOM_KINDS: Final[tuple[IdiomKind, ...]] = get_args(IdiomKind)

_DATA = ConfigDict(frozen=True, extra="forbid")
Phrases = Annotated[tuple[str, ...], Field(min_length=1)]


class StagePhrases(BaseModel):
    """What customers say at one stage: when it went well, when they ask, when it went wrong."""

    model_config = _DATA

    good: Phrases
    question: Phrases
    problem: Phrases

    def of(self, situation: Situation) -> tuple[str, ...]:
        return tuple(getattr(self, situation))


class TonePhrases(BaseModel):
    """Words around a stage sentence that set its tone; an empty string means nothing is added."""

    model_config = _DATA

    before: Phrases
    after: Phrases


class LongTextParts(BaseModel):
    """Pieces that turn a sentence into an email or a call transcript."""

    model_config = _DATA

    greetings: Phrases
    details: Phrases
    history: Phrases
    signoffs: Phrases


class Phrasebook(BaseModel):
    """One language's phrasebook; ``joiner`` goes between sentences (a space in English, none in Chinese)."""

    model_config = _DATA

    language: PhrasebookLanguage
    joiner: str
    stages: dict[str, dict[str, StagePhrases]]
    tones: dict[Tone, TonePhrases]
    idioms: dict[IdiomKind, Phrases]
    long: LongTextParts
    slots: dict[str, Phrases]

    def stage(self, journey: str, stage: str) -> StagePhrases:
        """The sentences of one stage; KeyError names the missing journey and stage."""
        try:
            return self.stages[journey][stage]
        except KeyError:
            raise KeyError(f"the {self.language} phrasebook has no sentences for {journey}/{stage}") from None


@cache
def phrasebook(language: PhrasebookLanguage) -> Phrasebook:
    """The phrasebook shipped for ``en`` or ``zh`` (simplified; traditional is converted from it)."""
    text = files("pipeline.simulation").joinpath("data", f"{language}.yaml").read_text(encoding="utf-8")
    return Phrasebook.model_validate(yaml.safe_load(text))
