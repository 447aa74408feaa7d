"""Faust agents: thin adapters between Kafka topics and the processor."""

from __future__ import annotations

from collections.abc import AsyncIterator

import faust

from pipeline.config import Settings


def register_agents(app: faust.App, settings: Settings) -> None:
    """Declare the topics and attach the agents to app."""
    interactions = app.topic(settings.topics.interactions, key_type=bytes, value_type=bytes)
    enriched = app.topic(settings.topics.enriched, key_type=bytes, value_type=bytes)

    @app.agent(interactions, name="interactions", concurrency=1)
    async def forward(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for event in stream.events():
            await enriched.send(key=event.key, value=event.value)
            yield None
