"""Fixtures for contract tests: the committed schemas and examples, and an independent validator for them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

# RFC 3339 section 5.6: a date-time always carries an offset (Z or +hh:mm); fromisoformat checks the ranges.
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def is_rfc3339(instance: object) -> bool:
    if not isinstance(instance, str):
        return True  # formats only constrain strings
    if not _RFC3339.fullmatch(instance):
        return False
    try:
        datetime.fromisoformat(instance.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@pytest.fixture(scope="session")
def format_checker() -> FormatChecker:
    """jsonschema's checker with a real date-time check (the default one silently skips it without extras)."""
    checker = FormatChecker()
    checker.checks("date-time")(is_rfc3339)
    return checker


@pytest.fixture(scope="session")
def schemas_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "schemas"


@pytest.fixture(scope="session")
def validator_for(schemas_dir: Path, format_checker: FormatChecker) -> Callable[[str], Draft202012Validator]:
    """A Draft 2020-12 validator, with format checking, for a committed schema file."""

    def build(file_name: str) -> Draft202012Validator:
        schema = json.loads((schemas_dir / file_name).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        return Draft202012Validator(schema, format_checker=format_checker)

    return build


@pytest.fixture(scope="session")
def example(schemas_dir: Path) -> Callable[[str], Any]:
    """The parsed JSON of one committed example, by contract name (``churn-alert``)."""

    def load(name: str) -> Any:
        return json.loads((schemas_dir / "examples" / f"{name}.example.json").read_text(encoding="utf-8"))

    return load


@pytest.fixture(scope="session")
def example_bytes(schemas_dir: Path) -> Callable[[str], bytes]:
    def load(name: str) -> bytes:
        return (schemas_dir / "examples" / f"{name}.example.json").read_bytes()

    return load
