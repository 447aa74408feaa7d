"""Batches from a Faust stream, handed over as soon as no more records are waiting.

Faust's ``take_events(max_, within)`` hands a batch over when it is full or when ``within`` has passed since
the last one. Below saturation a batch is never full, so every batch waited the whole ``within`` with its
records already in hand: idle time in the latency of every record (docs/performance.md). ``take_ready``
hands a batch over when it is full, when the stream's queue has run dry (everything fetched so far is in
it), or ``within`` after the last one at the latest. On a backlog the queue never runs dry and batches fill
as before; below saturation a batch is whatever arrived while the one before it was processed.

Everything else is Faust's contract for ``take_events``: the events of a batch are acked only after the
consumer is done with it (so Faust commits nothing of a batch in progress), a full buffer holds the
stream until the batch is taken, and nothing is added to a batch while it is being consumed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Sequence
from typing import Any

from pipeline.adapters.table_stores import Event

log = logging.getLogger(__name__)


def take_ready(stream: Any, max_: int, within: float) -> AsyncGenerator[Sequence[Event], None]:
    """Lists of at most ``max_`` events: full, or all that is waiting, or after ``within`` seconds."""
    batches = _take_ready(stream, max_, within)
    # Faust closes the batching generators it knows of when the stream stops (its take_events registers
    # itself the same way), so their acks and processor removal run at a deterministic point.
    active = getattr(stream, "_active_agens", None)
    if active is not None:
        active.add(batches)
    return batches


async def _take_ready(stream: Any, max_: int, within: float) -> AsyncGenerator[Sequence[Event], None]:
    buffer: list[Event] = []
    ready = asyncio.Event()
    taken = asyncio.Event()
    # Set while a batch is consumed: a record that arrives then waits for the next batch.
    consuming: asyncio.Future[None] | None = None
    waiting = stream.channel.queue
    enable_acks: bool = stream.enable_acks

    async def add_to_buffer(value: Any) -> Any:
        nonlocal consuming
        try:
            if consuming is not None:
                try:
                    await consuming
                finally:
                    consuming = None
            event = stream.current_event
            if event is None:
                raise RuntimeError("a batched record has no current event")
            buffer.append(event)
            if len(buffer) >= max_:
                ready.set()
                taken.clear()
                # Strict: a batch of max_ is never followed into it by one more.
                await stream.wait(taken)
            elif waiting.empty():
                ready.set()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # as Faust's take_events: the stream crashes, the worker says why
            log.exception("a record could not be added to a batch")
            await stream.crash(exc)
        return value

    # Faust must not ack a record when it passes through the stream, only when its batch is done.
    stream.enable_acks = False
    stream.add_processor(add_to_buffer)
    stream._enable_passive(stream.channel)
    try:
        while not stream.should_stop:
            await stream.wait_for_stopped(ready, timeout=within)
            ready.clear()
            if not buffer:
                continue
            batch_done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            consuming = batch_done
            try:
                yield list(buffer)
            finally:
                done = list(buffer)
                buffer.clear()
                for event in done:
                    await stream.ack(event)
                batch_done.set_result(None)
                taken.set()
    finally:
        stream.enable_acks = enable_acks
        stream._processors.remove(add_to_buffer)
