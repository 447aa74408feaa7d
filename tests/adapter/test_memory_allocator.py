"""Which C allocator the worker runs on, as its start-up log reports it."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.adapters.rocksdb_memory import memory_allocator

LIBC_MAPS = """\
7f1c2a000000-7f1c2a028000 r--p 00000000 08:01 1234 /usr/lib/x86_64-linux-gnu/libc.so.6
7f1c2b000000-7f1c2b010000 r-xp 00000000 08:01 1240 /usr/lib/x86_64-linux-gnu/librocksdict.so
7f1c2c000000-7f1c2c021000 rw-p 00000000 00:00 0    [heap]
"""


def _maps(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "maps"
    path.write_text(text, encoding="ascii")
    return path


def test_the_c_librarys_allocator_when_nothing_is_preloaded(tmp_path: Path) -> None:
    assert memory_allocator(_maps(tmp_path, LIBC_MAPS)) == "libc"


@pytest.mark.parametrize(
    ("library", "allocator"),
    [("libjemalloc.so.2", "jemalloc"), ("libtcmalloc_minimal.so.4", "tcmalloc")],
)
def test_a_preloaded_allocator_is_named(tmp_path: Path, library: str, allocator: str) -> None:
    line = f"7f1c29000000-7f1c29090000 r-xp 00000000 08:01 99 /usr/lib/x86_64-linux-gnu/{library}\n"
    assert memory_allocator(_maps(tmp_path, line + LIBC_MAPS)) == allocator


def test_a_directory_named_like_an_allocator_is_not_one(tmp_path: Path) -> None:
    line = "7f1c29000000-7f1c29090000 r-xp 00000000 08:01 99 /opt/jemalloc-notes/libc.so.6\n"
    assert memory_allocator(_maps(tmp_path, line)) == "libc"


def test_unknown_without_a_maps_file(tmp_path: Path) -> None:
    assert memory_allocator(tmp_path / "absent") == "unknown"


@pytest.mark.skipif(ctypes.util.find_library("jemalloc") is None, reason="libjemalloc is not installed")
def test_a_process_started_as_the_image_starts_the_worker_runs_on_jemalloc() -> None:
    code = "from pipeline.adapters.rocksdb_memory import memory_allocator; print(memory_allocator())"
    environment = {**os.environ, "LD_PRELOAD": "libjemalloc.so.2"}
    preloaded = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (preloaded.stdout.strip(), plain.stdout.strip()) == ("jemalloc", "libc")
