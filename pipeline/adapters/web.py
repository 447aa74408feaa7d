"""Operations on the worker's web server: the JSON API, the journey-map page, lag and risk-level gauges.

``attach_operations(worker)`` adds, next to ``/healthz``, ``/readyz`` and ``/metrics`` (which stay open):

- ``GET /api/journeys``: the configured journeys, their stages in order and the window sizes (open);
- ``GET /api/journey-map``: the map of one journey over the whole cluster (see ``web_windows``);
- ``GET /api/customers/{customer_id}/risk``: forwarded by Faust to the worker that owns the customer;
- ``GET /api/internal/stage-windows``: what one worker holds, for the map's fan-out;
- ``GET /journey-map``: the HTML page that draws the map (holds no data; it calls the API with a token);

and two timers: consumer lag of the input topic, and the rebuild of the customers-per-level counts after a
change of assignment. Every endpoint with customer data (risk, maps, windows: negative peaks name event
ids) needs ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import TYPE_CHECKING, Any, Final, cast

import aiohttp
import orjson
from faust.web import Request, Response, View

from pipeline.adapters.lag import LAG_INTERVAL_SECONDS, ConsumerLag
from pipeline.adapters.risk_levels import owned_customer_keys, risk_level_counts
from pipeline.adapters.web_auth import Refusal, TokenGuard
from pipeline.adapters.web_params import BadQuery, parse_internal_query, parse_map_query
from pipeline.adapters.web_risk import customer_risk
from pipeline.adapters.web_windows import (
    INTERNAL_WINDOWS_PATH,
    PEER_TIMEOUT_SECONDS,
    FaustWindowOwners,
    PartitionWindows,
    decode_partition_windows,
    encode_partition_windows,
    gather_windows,
    select_windows,
)
from pipeline.domain.churn import CustomerState, StateDecodeError
from pipeline.journey_map import build_journey_map

if TYPE_CHECKING:
    from pipeline.adapters.worker_app import Worker

log = logging.getLogger(__name__)

LEVELS_CHECK_SECONDS: Final[float] = 2.0
JSON: Final[str] = "application/json"
NOT_READY: Final[str] = "this worker is not ready (connecting, rebalancing or recovering state); retry soon"


def attach_operations(worker: Worker) -> None:
    """Add the API, the page and the lag and risk-level timers to the worker's Faust app."""
    guard = TokenGuard(worker.settings.worker.api_token)
    _attach_catalog(worker)
    _attach_journey_map(worker, guard)
    _attach_customer_risk(worker, guard)
    _attach_page(worker)
    _attach_lag(worker)
    _attach_risk_levels(worker)


def json_response(
    view: View, payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """orjson-encoded JSON (datetimes as RFC 3339), whatever the payload holds."""
    body = orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS)
    response: Response = view.bytes(body, content_type=JSON, status=status, headers=headers)
    return response


def refused(view: View, refusal: Refusal) -> Response:
    return json_response(view, {"error": refusal.message}, refusal.status, refusal.headers)


def _attach_catalog(worker: Worker) -> None:
    catalog = worker.components.journeys
    payload = {
        "journeys": [
            {
                "name": journey.name,
                "description": journey.description,
                "stages": [
                    {"name": stage.name, "description": stage.description} for stage in journey.stages
                ],
            }
            for journey in (catalog.journey(name) for name in catalog.journey_names)
        ],
        "window_sizes_seconds": list(worker.settings.windows.sizes_seconds),
    }

    @worker.app.page("/api/journeys")
    async def journeys(self: View, request: Request) -> Response:
        return json_response(self, payload)


def _attach_journey_map(worker: Worker, guard: TokenGuard) -> None:
    from pipeline.adapters.worker_app import is_ready  # noqa: PLC0415 (worker_app imports this module)

    app, settings = worker.app, worker.settings
    catalog = worker.components.journeys
    aggregation = worker.components.windows.aggregation
    partitions = settings.topics.partitions
    sizes = settings.windows.sizes_seconds
    owners = FaustWindowOwners(app, worker.tables.windows, lambda: is_ready(app))

    @app.page("/api/journey-map")
    async def journey_map(self: View, request: Request) -> Response:
        refusal = guard.check(request.headers.get("Authorization"))
        if refusal is not None:
            return refused(self, refusal)
        try:
            query = parse_map_query(request.query, catalog.journey_names, sizes)
        except BadQuery as error:
            return json_response(self, {"error": str(error)}, 400)
        local = select_windows(worker.tables.windows.items(), query, owners.owned(), partitions)

        async def fetch_peer(url: str, wanted: set[int]) -> PartitionWindows:
            params = {**query.params(), "partitions": ",".join(str(p) for p in sorted(wanted))}
            async with app.http_client.get(
                url.rstrip("/") + INTERNAL_WINDOWS_PATH,
                params=params,
                headers={"Authorization": request.headers.get("Authorization", "")},
                timeout=aiohttp.ClientTimeout(total=PEER_TIMEOUT_SECONDS),
            ) as answer:
                answer.raise_for_status()
                return decode_partition_windows(await answer.read())

        gathered = await gather_windows(local, owners.self_url, owners.owners(), partitions, fetch_peer)
        built = build_journey_map(
            catalog,
            query.journey,
            gathered.windows,
            aggregation,
            window_size_seconds=query.window_size_seconds,
            range_start_ms=query.range_start_ms,
            range_end_ms=query.range_end_ms,
        )
        return json_response(
            self,
            {
                **built.model_dump(mode="json"),
                "complete": not gathered.missing_partitions,
                "missing_partitions": gathered.missing_partitions,
                "partitions": partitions,
                "workers": gathered.workers,
            },
        )

    @app.page(INTERNAL_WINDOWS_PATH)
    async def stage_windows(self: View, request: Request) -> Response:
        refusal = guard.check(request.headers.get("Authorization"))
        if refusal is not None:
            return refused(self, refusal)
        try:
            query, wanted = parse_internal_query(request.query, catalog.journey_names, sizes)
        except BadQuery as error:
            return json_response(self, {"error": str(error)}, 400)
        owned = owners.owned() if wanted is None else owners.owned() & wanted
        found = select_windows(worker.tables.windows.items(), query, owned, partitions)
        response: Response = self.bytes(encode_partition_windows(found), content_type=JSON)
        return response


