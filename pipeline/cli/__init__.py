"""The ``emotion-pipeline`` command line.

Each sub-command lives in its own module that exposes ``register(subparsers)``; this module only
assembles them, so a command's options sit next to the code that uses them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pipeline import __version__

# Modules under pipeline.cli, each with register(subparsers) -> None.
COMMAND_MODULES: tuple[str, ...] = (
    "kafka",
    "worker",
    "replay",
    "schemas",
    "classify",
    "eval",
    "simulate",
    "produce",
    "demo",
    "check_config",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="emotion-pipeline",
        description=(
            "Label customer interactions with Plutchik emotions and journey stages, keep an emotional "
            "journey map, and alert CRM systems before a customer's third bad experience."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run 'emotion-pipeline COMMAND --help' for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"pipeline.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments and run the chosen command; its return value is the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
