"""Reading labelled JSONL data sets (plain or gzip) one row at a time."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO


def open_text(path: Path) -> TextIO:
    """A text stream over a .jsonl or .jsonl.gz file."""
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open(encoding="utf-8")


def iter_rows(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSONL file, skipping blank lines."""
    with open_text(path) as stream:
        for line in stream:
            if line.strip():
                yield json.loads(line)


def dataset_name(path: Path) -> str:
    """The file's name without .jsonl/.gz, e.g. 'emotion-en-goemotions-dev'."""
    name = path.name
    for suffix in (".gz", ".jsonl"):
        name = name.removesuffix(suffix)
    return name
