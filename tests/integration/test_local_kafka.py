"""The project's own broker: clear errors, independent instances, nothing left behind."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.kafka import create_topics, produce, read_topic

from pipeline.devtools import local_kafka
from pipeline.domain.errors import LocalKafkaError


def _fake_java(tmp_path: Path, version_line: str) -> Path:
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return home


def test_java_too_old_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAVA_HOME", str(_fake_java(tmp_path, 'openjdk version "11.0.2" 2019-01-15')))
    with pytest.raises(LocalKafkaError, match=r"Java 11 is too old.*Java 17\+"):
        local_kafka.find_java()


def test_missing_java_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-such-jdk"))
    with pytest.raises(LocalKafkaError, match="Java was not found"):
        local_kafka.find_java()


def test_no_maven_and_no_cached_jars_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMOTION_PIPELINE_KAFKA_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LocalKafkaError, match=r"Maven \(mvn\) is not installed and no cached Kafka jars"):
        local_kafka.ensure_jars()


@pytest.mark.broker
def test_broker_that_does_not_come_up_in_time_shows_its_log(tmp_path: Path) -> None:
    with pytest.raises(LocalKafkaError, match="did not come up within 0 s") as raised:
        local_kafka.start(tmp_path / "slow", timeout_s=0.01)
    assert "log ends with" in str(raised.value)
    assert local_kafka.read_running(tmp_path / "slow") is None


@pytest.mark.broker
def test_second_broker_gets_other_ports_and_cli_reports_it(
    kafka_broker: local_kafka.RunningBroker, tmp_path: Path
) -> None:
    directory = tmp_path / "second"
    started = subprocess.run(
        [sys.executable, "-m", "pipeline", "kafka", "start", "--dir", str(directory)],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    try:
        assert started.returncode == 0, started.stderr
        last_line = started.stdout.strip().splitlines()[-1]
        assert last_line.startswith("bootstrap=127.0.0.1:")
        assert last_line.removeprefix("bootstrap=") != kafka_broker.bootstrap
        assert (directory / "bootstrap").read_text().strip() == last_line.removeprefix("bootstrap=")
        status = subprocess.run(
            [sys.executable, "-m", "pipeline", "kafka", "status", "--dir", str(directory)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert status.returncode == 0
        assert last_line in status.stdout
    finally:
        stopped = subprocess.run(
            [sys.executable, "-m", "pipeline", "kafka", "stop", "--dir", str(directory)],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    assert stopped.stdout.strip() == "stopped"
    assert local_kafka.read_running(directory) is None


@pytest.mark.broker
def test_broker_stops_when_its_owner_dies(tmp_path: Path) -> None:
    owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    directory = tmp_path / "owned"
    broker = local_kafka.start(directory, watch_pid=owner.pid)
    try:
        owner.kill()
        owner.wait()
        deadline = time.monotonic() + 40
        while local_kafka.read_running(directory) is not None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert local_kafka.read_running(directory) is None
        assert not local_kafka._process_alive(broker.pid)
    finally:
        local_kafka.stop(directory)


@pytest.mark.broker
def test_a_restarted_broker_keeps_its_address_and_its_records(tmp_path: Path) -> None:
    directory = tmp_path / "restarted"
    broker = local_kafka.start(directory, watch_pid=os.getpid())
    try:
        create_topics(broker.bootstrap, ["kept"], partitions=2)
        before = [(f"k{index}".encode(), f"v{index}".encode()) for index in range(20)]
        produce(broker.bootstrap, "kept", before)

        again = local_kafka.restart(directory, down_s=1.0, kill=True, watch_pid=os.getpid())

        assert again.bootstrap == broker.bootstrap
        assert again.pid != broker.pid
        assert local_kafka.read_running(directory) == again
        produce(again.bootstrap, "kept", [(b"k-after", b"v-after")])
        assert sorted(read_topic(again.bootstrap, "kept")) == sorted([*before, (b"k-after", b"v-after")])
    finally:
        local_kafka.stop(directory)


def test_restarting_where_no_broker_runs_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LocalKafkaError, match="no broker runs from"):
        local_kafka.restart(tmp_path / "none")
