"""``emotion-pipeline classify``: JSONL text rows in, one JSON line of labels per row out (SPEC 11).

Streams in small batches, so memory stays flat for any number of rows; a bad row gets a JSON line with
an ``error`` field (and its id when known) instead of stopping the run. Output keeps input order.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any

import orjson

from pipeline.domain.emotion.engine import EmotionEngine, EmotionRequest, engine_names, load_engine
from pipeline.domain.errors import ConfigurationError
from pipeline.domain.event import MAX_TEXT_CHARS
from pipeline.domain.experience import judge_experience
from pipeline.domain.labels import EmotionResult

BATCH_ROWS = 256

EPILOG = """\
Input: one JSON object per line, {"id": ..., "text": ..., "language": "en"|"zh-Hans"|... (optional)}.
Output: one JSON object per input line, in input order:
  {"id", "scores": {8 emotions}, "present", "dominant", "valence", "arousal", "experience", "reasons"}
A row that cannot be read gets {"id": ... (when known), "error": "..."} and the run goes on.

examples:
  echo '{"id": "1", "text": "On hold for an hour, nobody answers!"}' | emotion-pipeline classify
  emotion-pipeline classify --evidence < rows.jsonl > labels.jsonl
  zcat rows.jsonl.gz | emotion-pipeline classify --engine-option calibration_file=calibration.json
"""


@dataclass(frozen=True, slots=True)
class _Parsed:
    row_id: Any
    text: str | None
    language: str | None
    error: str | None


def _parse(line: str) -> _Parsed:
    try:
        row = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        return _Parsed(None, None, None, f"not JSON: {error}")
    if not isinstance(row, dict):
        return _Parsed(None, None, None, "a row must be a JSON object")
    row_id = row.get("id")
    text = row.get("text")
    language = row.get("language")
    if not isinstance(text, str):
        return _Parsed(row_id, None, None, "field 'text' must be a string")
    if len(text) > MAX_TEXT_CHARS:
        return _Parsed(row_id, None, None, f"field 'text' is longer than {MAX_TEXT_CHARS} characters")
    if language is not None and not (isinstance(language, str) and 2 <= len(language) <= 35):
        return _Parsed(row_id, None, None, "field 'language' must be a BCP 47 tag")
    return _Parsed(row_id, text, language, None)


def output_row(row_id: Any, text: str, result: EmotionResult, *, evidence: bool) -> dict[str, Any]:
    """The SPEC 11 output object for one classified row."""
    experience = judge_experience(result, text=text)
    row: dict[str, Any] = {
        "id": row_id,
        "scores": result.scores.model_dump(),
        "present": result.present,
        "dominant": result.dominant,
        "valence": result.valence,
        "arousal": result.arousal,
        "experience": experience.experience,
        "reasons": [reason.rule for reason in experience.reasons],
    }
    if evidence:
        row["language"] = result.language
        row["dominant_band"] = result.dominant_band
        row["evidence"] = [cue.model_dump(exclude_none=True) for cue in result.evidence]
    return row


def classify_lines(lines: Iterable[str], engine: EmotionEngine, *, evidence: bool = False) -> Iterator[bytes]:
    """One JSON line (bytes, newline-terminated) per non-blank input line, in order."""
    stripped = (line for line in lines if line.strip())
    while batch := [_parse(line) for line in islice(stripped, BATCH_ROWS)]:
        good = [parsed for parsed in batch if parsed.error is None]
        results: Iterator[EmotionResult | str]
        try:
            results = iter(engine.analyze_many([EmotionRequest(p.text, p.language) for p in good]))
        except Exception as error:  # one bad batch must not end the run: retry row by row
            results = iter(_one_by_one(good, engine, error))
        for parsed in batch:
            if parsed.error is not None:
                yield _error_line(parsed.row_id, parsed.error)
                continue
            result = next(results)
            if isinstance(result, str):
                yield _error_line(parsed.row_id, result)
            else:
                yield (
                    orjson.dumps(output_row(parsed.row_id, parsed.text or "", result, evidence=evidence))
                    + b"\n"
                )


def _one_by_one(
    rows: list[_Parsed], engine: EmotionEngine, _batch_error: Exception
) -> list[EmotionResult | str]:
    outcomes: list[EmotionResult | str] = []
    for parsed in rows:
        try:
            outcomes.append(engine.analyze(parsed.text, parsed.language))
        except Exception as error:  # reported on the row's own line
            outcomes.append(f"could not classify: {type(error).__name__}: {error}")
    return outcomes


def _error_line(row_id: Any, message: str) -> bytes:
    row = {"error": message} if row_id is None else {"id": row_id, "error": message}
    return orjson.dumps(row) + b"\n"


def _engine_options(pairs: list[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise ConfigurationError("emotion.engine", f"option {pair!r} must look like KEY=VALUE")
        options[key] = value
    return options


def run(args: argparse.Namespace, stdin: IO[str] | None = None, stdout: IO[bytes] | None = None) -> int:
    """Classify standard input to standard output; exit status 2 on a configuration error."""
    try:
        engine = load_engine(args.engine, _engine_options(args.engine_option))
    except ConfigurationError as error:
        print(f"emotion-pipeline classify: {error}", file=sys.stderr)
        return 2
    # Undecodable bytes become U+FFFD so one bad row cannot end a run of millions.
    source = (
        stdin if stdin is not None else io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    )
    sink = stdout if stdout is not None else sys.stdout.buffer
    for line in classify_lines(source, engine, evidence=args.evidence):
        sink.write(line)
    sink.flush()
    return 0


def register(subparsers: Any) -> None:
    """Add the ``classify`` sub-command."""
    parser = subparsers.add_parser(
        "classify",
        help="label JSONL text rows with Plutchik emotions and an experience judgement",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--engine", default="lexicon", choices=engine_names(), help="emotion engine")
    parser.add_argument(
        "--engine-option", action="append", default=[], metavar="KEY=VALUE", help="engine option (repeatable)"
    )
    parser.add_argument(
        "--evidence", action="store_true", help="add language, band and evidence cues per row"
    )
    parser.set_defaults(handler=run)
