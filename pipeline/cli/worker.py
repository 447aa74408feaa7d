"""``emotion-pipeline worker``: run a stream worker."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.config import load_settings
from pipeline.domain.errors import ConfigurationError

EXAMPLES = """\
examples:
  emotion-pipeline worker --bootstrap 127.0.0.1:9092
  emotion-pipeline worker --bootstrap "$(cat .kafka/bootstrap)" --workdir .worker --web-port 6066
  EMOTION_PIPELINE_KAFKA__BOOTSTRAP_SERVERS=kafka:9092 emotion-pipeline worker

Every option can also come from the environment (EMOTION_PIPELINE_..., see the README's configuration table).
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="run a stream worker (consume, enrich, alert, keep the journey map)",
        description="Run one stream worker. Add workers to scale; Kafka partitions bound the parallelism.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers, host:port[,host:port...]")
    parser.add_argument("--workdir", type=Path, help="directory for the local state store")
    parser.add_argument("--web-port", type=int, help="port of the HTTP server (metrics, health, API)")
    parser.add_argument("--web-host", help="bind address of the HTTP server")
    parser.add_argument("--app-id", help="consumer group and state namespace")
    parser.set_defaults(handler=_run)


def _overrides(args: argparse.Namespace) -> dict[str, dict[str, object]]:
    overrides: dict[str, dict[str, object]] = {}
    if args.bootstrap:
        overrides.setdefault("kafka", {})["bootstrap_servers"] = args.bootstrap
    for option, field in (
        ("workdir", "workdir"),
        ("web_port", "web_port"),
        ("web_host", "web_host"),
        ("app_id", "app_id"),
    ):
        value = getattr(args, option)
        if value is not None:
            overrides.setdefault("worker", {})[field] = value
    return overrides


def _run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(**_overrides(args))
    except ConfigurationError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    # Faust loads slowly; only this command needs it.
    from pipeline.adapters.worker_app import run_worker

    try:
        run_worker(settings)
    except ConfigurationError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    return 0
