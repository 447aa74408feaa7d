"""Operations against real things: two workers on a real broker, a real Prometheus, promtool and Chromium.

One deployment per module: two workers share four partitions and process a generated stream; the tests
then read what operators and analysts read (metrics, the API, the journey-map page) and compare it with a
clean replay of the same events. Tools that are missing skip their test with the package to install.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families
from support.kafka import (
    WorkerProcess,
    create_topics,
    end_offsets_total,
    produce,
    role_topics,
    wait_for,
    worker_topics_env,
)
from support.streams import event_stream

from pipeline.adapters.web_risk import customer_risk
from pipeline.assembly import assemble
from pipeline.config import load_settings
from pipeline.devtools.local_kafka import free_port
from pipeline.domain.churn import customer_level
from pipeline.domain.partitioning import kafka_partition
from pipeline.journey_map import build_journey_map
from pipeline.metrics_port import NullMetrics
from pipeline.replay import ReplayRun, ReplaySinks, record_key

pytestmark = [pytest.mark.broker]

PARTITIONS = 4
EVENTS = 3000
CUSTOMERS = 250
TOKEN = "operations-test-token"
JOURNEYS = ("travel", "ecommerce", "telecom", "banking")
EVENTS_TOTAL = "emotion_pipeline_events_total"


@dataclass
class Deployment:
    """Two running workers, their ports, the stream they processed and a replay of it."""

    bootstrap: str
    topics: dict[str, str]
    ports: list[int]
    workers: list[WorkerProcess]
    records: list[bytes]
    replay: ReplayRun
    tmp: Path

    def url(self, index: int, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[index]}{path}"

    def get(self, index: int, path: str, token: str | None = TOKEN) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url(index, path))
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def get_json(self, index: int, path: str) -> Any:
        status, body = self.get(index, path)
        assert status == 200, body[:500]
        return orjson.loads(body)

    def logs(self) -> str:
        return "\n".join(worker.log()[-3000:] for worker in self.workers)


def worker_env(
    bootstrap: str, topics: dict[str, str], app_id: str, port: int, workdir: Path
) -> dict[str, str]:
    return {
        **worker_topics_env(bootstrap, topics, PARTITIONS),
        "EMOTION_PIPELINE_WORKER__APP_ID": app_id,
        "EMOTION_PIPELINE_WORKER__WORKDIR": str(workdir),
        "EMOTION_PIPELINE_WORKER__WEB_HOST": "127.0.0.1",
        "EMOTION_PIPELINE_WORKER__WEB_PORT": str(port),
        "EMOTION_PIPELINE_WORKER__API_TOKEN": TOKEN,
        "EMOTION_PIPELINE_WORKER__SESSION_TIMEOUT_SECONDS": "8",
        "EMOTION_PIPELINE_WORKER__HEARTBEAT_INTERVAL_SECONDS": "1",
        "EMOTION_PIPELINE_WORKER__LOG_LEVEL": "INFO",
    }


def start_worker(env: dict[str, str], log_path: Path) -> WorkerProcess:
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "worker"], env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    return WorkerProcess(process, log_path)


@pytest.fixture(scope="module")
def deployment(kafka_broker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    bootstrap = kafka_broker.bootstrap
    tmp = tmp_path_factory.mktemp("operations")
    unique = tmp.name.replace("_", "-")[-24:] + str(os.getpid())
    topics = role_topics(unique, "ops-")
    records = event_stream(EVENTS, CUSTOMERS, seed=23)
    replay = ReplayRun(assemble(load_settings(topics={"partitions": PARTITIONS}), NullMetrics()), PARTITIONS)
    replay.feed(records, ReplaySinks())
    create_topics(bootstrap, topics.values(), PARTITIONS)
    ports = [free_port(), free_port()]
    workers = [
        start_worker(worker_env(bootstrap, topics, f"ops-{unique}", port, tmp / f"state-{index}"),
                     tmp / f"worker-{index}.log")
        for index, port in enumerate(ports)
    ]
    produce(bootstrap, topics["in"], ((record_key(record), record) for record in records))
    deployment = Deployment(bootstrap, topics, ports, workers, records, replay, tmp)
    try:
        expected = replay.counts.get("enriched", 0)
        done = wait_for(lambda: end_offsets_total(bootstrap, topics["enriched"]) >= expected
                        or not all(worker.alive() for worker in workers), 240, poll_s=1)
        assert done, f"the workers did not enrich every event in time\n{deployment.logs()}"
        assert all(worker.alive() for worker in workers), deployment.logs()
        both_ready = wait_for(lambda: all(deployment.get(i, "/readyz", None)[0] == 200 for i in (0, 1)), 120)
        assert both_ready, deployment.logs()
        yield deployment
    finally:
        for worker in workers:
            worker.stop()


def expected_map(deployment: Deployment, journey: str, size: int) -> dict[str, Any]:
    components = deployment.replay.components
    built = build_journey_map(components.journeys, journey, deployment.replay.stored_windows,
                              components.windows.aggregation, window_size_seconds=size)
    return built.model_dump(mode="json")


def without_closed_flags(journey_map: dict[str, Any]) -> dict[str, Any]:
    """The map without each window's ``closed`` flag: when a window closes depends on interleaving."""
    stages = [{**stage, "series": [{**point, "closed": None} for point in stage["series"]]}
              for stage in journey_map["stages"]]
    return {**journey_map, "stages": stages}


