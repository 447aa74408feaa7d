"""Journey files: good files load, and every kind of bad file is refused with its file, line and problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pipeline.domain.errors import ConfigurationError
from pipeline.domain.journeys import load_journeys
from pipeline.domain.journeys.loader import parse_journey

GOOD = """\
name: parking
description: Parking a car.
stage_aliases:
  pay_station: payment
stages:
  - name: entry
    channels: [app]
    keywords:
      en: [barrier, entrance]
      zh: [入口, 道闸, 道閘]
  - name: payment
    keywords:
      en: [pay, ticket]
"""


def test_good_file_loads_in_order() -> None:
    journey = parse_journey(GOOD, "parking.yaml")
    assert journey.name == "parking"
    assert journey.stage_names == ("entry", "payment")
    assert journey.stages[0].keywords == {"en": ("barrier", "entrance"), "zh": ("入口", "道闸", "道閘")}
    assert journey.stages[0].channels == frozenset({"app"})
    assert journey.stage_aliases == {"pay_station": "payment"}
    assert journey.source == "parking.yaml"


BAD_FILES: list[tuple[str, str, int, str]] = [
    ("empty file", "", 1, "empty"),
    ("not a mapping", "- a\n- b\n", 1, "must be a mapping"),
    ("broken yaml", "name: x\nstages: [\n", 3, "invalid YAML"),
    ("missing stages", "name: x\n", 1, "needs the key 'stages'"),
    ("unknown top key", "name: x\ncolour: red\nstages:\n  - name: a\n", 2, "unknown key 'colour'"),
    ("duplicate top key", "name: x\nname: y\nstages:\n  - name: a\n", 2, "duplicate key 'name'"),
    ("empty stage list", "name: x\nstages: []\n", 2, "at least one stage"),
    ("stages not a list", "name: x\nstages: {a: 1}\n", 2, "must be a list"),
    ("bad journey identifier", "name: Travel Plans\nstages:\n  - name: a\n", 1, "not a valid identifier"),
    ("numeric journey name", "name: 42\nstages:\n  - name: a\n", 1, "must be a string"),
    ("bad stage identifier", "name: x\nstages:\n  - name: a\n  - name: 2nd-stage\n", 4,
     "not a valid identifier"),
    ("reserved stage", "name: x\nstages:\n  - name: unknown\n", 3, "reserved"),
    ("duplicate stage", "name: x\nstages:\n  - name: a\n  - name: b\n  - name: a\n", 5,
     "duplicate stage name 'a' (first defined on line 3)"),
    ("unknown stage key", "name: x\nstages:\n  - name: a\n    keyword: [b]\n", 4, "unknown key 'keyword'"),
    ("bad channel", "name: x\nstages:\n  - name: a\n    channels: [web, fax]\n", 4, "unknown channel 'fax'"),
    ("non-string keyword", "name: x\nstages:\n  - name: a\n    keywords:\n      en: [ok, 12]\n", 5,
     "must be a string"),
    ("yaml boolean keyword", "name: x\nstages:\n  - name: a\n    keywords:\n      en:\n        - yes\n", 6,
     "quote it"),
    ("empty keyword", "name: x\nstages:\n  - name: a\n    keywords:\n      en: ['  ']\n", 5,
     "must not be empty"),
    ("keywords not a mapping", "name: x\nstages:\n  - name: a\n    keywords: [a, b]\n", 4,
     "must be a mapping"),
    ("bad language key", "name: x\nstages:\n  - name: a\n    keywords:\n      English: [a]\n", 5,
     "not a language tag"),
    ("keyword in two stages", textwrap.dedent("""\
        name: x
        stages:
          - name: a
            keywords: {en: [Refund]}
          - name: b
            keywords:
              en: [refund]
        """), 7, "already a keyword of stage 'a'"),
    ("alias to a missing stage", "name: x\nstage_aliases:\n  b: nowhere\nstages:\n  - name: a\n", 3,
     "refers to stage 'nowhere'"),
    ("alias shadowing a stage", "name: x\nstage_aliases:\n  a: a\nstages:\n  - name: a\n", 3,
     "already the name of a stage"),
]


@pytest.mark.parametrize(("text", "line", "problem"), [case[1:] for case in BAD_FILES],
                         ids=[case[0] for case in BAD_FILES])
def test_bad_file_is_refused_with_line_and_problem(text: str, line: int, problem: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        parse_journey(text, "journeys/x.yaml")
    assert refused.value.setting == f"journeys/x.yaml:{line}"
    assert problem in refused.value.problem


def test_builtin_journeys_are_all_there() -> None:
    catalog = load_journeys()
    assert {"ecommerce", "travel", "telecom", "banking", "default"} <= set(catalog.journey_names)
    travel = ("booking", "pre_trip", "check_in", "in_stay", "return", "post_trip")
    assert catalog.stage_names("travel") == travel


def test_builtin_journeys_know_both_languages_and_both_scripts() -> None:
    catalog = load_journeys()
    for name in catalog.journey_names:
        for stage in catalog.journey(name).stages:
            assert stage.keywords.get("en"), f"{name}.{stage.name} has no English keywords"
            assert stage.keywords.get("zh"), f"{name}.{stage.name} has no Chinese keywords"


def test_user_file_overrides_builtin_and_adds_journeys(tmp_path: Path) -> None:
    (tmp_path / "travel.yaml").write_text("name: travel\nstages:\n  - name: only\n", encoding="utf-8")
    (tmp_path / "parking.yml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a journey", encoding="utf-8")
    catalog = load_journeys([tmp_path])
    assert catalog.stage_names("travel") == ("only",)
    assert catalog.stage_names("parking") == ("entry", "payment")
    assert catalog.journey("travel").source == str(tmp_path / "travel.yaml")
    assert catalog.stage_names("banking")[0] == "account_opening"


def test_single_file_path(tmp_path: Path) -> None:
    path = tmp_path / "parking.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert "parking" in load_journeys([path]).journey_names


def test_two_user_files_for_one_journey_are_refused(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(GOOD, encoding="utf-8")
    second.write_text(GOOD, encoding="utf-8")
    with pytest.raises(ConfigurationError) as refused:
        load_journeys([first, second])
    assert refused.value.setting == f"{second}:1"
    assert str(first) in refused.value.problem


def test_bad_user_file_names_its_path(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: broken\nstages:\n  - name: a\n    channels: [pigeon]\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as refused:
        load_journeys([tmp_path])
    assert refused.value.setting == f"{path}:4"


def test_missing_path_and_empty_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no such journey file"):
        load_journeys([tmp_path / "absent.yaml"])
    with pytest.raises(ConfigurationError, match=r"holds no \.yaml"):
        load_journeys([tmp_path])


def test_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigurationError, match="not UTF-8"):
        load_journeys([path])
