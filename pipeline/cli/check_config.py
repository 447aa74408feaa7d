"""``emotion-pipeline check-config``: validate the configuration a worker would start with, and show it.

Loads the settings from the environment, then the journeys, the playbook and the emotion engine exactly as
the worker does, so a mistake surfaces here (exit 2, naming the setting or file) instead of at a deploy.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import orjson
from pydantic import BaseModel, SecretStr
from rich.console import Console
from rich.table import Table

from pipeline.cli.common import (
    CONNECTION_HELP,
    add_kafka_options,
    report_configuration_error,
    settings_from_args,
)
from pipeline.config import ENV_PREFIX, Settings, env_name
from pipeline.domain.errors import ConfigurationError

HIDDEN: Final[str] = "********"
UNSET: Final[str] = "(unset)"

EXAMPLES = f"""\
examples:
  emotion-pipeline check-config                      # settings as a table, each with its variable
  emotion-pipeline check-config --json | jq .settings.topics
  EMOTION_PIPELINE_TOPICS__PARTITIONS=12 emotion-pipeline check-config
  emotion-pipeline check-config --kafka --bootstrap 127.0.0.1:9092   # also connect and authenticate

Exit status: 0 when the configuration is valid, 2 with the setting (or file and line) named when it is
not, 1 when --kafka cannot connect for another reason. Secrets (passwords, the API token) show as {HIDDEN}.

{CONNECTION_HELP}"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check-config",
        help="validate the configuration from the environment and print the effective settings",
        description=(
            "Validate the settings, journeys, playbook and emotion engine the way a worker loads them, "
            "and print the effective settings with secrets hidden."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--kafka", action="store_true", help="also connect to Kafka, authenticate and read metadata"
    )
    add_kafka_options(parser)
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from pipeline.assembly import assemble
    from pipeline.metrics_port import NullMetrics

    try:
        settings = settings_from_args(args)
        components = assemble(settings, NullMetrics())
        if args.kafka:
            from pipeline.adapters.connection_check import check_connection

            check_connection(settings.kafka)
    except ConfigurationError as error:
        return report_configuration_error("check-config", error)
    processor = components.processor
    playbook = processor.alerts.playbook
    engine = processor.enricher.engine.info
    checks: dict[str, Any] = {
        "emotion_engine": engine.model_dump(),
        "emotion_engine_build": _engine_build(),
        "journeys": list(components.journeys.journey_names),
        "playbook": {"source": playbook.source, "rules": len(playbook.rules)},
        "kafka": "connected" if args.kafka else "not checked (add --kafka)",
    }
    if args.json:
        document = {"valid": True, "settings": public_settings(settings), "checks": checks}
        sys.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=120)
    console.print(settings_table(settings))
    console.print(
        f"emotion engine  {engine.name} {engine.version}\n"
        f"engine build    {checks['emotion_engine_build']}\n"
        f"journeys        {', '.join(components.journeys.journey_names)}\n"
        f"playbook        {playbook.source} ({len(playbook.rules)} rules)\n"
        f"kafka           {checks['kafka']}\n"
        "configuration is valid"
    )
    return 0


def _engine_build() -> str:
    """Whether the emotion engine runs its compiled helpers, which an install without a C compiler leaves
    out: same results, about 30% fewer texts per second."""
    from pipeline.domain.emotion import compiled

    if compiled.build() == "compiled":
        return "compiled"
    return "python (installed without a C compiler: same results, slower)"


def _plain(value: Any) -> Any:
    """A settings value as JSON-ready data, with every secret hidden."""
    if isinstance(value, SecretStr):
        return HIDDEN if value.get_secret_value() else ""
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    return value


def public_settings(settings: Settings) -> dict[str, Any]:
    """The effective settings as nested JSON-ready data; secrets show as ``********``."""
    plain: dict[str, Any] = _plain(settings)
    return plain


def settings_rows(settings: Settings) -> Iterator[tuple[str, str]]:
    """Every leaf setting as (environment variable, shown value), secrets hidden, in declaration order."""

    def walk(model: BaseModel, location: tuple[str, ...]) -> Iterator[tuple[str, str]]:
        for name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, BaseModel):
                yield from walk(value, (*location, name))
                continue
            shown = _plain(value)
            if shown is None:
                text = UNSET
            elif isinstance(shown, str):
                text = shown
            else:
                text = orjson.dumps(shown).decode()
            yield env_name((*location, name)), text

    yield from walk(settings, ())


def settings_table(settings: Settings) -> Table:
    table = Table(title=f"effective settings (each variable is prefixed {ENV_PREFIX})", title_justify="left")
    table.add_column("variable", overflow="fold", ratio=2)
    table.add_column("value", overflow="fold", ratio=3)
    for variable, value in settings_rows(settings):
        table.add_row(variable.removeprefix(ENV_PREFIX), value)
    return table
