"""Table writes reach the local RocksDB only once their changelog records are acknowledged (Faust's real
RocksDB store; the changelog sends are futures the test resolves, as the broker's acknowledgements)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from faust.types import TP
from support.agents import Event, Message

from pipeline.adapters.deliveries import Deliveries, make_changelog_first
from pipeline.adapters.table_stores import BytesTable, write_as
from pipeline.adapters.worker_app import build_worker
from pipeline.config import load_settings

KEY = b"cust-00042"


class Sent(asyncio.Future[Any]):
    """A changelog send as Faust's table sees it: a future with the message it sends."""

    def __init__(self, partition: int) -> None:
        super().__init__()
        self.message = SimpleNamespace(partition=partition)


class Changelog:
    """The table's changelog sends, acknowledged when the test says so."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []

    def send(self, partition: int, *args: Any, **kwargs: Any) -> Sent:
        self.sent.append(Sent(partition))
        return self.sent[-1]

    def acknowledge(self) -> None:
        for future in self.sent:
            if not future.done():
                future.set_result(None)


@pytest.fixture
def table(tmp_path: Path) -> BytesTable:
    settings = load_settings(worker={"store": "rocksdb", "workdir": tmp_path}, topics={"partitions": 2})
    customers = build_worker(settings).tables.customers
    cast(Any, customers).data._db_for_partition(0)  # assigned here: its database is open
    return customers


def tracked(table: BytesTable) -> tuple[Deliveries, Changelog]:
    changelog, deliveries = Changelog(), Deliveries()
    table.send_changelog = changelog.send  # type: ignore[method-assign]
    make_changelog_first(table, deliveries)
    return deliveries, changelog


def event(partition: int = 0) -> Any:
    return Event(Message(b"{}", KEY, offset=7, partition=partition))


def store_of(table: BytesTable) -> Any:
    return cast(Any, table).data


def local(table: BytesTable, partition: int = 0) -> bytes | None:
    """What the partition's RocksDB database itself holds for the key (what a restart would find)."""
    value: bytes | None = store_of(table)._db_for_partition(partition).get(KEY)
    return value


async def test_a_write_reaches_the_local_database_once_its_changelog_record_is_acknowledged(
    table: BytesTable,
) -> None:
    deliveries, changelog = tracked(table)
    write_as(event(), table, KEY, b"state-1")

    assert table.get(KEY) == b"state-1"  # the batch reads its own write
    assert local(table) is None  # a crash now leaves nothing the changelog may lack

    changelog.acknowledge()
    await deliveries.settle()

    assert local(table) == b"state-1"


async def test_a_failed_changelog_write_never_reaches_the_local_database(table: BytesTable) -> None:
    deliveries, changelog = tracked(table)
    write_as(event(), table, KEY, b"state-1")
    changelog.sent[0].set_exception(RuntimeError("broker gone"))

    with pytest.raises(RuntimeError):
        await deliveries.settle()
    write_as(event(partition=1), table, b"other", b"state-2")  # the next batch settles fine
    changelog.acknowledge()
    await deliveries.settle()

    assert local(table) is None
    assert table.get(KEY) is None  # the failed write is not read either


async def test_persisted_offsets_wait_with_the_writes(table: BytesTable) -> None:
    store = store_of(table)
    deliveries, changelog = tracked(table)
    write_as(event(), table, KEY, b"state-1")
    changelog_partition = TP(table.changelog_topic.get_topic_name(), 0)
    store.set_persisted_offset(changelog_partition, 41)  # Faust's callback on the acknowledgement

    assert store.persisted_offset(changelog_partition) is None

    changelog.acknowledge()
    await deliveries.settle()

    assert store.persisted_offset(changelog_partition) == 41


async def test_deletes_wait_too_and_read_as_deleted(table: BytesTable) -> None:
    deliveries, changelog = tracked(table)
    write_as(event(), table, KEY, b"state-1")
    changelog.acknowledge()
    await deliveries.settle()

    write_as(event(), table, KEY, None)
    assert table.get(KEY) is None
    assert local(table) == b"state-1"

    changelog.acknowledge()
    await deliveries.settle()
    assert local(table) is None


async def test_writes_of_a_revoked_partition_are_dropped(table: BytesTable) -> None:
    store = store_of(table)
    deliveries, changelog = tracked(table)
    write_as(event(), table, KEY, b"state-1")
    store.revoke_partitions(table, {TP(table.changelog_topic.get_topic_name(), 0)})
    changelog.acknowledge()

    await deliveries.settle()

    assert 0 not in store._dbs  # not reopened by the flush: its next owner recovers it


async def test_a_partition_revoked_and_assigned_again_never_receives_the_dropped_writes(
    table: BytesTable,
) -> None:
    store = store_of(table)
    deliveries, changelog = tracked(table)
    write_as(event(), table, KEY, b"state-1")
    store.revoke_partitions(table, {TP(table.changelog_topic.get_topic_name(), 0)})
    store._db_for_partition(0)  # the next generation hands it back before this batch settles

    changelog.acknowledge()
    await deliveries.settle()

    # What it holds now comes from recovery from the changelog, never from the batch that lost it.
    assert local(table) is None
    assert table.get(KEY) is None


async def test_recovery_writes_what_it_reads_at_once(table: BytesTable) -> None:
    store = store_of(table)
    tracked(table)
    changelog_partition = TP(table.changelog_topic.get_topic_name(), 0)
    message = SimpleNamespace(tp=changelog_partition, offset=9, partition=0, key=KEY, value=b"recovered")
    record = SimpleNamespace(message=message)

    store.apply_changelog_batch([record], to_key=None, to_value=None)

    assert local(table) == b"recovered"
    assert store.persisted_offset(changelog_partition) == 9
