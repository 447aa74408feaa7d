"""The worker's tables on RocksDB: memory bounded per database, not Faust's defaults."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any, cast

from pipeline.adapters.worker_app import build_worker
from pipeline.config import load_settings


def test_every_table_bounds_its_rocksdb_memory(tmp_path: Path) -> None:
    memory = {"rocksdb_write_buffer_mib": 2, "rocksdb_block_cache_mib": 3}
    settings = load_settings(worker={"store": "rocksdb", "workdir": tmp_path, **memory})
    worker = build_worker(settings)

    for field in fields(worker.tables):
        options = cast(Any, getattr(worker.tables, field.name)).data.rocksdb_options
        assert options.write_buffer_size == 2 * 2**20
        assert options.max_write_buffer_number == 2
        assert options.block_cache_size == 3 * 2**20
        # Faust's defaults, per database: 3 x 64 MiB write buffers and a 2 GiB block cache.
        assert options.block_cache_size < 2 * 2**30
