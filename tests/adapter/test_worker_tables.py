"""The worker's tables on RocksDB: one memory budget for all their databases, not Faust's per-database one."""

from __future__ import annotations

import os
import time
from dataclasses import fields
from pathlib import Path
from typing import Any, cast

import rocksdict
from faust.stores.rocksdb import RocksDBOptions

from pipeline.adapters.rocksdb_memory import MIB, BudgetedRocksDBOptions, RocksDBBudget
from pipeline.adapters.topic_admin import CHANGELOG_CONFIG, changelog_topics
from pipeline.adapters.worker_app import build_worker
from pipeline.config import load_settings

DATABASES = 16
WRITTEN_PER_DATABASE = 7 * MIB // 2  # below one memtable: nothing is flushed for size alone


def test_every_table_shares_one_budget(tmp_path: Path) -> None:
    memory = {"rocksdb_memory_mib": 16, "rocksdb_write_buffer_mib": 2}
    settings = load_settings(worker={"store": "rocksdb", "workdir": tmp_path, **memory})
    worker = build_worker(settings)

    options = [
        cast(Any, getattr(worker.tables, field.name)).data.rocksdb_options for field in fields(worker.tables)
    ]
    assert all(isinstance(option, BudgetedRocksDBOptions) for option in options)
    assert len({id(option.budget) for option in options}) == 1
    assert all(
        option.write_buffer_size == 2 * MIB and option.max_write_buffer_number == 2 for option in options
    )


def test_the_topics_created_before_start_are_the_tables_changelogs(tmp_path: Path) -> None:
    settings = load_settings(worker={"app_id": "names-check", "workdir": tmp_path})
    worker = build_worker(settings)

    tables = [cast(Any, getattr(worker.tables, field.name)) for field in fields(worker.tables)]
    assert [table.changelog_topic.get_topic_name() for table in tables] == changelog_topics(settings)
    # Created with what Faust itself would ask for, so that its own declaration finds nothing to change.
    for table in tables:
        assert table.changelog_topic.compacting
        assert not table.changelog_topic.deleting
        assert table.changelog_topic.retention is None
    assert CHANGELOG_CONFIG == {"cleanup.policy": "compact"}


def test_the_budget_and_its_use_are_metrics(tmp_path: Path) -> None:
    settings = load_settings(worker={"store": "rocksdb", "workdir": tmp_path, "rocksdb_memory_mib": 16})
    worker = build_worker(settings)
    options = cast(Any, worker.tables.customers).data.rocksdb_options
    db = options.open(tmp_path / "customers-0")

    def memory(part: str) -> float:
        value = worker.registry.get_sample_value("emotion_pipeline_rocksdb_memory_bytes", {"part": part})
        assert value is not None
        return value

    before = memory("memtables")
    db[b"cust-1"] = os.urandom(100_000)
    assert memory("budget") == 16 * MIB
    assert memory("memtables") > before
    assert memory("block_cache") >= memory("memtables")
    db.close()


def memtable_bytes(databases: list[rocksdict.Rdict]) -> int:
    return sum(int(db.property_int_value("rocksdb.cur-size-all-mem-tables") or 0) for db in databases)


def fill(options: RocksDBOptions, folder: Path) -> list[rocksdict.Rdict]:
    """Open the databases and write the same amount of incompressible values into each, in turn (as a worker
    writes the partitions it owns)."""
    databases = [options.open(folder / f"db-{index}") for index in range(DATABASES)]
    for key in range(WRITTEN_PER_DATABASE // 1024):
        for db in databases:
            db[key.to_bytes(4, "big")] = os.urandom(1024)
    return databases


def settled_memtable_bytes(databases: list[rocksdict.Rdict]) -> int:
    """Memtable bytes once flushes (background threads) have finished, or after a few seconds."""
    deadline = time.monotonic() + 5
    size = memtable_bytes(databases)
    while time.monotonic() < deadline:
        time.sleep(0.1)
        latest = memtable_bytes(databases)
        if latest == size:
            break
        size = latest
    return size


def test_memtables_of_many_databases_stay_within_the_budget(tmp_path: Path) -> None:
    budget = RocksDBBudget.of(8)
    shared = fill(
        BudgetedRocksDBOptions(budget, write_buffer_size=4 * MIB, max_write_buffer_number=2), tmp_path / "a"
    )
    # Faust's options bounded per database, the same write buffer: every memtable keeps what it was given.
    alone = fill(
        RocksDBOptions(write_buffer_size=4 * MIB, max_write_buffer_number=2, use_rocksdict=True),
        tmp_path / "b",
    )

    assert settled_memtable_bytes(alone) > DATABASES * WRITTEN_PER_DATABASE
    # Half the budget, plus the arena block (an eighth of a write buffer) each database's memtable holds.
    assert settled_memtable_bytes(shared) <= 4 * MIB + DATABASES * (4 * MIB // 8) + MIB // 2
    for db in shared + alone:
        db.close()
