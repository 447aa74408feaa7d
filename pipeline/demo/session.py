"""One demo session from start to clean stop: broker, topics, worker, traffic, live view, journey map.

Whatever happens (time up, Ctrl-C, SIGTERM, an error), the worker and a broker started here are stopped
before ``run_demo`` returns, unless the user asked to keep them running.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import time
import urllib.error
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Final

from kafka import KafkaProducer
from pydantic import ValidationError
from rich.console import Console
from rich.live import Live

from pipeline.adapters.kafka_security import kafka_python_config
from pipeline.adapters.topic_admin import ensure_topics
from pipeline.config import Settings, load_settings
from pipeline.demo.outputs import OutputFollower
from pipeline.demo.plan import DemoOptions, DemoPlan, plan_demo
from pipeline.demo.processes import (
    Broker,
    DemoError,
    WorkerProcess,
    choose_web_port,
    ensure_broker,
    start_worker,
)
from pipeline.demo.view import LiveState, alert_text, closing_notes, header, journey_table, live_panel
from pipeline.demo.worker_api import fetch_journey_map, journey_names
from pipeline.devtools import local_kafka
from pipeline.domain.errors import ConfigurationError
from pipeline.journey_map import JourneyMap
from pipeline.simulation import generate
from pipeline.simulation.pacing import TokenBucket

WORKER_READY_TIMEOUT_S: Final[float] = 120.0
# The worker has caught up once nothing new came out for this long after the last record was sent.
QUIET_AFTER_PRODUCING_S: Final[float] = 4.0
VIEW_UPDATE_S: Final[float] = 0.2
# After Ctrl-C the worker gets this long to finish what was sent, so the summary shows all of it.
CATCH_UP_AFTER_CTRL_C_S: Final[float] = 15.0
MAP_WAIT_S: Final[float] = 10.0


@dataclass
class _Running:
    """What this session started, so the end can stop exactly that."""

    broker: Broker | None = None
    worker: WorkerProcess | None = None
    follower: OutputFollower | None = None
    producer: Any = None
    pid_file: Path | None = None
    cleanups: list[Callable[[], None]] = field(default_factory=list)


def demo_console() -> Console:
    """A console for the demo; wide enough for the tables when the output is a file or a pipe."""
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=140)


def run_demo(options: DemoOptions, console: Console | None = None) -> int:
    """Run the whole demo and stop what it started; the exit status (0 ok, 1 failed, 2 bad options, 130)."""
    console = console or demo_console()
    try:
        plan = plan_demo(options)
    except (ValueError, ValidationError) as error:
        console.print(f"demo: {error}")
        return 2
    running = _Running()
    status = 1
    with _signals_interrupt():
        try:
            status = _run(options, plan, console, running)
        except DemoError as error:
            console.print(f"[bold red]demo failed:[/] {error}")
        except ConfigurationError as error:
            console.print(f"[bold red]demo failed:[/] configuration error: {error}")
        except KeyboardInterrupt:
            console.print("interrupted")
            status = 130
        finally:
            keep = options.keep_running and status == 0
            _stop(running, console, keep=keep)
    return status


def _run(options: DemoOptions, plan: DemoPlan, console: Console, running: _Running) -> int:
    directory = options.directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    console.print(
        header(
            session=plan.session,
            directory=directory,
            planned=plan.planned_records,
            seconds=options.seconds,
            rate=options.rate,
        )
    )
    started = time.monotonic()
    with console.status("starting Kafka (the first start fetches its jars with Maven)..."):
        running.broker = ensure_broker(directory / "kafka", watch=not options.keep_running)
    how = "started" if running.broker.started_here else "reused the broker already running"
    console.print(
        f"[green]ok[/] Kafka {local_kafka.KAFKA_VERSION} at {running.broker.running.bootstrap} "
        f"({how}, {time.monotonic() - started:.0f} s)"
    )
    port = choose_web_port()
    settings = _session_settings(plan, running.broker.running.bootstrap, directory, port)
    ensure_topics(settings)
    console.print(
        f"[green]ok[/] topics {plan.topics.interactions} and 4 more, {plan.topics.partitions} partitions"
    )
    running.worker = _start_worker(settings, plan, directory, options.keep_running, running)
    started = time.monotonic()
    with console.status(f"starting the worker (log: {running.worker.log_file})..."):
        running.worker.wait_ready(WORKER_READY_TIMEOUT_S)
    console.print(
        f"[green]ok[/] worker (pid {running.worker.process.pid}) ready at {running.worker.base_url} "
        f"({time.monotonic() - started:.0f} s); "
        f"API token for this session: {plan.api_token}"
    )
    running.follower = OutputFollower(settings)
    running.follower.start()
    interrupted = _produce_live(plan, settings, console, running, options.seconds)
    return _summary(plan, console, running, directory, interrupted=interrupted, keep=options.keep_running)


def _session_settings(plan: DemoPlan, bootstrap: str, directory: Path, port: int) -> Settings:
    return load_settings(
        kafka={"bootstrap_servers": bootstrap},
        topics=plan.topics.model_dump(),
        worker={
            "app_id": plan.app_id,
            "workdir": directory / "worker" / plan.session,
            "web_host": "127.0.0.1",
            "web_port": port,
            "api_token": plan.api_token,
        },
    )


def worker_environment(settings: Settings, api_token: str) -> dict[str, str]:
    """The environment that gives a worker subprocess this session's settings."""
    topics, worker = settings.topics, settings.worker
    return {
        "EMOTION_PIPELINE_KAFKA__BOOTSTRAP_SERVERS": settings.kafka.bootstrap_servers,
        "EMOTION_PIPELINE_TOPICS__INTERACTIONS": topics.interactions,
        "EMOTION_PIPELINE_TOPICS__ENRICHED": topics.enriched,
        "EMOTION_PIPELINE_TOPICS__ALERTS": topics.alerts,
        "EMOTION_PIPELINE_TOPICS__STAGE_EMOTIONS": topics.stage_emotions,
        "EMOTION_PIPELINE_TOPICS__DLQ": topics.dlq,
        "EMOTION_PIPELINE_TOPICS__PARTITIONS": str(topics.partitions),
        "EMOTION_PIPELINE_WORKER__APP_ID": worker.app_id,
        "EMOTION_PIPELINE_WORKER__WORKDIR": str(worker.workdir),
        "EMOTION_PIPELINE_WORKER__WEB_HOST": worker.web_host,
        "EMOTION_PIPELINE_WORKER__WEB_PORT": str(worker.web_port),
        "EMOTION_PIPELINE_WORKER__API_TOKEN": api_token,
        # One worker owns every partition: no need to wait long for a peer that will never come.
        "EMOTION_PIPELINE_WORKER__SESSION_TIMEOUT_SECONDS": "10",
        "EMOTION_PIPELINE_WORKER__HEARTBEAT_INTERVAL_SECONDS": "1",
    }


