"""Crash, rebalance and lost local state: the worker's alerts and windows equal what replay computes.

Each test streams 20,000 events over 4 partitions through real worker processes and a real broker,
disturbs the workers mid-stream, and then compares every alert (by id, exact content) and every closed
stage window with a clean in-memory replay of the same events. Redelivery may repeat an alert or a window
exactly; it may never lose one, add one, or change one.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from support.kafka import (
    WorkerProcess,
    create_topics,
    end_offsets_total,
    produce,
    read_topic,
    role_topics,
    wait_for,
    worker_topics_env,
)
from support.streams import event_stream

from pipeline.assembly import assemble
from pipeline.config import load_settings
from pipeline.devtools import local_kafka
from pipeline.devtools.local_kafka import free_port
from pipeline.devtools.processes import cpu_seconds
from pipeline.domain.codec import encode
from pipeline.metrics_port import NullMetrics
from pipeline.replay import ReplayRun, ReplaySinks, record_key

pytestmark = [pytest.mark.broker, pytest.mark.slow, pytest.mark.timeout(1800)]

PARTITIONS = 4
EVENTS = 20_000
CUSTOMERS = 600
# Generous: a loaded 2-core machine processes a few hundred events per second.
COMPLETION_TIMEOUT_S = 900
WINDOW_COUNTS = ("events", "good", "neutral", "bad")
# Chaos, shortened for CI: more partitions and workers, one worker killed again and again mid-stream.
CHAOS_PARTITIONS = 8
CHAOS_WORKERS = ("a", "b", "c")
CHAOS_EVENTS = int(os.environ.get("EMOTION_PIPELINE_TEST_CHAOS_EVENTS", str(EVENTS)))
CHAOS_KILLS = int(os.environ.get("EMOTION_PIPELINE_TEST_CHAOS_KILLS", "4"))
CHAOS_BROKER_DOWN_S = float(os.environ.get("EMOTION_PIPELINE_TEST_CHAOS_BROKER_DOWN_S", "0"))
CHAOS_PAUSE_S = 3.0
# How long the broker stays down; EMOTION_PIPELINE_TEST_BROKER_DOWN_S=30 gives the full outage.
BROKER_DOWN_S = float(os.environ.get("EMOTION_PIPELINE_TEST_BROKER_DOWN_S", "10"))


@dataclass(frozen=True)
class Expected:
    alerts: dict[str, dict[str, object]]
    windows: dict[str, dict[str, object]]
    valid_events: int


def replay_of(records: list[bytes], partitions: int) -> Expected:
    """What a clean in-memory run of the records over ``partitions`` emits (watermarks are per partition)."""
    settings = load_settings(topics={"partitions": partitions})
    run = ReplayRun(assemble(settings, NullMetrics()), partitions)
    alerts: dict[str, dict[str, object]] = {}
    windows: dict[str, dict[str, object]] = {}
    run.feed(
        records,
        ReplaySinks(
            alert=lambda alert: alerts.setdefault(alert.id, orjson.loads(encode(alert))),
            window=lambda window: windows.setdefault(window.window_id, orjson.loads(encode(window))),
        ),
    )
    assert len(alerts) > 100, "the stream must exercise the churn rule"
    assert len(windows) > 100, "the stream must close windows"
    return Expected(alerts, windows, run.counts.get("enriched", 0))


@pytest.fixture(scope="module")
def stream() -> tuple[list[bytes], Expected]:
    records = event_stream(EVENTS, CUSTOMERS)
    return records, replay_of(records, PARTITIONS)


@dataclass
class Deployment:
    bootstrap: str
    unique: str
    tmp_path: Path
    start_worker: Callable[..., WorkerProcess]
    partitions: int = PARTITIONS

    @property
    def topics(self) -> dict[str, str]:
        return role_topics(self.unique)

    def env(self, name: str) -> dict[str, str]:
        topics = self.topics
        return {
            **worker_topics_env(self.bootstrap, topics, self.partitions),
            "EMOTION_PIPELINE_WORKER__APP_ID": f"app-{self.unique}",
            "EMOTION_PIPELINE_WORKER__WORKDIR": str(self.workdir(name)),
            "EMOTION_PIPELINE_WORKER__WEB_PORT": str(free_port()),
            "EMOTION_PIPELINE_WORKER__SESSION_TIMEOUT_SECONDS": "8",
            "EMOTION_PIPELINE_WORKER__HEARTBEAT_INTERVAL_SECONDS": "1",
            "EMOTION_PIPELINE_WORKER__LOG_LEVEL": "WARNING",
        }

    def workdir(self, name: str) -> Path:
        return self.tmp_path / f"state-{name}"

    def worker(self, name: str) -> WorkerProcess:
        return self.start_worker(self.env(name), name=name)

    def produce(self, records: list[bytes]) -> None:
        create_topics(self.bootstrap, self.topics.values(), self.partitions)
        produce(self.bootstrap, self.topics["in"], ((record_key(record), record) for record in records))

    def processed(self) -> int:
        return end_offsets_total(self.bootstrap, self.topics["enriched"])

    def wait_processed(self, at_least: int, *workers: WorkerProcess, timeout_s: float = 300) -> None:
        reached = wait_for(
            lambda: self.processed() >= at_least or not all(w.alive() for w in workers), timeout_s
        )
        logs = "\n".join(w.log()[-3000:] for w in workers)
        assert reached, logs
        assert all(w.alive() for w in workers), logs

    def assert_matches_replay(self, expected: Expected, *workers: WorkerProcess) -> None:
        seen: list[tuple[int, int, int]] = []

        def complete() -> bool:
            alert_ids = {
                orjson.loads(value)["id"] for _, value in read_topic(self.bootstrap, self.topics["alerts"])
            }
            window_ids = {
                orjson.loads(value)["window_id"]
                for _, value in read_topic(self.bootstrap, self.topics["stages"])
            }
            if set(expected.alerts) <= alert_ids and set(expected.windows) <= window_ids:
                return True
            # Everything processed and nothing new for a while: the outputs are final, compare them now.
            seen.append((self.processed(), len(alert_ids), len(window_ids)))
            settled = len(seen) >= 8 and len(set(seen[-8:])) == 1
            return settled and seen[-1][0] >= expected.valid_events

        finished = wait_for(complete, COMPLETION_TIMEOUT_S, poll_s=3)
        if not finished:
            alert_ids = {
                orjson.loads(value)["id"] for _, value in read_topic(self.bootstrap, self.topics["alerts"])
            }
            window_ids = {
                orjson.loads(value)["window_id"]
                for _, value in read_topic(self.bootstrap, self.topics["stages"])
            }
            logs = "\n".join(worker.log()[-2000:] for worker in workers)
            pytest.fail(
                f"after {COMPLETION_TIMEOUT_S} s: {self.processed()} enriched of {expected.valid_events}; "
                f"alerts missing {len(set(expected.alerts) - alert_ids)}, "
                f"extra {len(alert_ids - set(expected.alerts))}; "
                f"windows missing {len(set(expected.windows) - window_ids)}, "
                f"extra {len(window_ids - set(expected.windows))}\n{logs}"
            )
        alerts = [orjson.loads(value) for _, value in read_topic(self.bootstrap, self.topics["alerts"])]
        windows = [orjson.loads(value) for _, value in read_topic(self.bootstrap, self.topics["stages"])]
        assert {alert["id"] for alert in alerts} == set(expected.alerts), differing_alerts(alerts, expected)
        assert all(alert == expected.alerts[alert["id"]] for alert in alerts), "an alert id was re-used"
        assert {window["window_id"] for window in windows} == set(expected.windows)
        changed = [window for window in windows if window != expected.windows[window["window_id"]]]
        assert not changed, "\n".join(
            f"{window['window_id']}: events/good/neutral/bad {[window[k] for k in WINDOW_COUNTS]}, replay "
            f"{[expected.windows[window['window_id']][k] for k in WINDOW_COUNTS]}"
            for window in changed[:5]
        )
        assert self.processed() >= expected.valid_events


def differing_alerts(alerts: list[dict[str, Any]], expected: Expected, customers: int = 5) -> str:
    """The alert histories of a few customers whose alerts differ from replay's, side by side."""

    def history(of: list[dict[str, Any]], customer: str) -> list[str]:
        return sorted(
            f"{alert['time']} {alert['data']['level']} strikes={alert['data']['strikes']} "
            f"trigger={alert['data'].get('triggering_event_id')}"
            for alert in of
            if alert["subject"] == customer
        )

    wanted = list(expected.alerts.values())
    differing = {
        alert["subject"] for alert in alerts if alert["id"] not in expected.alerts
    } | {alert["subject"] for alert in wanted if alert["id"] not in {a["id"] for a in alerts}}
    lines = [f"{len(differing)} customers differ from replay"]
    for customer in sorted(differing)[:customers]:
        lines += [f"{customer}: worker", *history(alerts, customer), "replay", *history(wanted, customer)]
    return "\n".join(lines)


