"""The recommended-action playbook (SPEC 7): what the CRM should do next, on which channel, and how soon.

The playbook is configuration (the built-in ``playbook.yaml`` next to this module, or the user's file):
ordered rules on the dominant emotion, dyads, alert transition and urgency, first match wins. Every action
goes through a channel where a human answers; urgency shortens the time to respond.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path
from typing import Final, get_args

from yaml.nodes import Node

from pipeline.domain.errors import ConfigurationError
from pipeline.domain.journeys.yaml_nodes import Entry, YamlReader
from pipeline.domain.plutchik import PRIMARY_DYADS, PRIMARY_EMOTIONS, Emotion
from pipeline.domain.records import AlertTransition, RecommendedAction, iso_duration, iso_duration_seconds

# The dominant-emotion condition for events with no dominant emotion (neutral text, no text at all).
NO_EMOTION: Final = "none"

# Channels where a person answers. Self-service (app, web), IVR and bots are never recommended.
HUMAN_CHANNELS: Final[frozenset[str]] = frozenset(
    {"phone", "video", "chat", "email", "sms", "store", "social"}
)

_TRANSITIONS: Final[frozenset[str]] = frozenset(get_args(AlertTransition))
_TOP_KEYS: Final = frozenset({"urgency", "rules"})
_URGENCY_KEYS: Final = frozenset({"shortening", "minimum"})
_RULE_KEYS: Final = frozenset(
    {"when", "action", "description", "description_zh", "channel", "respond_within"}
)
_WHEN_KEYS: Final = frozenset({"emotion", "dyad", "transition", "min_urgency"})


@dataclass(frozen=True, slots=True)
class PlaybookRule:
    """One rule: conditions (None means any) and the action it recommends."""

    action: str
    description: str
    description_zh: str | None
    channel: str
    respond_within_seconds: int
    emotions: frozenset[str] | None = None
    dyads: frozenset[str] | None = None
    transitions: frozenset[str] | None = None
    min_urgency: float = 0.0

    @property
    def catches_all(self) -> bool:
        """Whether the rule has no condition at all."""
        return (self.emotions, self.dyads, self.transitions) == (None, None, None) and self.min_urgency == 0

    def applies(self, dominant: str, dyads: frozenset[str], urgency: float, transition: str | None) -> bool:
        """Whether every condition of the rule holds."""
        return (
            (self.emotions is None or dominant in self.emotions)
            and (self.dyads is None or not self.dyads.isdisjoint(dyads))
            and (self.transitions is None or transition in self.transitions)
            and urgency >= self.min_urgency
        )


@dataclass(frozen=True, slots=True)
class Playbook:
    """Ordered rules (the last catches everything) and how urgency shortens the time to respond."""

    rules: tuple[PlaybookRule, ...]
    urgency_shortening: float = 0.75
    minimum_seconds: int = 600
    source: str = ""

    def recommend(
        self,
        dominant: Emotion | None,
        *,
        dyads: Iterable[str] = (),
        urgency: float = 0.0,
        transition: AlertTransition | None = None,
    ) -> RecommendedAction:
        """The action of the first rule that applies; urgency (0..1) shortens its respond-within time."""
        present = frozenset(dyads)
        emotion = dominant if dominant is not None else NO_EMOTION
        urgency = min(1.0, max(0.0, urgency))
        rule = next(rule for rule in self.rules if rule.applies(emotion, present, urgency, transition))
        seconds = self.respond_within(rule.respond_within_seconds, urgency)
        return RecommendedAction(
            action=rule.action,
            description=rule.description,
            description_zh=rule.description_zh,
            channel=rule.channel,
            respond_within=iso_duration(seconds),
            respond_within_seconds=seconds,
        )

    def respond_within(self, base_seconds: int, urgency: float) -> int:
        """The base time shortened by urgency, in whole minutes, within [minimum, base]."""
        shortened = base_seconds * (1.0 - self.urgency_shortening * urgency)
        if shortened >= 60:
            shortened = shortened // 60 * 60
        return int(min(base_seconds, max(self.minimum_seconds, shortened)))


BUILTIN_PLAYBOOK_SOURCE: Final = "builtin/playbook.yaml"


def load_playbook(path: Path | None = None) -> Playbook:
    """The playbook from a YAML file, or the built-in one; a bad file is refused naming file:line."""
    if path is None:
        text = files("pipeline.domain").joinpath("playbook.yaml").read_text(encoding="utf-8")
        return parse_playbook(text, BUILTIN_PLAYBOOK_SOURCE)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ConfigurationError(f"{path}:1", f"not UTF-8 text ({error.reason})") from error
    except OSError as error:
        raise ConfigurationError(str(path), f"cannot be read ({error.strerror or error})") from error
    return parse_playbook(text, str(path))


def parse_playbook(text: str, source: str) -> Playbook:
    """A playbook from YAML text; ``source`` names the file in error messages."""
    return _PlaybookReader(source).playbook(text)


class _PlaybookReader(YamlReader):
    def playbook(self, text: str) -> Playbook:
        root = self.compose(text, "a playbook mapping")
        fields = self.mapping(root, "the playbook", _TOP_KEYS, required=("rules",))
        shortening, minimum = self.urgency(fields.get("urgency"))
        items = self.sequence(fields["rules"].value, "rules")
        if not items:
            self.fail(fields["rules"].value, "rules must list at least one rule")
        rules: list[PlaybookRule] = []
        for item in items:
            if rules and rules[-1].catches_all:
                self.fail(item, "unreachable rule: the rule before it has no 'when' and catches all")
            rules.append(self.rule(item))
        if not rules[-1].catches_all:
            self.fail(items[-1], "the last rule must have no 'when', so every case gets an action")
        return Playbook(
            rules=tuple(rules), urgency_shortening=shortening, minimum_seconds=minimum, source=self.source
        )

    def urgency(self, entry: Entry | None) -> tuple[float, int]:
        if entry is None:
            return 0.75, 600
        fields = self.mapping(entry.value, "urgency", _URGENCY_KEYS)
        shortening = 0.75
        if "shortening" in fields:
            shortening = self.number(fields["shortening"].value, "urgency.shortening", 0.0, 1.0)
        minimum = self.duration(fields["minimum"].value, "urgency.minimum") if "minimum" in fields else 600
        return shortening, minimum

    def duration(self, node: Node, what: str) -> int:
        value = self.string(node, what)
        try:
            return iso_duration_seconds(value)
        except ValueError:
            self.fail(node, f"{what} {value!r} is not an ISO 8601 duration such as PT15M, PT2H or P1D")

    def rule(self, node: Node) -> PlaybookRule:
        fields = self.mapping(
            node, "a rule", _RULE_KEYS, required=("action", "description", "channel", "respond_within")
        )
        channel_node = fields["channel"].value
        channel = self.string(channel_node, "channel")
        if channel not in HUMAN_CHANNELS:
            self.fail(
                channel_node,
                f"channel {channel!r} is not one where a human answers "
                f"(use one of: {', '.join(sorted(HUMAN_CHANNELS))})",
            )
        seconds = self.duration(fields["respond_within"].value, "respond_within")
        if seconds <= 0:
            self.fail(fields["respond_within"].value, "respond_within must be longer than zero")
        zh = fields.get("description_zh")
        rule = PlaybookRule(
            action=self.identifier(fields["action"].value, "action"),
            description=self.string(fields["description"].value, "description"),
            description_zh=self.string(zh.value, "description_zh") if zh is not None else None,
            channel=channel,
            respond_within_seconds=seconds,
        )
        when = fields.get("when")
        return self.conditions(when.value, rule) if when is not None else rule

    def conditions(self, node: Node, rule: PlaybookRule) -> PlaybookRule:
        fields = self.mapping(node, "when", _WHEN_KEYS)
        emotions = self.names(fields.get("emotion"), "emotion", (*PRIMARY_EMOTIONS, NO_EMOTION))
        dyads = self.names(fields.get("dyad"), "dyad", tuple(PRIMARY_DYADS))
        transitions = self.names(fields.get("transition"), "transition", tuple(sorted(_TRANSITIONS)))
        min_urgency_entry = fields.get("min_urgency")
        min_urgency = 0.0
        if min_urgency_entry is not None:
            min_urgency = self.number(min_urgency_entry.value, "min_urgency", 0.0, 1.0)
        return replace(
            rule,
            emotions=emotions,
            dyads=dyads,
            transitions=transitions,
            min_urgency=min_urgency,
        )

    def names(self, entry: Entry | None, what: str, known: Sequence[str]) -> frozenset[str] | None:
        if entry is None:
            return None
        node = entry.value
        if self.is_null(node) and what == "emotion":
            return frozenset({NO_EMOTION})
        items = self.sequence(node, what) if not isinstance(node.value, str) else [node]
        if not items:
            self.fail(node, f"{what} must name at least one {what}")
        names: set[str] = set()
        for item in items:
            name = self.string(item, what)
            if name not in known:
                self.fail(item, f"unknown {what} {name!r} (known: {', '.join(known)})")
            names.add(name)
        return frozenset(names)