def _start_worker(
    settings: Settings, plan: DemoPlan, directory: Path, keep: bool, running: _Running
) -> WorkerProcess:
    state = settings.worker.workdir
    if not keep:
        running.cleanups.append(lambda: shutil.rmtree(state, ignore_errors=True))
    worker = start_worker(
        worker_environment(settings, plan.api_token),
        directory / "worker" / f"{plan.session}.log",
        settings.worker.web_port,
        tied_to_demo=not keep,
    )
    running.pid_file = directory / "worker.pid"
    running.pid_file.write_text(f"{worker.process.pid}\n", encoding="utf-8")
    return worker


def _produce_live(
    plan: DemoPlan, settings: Settings, console: Console, running: _Running, seconds: float
) -> bool:
    """Produce the planned traffic at the planned rate under the live view; True when Ctrl-C ended it."""
    assert running.follower is not None
    assert running.worker is not None
    tally = running.follower.tally
    running.producer = KafkaProducer(**kafka_python_config(settings.kafka), acks="all", linger_ms=20)
    state = LiveState(planned=plan.planned_records, seconds=seconds)
    failures: list[BaseException] = []
    rate = plan.planned_records / plan.produce_seconds
    topic = settings.topics.interactions
    with Live(console=console, get_renderable=lambda: live_panel(state, tally), refresh_per_second=4) as live:
        try:
            shown_at = 0.0
            bucket = TokenBucket(rate)
            for record in generate(plan.simulation):
                if state.seconds_left <= 0 or not running.worker.alive():
                    break
                bucket.take()
                sent = running.producer.send(topic, key=record.key, value=record.value)
                sent.add_errback(failures.append)
                if time.monotonic() - shown_at >= VIEW_UPDATE_S:
                    shown_at = time.monotonic()
                    state.record_progress(state.produced + 1)
                    _show_alerts(live, running)
                else:
                    state.produced += 1
            running.producer.flush()
            state.record_progress(state.produced)
            _wait_until_caught_up(state, live, running, time.monotonic() + state.seconds_left)
        except KeyboardInterrupt:
            live.console.print("stopping the traffic (Ctrl-C); summary follows, Ctrl-C again to skip it")
            running.producer.flush(timeout=5)
            _wait_until_caught_up(state, live, running, time.monotonic() + CATCH_UP_AFTER_CTRL_C_S)
            return True
        finally:
            _show_alerts(live, running)
    if failures:
        raise DemoError(f"{len(failures)} records could not be produced; the first failure: {failures[0]!r}")
    if not running.worker.alive():
        raise DemoError(
            f"the worker stopped during the demo (status {running.worker.process.returncode}); its log "
            f"({running.worker.log_file}) ends with:\n{running.worker.log_tail()}"
        )
    return False


