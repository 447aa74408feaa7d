"""Failed Kafka metadata updates are retried after a pause, not at once.

While the broker is unreachable, aiokafka's producer asks for a metadata update whenever a partition with
records waiting has no known leader, and waits only for that update; a refused connection fails the update at
once, so the producer's sender and the client's metadata task chase each other with no pause in between.
Measured on a worker whose broker was stopped with a batch in flight: a whole core busy and about 5,000 failed
updates a second, each logged as two ERROR lines ("Unable connect to node", "Unable to update metadata"), for
as long as the outage lasted. The consumer's fetcher already waits ``retry_backoff_ms`` between failed
fetches; this gives every failed metadata update the same pause: about 20 a second during an outage, 0.02
cores (``logging_setup`` collapses their repeated lines). A successful update is not delayed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiokafka.client import AIOKafkaClient

_PACED: Final = "_emotion_pipeline_paced"

MetadataUpdate = Callable[[AIOKafkaClient, Any, Any], Awaitable[bool]]


def pace_failed_metadata_updates(client_class: type[AIOKafkaClient] = AIOKafkaClient) -> None:
    """Make a failed metadata update return only after the client's ``retry_backoff_ms``; idempotent."""
    original: MetadataUpdate = client_class._metadata_update
    if getattr(original, _PACED, False):
        return

    async def _metadata_update(self: AIOKafkaClient, cluster_metadata: Any, topics: Any) -> bool:
        updated = await original(self, cluster_metadata, topics)
        if not updated:
            await asyncio.sleep(self._retry_backoff)
        return updated

    setattr(_metadata_update, _PACED, True)
    client_class._metadata_update = _metadata_update
