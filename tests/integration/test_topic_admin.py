"""Topic creation and checking on start, against the real broker."""

from __future__ import annotations

import pytest
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType
from support.kafka import create_topics

from pipeline.adapters.topic_admin import (
    changelog_topics,
    contributions_topic_name,
    ensure_topics,
    partition_counts,
    product_topics,
)
from pipeline.config import Settings, load_settings
from pipeline.domain.errors import ConfigurationError

pytestmark = [pytest.mark.broker]


def _settings(bootstrap: str, unique: str, *, partitions: int = 3, create: bool = True) -> Settings:
    return load_settings(
        kafka={"bootstrap_servers": bootstrap},
        worker={"app_id": f"admin-{unique}"},
        topics={
            "interactions": f"admin-in-{unique}",
            "enriched": f"admin-enriched-{unique}",
            "alerts": f"admin-alerts-{unique}",
            "stage_emotions": f"admin-stages-{unique}",
            "dlq": f"admin-dlq-{unique}",
            "partitions": partitions,
            "create": create,
        },
    )


def _partition_counts(bootstrap: str, names: list[str]) -> dict[str, int]:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        return partition_counts(admin, names)
    finally:
        admin.close()


def test_every_topic_the_worker_uses_is_created_with_the_configured_partitions(
    bootstrap: str, unique: str
) -> None:
    settings = _settings(bootstrap, unique)
    ensure_topics(settings)
    names = product_topics(settings)
    assert contributions_topic_name(settings) in names
    assert set(changelog_topics(settings)) <= set(names)
    assert _partition_counts(bootstrap, names) == dict.fromkeys(names, 3)
    ensure_topics(settings)  # a second worker starting finds them all in order


def test_table_changelogs_are_created_compacted_before_any_worker_subscribes(
    bootstrap: str, unique: str
) -> None:
    settings = _settings(bootstrap, unique)
    ensure_topics(settings)
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        names = [*changelog_topics(settings), settings.topics.alerts]
        policies = {name: _config(admin, name, "cleanup.policy") for name in names}
    finally:
        admin.close()
    assert policies == {
        **dict.fromkeys(changelog_topics(settings), "compact"),
        settings.topics.alerts: "delete",
    }


def test_a_topic_with_another_partition_count_stops_the_start_naming_the_setting(
    bootstrap: str, unique: str
) -> None:
    settings = _settings(bootstrap, unique)
    create_topics(bootstrap, [settings.topics.alerts], 5)
    with pytest.raises(ConfigurationError) as refused:
        ensure_topics(settings)
    assert refused.value.setting == "EMOTION_PIPELINE_TOPICS__PARTITIONS"
    assert f"{settings.topics.alerts} has 5" in str(refused.value)


def test_missing_topics_with_creation_off_stop_the_start_naming_them(bootstrap: str, unique: str) -> None:
    settings = _settings(bootstrap, unique, create=False)
    with pytest.raises(ConfigurationError) as refused:
        ensure_topics(settings)
    assert refused.value.setting == "EMOTION_PIPELINE_TOPICS__CREATE"
    assert contributions_topic_name(settings) in str(refused.value)


def _config(admin: KafkaAdminClient, topic: str, name: str) -> str:
    described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)], config_filter="all")
    (configs,) = dict(described).values()
    return str(configs[topic][name]["value"])
