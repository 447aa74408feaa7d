"""Table writes reach a worker's local RocksDB only after the broker has acknowledged their changelog records.

Faust's RocksDB store writes a key to the local database at once and sends it to the changelog afterwards.
A worker killed in between restarts on the same state directory with values its changelog never got, and
since processing is idempotent (a record already applied changes nothing) the records read again write
nothing: the changelog never gets the value, and the next worker to recover the partition from it lacks
it. Traced in the shortened chaos test: a window partition heard a source partition's last watermark, the
worker was killed before the changelog write, the restarted worker found the watermark in its local
database and wrote nothing, and once the partition moved on nine hours of windows never closed.

So a table's writes wait in memory (where its reads find them) until the agent's sends and changelog
writes are acknowledged (``Deliveries.settle``), and only then go to RocksDB, in one write batch per
partition, with the changelog offsets Faust records as persisted. A crash before that loses only writes
the changelog holds or never got, and the next recovery replays the changelog from the offset the
database does hold: local state is never ahead of its changelog, only behind it, which recovery mends.
Dropping the local tables after every crash did the same at the cost of a full restore per restart: in
the full-size chaos test (a worker killed every 6 s) the workers fell behind and the run did not finish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import rocksdict
from faust.streams import current_event
from faust.types import TP


@dataclass
class ChangelogFirst:
    """Holds one RocksDB store's writes until ``flush``; installed on the store by ``install``."""

    store: Any
    # Per partition: keys written since the last flush, and their values (None: deleted).
    _pending: dict[int, dict[bytes, bytes | None]] = field(default_factory=dict)
    # Per partition: the highest changelog offset acknowledged since the last flush.
    _offsets: dict[int, int] = field(default_factory=dict)
    _recovering: bool = False

    def install(self) -> ChangelogFirst:
        store = self.store
        get, contains = store._get, store._contains
        revoke, apply_batch = store.revoke_partitions, store.apply_changelog_batch
        set_offset = store.set_persisted_offset

        def _set(key: bytes, value: bytes | None) -> None:
            partition = self._write_partition(key)
            store._key_index[key] = partition
            self._pending.setdefault(partition, {})[key] = value

        def _del(key: bytes) -> None:
            _set(key, None)

        def _get(key: bytes) -> bytes | None:
            found, value = self._pending_value(key)
            return value if found else get(key)

        def _contains(key: bytes) -> bool:
            found, value = self._pending_value(key)
            return value is not None if found else bool(contains(key))

        def set_persisted_offset(tp: TP, offset: int) -> None:
            if self._recovering:  # recovery writes what it read from the changelog at once
                set_offset(tp, offset)
            else:
                self._offsets[tp.partition] = max(offset, self._offsets.get(tp.partition, offset))

        def revoke_partitions(table: Any, tps: set[TP]) -> None:
            self._drop(tp.partition for tp in tps if tp.topic in table.changelog_topic.topics)
            revoke(table, tps)

        def apply_changelog_batch(batch: Any, *args: Any, **kwargs: Any) -> None:
            events = list(batch)
            self._drop({event.message.partition for event in events})
            self._recovering = True
            try:
                apply_batch(events, *args, **kwargs)
            finally:
                self._recovering = False

        store._set, store._del, store._get, store._contains = _set, _del, _get, _contains
        store.set_persisted_offset = set_persisted_offset
        store.revoke_partitions = revoke_partitions
        store.apply_changelog_batch = apply_changelog_batch
        return self

    def flush(self) -> None:
        """Write what waited to the local databases; call once its changelog records are acknowledged."""
        if not self._pending and not self._offsets:
            return
        pending, self._pending = self._pending, {}
        offsets, self._offsets = self._offsets, {}
        for partition in pending.keys() | offsets.keys():
            db = self.store._dbs.get(partition)
            if db is None:  # no longer assigned here: its next owner recovers it from the changelog
                continue
            batch = rocksdict.WriteBatch(raw_mode=True)
            for key, value in pending.get(partition, {}).items():
                if value is None:
                    batch.delete(key)
                else:
                    batch.put(key, value)
            if partition in offsets:
                batch.put(self.store.offset_key, str(offsets[partition]).encode())
            db.write(batch)

    def discard(self) -> None:
        """Forget what waited: a changelog write failed, and which of them the broker has is unknown (the
        next recovery reads the changelog from the offset the database holds)."""
        self._pending.clear()
        self._offsets.clear()

    def _write_partition(self, key: bytes) -> int:
        event = current_event()
        if event is None:  # Faust's store refuses these too
            raise RuntimeError(f"table write outside an event: {key!r}")
        partition: int = event.message.partition
        return partition

    def _pending_value(self, key: bytes) -> tuple[bool, bytes | None]:
        """Whether ``key`` waits to be written, and its value; looked up in the partition Faust's store
        would read (the current event's), or in every partition where there is none."""
        event = current_event()
        if event is not None and not self.store.table.is_global and not self.store.table.use_partitioner:
            writes = self._pending.get(event.message.partition)
            if writes is not None and key in writes:
                return True, writes[key]
            return False, None
        for writes in self._pending.values():
            if key in writes:
                return True, writes[key]
        return False, None

    def _drop(self, partitions: Any) -> None:
        for partition in partitions:
            self._pending.pop(partition, None)
            self._offsets.pop(partition, None)
