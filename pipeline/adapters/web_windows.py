"""The journey map over the whole cluster: every worker's stage windows, gathered by the worker asked.

A stage's windows live in the table partition of its contributions partition, and each partition is owned
by one worker. The worker that serves ``/api/journey-map`` reads the windows of the partitions it owns and
asks every other owner named in Faust's assignment metadata (``app.router.table_metadata``) for theirs over
``/api/internal/stage-windows``, in parallel, with the caller's token. Each answer names the partitions it
covers; partitions nobody covered (an owner down, a rebalance in flight, state still recovering) are
reported as missing instead of silently drawing a partial map as if it were whole.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import faust
import orjson
from faust.types import TP

from pipeline.adapters.table_stores import stage_partition
from pipeline.stage_windows import StoredWindow, WindowKey

log = logging.getLogger(__name__)

INTERNAL_WINDOWS_PATH: Final[str] = "/api/internal/stage-windows"
PEER_TIMEOUT_SECONDS: Final[float] = 5.0


@dataclass(frozen=True)
class WindowQuery:
    """Which windows a journey map needs: one journey, one window size, an optional half-open range."""

    journey: str
    window_size_seconds: int
    range_start_ms: int | None = None
    range_end_ms: int | None = None

    def params(self) -> dict[str, str]:
        """The query as URL parameters of the internal endpoint."""
        params = {"journey": self.journey, "window": str(self.window_size_seconds)}
        if self.range_start_ms is not None:
            params["from_ms"] = str(self.range_start_ms)
        if self.range_end_ms is not None:
            params["to_ms"] = str(self.range_end_ms)
        return params

    def wants(self, key: WindowKey) -> bool:
        if key.journey != self.journey or key.size_ms != self.window_size_seconds * 1000:
            return False
        if self.range_start_ms is not None and key.start_ms < self.range_start_ms:
            return False
        return self.range_end_ms is None or key.end_ms <= self.range_end_ms


@dataclass
class PartitionWindows:
    """Windows read from some partitions, and which partitions they cover."""

    partitions: set[int]
    windows: list[StoredWindow]


def select_windows(
    items: Iterable[tuple[bytes, bytes]], query: WindowQuery, owned: set[int], partitions: int
) -> PartitionWindows:
    """The queried windows among stored ``(window id, value)`` items that belong to ``owned`` partitions."""
    prefix = f"{query.journey}/".encode()
    windows: list[StoredWindow] = []
    for raw_key, raw_value in items:
        if not raw_key.startswith(prefix):
            continue
        key = WindowKey.from_id(raw_key.decode())
        if not query.wants(key) or stage_partition(key.journey, key.stage, partitions) not in owned:
            continue
        windows.append(StoredWindow.from_bytes(key, raw_value))
    return PartitionWindows(set(owned), windows)


def encode_partition_windows(found: PartitionWindows) -> bytes:
    """The internal endpoint's answer: covered partitions and ``[window id, stored window]`` pairs."""
    return orjson.dumps(
        {
            "partitions": sorted(found.partitions),
            "windows": [
                [window.key.window_id, orjson.Fragment(window.to_bytes())] for window in found.windows
            ],
        }
    )


def decode_partition_windows(raw: bytes) -> PartitionWindows:
    decoded: dict[str, Any] = orjson.loads(raw)
    windows = [
        StoredWindow.from_bytes(WindowKey.from_id(window_id), orjson.dumps(value))
        for window_id, value in decoded["windows"]
    ]
    return PartitionWindows({int(partition) for partition in decoded["partitions"]}, windows)


@dataclass
class GatheredWindows:
    """Windows from every worker that answered, and the partitions no answer covered."""

    windows: list[StoredWindow]
    missing_partitions: list[int]
    workers: int


FetchPeer = Callable[[str, set[int]], Awaitable[PartitionWindows]]


async def gather_windows(
    local: PartitionWindows,
    self_url: str,
    owners: Mapping[str, set[int]],
    partitions: int,
    fetch_peer: FetchPeer,
) -> GatheredWindows:
    """Merge this worker's windows with those of every other owner; a peer that fails covers nothing."""
    peers = {url: owned for url, owned in owners.items() if url != self_url and owned}
    answers = await asyncio.gather(
        *(fetch_peer(url, owned) for url, owned in peers.items()), return_exceptions=True
    )
    parts = [local]
    for url, answer in zip(peers, answers, strict=True):
        if isinstance(answer, BaseException):
            log.warning("a worker did not send its stage windows: %s: %s", url, type(answer).__name__)
            continue
        # A peer that lost a partition in a rebalance since the metadata was read simply does not cover it.
        parts.append(PartitionWindows(answer.partitions & peers[url], answer.windows))
    windows: dict[WindowKey, StoredWindow] = {}
    covered: set[int] = set()
    for part in parts:
        fresh = part.partitions - covered
        covered |= part.partitions
        for window in part.windows:
            if stage_partition(window.key.journey, window.key.stage, partitions) in fresh:
                windows.setdefault(window.key, window)
    missing = sorted(set(range(partitions)) - covered)
    return GatheredWindows(list(windows.values()), missing, sum(1 for part in parts if part.partitions))


class FaustWindowOwners:
    """Who owns which stage-window partitions, from the Faust assignment (this worker and its peers)."""

    def __init__(self, app: faust.App, table: faust.Table[bytes, bytes], ready: Callable[[], bool]) -> None:
        self.app = app
        self.table = table
        self.ready = ready

    @property
    def self_url(self) -> str:
        return str(self.app.conf.canonical_url)

    def owned(self) -> set[int]:
        """Partitions of the windows table this worker holds, recovered; none while not ready."""
        if not self.ready():
            return set()
        topic = self.table.changelog_topic.get_topic_name()
        actives: set[TP] = self.app.assignor.assigned_actives()
        return {tp.partition for tp in actives if tp.topic == topic}

    def owners(self) -> dict[str, set[int]]:
        """Every worker's canonical URL and the windows-table partitions assigned to it."""
        topic = self.table.changelog_topic.get_topic_name()
        metadata = self.app.router.table_metadata(self.table.name)
        return {url: set(assigned.get(topic, ())) for url, assigned in metadata.items()}
