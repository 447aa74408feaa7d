"""Options every Kafka-facing command shares: ``--bootstrap`` here, security settings from the environment."""

from __future__ import annotations

import argparse
import sys

from pipeline.config import Settings, load_settings
from pipeline.domain.errors import ConfigurationError

CONNECTION_HELP = """\
connection:
  --bootstrap overrides EMOTION_PIPELINE_KAFKA__BOOTSTRAP_SERVERS; SASL and TLS come from the environment
  (EMOTION_PIPELINE_KAFKA__SECURITY_PROTOCOL, __SASL_MECHANISM, __SASL_USERNAME, __SASL_PASSWORD,
  __SSL_CAFILE, __SSL_CERTFILE, __SSL_KEYFILE, ...), as for every command.
"""


def add_kafka_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """Add ``--bootstrap HOST:PORT[,HOST:PORT...]``; the rest of the connection comes from the environment."""
    parser.add_argument(
        "--bootstrap",
        metavar="HOST:PORT",
        help="Kafka bootstrap servers, comma-separated (default: EMOTION_PIPELINE_KAFKA__BOOTSTRAP_SERVERS)",
    )


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The validated settings with the command line's ``--bootstrap`` applied; ConfigurationError if wrong."""
    overrides: dict[str, dict[str, object]] = {}
    bootstrap = getattr(args, "bootstrap", None)
    if bootstrap:
        overrides["kafka"] = {"bootstrap_servers": bootstrap}
    return load_settings(**overrides)


def report_configuration_error(command: str, error: ConfigurationError) -> int:
    """Print a configuration error naming the setting, and return the exit status for it (2)."""
    print(f"{command}: configuration error: {error}", file=sys.stderr)
    return 2
