"""Fixtures shared by every test layer: one real Kafka broker for the whole run, unique names per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

# Imported before any test builds a Faust consumer: otherwise the hypothesis plugin's first import of
# hypothesis (for its end-of-run summary) can end in a CPython 3.11 parser SystemError, "AST constructor
# recursion depth mismatch", in a run that has no hypothesis test before the first Faust test.
import hypothesis  # noqa: F401
import pytest

from pipeline.devtools import local_kafka


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[local_kafka.RunningBroker]:
    """A real single-node Kafka (KRaft) started once per test run and always stopped.

    The watchdog tied to this process stops the broker even when the run is killed.
    """
    directory = tmp_path_factory.mktemp("kafka")
    broker = local_kafka.start(directory, watch_pid=os.getpid(), heap="768m")
    try:
        yield broker
    finally:
        local_kafka.stop(directory)


@pytest.fixture
def bootstrap(kafka_broker: local_kafka.RunningBroker) -> str:
    return kafka_broker.bootstrap


@pytest.fixture
def unique() -> str:
    """A short unique token for topic names, group ids and app ids of one test."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
