"""``emotion-pipeline kafka start|stop|status``: the project's own local Kafka broker."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.devtools import local_kafka
from pipeline.domain.errors import LocalKafkaError

EXAMPLES = """\
examples:
  emotion-pipeline kafka start --dir .kafka      # prints bootstrap=127.0.0.1:PORT as its last line
  emotion-pipeline kafka status --dir .kafka
  emotion-pipeline kafka stop --dir .kafka

The first start fetches the Kafka jars with Maven and caches them; later starts need no network.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "kafka",
        help="start, stop or inspect a local single-node Kafka broker (KRaft, no Docker)",
        description=(
            f"Run a real Apache Kafka {local_kafka.KAFKA_VERSION} broker (KRaft, broker+controller) on free "
            "127.0.0.1 ports, with Java 17+, for development and tests."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    actions = parser.add_subparsers(dest="kafka_action", metavar="ACTION", required=True)
    for name, help_text, handler in (
        ("start", "start a broker in the background and wait until it accepts clients", _start),
        ("stop", "stop the broker started from DIR", _stop),
        ("status", "say whether a broker runs from DIR and where it listens", _status),
    ):
        action = actions.add_parser(
            name, help=help_text, formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXAMPLES
        )
        action.add_argument(
            "--dir",
            type=Path,
            default=Path(".kafka"),
            help="directory for the broker's config, data and logs (default: .kafka)",
        )
        if name == "start":
            action.add_argument(
                "--timeout",
                type=float,
                default=90.0,
                help="seconds to wait for the broker to come up (default: 90)",
            )
        action.set_defaults(handler=handler)


def _start(args: argparse.Namespace) -> int:
    try:
        broker = local_kafka.start(args.dir, timeout_s=args.timeout)
    except LocalKafkaError as error:
        print(f"kafka start: {error}", file=sys.stderr)
        return 1
    print(f"started Kafka {local_kafka.KAFKA_VERSION} (pid {broker.pid}); log: {broker.log_file}")
    print(f"bootstrap={broker.bootstrap}")
    return 0


def _stop(args: argparse.Namespace) -> int:
    stopped = local_kafka.stop(args.dir)
    print("stopped" if stopped else f"no broker was running from {args.dir}")
    return 0


def _status(args: argparse.Namespace) -> int:
    running = local_kafka.read_running(args.dir)
    if running is None:
        print(f"stopped: no broker runs from {args.dir}")
        return 3
    print(f"running (pid {running.pid})")
    print(f"bootstrap={running.bootstrap}")
    return 0
