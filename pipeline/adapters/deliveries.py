"""Waiting for a unit of work's sends (outputs and changelog writes) to reach the broker before it is acked.

Faust flushes its producer before committing offsets, but that flush returns after 0.1 s without a message
leaving its buffer, which happens whenever aiokafka waits for room in a full batch: offsets could then be
committed for records whose changelog writes were still buffered, and a crash would lose them (the records
are never redelivered). So each agent waits for its own sends before it lets Faust ack what it processed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from faust.types import FutureMessage

from pipeline.adapters.changelog_first import ChangelogFirst
from pipeline.adapters.table_stores import BytesTable


class Deliveries:
    """The sends of the current batch or message that the broker has not acknowledged yet."""

    def __init__(self) -> None:
        self._pending: list[Awaitable[Any]] = []
        self._settled: list[tuple[Callable[[], None], Callable[[], None]]] = []

    def on_settled(self, acknowledged: Callable[[], None], failed: Callable[[], None]) -> None:
        """Call ``acknowledged`` each time every send so far has been acknowledged, ``failed`` when one of
        them failed."""
        self._settled.append((acknowledged, failed))

    def add(self, delivery: Awaitable[Any]) -> None:
        self._pending.append(delivery)

    def __len__(self) -> int:
        return len(self._pending)

    async def settle(self) -> None:
        """Wait until every send so far is acknowledged (raises the first failure)."""
        pending, self._pending = self._pending, []
        try:
            if pending:
                await asyncio.gather(*pending)
        except BaseException:
            for _, failed in self._settled:
                failed()
            raise
        for acknowledged, _ in self._settled:
            acknowledged()

    async def settle_quietly(self) -> None:
        """``settle``, after a failed unit of work: its failure was already reported, and a send that failed
        has its writes dropped either way."""
        with contextlib.suppress(Exception):
            await self.settle()


def make_changelog_first(table: BytesTable, deliveries: Deliveries) -> None:
    """Make the changelog the first copy of every write of ``table``: its changelog sends join
    ``deliveries``, and a RocksDB store writes locally only what they acknowledged (``changelog_first``).

    The two go together: a store that waited for sends ``deliveries`` does not track would write before
    its changelog records were acknowledged.
    """
    _track_changelog_sends(table, deliveries)
    _hold_local_writes(table, deliveries)


def _track_changelog_sends(table: BytesTable, deliveries: Deliveries) -> None:
    """Faust's table assignment hides the future of the changelog message it sends; ``send_changelog`` is
    the one place that returns it, and every write and delete goes through it."""
    send = table.send_changelog

    def send_and_track(*args: Any, **kwargs: Any) -> FutureMessage:
        delivery = send(*args, **kwargs)
        deliveries.add(delivery)
        return delivery

    table.send_changelog = send_and_track  # type: ignore[method-assign]


def _hold_local_writes(table: BytesTable, deliveries: Deliveries) -> None:
    store = getattr(table, "data", None)
    if hasattr(store, "_dbs"):  # RocksDB; the memory store keeps nothing across a crash
        writes = ChangelogFirst(store).install()
        deliveries.on_settled(writes.flush, writes.discard)
