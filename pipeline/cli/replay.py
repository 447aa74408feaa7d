"""``emotion-pipeline replay``: the streaming logic over a JSONL file, no Kafka needed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import orjson
from pydantic import BaseModel

from pipeline.assembly import assemble
from pipeline.config import load_settings
from pipeline.domain.codec import encode
from pipeline.domain.errors import ConfigurationError
from pipeline.journey_map import build_journey_map
from pipeline.metrics_port import NullMetrics
from pipeline.replay import ReplayRun, ReplaySinks, read_lines

EXAMPLES = """\
examples:
  emotion-pipeline replay events.jsonl                       # alerts (CloudEvents, one per line) to stdout
  emotion-pipeline replay events.jsonl --alerts alerts.jsonl --journey-map map.json --dlq dlq.jsonl
  emotion-pipeline replay events.jsonl --windows windows.jsonl --partitions 8

Lines are processed in file order as if produced to a topic of --partitions partitions keyed by customer_id,
so the alerts (ids included) and closed windows are the ones a worker emits for the same events.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="run the streaming logic over a JSONL file of events, without Kafka",
        description="Replay interaction events (JSONL) through the same logic as the worker.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    parser.add_argument("events", type=Path, help="JSONL file of interaction events, in arrival order")
    parser.add_argument("--alerts", type=Path, help="write alerts here (default: standard output)")
    parser.add_argument("--journey-map", type=Path, help="write the journey map (JSON) here")
    parser.add_argument("--dlq", type=Path, help="write dead-letter records (JSONL) here")
    parser.add_argument("--windows", type=Path, help="write closed stage windows (JSONL) here")
    parser.add_argument("--enriched", type=Path, help="write enriched records (JSONL) here")
    parser.add_argument("--partitions", type=int, help="partitions of the input topic (default: the setting)")
    parser.set_defaults(handler=_run)


def _writer(stack: ExitStack, path: Path | None, default: IO[bytes] | None) -> IO[bytes] | None:
    if path is None:
        return default
    return stack.enter_context(path.open("wb"))


def _line_writer(out: IO[bytes] | None) -> Callable[[BaseModel], None]:
    def write(model: BaseModel) -> None:
        if out is not None:
            out.write(encode(model) + b"\n")

    return write


def _run(args: argparse.Namespace) -> int:
    overrides: dict[str, dict[str, object]] = {}
    if args.partitions is not None:
        overrides["topics"] = {"partitions": args.partitions}
    try:
        settings = load_settings(**overrides)
        components = assemble(settings, NullMetrics())
    except ConfigurationError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    if not args.events.is_file():
        print(f"replay: {args.events} is not a file", file=sys.stderr)
        return 2
    run = ReplayRun(components, settings.topics.partitions, topic=args.events.name)
    with ExitStack() as stack:
        alerts = _writer(stack, args.alerts, sys.stdout.buffer)
        dlq = _writer(stack, args.dlq, None)
        windows = _writer(stack, args.windows, None)
        enriched = _writer(stack, args.enriched, None)
        sinks = ReplaySinks(
            alert=_line_writer(alerts),
            dead_letter=_line_writer(dlq),
            window=_line_writer(windows),
            enriched=_line_writer(enriched),
        )
        run.feed(read_lines(str(args.events)), sinks)
    if args.journey_map is not None:
        size = settings.windows.sizes_seconds[0]
        maps = [
            build_journey_map(
                components.journeys,
                journey,
                run.stored_windows,
                components.windows.aggregation,
                window_size_seconds=size,
            )
            for journey in sorted({window.key.journey for window in run.stored_windows})
        ]
        args.journey_map.write_bytes(
            orjson.dumps(
                {"window_size_seconds": size, "journeys": [m.model_dump(mode="json") for m in maps]},
                option=orjson.OPT_INDENT_2,
            )
        )
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(run.counts.items()))
    print(f"replayed {sum(run.counts.values())} records: {summary}", file=sys.stderr)
    return 0
