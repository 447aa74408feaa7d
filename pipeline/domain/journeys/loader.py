"""Read journey definitions from YAML, refusing a bad file with its path, line and problem.

A file holds one journey::

    name: travel
    description: From booking a trip to the feedback after it.
    stage_aliases:            # other names producers send for a stage (optional)
      boarding: check_in
    stages:
      - name: booking
        description: Choosing and paying for the trip.
        channels: [web, app]  # channel hints (optional)
        keywords:
          en: [book a flight, reservation]
          zh: [订票, 訂票, 预订, 預訂]

Unknown keys, duplicate stage names or keywords, bad channels, aliases to missing stages, non-string
keywords and invalid identifiers are refused with the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Final, get_args

from yaml.nodes import Node

from pipeline.domain.errors import ConfigurationError
from pipeline.domain.event import Channel
from pipeline.domain.journeys.matcher import normalize_cue
from pipeline.domain.journeys.model import UNKNOWN_STAGE, Journey, Stage
from pipeline.domain.journeys.yaml_nodes import Entry, YamlReader

_LANGUAGE_TAG: Final = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_CHANNELS: Final[frozenset[str]] = frozenset(get_args(Channel))
_MAX_KEYWORD_CHARS: Final = 128

_JOURNEY_KEYS: Final = frozenset({"name", "description", "stage_aliases", "stages"})
_STAGE_KEYS: Final = frozenset({"name", "description", "channels", "keywords"})


def normalize_stage_name(name: str) -> str:
    """How explicit stage names and aliases compare: lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def parse_journey(text: str, source: str) -> Journey:
    """One journey from YAML text; ``source`` names the file in error messages."""
    return _FileParser(source).journey(text)


def read_journey_file(path: Path) -> Journey:
    """One journey from a YAML file, or ConfigurationError naming the file, line and problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ConfigurationError(f"{path}:1", f"not UTF-8 text ({error.reason})") from error
    except OSError as error:
        raise ConfigurationError(str(path), f"cannot be read ({error.strerror or error})") from error
    return parse_journey(text, str(path))


def journey_files(paths: Sequence[Path]) -> list[Path]:
    """The journey files named by configuration: each path is a file or a directory of .yaml/.yml files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())
            if not found:
                raise ConfigurationError(str(path), "the directory holds no .yaml or .yml journey files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ConfigurationError(str(path), "no such journey file or directory")
    return files


class _FileParser(YamlReader):
    """Reads one journey file."""

    def journey(self, text: str) -> Journey:
        root = self.compose(text, "a journey mapping")
        fields = self.mapping(root, "a journey", _JOURNEY_KEYS, required=("name", "stages"))
        name = self.identifier(fields["name"].value, "journey name")
        description = self.optional_string(fields.get("description"), "description")
        stages = self.stages(fields["stages"].value)
        stage_aliases = self.stage_aliases(fields.get("stage_aliases"), stages)
        return Journey(
            name=name,
            stages=stages,
            description=description,
            stage_aliases=stage_aliases,
            source=self.source,
        )

    def stages(self, node: Node) -> tuple[Stage, ...]:
        items = self.sequence(node, "stages")
        if not items:
            self.fail(node, "stages must list at least one stage")
        stages: list[Stage] = []
        first_line: dict[str, int] = {}
        keyword_owner: dict[str, str] = {}
        for item in items:
            stage = self.stage(item, keyword_owner)
            if stage.name in first_line:
                first = first_line[stage.name]
                self.fail(item, f"duplicate stage name {stage.name!r} (first defined on line {first})")
            first_line[stage.name] = item.start_mark.line + 1
            stages.append(stage)
        return tuple(stages)

    def stage(self, node: Node, keyword_owner: dict[str, str]) -> Stage:
        fields = self.mapping(node, "a stage", _STAGE_KEYS, required=("name",))
        name_node = fields["name"].value
        name = self.identifier(name_node, "stage name")
        if name == UNKNOWN_STAGE:
            self.fail(name_node, f"{UNKNOWN_STAGE!r} is reserved for events whose stage cannot be found")
        channels = self.channels(fields.get("channels"))
        keywords = self.keywords(fields.get("keywords"), name, keyword_owner)
        return Stage(
            name=name,
            description=self.optional_string(fields.get("description"), "description"),
            keywords=keywords,
            channels=channels,
        )

    def channels(self, entry: Entry | None) -> frozenset[str]:
        if entry is None:
            return frozenset()
        channels: set[str] = set()
        for item in self.sequence(entry.value, "channels"):
            channel = self.string(item, "a channel")
            if channel not in _CHANNELS:
                self.fail(item, f"unknown channel {channel!r} (known: {', '.join(sorted(_CHANNELS))})")
            channels.add(channel)
        return frozenset(channels)

    def keywords(
        self, entry: Entry | None, stage: str, keyword_owner: dict[str, str]
    ) -> dict[str, tuple[str, ...]]:
        if entry is None:
            return {}
        by_language: dict[str, tuple[str, ...]] = {}
        for language, phrases_entry in self.mapping(entry.value, "keywords").items():
            if not _LANGUAGE_TAG.fullmatch(language):
                self.fail(phrases_entry.key, f"keywords key {language!r} is not a language tag like en or zh")
            phrases: list[str] = []
            for item in self.sequence(phrases_entry.value, f"keywords.{language}"):
                phrase = self.string(item, f"a {language} keyword").strip()
                if len(phrase) > _MAX_KEYWORD_CHARS:
                    self.fail(item, f"keyword is longer than {_MAX_KEYWORD_CHARS} characters")
                key = normalize_cue(phrase)
                owner = keyword_owner.get(key)
                if owner is not None:
                    where = "this stage" if owner == stage else f"stage {owner!r}"
                    self.fail(item, f"keyword {phrase!r} is already a keyword of {where}")
                keyword_owner[key] = stage
                phrases.append(phrase)
            by_language[language] = tuple(phrases)
        return by_language

    def stage_aliases(self, entry: Entry | None, stages: tuple[Stage, ...]) -> dict[str, str]:
        if entry is None:
            return {}
        names = {stage.name for stage in stages}
        aliases: dict[str, str] = {}
        for alias, target_entry in self.mapping(entry.value, "stage_aliases").items():
            normalized = normalize_stage_name(alias)
            if normalized in names:
                self.fail(target_entry.key, f"alias {alias!r} is already the name of a stage")
            if normalized in aliases:
                self.fail(target_entry.key, f"alias {alias!r} is listed twice")
            target = self.string(target_entry.value, f"the stage of alias {alias!r}")
            if target not in names:
                self.fail(
                    target_entry.value,
                    f"alias {alias!r} refers to stage {target!r}, which is not a stage of this journey",
                )
            aliases[normalized] = target
        return aliases
