"""In-memory stand-ins for the agents' topics, tables and records: they keep what was sent and written."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordingTopic:
    sent: list[dict[str, Any]] = field(default_factory=list)
    before_each_send: Any = None

    async def send(self, **message: Any) -> asyncio.Future[None]:
        if self.before_each_send is not None:
            self.before_each_send()
        self.sent.append(message)
        delivered: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        delivered.set_result(None)
        return delivered


class RecordingTable(dict[bytes, bytes]):
    name = "recording"

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.writes.append(key)
        super().__setitem__(key, value)


@dataclass
class Message:
    value: bytes
    key: bytes
    offset: int
    topic: str = "cx.interactions"
    partition: int = 0
    acked: bool = False


@dataclass
class Event:
    message: Message

    @property
    def value(self) -> bytes:
        return self.message.value
