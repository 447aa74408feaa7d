"""One memory budget for all of a worker's RocksDB databases.

A worker opens one database per table and partition (4 x partitions of them). Faust gives each its own block
cache and write buffers, so what a worker may use grows with the number of databases, and a database that
is written slowly keeps its memtable in memory until it fills: a 30-minute soak grew by 824 MiB an hour with
Faust's defaults, and with small per-database bounds the memtables still grew from 30 to 74 MiB in four
minutes (docs/performance.md, "Soak"). Here every
database shares one block cache, and a write buffer manager charges their memtables to that cache and
flushes the largest when together they pass half of it, so the worker's RocksDB memory stays within the
budget however many databases it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rocksdict
from faust.stores.rocksdb import RocksDBOptions

MIB = 2**20


@dataclass(frozen=True)
class RocksDBBudget:
    """The shared block cache and the write buffer manager charging memtables to it."""

    size_bytes: int
    cache: rocksdict.Cache
    write_buffers: rocksdict.WriteBufferManager

    @classmethod
    def of(cls, memory_mib: int) -> RocksDBBudget:
        size = memory_mib * MIB
        cache = rocksdict.Cache(size)
        # Not stalling writers: a write over the budget triggers a flush instead of waiting for one.
        manager = rocksdict.WriteBufferManager
        write_buffers = manager.new_write_buffer_manager_with_cache(size // 2, False, cache)
        return cls(size, cache, write_buffers)


class BudgetedRocksDBOptions(RocksDBOptions):
    """Faust's RocksDB options (same files, bloom filters and index), with the memory of a shared budget."""

    def __init__(self, budget: RocksDBBudget, **options: Any) -> None:
        super().__init__(use_rocksdict=True, **options)
        self.budget = budget

    def as_options(self) -> rocksdict.Options:
        options = rocksdict.Options(raw_mode=True)
        options.create_if_missing(True)
        options.set_max_open_files(-1 if self.max_open_files is None else self.max_open_files)  # -1: no limit
        options.set_write_buffer_size(self.write_buffer_size)
        options.set_max_write_buffer_number(self.max_write_buffer_number)
        options.set_target_file_size_base(self.target_file_size_base)
        options.set_write_buffer_manager(self.budget.write_buffers)
        table = rocksdict.BlockBasedOptions()
        table.set_bloom_filter(self.bloom_filter_size, block_based=True)
        table.set_block_cache(self.budget.cache)
        table.set_index_type(rocksdict.BlockBasedIndexType.binary_search())
        options.set_block_based_table_factory(table)
        return options


def share_budget(store: Any, budget: RocksDBBudget, write_buffer_mib: int) -> None:
    """Give a table's RocksDB store the shared budget; before it opens a database (on assignment)."""
    store.rocksdb_options = BudgetedRocksDBOptions(
        budget, write_buffer_size=write_buffer_mib * MIB, max_write_buffer_number=2
    )


ALLOCATORS = ("jemalloc", "tcmalloc")


def memory_allocator(maps: Path = Path("/proc/self/maps")) -> str:
    """The C allocator this process runs on: jemalloc or tcmalloc when preloaded, else the C library's.

    It matters for RocksDB: with glibc's allocator a worker's memory kept growing outside the budget
    (docs/performance.md, "Soak"); the container image preloads jemalloc.
    """
    try:
        mapped = maps.read_text(encoding="ascii", errors="replace")
    except OSError:
        return "unknown"
    libraries = {line.rsplit("/", 1)[-1] for line in mapped.splitlines() if "/" in line}
    for allocator in ALLOCATORS:
        if any(name.startswith(f"lib{allocator}") for name in libraries):
            return allocator
    return "libc"
