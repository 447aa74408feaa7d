"""Instructions the emotion engine executes per text, counted by valgrind: a speed figure that does not vary.

On a shared machine the texts-per-second figures of ``bench_emotion.py`` move by 10 to 15% from run to run
with the load of other processes, more than most changes to the engine. The number of instructions a
pass over the same texts executes does not: it compares two revisions exactly (not how fast a core runs
them; the hash seed is fixed, so a revision gives the same count every time). This runs the engine under
``valgrind --tool=callgrind`` twice, once analysing every text once and once only loading the engine and
reading the texts, and reports the difference per text.

    python bench/engine_instructions.py --data ../shared/data/dev/emotion-en-goemotions-dev.jsonl.gz
    PYTHONPATH=/path/to/worktree python bench/engine_instructions.py --data ...   # another revision

Needs valgrind (Debian: ``apt-get install valgrind``); about 30 times slower than the engine itself, so a
few thousand texts take a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_emotion import MAX_CHARS

_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def _count(data: list[Path], limit: int, passes: int, scratch: Path) -> tuple[int, int]:
    """Instructions of one run of this script's inner mode under callgrind, and the texts it read."""
    command = [
        "valgrind", "--tool=callgrind", f"--callgrind-out-file={scratch / f'callgrind.{passes}'}",
        sys.executable, __file__, "--inner", "--passes", str(passes), "--limit", str(limit),
        "--data", *map(str, data),
    ]
    # Sets and dicts of strings iterate in an order the hash seed picks, which moves the count a little.
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    finished = subprocess.run(command, capture_output=True, text=True, check=True, env=environment)
    found = _COLLECTED.search(finished.stderr)
    if found is None:
        raise RuntimeError(f"valgrind reported no instruction count:\n{finished.stderr[-2000:]}")
    return int(found.group(1)), int(json.loads(finished.stdout.strip().splitlines()[-1])["texts"])


def _inner(data: list[Path], limit: int, passes: int) -> None:
    from pipeline.domain.emotion.engine import load_engine  # noqa: PLC0415 (only in the counted run)
    from pipeline.evaluation.datasets import iter_rows  # noqa: PLC0415

    texts: list[str] = []
    for path in data:
        texts.extend(str(row["text"]) for row in iter_rows(path) if 0 < len(str(row["text"])) <= MAX_CHARS)
    texts = texts[:limit]
    engine = load_engine()
    for text in texts[:20]:
        engine.analyze(text)  # lazy loads (models, compiled patterns) happen in both runs
    for _ in range(passes):
        for text in texts:
            engine.analyze(text)
    print(json.dumps({"texts": len(texts)}))


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--data", type=Path, nargs="+", required=True, help="JSONL(.gz) files with texts")
    parser.add_argument("--limit", type=int, default=5_000, help="texts to read from --data")
    parser.add_argument("--passes", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        _inner(args.data, args.limit, args.passes)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    from pipeline.domain.emotion.engine import load_engine  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="engine-instructions-") as scratch:
        loading, texts = _count(args.data, args.limit, 0, Path(scratch))
        analysing, _ = _count(args.data, args.limit, 1, Path(scratch))
    info = load_engine().info
    print(json.dumps({
        "engine": f"{info.name} {info.version}",
        "texts": texts,
        "instructions_loading_only": loading,
        "instructions_with_one_pass": analysing,
        "instructions_per_text": round((analysing - loading) / texts),
    }))

if __name__ == "__main__":
    main()