@pytest.fixture
def deployment(
    bootstrap: str, unique: str, tmp_path: Path, start_worker: Callable[..., WorkerProcess]
) -> Deployment:
    return Deployment(bootstrap, unique, tmp_path, start_worker)


def test_sigkill_mid_stream_loses_nothing_and_duplicates_nothing(
    deployment: Deployment, stream: tuple[list[bytes], Expected]
) -> None:
    records, expected = stream
    deployment.produce(records)
    first = deployment.worker("a")
    deployment.wait_processed(EVENTS // 3, first)
    first.kill()

    restarted = deployment.worker("a")

    deployment.assert_matches_replay(expected, restarted)


def test_worker_joining_and_leaving_mid_stream(
    deployment: Deployment, stream: tuple[list[bytes], Expected]
) -> None:
    records, expected = stream
    deployment.produce(records)
    first = deployment.worker("a")
    deployment.wait_processed(EVENTS // 5, first)
    second = deployment.worker("b")
    deployment.wait_processed(EVENTS // 2, first, second)
    second.stop()

    deployment.assert_matches_replay(expected, first)


def test_restart_with_empty_state_directory_rebuilds_from_changelogs(
    deployment: Deployment, stream: tuple[list[bytes], Expected]
) -> None:
    records, expected = stream
    deployment.produce(records)
    first = deployment.worker("a")
    deployment.wait_processed(EVENTS // 2, first)
    first.kill()
    shutil.rmtree(deployment.workdir("a"))

    restarted = deployment.worker("a")

    deployment.assert_matches_replay(expected, restarted)


def test_workers_killed_again_and_again_lose_nothing(
    bootstrap: str,
    unique: str,
    tmp_path: Path,
    start_worker: Callable[..., WorkerProcess],
    stream: tuple[list[bytes], Expected],
) -> None:
    """Three workers share eight partitions; one after another is killed with SIGKILL and restarted on its
    state directory a few seconds later, while the stream is still being processed. Every kill costs two
    rebalances (the dead member's session expires, the restarted one joins).

    Shortened for CI; the full run (``CHAOS_*`` environment variables, see docs/reliability.md) streams
    100,000 events, kills until the stream is done, and takes the broker down for 30 s halfway."""
    records = stream[0] if CHAOS_EVENTS == EVENTS else event_stream(CHAOS_EVENTS, CHAOS_EVENTS * 3 // 100)
    expected = replay_of(records, CHAOS_PARTITIONS)
    directory = tmp_path / "broker"
    if CHAOS_BROKER_DOWN_S > 0:
        bootstrap = local_kafka.start(directory, watch_pid=os.getpid()).bootstrap
    try:
        deployment = Deployment(bootstrap, unique, tmp_path, start_worker, partitions=CHAOS_PARTITIONS)
        deployment.produce(records)
        workers = {name: deployment.worker(name) for name in CHAOS_WORKERS}
        deployment.wait_processed(CHAOS_EVENTS // 10, *workers.values())

        killed_at: list[int] = []
        broker_down_at: int | None = None
        while len(killed_at) < CHAOS_KILLS and (progress := deployment.processed()) < expected.valid_events:
            if CHAOS_BROKER_DOWN_S > 0 and broker_down_at is None and progress >= expected.valid_events // 2:
                broker_down_at = progress
                local_kafka.restart(directory, down_s=CHAOS_BROKER_DOWN_S, kill=True, watch_pid=os.getpid())
                for name in [name for name, worker in workers.items() if not worker.alive()]:
                    workers[name] = deployment.worker(name)
            name = CHAOS_WORKERS[len(killed_at) % len(CHAOS_WORKERS)]
            workers[name].kill()
            killed_at.append(progress)
            time.sleep(CHAOS_PAUSE_S)
            workers[name] = deployment.worker(name)
            time.sleep(CHAOS_PAUSE_S)
        assert len(killed_at) >= 2, "the stream ended before the chaos began: the test proves too little"

        deployment.assert_matches_replay(expected, *workers.values())
    finally:
        if CHAOS_BROKER_DOWN_S > 0:
            local_kafka.stop(directory)
    print(
        f"\nchaos: {len(killed_at)} SIGKILLs at {killed_at} enriched records of {expected.valid_events} "
        f"events; broker down {CHAOS_BROKER_DOWN_S:.0f} s at {broker_down_at}; {len(expected.alerts)} alert "
        f"ids and {len(expected.windows)} closed windows equal to replay"
    )


def test_broker_down_mid_stream_loses_nothing(
    unique: str,
    tmp_path: Path,
    start_worker: Callable[..., WorkerProcess],
    stream: tuple[list[bytes], Expected],
) -> None:
    """The broker is killed mid-stream and comes back on the same address after ``BROKER_DOWN_S``; two
    workers keep running through it. A worker that exits meanwhile is started again, as a supervisor would."""
    records, expected = stream
    directory = tmp_path / "broker"
    broker = local_kafka.start(directory, watch_pid=os.getpid())
    try:
        deployment = Deployment(broker.bootstrap, unique, tmp_path, start_worker)
        deployment.produce(records)
        workers = {name: deployment.worker(name) for name in ("a", "b")}
        deployment.wait_processed(EVENTS // 4, *workers.values())

        down_at = deployment.processed()
        local_kafka.restart(directory, down_s=BROKER_DOWN_S, kill=True, watch_pid=os.getpid())
        restarted = [name for name, worker in workers.items() if not worker.alive()]
        for name in restarted:
            workers[name] = deployment.worker(name)

        deployment.assert_matches_replay(expected, *workers.values())
        print(
            f"\nbroker down {BROKER_DOWN_S:.0f} s at {down_at} of {expected.valid_events} events; "
            f"workers that exited meanwhile: {restarted or 'none'}"
        )
    finally:
        local_kafka.stop(directory)


# Long enough for the worker to be stopped, and to finish stopping, while the broker is away.
OUTAGE_FOR_A_STOP_S = 75.0
# Before the pacing, a worker with records in flight kept a whole core busy for the whole outage.
OUTAGE_CPU_AT_MOST = 0.5


def test_a_worker_stopped_during_a_broker_outage_exits_and_loses_nothing(
    unique: str,
    tmp_path: Path,
    start_worker: Callable[..., WorkerProcess],
    stream: tuple[list[bytes], Expected],
) -> None:
    """The broker shuts down mid-stream (cleanly, as for maintenance: its partitions are left without a
    leader, which a killed broker does not do) and a worker is stopped (SIGTERM) while it is away: the
    worker does not spin while the broker is gone, it exits within a grace period although nothing it
    wrote since its last commit was acknowledged, and the worker started after the outage finishes the
    stream with exactly replay's alerts and windows."""
    records, expected = stream
    directory = tmp_path / "broker"
    broker = local_kafka.start(directory, watch_pid=os.getpid())
    outage: list[BaseException] = []

    def stop_and_bring_back() -> None:
        try:
            local_kafka.restart(directory, down_s=OUTAGE_FOR_A_STOP_S, watch_pid=os.getpid())
        except BaseException as error:  # reported by the test thread below
            outage.append(error)

    restarting = threading.Thread(target=stop_and_bring_back)
    try:
        deployment = Deployment(broker.bootstrap, unique, tmp_path, start_worker)
        deployment.produce(records)
        first = deployment.worker("a")
        deployment.wait_processed(EVENTS // 4, first)

        restarting.start()
        time.sleep(4)  # the broker is gone and the worker has noticed
        before = cpu_seconds(first.process.pid)
        time.sleep(5)
        outage_cpu = (cpu_seconds(first.process.pid) - before) / 5
        assert outage_cpu <= OUTAGE_CPU_AT_MOST, f"{outage_cpu:.2f} cores used with the broker away"

        stop_started = time.monotonic()
        first.process.send_signal(signal.SIGTERM)
        first.process.wait(timeout=OUTAGE_FOR_A_STOP_S - 12)
        stopped_after = time.monotonic() - stop_started
        assert first.process.returncode == 0, first.log()[-3000:]
        assert "Unable to update metadata" in first.log(), "the broker was not away for the stop"

        restarting.join()
        assert not outage, f"the broker did not come back: {outage}"
        second = deployment.worker("b")
        deployment.assert_matches_replay(expected, second)
        print(
            f"\nstopped during the outage in {stopped_after:.0f} s; "
            f"{outage_cpu:.2f} cores used while the broker was away"
        )
    finally:
        if restarting.is_alive():  # a failure above: let the broker come back before it is stopped for good
            restarting.join()
        local_kafka.stop(directory)