def _attach_customer_risk(worker: Worker, guard: TokenGuard) -> None:
    from pipeline.adapters.worker_app import is_ready  # noqa: PLC0415 (worker_app imports this module)

    app, customers, policy = worker.app, worker.tables.customers, worker.settings.churn

    async def local_risk(self: View, request: Request, customer_id: str) -> Response:
        raw = customers.get(customer_id.encode())
        if raw is None:
            return json_response(self, {"error": "no state for this customer id on its owning worker"}, 404)
        try:
            state = CustomerState.from_bytes(raw)
        except StateDecodeError:
            log.exception("unreadable customer state", extra={"table": customers.name})
            return json_response(self, {"error": "the customer's stored state cannot be read"}, 500)
        risk = customer_risk(customer_id, state, policy, str(app.conf.canonical_url))
        return json_response(self, risk.model_dump(mode="json"))

    # Faust forwards the request, headers included, to the worker owning the key; the owner checks again.
    routed = cast(
        Callable[..., Awaitable[Response]],
        app.table_route(table=customers, match_info="customer_id")(local_risk),
    )

    @app.page("/api/customers/{customer_id}/risk")
    async def risk(self: View, request: Request, customer_id: str) -> Response:
        refusal = guard.check(request.headers.get("Authorization"))
        if refusal is not None:
            return refused(self, refusal)
        if not is_ready(app):
            # Routing needs the assignment and the producer's partitioner; neither exists before that.
            return json_response(self, {"error": NOT_READY}, 503, {"Retry-After": "5"})
        response: Response = await routed(self, request, customer_id=customer_id)
        return response


def journey_map_page() -> str:
    """The self-contained journey-map page (inline CSS and JS; no external requests)."""
    page = resources.files("pipeline.adapters").joinpath("static", "journey_map.html")
    return page.read_text(encoding="utf-8")


def _attach_page(worker: Worker) -> None:
    page = journey_map_page()

    @worker.app.page("/journey-map")
    async def journey_map_html(self: View, request: Request) -> Response:
        response: Response = self.html(
            page,
            headers={
                "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
                "style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-store",
            },
        )
        return response


def _attach_lag(worker: Worker) -> None:
    app = worker.app
    lag = ConsumerLag(app, worker.settings.topics.interactions, worker.metrics)

    async def refresh_consumer_lag() -> None:
        if app.rebalancing:
            return
        try:
            await lag.refresh()
        except Exception as error:
            # A broker hiccup must not stop the timer; the next tick tries again.
            log.warning(
                "consumer lag not refreshed: %s",
                type(error).__name__,
                extra={"topic": worker.settings.topics.interactions},
            )

    async def forget_revoked_lag(*args: Any, **kwargs: Any) -> None:
        # mode calls receivers as (sender, revoked, signal=...); the sender is the app.
        lag.revoked(args[1] if len(args) > 1 else kwargs.get("revoked", ()))

    app.timer(interval=LAG_INTERVAL_SECONDS, name="consumer-lag")(refresh_consumer_lag)
    app.on_partitions_revoked.connect(forget_revoked_lag)


def _attach_risk_levels(worker: Worker) -> None:
    from pipeline.adapters.worker_app import is_ready  # noqa: PLC0415 (worker_app imports this module)

    app, customers = worker.app, worker.tables.customers
    levels = risk_level_counts(worker)
    partitions = worker.settings.topics.partitions

    async def levels_stale(*args: Any, **kwargs: Any) -> None:
        levels.invalidate()

    def read_state(key: bytes) -> bytes | None:
        raw: bytes | None = customers.get(key)
        return raw

    async def rebuild_risk_levels() -> None:
        if not levels.stale or levels.rebuilding or not is_ready(app):
            return
        topic = customers.changelog_topic.get_topic_name()
        assigned = {tp.partition for tp in app.assignor.assigned_actives() if tp.topic == topic}
        owned = owned_customer_keys(assigned, partitions)
        counted = await levels.rebuild(customers.keys(), read_state, owned)
        if counted is not None:
            log.info(
                "customers per risk level recounted: %d customers",
                counted,
                extra={"table": customers.name, "partitions": sorted(assigned)},
            )

    app.on_partitions_revoked.connect(levels_stale)
    app.on_partitions_assigned.connect(levels_stale)
    app.timer(interval=LEVELS_CHECK_SECONDS, name="risk-level-rebuild")(rebuild_risk_levels)
