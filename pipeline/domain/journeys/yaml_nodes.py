"""Reading configuration YAML node by node, so every refusal names the file, the line and the problem.

Files are composed (not loaded): each node keeps its position, duplicate keys are caught (PyYAML's loader
silently keeps the last), and a scalar's resolved tag tells a quoted string from ``yes``, ``12`` or ``null``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pipeline.domain.errors import ConfigurationError

IDENTIFIER: Final = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_STRING_TAG: Final = "tag:yaml.org,2002:str"
_NUMBER_TAGS: Final = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
_NULL_TAG: Final = "tag:yaml.org,2002:null"
# libyaml composes several times faster than the pure-Python loader and keeps the same marks.
_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Entry:
    """One key of a mapping with its value node (the key node is kept for its line)."""

    key: ScalarNode
    value: Node


class YamlReader:
    """Walks the composed YAML tree of one file; each refusal names ``source:line`` and the problem."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: Node | None, problem: str) -> NoReturn:
        line = node.start_mark.line + 1 if node is not None else 1
        raise ConfigurationError(f"{self.source}:{line}", problem)

    def compose(self, text: str, expected: str) -> Node:
        """The root node of the text; an empty file or invalid YAML is refused."""
        try:
            root = yaml.compose(text, Loader=_LOADER)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark is not None else 1
            problem = error.problem or error.context or "invalid YAML"
            raise ConfigurationError(f"{self.source}:{line}", f"invalid YAML: {problem}") from error
        except yaml.YAMLError as error:
            raise ConfigurationError(f"{self.source}:1", f"invalid YAML: {error}") from error
        if root is None:
            raise ConfigurationError(f"{self.source}:1", f"the file is empty; expected {expected}")
        return root

    def mapping(
        self, node: Node, what: str, allowed: frozenset[str] | None = None, required: Sequence[str] = ()
    ) -> dict[str, Entry]:
        """The entries of a mapping node; duplicate, unknown (outside ``allowed``) or missing keys refused."""
        if not isinstance(node, MappingNode):
            self.fail(node, f"{what} must be a mapping, not {describe(node)}")
        entries: dict[str, Entry] = {}
        for key_node, value_node in node.value:
            key = self.string(key_node, f"a key of {what}")
            if key in entries:
                self.fail(key_node, f"duplicate key {key!r} in {what}")
            if allowed is not None and key not in allowed:
                self.fail(key_node, f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")
            assert isinstance(key_node, ScalarNode)
            entries[key] = Entry(key_node, value_node)
        for key in required:
            if key not in entries:
                self.fail(node, f"{what} needs the key {key!r}")
        return entries

    def sequence(self, node: Node, what: str) -> list[Node]:
        """The items of a list node."""
        if not isinstance(node, SequenceNode):
            self.fail(node, f"{what} must be a list, not {describe(node)}")
        return list(node.value)

    def string(self, node: Node, what: str) -> str:
        """A non-empty string scalar; ``yes``, ``12`` or ``null`` are refused, not silently converted."""
        if not isinstance(node, ScalarNode) or node.tag != _STRING_TAG:
            self.fail(node, f"{what} must be a string, not {describe(node)} (quote it if it is text)")
        value = str(node.value)
        if not value.strip():
            self.fail(node, f"{what} must not be empty")
        return value

    def optional_string(self, entry: Entry | None, what: str) -> str:
        """The string of an optional entry, or an empty string when it is absent."""
        return "" if entry is None else self.string(entry.value, what)

    def identifier(self, node: Node, what: str) -> str:
        """A lower-case snake_case name of at most 64 characters."""
        value = self.string(node, what)
        if not IDENTIFIER.fullmatch(value):
            self.fail(
                node,
                f"{what} {value!r} is not a valid identifier (lower-case letters, digits and underscores, "
                "starting with a letter, at most 64 characters)",
            )
        return value

    def number(self, node: Node, what: str, low: float, high: float) -> float:
        """A finite number within [low, high]."""
        if not isinstance(node, ScalarNode) or node.tag not in _NUMBER_TAGS:
            self.fail(node, f"{what} must be a number, not {describe(node)}")
        value = float(str(node.value).replace("_", ""))
        if not math.isfinite(value) or not low <= value <= high:
            self.fail(node, f"{what} must be between {low:g} and {high:g}, got {node.value}")
        return value

    def is_null(self, node: Node) -> bool:
        """Whether the node is YAML null (``null``, ``~`` or nothing)."""
        return isinstance(node, ScalarNode) and node.tag == _NULL_TAG


def describe(node: Node) -> str:
    """A node's kind in words for an error message: "a list", "the int '12'", "empty"."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = str(node.tag).rsplit(":", 1)[-1]
    if tag == "null":
        return "empty"
    return f"the {tag} {node.value!r}"