def _wait_until_caught_up(state: LiveState, live: Live, running: _Running, deadline: float) -> None:
    """Wait until the worker's output stops growing (it has processed what was sent), or the deadline."""
    assert running.follower is not None
    tally = running.follower.tally
    last_count, last_change = tally.processed, time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(VIEW_UPDATE_S)
        state.record_progress(state.produced)
        _show_alerts(live, running)
        count = tally.processed
        if count != last_count:
            last_count, last_change = count, time.monotonic()
        elif count > 0 and time.monotonic() - last_change >= QUIET_AFTER_PRODUCING_S:
            return


def _show_alerts(live: Live, running: _Running) -> None:
    if running.follower is None:
        return
    for line in running.follower.tally.take_unshown():
        live.console.print(alert_text(line))


def _summary(
    plan: DemoPlan, console: Console, running: _Running, directory: Path, *, interrupted: bool, keep: bool
) -> int:
    assert running.worker is not None
    assert running.follower is not None
    tally = running.follower.tally
    with tally.lock:
        enriched, dead = tally.enriched, sum(tally.dead_letters.values())
        alerts = ", ".join(f"{level} {count}" for level, count in sorted(tally.alerts.items())) or "none"
    console.print(
        f"\nworker output: {enriched:,} enriched, {dead:,} dead letters, alerts: {alerts}"
        + ("  (stopped early)" if interrupted else "")
    )
    base_url = running.worker.base_url
    maps = _read_journey_maps(base_url, plan.api_token, wait_s=MAP_WAIT_S if enriched else 0.0)
    shown = 0
    for journey_map, missing in maps:
        if journey_map.stages:
            console.print(journey_table(journey_map, missing))
            shown += 1
    if not shown:
        console.print("the journey map is still empty (the worker had not windowed any event yet)")
    console.print(closing_notes(base_url=base_url, token=plan.api_token, kept=keep, directory=directory))
    return 0


def _read_journey_maps(base_url: str, token: str, wait_s: float) -> list[tuple[JourneyMap, list[int]]]:
    """Every journey's map; waits up to ``wait_s`` for a complete map (windows trail enrichment a little)."""
    deadline = time.monotonic() + wait_s
    try:
        names = journey_names(base_url)
        while True:
            maps = [fetch_journey_map(base_url, token, name) for name in names]
            drawn = any(journey_map.stages for journey_map, _ in maps)
            # A worker that is rebalancing or recovering answers with partitions missing: ask again.
            complete = not any(missing for _, missing in maps)
            if (drawn and complete) or time.monotonic() >= deadline:
                return maps
            time.sleep(1.0)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise DemoError(f"could not read the journey map from {base_url}: {error}") from None


def _stop(running: _Running, console: Console, *, keep: bool) -> None:
    """Stop what this session started, in order; a second Ctrl-C does not cut it short."""
    with _signals_ignored():
        if running.follower is not None:
            running.follower.stop()
        if running.producer is not None:
            with contextlib.suppress(Exception):
                running.producer.close(timeout=5)
        if keep:
            return
        if running.worker is not None:
            running.worker.stop()
            console.print("stopped the worker")
        if running.broker is not None and running.broker.started_here:
            local_kafka.stop(running.broker.running.directory)
            console.print("stopped the Kafka broker")
        for cleanup in running.cleanups:
            cleanup()
        if running.pid_file is not None:
            running.pid_file.unlink(missing_ok=True)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP end the demo through the same clean stop as Ctrl-C.

    SIGINT too: a process started from a background job (``make demo &``, ``nohup``) inherits SIGINT
    ignored, and Python then installs no KeyboardInterrupt handler of its own, so Ctrl-C or ``kill -INT``
    would be ignored and the demo would run its whole course."""
    numbers = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {number: signal.signal(number, _raise_interrupt) for number in numbers}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    numbers = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in numbers}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
