"""Creates the product's topics on start, or checks them and says clearly what is wrong."""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Final

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


TABLES: Final = ("customers", "source-watermarks", "stage-windows", "window-watermarks")
"""The worker's tables, by the name Faust gives their changelog topics."""

CHANGELOG_CONFIG: Final = {"cleanup.policy": "compact"}
"""What Faust asks for when it creates a (not windowed) table's changelog: the newest value of each key."""


def changelog_topic_name(settings: Settings, table: str) -> str:
    """The changelog topic Faust writes ``table``'s changes to (and recovers it from)."""
    return f"{settings.worker.app_id}-{table}-changelog"


def changelog_topics(settings: Settings) -> list[str]:
    return [changelog_topic_name(settings, table) for table in TABLES]


def product_topics(settings: Settings) -> list[str]:
    """Every topic the worker consumes or produces, the internal ones (contributions, changelogs) included.

    The internal topics are created here, before any worker subscribes. Left to Faust, they are declared
    while the consumer joins its group, and a first assignment made before one exists leaves it out until
    the next metadata refresh (minutes): the window agent without partitions, or (seen with two workers
    starting on a fresh application id) a table whose changelog is unassigned, so that it is not recovered
    and every write to it is refused (``PartitionsMismatch``, the changelog having "0 partitions").
    """
    topics = settings.topics
    return [
        topics.interactions,
        topics.enriched,
        topics.alerts,
        topics.stage_emotions,
        topics.dlq,
        contributions_topic_name(settings),
        *changelog_topics(settings),
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
    names = product_topics(settings)
    try:
        existing = partition_counts(admin)
        missing = [name for name in names if name not in existing]
        if missing and not settings.topics.create:
            raise ConfigurationError(
                "EMOTION_PIPELINE_TOPICS__CREATE",
                f"topics {', '.join(missing)} do not exist and topic creation is off",
            )
        if missing:
            changelogs = set(changelog_topics(settings))
            # Another worker may create one between our look and our request.
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(
                    [
                        NewTopic(
                            name,
                            expected,
                            settings.topics.replication_factor,
                            topic_configs=CHANGELOG_CONFIG if name in changelogs else {},
                        )
                        for name in missing
                    ]
                )
            log.info("created topics", extra={"topics": missing, "partitions": expected})
            existing = described_all(admin, names, timeout_s)
        wrong = {name: existing[name] for name in names if name in existing and existing[name] != expected}
        if wrong:
            described = ", ".join(f"{name} has {count}" for name, count in sorted(wrong.items()))
            raise ConfigurationError(
                "EMOTION_PIPELINE_TOPICS__PARTITIONS",
                f"topics must all have {expected} partitions, but {described}; set the partition count to "
                "match the existing topics or recreate them",
            )
    finally:
        admin.close()


def described_all(
    admin: KafkaAdminClient, names: list[str], timeout_s: float, poll_s: float = 0.2
) -> dict[str, int]:
    """Partitions per topic of ``names``, once the broker describes them all (or at ``timeout_s``, as far as
    it does).

    A topic just created (here, or by another worker starting beside this one) is described with an error
    until its partitions have leaders; counted as absent, a wrong partition count of it would go unnoticed.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        counts = partition_counts(admin, names)
        if len(counts) == len(set(names)) or time.monotonic() >= deadline:
            return counts
        time.sleep(poll_s)


def partition_counts(admin: KafkaAdminClient, names: list[str] | None = None) -> dict[str, int]:
    """Partitions per existing topic (all topics, or the ``names`` given)."""
    # kafka-python 2.x names the topic "topic", 3.x "name".
    return {
        topic.get("name") or topic["topic"]: len(topic["partitions"])
        for topic in admin.describe_topics(names)
        if not topic.get("error_code")
    }
