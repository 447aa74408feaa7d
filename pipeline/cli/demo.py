"""``emotion-pipeline demo``: the whole product working on this machine, in a minute or two."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from pipeline.demo.plan import DEFAULT_RATE, DEFAULT_SECONDS

EXAMPLES = """\
examples:
  emotion-pipeline demo                          # about 90 s of traffic; what 'make demo' runs
  emotion-pipeline demo --seconds 45 --rate 60
  DEMO_SECONDS=60 emotion-pipeline demo
  emotion-pipeline demo --keep-running           # leave the worker and broker up to explore the page

What happens: a local Kafka broker starts in DIR/kafka (or the one already running there is reused; the
first start fetches the Kafka jars with Maven and needs Java 17+), topics for this session are created, a
worker starts with a fresh API token, and synthetic English and Chinese customer traffic is produced at
the given rate while the terminal shows alerts, dead letters and throughput. At the end the journey map is
read back from the worker's API, and everything the demo started is stopped (Ctrl-C ends early, cleanly).
DEMO_SECONDS, when set, also bounds --seconds.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the whole pipeline locally on synthetic traffic, with a live view and the journey map",
        description=(
            "Start a local Kafka broker and a worker, produce synthetic bilingual customer journeys, show "
            "alerts as they are raised, then print the emotional journey map and stop everything."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    parser.add_argument(
        "--seconds",
        type=float,
        help=f"seconds of traffic, startup not counted (default: {DEFAULT_SECONDS:g}, or DEMO_SECONDS)",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(".demo"),
        help="directory for the broker and worker files (default: .demo)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_RATE,
        metavar="EVENTS_PER_S",
        help=f"events produced per second (default: {DEFAULT_RATE:g})",
    )
    parser.add_argument(
        "--customers", type=int, help="number of simulated customers (default: about one per 24 events)"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed of the traffic (default: 7)")
    parser.add_argument(
        "--keep-running",
        action="store_true",
        help="leave the worker and the broker running at the end, and print how to stop them",
    )
    parser.set_defaults(handler=_run)


def demo_seconds(option: float | None, environment: str | None) -> float:
    """The run length: --seconds, DEMO_SECONDS, or the default; the smaller when both are given."""
    limits = [value for value in (option, float(environment) if environment else None) if value is not None]
    return min(limits) if limits else DEFAULT_SECONDS


def _run(args: argparse.Namespace) -> int:
    from pipeline.demo import DemoOptions, run_demo

    try:
        seconds = demo_seconds(args.seconds, os.environ.get("DEMO_SECONDS"))
    except ValueError:
        print(f"demo: DEMO_SECONDS must be a number of seconds, got {os.environ['DEMO_SECONDS']!r}")
        return 2
    options = DemoOptions(
        directory=args.dir,
        seconds=seconds,
        rate=args.rate,
        customers=args.customers,
        seed=args.seed,
        keep_running=args.keep_running,
    )
    return run_demo(options)
