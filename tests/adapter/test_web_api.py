"""The worker's HTTP API through aiohttp's test client: token checks, open endpoints, parameter errors.

The worker is the real one (``build_worker``, memory store) but never joins a Kafka group, so it owns no
partitions: a journey map from it is empty and says every partition is missing, which is also what a real
worker answers before its first assignment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from pipeline.adapters.web_auth import TOKEN_VARIABLE
from pipeline.adapters.worker_app import build_worker
from pipeline.config import load_settings

TOKEN = "correct-horse-battery-staple"
PROTECTED = (
    "/api/journey-map?journey=travel",
    "/api/customers/cust-00001/risk",
    "/api/internal/stage-windows?journey=travel&window=3600",
)
OPEN = ("/healthz", "/metrics", "/api/journeys", "/journey-map")

ClientFactory = Callable[[str | None], Awaitable[TestClient]]


@pytest.fixture
async def client_for(tmp_path: Path) -> AsyncIterator[ClientFactory]:
    clients: list[TestClient] = []

    async def make(token: str | None) -> TestClient:
        worker_settings: dict[str, object] = {
            "store": "memory",
            "workdir": tmp_path / f"w{len(clients)}",
            "app_id": f"web-test-{len(clients)}",
        }
        if token is not None:
            worker_settings["api_token"] = token
        worker = build_worker(load_settings(worker=worker_settings, topics={"partitions": 4}))
        client = TestClient(TestServer(worker.app.web.web_app))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


@pytest.mark.parametrize("path", PROTECTED)
@pytest.mark.parametrize(
    ("configured", "header", "status"),
    [
        (None, None, 503),
        (None, f"Bearer {TOKEN}", 503),
        ("", f"Bearer {TOKEN}", 503),
        (TOKEN, None, 401),
        (TOKEN, "Bearer", 401),
        (TOKEN, "Bearer wrong-token", 401),
        (TOKEN, f"Bearer {TOKEN}x", 401),
        (TOKEN, f"Basic {TOKEN}", 401),
        (TOKEN, TOKEN, 401),
    ],
    ids=[
        "unset",
        "unset-with-header",
        "empty",
        "missing",
        "empty-bearer",
        "wrong",
        "longer",
        "basic",
        "no-scheme",
    ],
)
async def test_customer_data_needs_the_configured_token(
    client_for: ClientFactory, path: str, configured: str | None, header: str | None, status: int
) -> None:
    client = await client_for(configured)
    response = await client.get(path, headers={} if header is None else {"Authorization": header})
    body = await response.json()
    assert response.status == status
    if status == 503:
        assert TOKEN_VARIABLE in body["error"]
    else:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert TOKEN not in body["error"]


@pytest.mark.parametrize("path", PROTECTED)
@pytest.mark.parametrize("scheme", ["Bearer", "bearer"])
async def test_the_right_token_is_let_through(client_for: ClientFactory, path: str, scheme: str) -> None:
    client = await client_for(TOKEN)
    response = await client.get(path, headers={"Authorization": f"{scheme} {TOKEN}"})
    body = await response.json()
    if path.startswith("/api/customers/"):
        # Let through, then refused for a reason that is not the token: an unassigned worker cannot route.
        assert response.status == 503
        assert "not ready" in body["error"]
        assert response.headers["Retry-After"] == "5"
    else:
        assert response.status == 200


@pytest.mark.parametrize("path", OPEN)
async def test_health_metrics_catalog_and_page_stay_open(client_for: ClientFactory, path: str) -> None:
    client = await client_for(TOKEN)
    response = await client.get(path)
    assert response.status == 200


@pytest.mark.parametrize("path", ["/table/", "/table/customers/", "/table/customers/cust-00001/", "/router/"])
async def test_faust_table_and_router_views_are_off(client_for: ClientFactory, path: str) -> None:
    client = await client_for(TOKEN)
    response = await client.get(path)
    assert response.status == 404


async def test_journeys_lists_stages_in_journey_order(client_for: ClientFactory) -> None:
    client = await client_for(None)
    body = await (await client.get("/api/journeys")).json()
    journeys = {item["name"]: [stage["name"] for stage in item["stages"]] for item in body["journeys"]}
    assert journeys["travel"] == ["booking", "pre_trip", "check_in", "in_stay", "return", "post_trip"]
    assert {"ecommerce", "telecom", "banking", "default"} <= set(journeys)
    assert body["window_sizes_seconds"] == [3600, 86400]


async def test_a_worker_without_partitions_answers_an_empty_incomplete_map(client_for: ClientFactory) -> None:
    client = await client_for(TOKEN)
    response = await client.get(
        "/api/journey-map?journey=travel&window=86400&from=2026-03-01T00:00:00Z",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    body = await response.json()
    assert response.headers["Content-Type"].startswith("application/json")
    assert body == {
        "journey": "travel",
        "window_size_seconds": 86400,
        "range_start": "2026-03-01T00:00:00Z",
        "range_end": None,
        "stages": [],
        "complete": False,
        "missing_partitions": [0, 1, 2, 3],
        "partitions": 4,
        "workers": 0,
    }


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", "'journey' is required"),
        ("journey=nope", "unknown journey 'nope'"),
        ("journey=travel&window=60", "'window' must be one of"),
        ("journey=travel&window=hour", "'window' must be one of"),
        ("journey=travel&from=yesterday", "'from' must be an RFC 3339 time"),
        ("journey=travel&to=2026-03-01T00:00:00", "'to' needs a UTC offset"),
        ("journey=travel&from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "'from' must be before 'to'"),
    ],
)
async def test_bad_map_parameters_are_named(client_for: ClientFactory, query: str, names: str) -> None:
    client = await client_for(TOKEN)
    response = await client.get(f"/api/journey-map?{query}", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 400
    assert names in (await response.json())["error"]


async def test_the_page_is_self_contained(client_for: ClientFactory) -> None:
    client = await client_for(None)
    response = await client.get("/journey-map")
    page = await response.text()
    assert response.headers["Content-Type"].startswith("text/html")
    assert "connect-src 'self'" in response.headers["Content-Security-Policy"]
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page
    assert "/api/journey-map?" in page
    assert "sessionStorage" in page
