"""Creates the product's topics on start, or checks them and says clearly what is wrong."""

from __future__ import annotations

import contextlib
import logging

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from pipeline.adapters.kafka_security import kafka_python_config
from pipeline.config import Settings
from pipeline.domain.errors import ConfigurationError

log = logging.getLogger(__name__)


def contributions_topic_name(settings: Settings) -> str:
    """The internal topic that carries per-stage window contributions from the enrichment agent."""
    return f"{settings.worker.app_id}-stage-contributions"


def product_topics(settings: Settings) -> list[str]:
    """Every topic the worker consumes or produces, the internal contributions topic included.

    The contributions topic is created here, before the worker subscribes: left to Faust, it is declared
    while the consumer joins its group, and a first assignment made before it exists leaves the window agent
    without partitions until the next metadata refresh (minutes).
    """
    topics = settings.topics
    return [
        topics.interactions,
        topics.enriched,
        topics.alerts,
        topics.stage_emotions,
        topics.dlq,
        contributions_topic_name(settings),
    ]


def ensure_topics(settings: Settings, timeout_s: float = 30.0) -> None:
    """Create missing topics (when allowed) and check that every existing one has the configured partitions.

    Topics keyed by customer id must have matching partition counts, or one customer's records would be
    owned by different workers; the changelogs Faust creates follow the configured count.
    """
    expected = settings.topics.partitions
    try:
        admin = KafkaAdminClient(
            **kafka_python_config(settings.kafka), request_timeout_ms=int(timeout_s * 1000)
        )
    except KafkaError as error:
        raise ConfigurationError(
            "EMOTION_PIPELINE_KAFKA__BOOTSTRAP_SERVERS",
            f"cannot reach Kafka at {settings.kafka.bootstrap_servers}: {error}",
        ) from None
    try:
        existing = partition_counts(admin)
        missing = [name for name in product_topics(settings) if name not in existing]
        if missing and not settings.topics.create:
            raise ConfigurationError(
                "EMOTION_PIPELINE_TOPICS__CREATE",
                f"topics {', '.join(missing)} do not exist and topic creation is off",
            )
        if missing:
            # Another worker may create one between our look and our request.
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(
                    [NewTopic(name, expected, settings.topics.replication_factor) for name in missing]
                )
            log.info("created topics", extra={"topics": missing, "partitions": expected})
            existing = partition_counts(admin)
        wrong = {
            name: existing[name]
            for name in product_topics(settings)
            if name in existing and existing[name] != expected
        }
        if wrong:
            described = ", ".join(f"{name} has {count}" for name, count in sorted(wrong.items()))
            raise ConfigurationError(
                "EMOTION_PIPELINE_TOPICS__PARTITIONS",
                f"topics must all have {expected} partitions, but {described}; set the partition count to "
                "match the existing topics or recreate them",
            )
    finally:
        admin.close()


def partition_counts(admin: KafkaAdminClient, names: list[str] | None = None) -> dict[str, int]:
    """Partitions per existing topic (all topics, or the ``names`` given)."""
    # kafka-python 2.x names the topic "topic", 3.x "name".
    return {
        topic.get("name") or topic["topic"]: len(topic["partitions"])
        for topic in admin.describe_topics(names)
        if not topic.get("error_code")
    }
