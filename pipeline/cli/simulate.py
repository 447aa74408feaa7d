"""``emotion-pipeline simulate``: synthetic bilingual customer traffic, to a JSONL file or to Kafka."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from pipeline.cli.common import (
    CONNECTION_HELP,
    add_kafka_options,
    report_configuration_error,
    settings_from_args,
)
from pipeline.cli.produce import send_to_kafka
from pipeline.domain.errors import ConfigurationError
from pipeline.simulation import SimulatedRecord, SimulationConfig, generate
from pipeline.simulation.config import BUILTIN_JOURNEYS
from pipeline.simulation.pacing import TokenBucket

EXAMPLES = f"""\
examples:
  emotion-pipeline simulate --out events.jsonl                        # about 1,500 records, 200 customers
  emotion-pipeline simulate --seed 42 --customers 5000 --events 100000 --out events.jsonl
  emotion-pipeline simulate --bootstrap 127.0.0.1:9092 --rate 200     # to the interactions topic, paced
  emotion-pipeline simulate --start now --speedup 60 --journeys travel,banking --languages en=1,zh-Hant=1

The same options always give the same bytes. In a file each record is one line of raw bytes: a few are
malformed on purpose (not JSON, not UTF-8, missing or mistyped fields, unknown channel, text over 20,000
characters), so read the file as bytes and split on newlines ('replay' and 'produce' do). No record holds
a newline byte. Late and out-of-order records arrive after later events; duplicates resend an event_id.

