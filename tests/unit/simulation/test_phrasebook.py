"""The phrasebooks cover every built-in stage, their sentences point at their own stage, and the traditional
script conversion knows every character they use."""

from __future__ import annotations

import re
from importlib.resources import files
from random import Random

import pytest

from pipeline.domain.emotion.chinese_script import chinese_script
from pipeline.domain.journeys import JourneyCatalog, builtin_journeys
from pipeline.simulation.phrasebook import TONES, phrasebook
from pipeline.simulation.script import SAME_IN_TRADITIONAL, to_traditional
from pipeline.simulation.texts import TextRequest, compose_text

CATALOG = JourneyCatalog(builtin_journeys())
STAGES = [(journey, stage) for journey in CATALOG.journey_names for stage in CATALOG.stage_names(journey)]
SLOT = re.compile(r"\{[a-z_]+\}")


def _sentences(language: str, journey: str, stage: str) -> list[str]:
    phrases = phrasebook("en" if language == "en" else "zh").stage(journey, stage)
    sentences = [*phrases.good, *phrases.question, *phrases.problem]
    return [to_traditional(s) if language == "zh-Hant" else s for s in sentences]


@pytest.mark.parametrize(("journey", "stage"), STAGES)
@pytest.mark.parametrize("language", ["en", "zh-Hans", "zh-Hant"])
def test_every_stage_sentence_points_at_its_stage(language: str, journey: str, stage: str) -> None:
    for sentence in _sentences(language, journey, stage):
        inferred = CATALOG.infer_stage(journey, None, SLOT.sub("", sentence), "other")
        assert inferred.stage == stage, (sentence, inferred.cue)


@pytest.mark.parametrize(("journey", "stage"), STAGES)
def test_traditional_texts_read_as_traditional(journey: str, stage: str) -> None:
    for situation in ("good", "question", "problem"):
        request = TextRequest(journey, stage, "zh-Hant", situation, "neutral", length="long")
        assert chinese_script(compose_text(Random(situation), request)) == "zh-Hant"


def test_the_conversion_table_knows_every_character_of_the_phrasebook() -> None:
    # OpenCC's table, read backwards, lists every simplified character that has a traditional form.
    opencc = files("pipeline.domain.emotion").joinpath("data", "zh", "t2s.tsv").read_text(encoding="utf-8")
    has_traditional = {
        line.split("\t")[1] for line in opencc.splitlines() if line and not line.startswith("#")
    }
    table = files("pipeline.simulation").joinpath("data", "s2t.tsv").read_text(encoding="utf-8")
    converted = {line.split("\t")[0] for line in table.splitlines() if line and not line.startswith("#")}
    used = set(files("pipeline.simulation").joinpath("data", "zh.yaml").read_text(encoding="utf-8"))
    missing = sorted((used & has_traditional) - converted - set(SAME_IN_TRADITIONAL))
    assert missing == []


@pytest.mark.parametrize("language", ["en", "zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("tone", TONES)
def test_every_template_fills_all_its_slots(language: str, tone: str) -> None:
    rng = Random(tone)
    for journey, stage in STAGES:
        for situation in ("good", "question", "problem"):
            request = TextRequest(
                journey,
                stage,
                language,
                situation,
                tone,  # type: ignore[arg-type]
                idioms=(
                    "long_hold",
                    "long_wait",
                    "transfers",
                    "ivr",
                    "repeat",
                    "scripted",
                    "voice",
                    "survey",
                ),
                length="long",
                letter=True,
                facts={"hold_minutes": 42, "wait_minutes": 17, "transfers": 4},
            )
            text = compose_text(rng, request)
            assert not SLOT.search(text), text