def map_difference(answer: dict[str, Any], expected: dict[str, Any]) -> str:
    """What differs between a served map and the replayed one, stage by stage, for a failure message."""
    served = {stage["stage"]: stage for stage in without_closed_flags(answer)["stages"]}
    wanted = {stage["stage"]: stage for stage in expected["stages"]}
    lines = [f"complete={answer['complete']} missing={answer['missing_partitions']}"]
    for name in sorted(set(served) | set(wanted)):
        got, want = served.get(name), wanted.get(name)
        if got != want:
            keys = sorted({*(got or {}).get("summary", {}), *(want or {}).get("summary", {})})
            differs = [key for key in keys if (got or {}).get("summary", {}).get(key)
                       != (want or {}).get("summary", {}).get(key)]
            counts = [None if stage is None else (stage["summary"]["events"], stage["late_events"])
                      for stage in (got, want)]
            lines.append(f"{name}: summary fields differing {differs}; (events, late) served {counts[0]} "
                         f"replayed {counts[1]}")
    return "\n".join(lines)


def map_path(journey: str, size: int) -> str:
    return f"/api/journey-map?journey={journey}&window={size}"


@pytest.mark.parametrize("journey", JOURNEYS)
def test_either_worker_serves_the_whole_journey_map(deployment: Deployment, journey: str) -> None:
    for size in (3600, 86400):
        expected = without_closed_flags(expected_map(deployment, journey, size))

        path = map_path(journey, size)

        def whole(index: int, path: str = path, expected: dict[str, Any] = expected) -> bool:
            answer = deployment.get_json(index, path)
            return bool(answer["complete"]) and without_closed_flags(
                {key: answer[key] for key in expected}) == expected

        # Stage windows are applied asynchronously after enrichment: wait until they have all arrived.
        served = wait_for(lambda: whole(0) and whole(1), 90)
        assert served, map_difference(deployment.get_json(0, path), expected)
        answer = deployment.get_json(1, map_path(journey, size))
        assert answer["workers"] == 2
        assert answer["missing_partitions"] == []


def test_customer_risk_is_answered_by_the_owner_whichever_worker_is_asked(deployment: Deployment) -> None:
    policy = load_settings().churn
    states = deployment.replay.customers.states
    served_by: dict[int, set[str]] = {}
    for customer_id in sorted(states)[:40]:
        answers = [deployment.get_json(index, f"/api/customers/{customer_id}/risk") for index in (0, 1)]
        assert answers[0] == answers[1]
        expected = customer_risk(customer_id, states[customer_id], policy, answers[0]["served_by"])
        assert answers[0] == expected.model_dump(mode="json")
        partition = kafka_partition(customer_id.encode(), PARTITIONS)
        served_by.setdefault(partition, set()).add(answers[0]["served_by"])
    assert all(len(urls) == 1 for urls in served_by.values()), "one owner per partition"
    owners = set().union(*served_by.values())
    assert owners == {f"http://127.0.0.1:{port}" for port in deployment.ports}, "both workers own customers"
    status, body = deployment.get(0, "/api/customers/nobody-at-all/risk")
    assert status == 404, body
    status, _ = deployment.get(1, f"/api/customers/{sorted(states)[0]}/risk", token="wrong")
    assert status == 401


def scrape(deployment: Deployment, index: int) -> str:
    status, body = deployment.get(index, "/metrics", token=None)
    assert status == 200
    return body.decode()


def samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    return [(sample.labels, sample.value) for family in text_string_to_metric_families(text)
            for sample in family.samples if sample.name == name]


def test_metrics_pass_promtool_and_hold_no_customer_ids(deployment: Deployment) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (Debian/Ubuntu package 'prometheus')")
    customer_ids = {orjson.loads(record)["customer_id"] for record in deployment.records}
    event_ids = {orjson.loads(record)["event_id"] for record in deployment.records}
    for index in (0, 1):
        text = scrape(deployment, index)
        checked = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True,
                                 timeout=60, check=False)
        # Exit 1 is a parse error; 3 lists naming problems. Faust's own sensor names one histogram
        # ``faust_events_runtime_ms`` (an abbreviated unit); everything the product declares must be clean.
        problems = (checked.stdout + checked.stderr).strip().splitlines()
        assert checked.returncode in (0, 3), problems
        assert [line for line in problems if not line.startswith("faust_")] == []
        label_values = {value for family in text_string_to_metric_families(text) for sample in family.samples
                        for value in sample.labels.values()}
        assert not label_values & customer_ids
        assert not label_values & event_ids
        assert not any(value.startswith(("cust-", "ev-")) for value in label_values)


