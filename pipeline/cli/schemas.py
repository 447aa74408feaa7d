"""``emotion-pipeline schemas export|check``: publish the contracts and catch drift."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import get_args

from pipeline.schemas_export import DEFAULT_TOPICS, TopicRole, export_schemas, schema_drift

EXAMPLES = """\
examples:
  emotion-pipeline schemas export --out schemas
  emotion-pipeline schemas check --dir schemas          # exit status 1 when a file differs
  emotion-pipeline schemas export --out /tmp/contracts --topic alerts=crm.churn-alerts

Writes interaction-event, enriched-interaction, churn-alert, stage-window and dead-letter
.schema.json files (JSON Schema 2020-12) and asyncapi.yaml (AsyncAPI 3.0), all generated from the
pydantic models. Topic roles for --topic: interactions, enriched, alerts, stage_emotions, dlq.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "schemas",
        help="export the JSON Schemas and AsyncAPI document, or check committed copies for drift",
        description="Generate the topic contracts from the models, or compare committed copies with them.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    actions = parser.add_subparsers(dest="schemas_action", metavar="ACTION", required=True)

    export = actions.add_parser(
        "export",
        help="write the schemas and asyncapi.yaml into a directory",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    export.add_argument("--out", type=Path, required=True, help="directory to write into (created if needed)")
    _add_topic_option(export)
    export.set_defaults(handler=_export)

    check = actions.add_parser(
        "check",
        help="exit 1 if the files in a directory differ from what the models generate",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    check.add_argument("--dir", type=Path, required=True, help="directory holding the committed copies")
    _add_topic_option(check)
    check.set_defaults(handler=_check)


def _add_topic_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--topic",
        action="append",
        default=[],
        metavar="ROLE=NAME",
        type=_topic_override,
        help="use a topic name other than the default in asyncapi.yaml (repeatable)",
    )


def _topic_override(text: str) -> tuple[TopicRole, str]:
    role, separator, name = text.partition("=")
    roles: tuple[TopicRole, ...] = get_args(TopicRole)
    for known in roles:
        if known == role and separator and name:
            return known, name
    raise argparse.ArgumentTypeError(f"expected ROLE=NAME with ROLE one of {', '.join(roles)}, got {text!r}")


def _topics(args: argparse.Namespace) -> dict[TopicRole, str]:
    topics = dict(DEFAULT_TOPICS)
    topics.update(dict(args.topic))
    return topics


def _export(args: argparse.Namespace) -> int:
    try:
        written = export_schemas(args.out, _topics(args))
    except OSError as error:
        print(f"schemas export: cannot write to {args.out}: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


def _check(args: argparse.Namespace) -> int:
    problems = schema_drift(args.dir, _topics(args))
    for problem in problems:
        print(f"schemas check: {args.dir}: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"schemas check: {args.dir} matches the models")
    return 0
