"""Write the engine's full result for every text of some JSONL files, one JSON line per text, to compare
two revisions: a change meant to keep behaviour is shown to by identical dumps, a change meant to move a
few texts by how many lines differ.

    python training/dump_results.py ../shared/data/dev/emotion-en-goemotions-dev.jsonl.gz \
        tests/data/cs_en_*.jsonl training/data/cs_en_*.jsonl --out /tmp/after.jsonl
    PYTHONPATH=/path/to/worktree python training/dump_results.py ... --out /tmp/before.jsonl
    cmp /tmp/before.jsonl /tmp/after.jsonl; diff /tmp/before.jsonl /tmp/after.jsonl | grep -c '^<'

The engine's name and version are left out (the version carries a digest of the shipped data); each
line is the result of ``analyze(text, language)`` with the row's own language.
"""

from __future__ import annotations

import argparse
from itertools import islice
from pathlib import Path

import orjson

from pipeline.domain.emotion.engine import load_engine
from pipeline.evaluation.datasets import iter_rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", type=Path, nargs="+", help="JSONL(.gz) files whose rows have a text")
    parser.add_argument("--limit", type=int, default=None, help="the first N rows of each file")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    engine = load_engine()
    texts = 0
    with args.out.open("wb") as out:
        for path in args.files:
            for row in islice(iter_rows(path), args.limit):
                result = engine.analyze(row["text"], row.get("language"))
                out.write(orjson.dumps(result.model_dump(mode="json", exclude={"engine"})) + b"\n")
                texts += 1
    print(f"{texts} results written to {args.out}")


if __name__ == "__main__":
    main()