{CONNECTION_HELP}"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="generate reproducible synthetic customer journeys (English and Chinese) to a file or Kafka",
        description=(
            "Generate customers walking through the built-in journeys in English and Chinese, with personas "
            "(smooth, bumpy, churner, recovered), operational signals, surveys, duplicates, late and "
            "out-of-order arrivals and malformed records."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    defaults = SimulationConfig()
    story = parser.add_argument_group("traffic")
    story.add_argument(
        "--seed", type=int, default=defaults.seed, help=f"random seed (default: {defaults.seed})"
    )
    story.add_argument(
        "--customers",
        type=int,
        default=defaults.customers,
        help=f"number of customers (default: {defaults.customers})",
    )
    story.add_argument(
        "--events",
        type=int,
        help="exact number of records, duplicates and malformed included "
        "(default: each customer gets --events-per-customer)",
    )
    story.add_argument(
        "--events-per-customer",
        metavar="MIN,MAX",
        default="{},{}".format(*defaults.events_per_customer),
        help="story length range per customer (default: %(default)s)",
    )
    story.add_argument(
        "--journeys",
        default=",".join(defaults.journeys),
        help=f"comma-separated journeys (default: {','.join(BUILTIN_JOURNEYS)})",
    )
    story.add_argument(
        "--languages",
        default=_pairs(defaults.languages),
        help="language mix as TAG=WEIGHT pairs (default: %(default)s)",
    )
    story.add_argument(
        "--personas",
        default=_pairs(defaults.personas),
        help="persona mix as NAME=WEIGHT pairs (default: %(default)s)",
    )
    for name, help_text in (
        ("duplicate", "share of records that resend an earlier event_id"),
        ("late", "share of events sent 2 h to 2 days after later events"),
        ("out-of-order", "share of events sent up to 40 min after later events"),
        ("malformed", "share of records that are broken"),
    ):
        default = getattr(defaults, f"{name.replace('-', '_')}_rate")
        story.add_argument(
            f"--{name}-rate", type=float, default=default, help=f"{help_text} (default: {default:g})"
        )
    story.add_argument(
        "--explicit-stage-rate",
        type=float,
        default=defaults.explicit_stage_rate,
        help=f"share of events that name their stage (default: {defaults.explicit_stage_rate:g})",
    )
    story.add_argument(
        "--start",
        default=defaults.start.isoformat().replace("+00:00", "Z"),
        help="event time of the first arrival, RFC 3339 or 'now' (default: %(default)s)",
    )
    story.add_argument(
        "--speedup",
        type=float,
        default=defaults.speedup,
        help="divide simulated gaps between contacts by this (default: 1, real life)",
    )
    story.add_argument(
        "--arrival-days",
        type=float,
        default=defaults.arrival_days,
        help=f"days over which customers arrive (default: {defaults.arrival_days:g})",
    )
    output = parser.add_argument_group("output (a file, standard output, or Kafka)")
    output.add_argument(
        "--out", type=Path, metavar="FILE.jsonl", help="write JSONL here ('-' for standard output)"
    )
    add_kafka_options(output)
    output.add_argument(
        "--topic", help="topic to produce to (default: the interactions topic of the settings)"
    )
    output.add_argument(
        "--rate",
        type=float,
        metavar="EVENTS_PER_S",
        help="at most this many records per second (default: as fast as possible)",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
    except (ValueError, ValidationError) as error:
        print(f"simulate: {_first_problem(error)}", file=sys.stderr)
        return 2
    if args.rate is not None and args.rate <= 0:
        print("simulate: --rate must be positive", file=sys.stderr)
        return 2
    to_kafka = args.bootstrap is not None or args.topic is not None
    if to_kafka and args.out is not None:
        print("simulate: choose --out or Kafka (--bootstrap/--topic), not both", file=sys.stderr)
        return 2
    if not to_kafka and args.out is None:
        print(
            "simulate: say where the records go: --out FILE.jsonl, --out -, or --bootstrap HOST:PORT",
            file=sys.stderr,
        )
        return 2
    records = generate(config)
    if to_kafka:
        return _to_kafka(args, records)
    if str(args.out) == "-":
        return _to_stream(sys.stdout.buffer, records, args.rate)
    with args.out.open("wb") as out:
        return _to_stream(out, records, args.rate)


def config_from_args(args: argparse.Namespace) -> SimulationConfig:
    """The simulation the command line describes; ValueError or ValidationError naming the bad option."""
    low, _, high = str(args.events_per_customer).partition(",")
    try:
        start = datetime.now(UTC) if args.start == "now" else datetime.fromisoformat(args.start)
    except ValueError:
        raise ValueError(f"--start: expected RFC 3339 with an offset or 'now', got {args.start!r}") from None
    return SimulationConfig(
        seed=args.seed,
        customers=args.customers,
        events=args.events,
        events_per_customer=(int(low), int(high or low)),
        journeys=tuple(name.strip() for name in args.journeys.split(",") if name.strip()),
        languages=_parse_pairs(args.languages, "--languages"),
        personas=_parse_pairs(args.personas, "--personas"),
        duplicate_rate=args.duplicate_rate,
        late_rate=args.late_rate,
        out_of_order_rate=args.out_of_order_rate,
        malformed_rate=args.malformed_rate,
        explicit_stage_rate=args.explicit_stage_rate,
        start=start,
        speedup=args.speedup,
        arrival_days=args.arrival_days,
    )


def _to_stream(out: IO[bytes], records: Iterator[SimulatedRecord], rate: float | None) -> int:
    bucket = TokenBucket(rate) if rate else None
    count = size = 0
    started = time.monotonic()
    for record in records:
        if bucket is not None:
            bucket.take()
        out.write(record.value)
        out.write(b"\n")
        count += 1
        size += len(record.value) + 1
    out.flush()
    print(
        f"simulate: wrote {count} records ({size} bytes) in {time.monotonic() - started:.2f} s",
        file=sys.stderr,
    )
    return 0


def _to_kafka(args: argparse.Namespace, records: Iterator[SimulatedRecord]) -> int:
    try:
        settings = settings_from_args(args)
    except ConfigurationError as error:
        return report_configuration_error("simulate", error)
    topic = args.topic or settings.topics.interactions
    return send_to_kafka("simulate", settings, topic, ((r.key, r.value) for r in records), rate=args.rate)


def _pairs(weights: Mapping[Any, float]) -> str:
    return ",".join(f"{name}={weight:g}" for name, weight in weights.items())


def _parse_pairs(text: str, option: str) -> dict[str, float]:
    pairs: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, equals, weight = item.partition("=")
        if not equals:
            raise ValueError(f"{option}: expected NAME=WEIGHT pairs, got {item!r}")
        try:
            pairs[name.strip()] = float(weight)
        except ValueError:
            raise ValueError(f"{option}: weight of {name.strip()!r} is not a number: {weight!r}") from None
    return pairs


def _first_problem(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors(include_url=False)[0]
        option = "--" + str(first["loc"][0]).replace("_", "-") if first["loc"] else "options"
        return f"{option}: {str(first['msg']).removeprefix('Value error, ')}"
    return str(error)