def test_lag_and_customers_per_level_add_up_across_the_workers(deployment: Deployment) -> None:
    policy = load_settings().churn
    states = deployment.replay.customers.states.values()
    expected_levels = Counter(customer_level(state, policy) for state in states)

    def totals() -> tuple[Counter[str], set[str], float]:
        levels: Counter[str] = Counter()
        partitions: set[str] = set()
        lag = 0.0
        for index in (0, 1):
            text = scrape(deployment, index)
            for labels, value in samples(text, "emotion_pipeline_customers"):
                levels[labels["level"]] += int(value)
            for labels, value in samples(text, "emotion_pipeline_consumer_lag"):
                if labels["topic"] == deployment.topics["in"]:
                    assert labels["partition"] not in partitions, "a partition reported by two workers"
                    partitions.add(labels["partition"])
                    lag += value
        return levels, partitions, lag

    # The lag timer ticks every 10 s and the level rebuild every 2 s after an assignment.
    expected = (expected_levels, {str(partition) for partition in range(PARTITIONS)}, 0.0)
    assert wait_for(lambda: totals() == expected, 60), (totals(), expected)


def test_a_real_prometheus_scrapes_both_workers(deployment: Deployment) -> None:
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("prometheus not installed (Debian/Ubuntu package 'prometheus')")
    directory = deployment.tmp / "prometheus"
    directory.mkdir(exist_ok=True)
    config = directory / "prometheus.yml"
    targets = ", ".join(f'"127.0.0.1:{port}"' for port in deployment.ports)
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: emotion-pipeline\n    metrics_path: /metrics\n"
        f"    static_configs:\n      - targets: [{targets}]\n",
        encoding="utf-8",
    )
    port = free_port()
    with (directory / "prometheus.log").open("wb") as log:
        server = subprocess.Popen(
            [binary, f"--config.file={config}", f"--storage.tsdb.path={directory / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    try:
        def query(expression: str) -> list[dict[str, Any]]:
            url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": expression})
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    result: list[dict[str, Any]] = orjson.loads(response.read())["data"]["result"]
                    return result
            except (urllib.error.URLError, ConnectionError):
                return []

        # Processing has finished, so the workers' counters stand still; with at-least-once delivery a record
        # redelivered across the start-up rebalance may be counted twice, so compare with the workers.
        enriched = 'sum(emotion_pipeline_events_total{job="emotion-pipeline",outcome="enriched"})'
        expected = sum(value for index in (0, 1)
                       for labels, value in samples(scrape(deployment, index), EVENTS_TOTAL)
                       if labels["outcome"] == "enriched")
        assert expected >= deployment.replay.counts["enriched"]
        reached = wait_for(lambda: [float(r["value"][1]) for r in query(enriched)] == [expected], 60, 1)
        log_text = (directory / "prometheus.log").read_text(errors="replace")[-2000:]
        assert reached, f"Prometheus never saw {expected} enriched events: {query(enriched)}\n{log_text}"
        assert sorted(float(r["value"][1]) for r in query('up{job="emotion-pipeline"}')) == [1.0, 1.0]
        assert len(query('emotion_pipeline_build_info{job="emotion-pipeline"}')) == 2
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path is not None:
            return path
    pytest.skip("no headless browser (Debian package 'chromium', Ubuntu 'chromium-browser')")


def chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}",
               "--virtual-time-budget=15000", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_the_journey_map_page_draws_every_stage_in_chromium(deployment: Deployment) -> None:
    binary = chromium_binary()
    journey, size = "travel", 86400
    with_data = [stage["stage"] for stage in expected_map(deployment, journey, size)["stages"]]
    assert len(with_data) >= 3
    assert wait_for(lambda: deployment.get_json(0, map_path(journey, size))["complete"], 60)
    page = deployment.url(0, f"/journey-map?journey={journey}&window={size}&token={TOKEN}")
    started = time.monotonic()
    dumped = chromium(binary, deployment.tmp / "chromium-dom", "--dump-dom", page)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = dumped.stdout
    assert 'data-state="loaded"' in dom, dom[-3000:]
    for stage in with_data:
        assert f'data-stage="{stage}"' in dom, stage
    shown = {stage: int(dom.split(f'data-stage="{stage}" data-events="', 1)[1].split('"', 1)[0])
             for stage in with_data}
    expected_events = {stage["stage"]: stage["summary"]["events"]
                       for stage in expected_map(deployment, journey, size)["stages"]}
    assert shown == expected_events
    assert TOKEN not in dom, "the token must leave the address and the page"

    screenshot = deployment.tmp / "journey-map.png"
    shot = chromium(binary, deployment.tmp / "chromium-shot", f"--screenshot={screenshot}",
                    "--window-size=1400,900", page)
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert screenshot.stat().st_size > 10_000
    print(f"journey map screenshot: {screenshot} ({time.monotonic() - started:.1f} s)")


def test_worker_logs_are_json_lines(deployment: Deployment) -> None:
    for worker in deployment.workers:
        lines = [line for line in worker.log().splitlines() if line.startswith("{")]
        assert len(lines) > 5
        parsed = [orjson.loads(line) for line in lines]
        assert all({"time", "level", "logger", "message"} <= set(line) for line in parsed)
        assert any(line["logger"].startswith("faust") for line in parsed)
        assert "text" not in {key for line in parsed for key in line}
