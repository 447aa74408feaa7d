"""A fixed amount of emotion-engine work, for counting instructions under ``valgrind --tool=callgrind``.

Wall-clock rates move with the machine (by a fifth within an hour on the development machine); the
instructions one ``analyze`` call costs do not. Run it twice, with ``--repeat 0`` (imports and the engine's
first calls only) and with ``--repeat 3``, and divide the difference by the calls made:

    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python bench/engine_calls.py --repeat 3 [--python-only]

``--python-only`` runs the engine as an install without its compiled helpers does.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from pathlib import Path

from bench_emotion import _texts

from pipeline.domain.emotion import compiled
from pipeline.domain.emotion.engine import load_engine

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "dev"


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument(
        "--data", type=Path, nargs="*", default=[DEFAULT_DATA / "emotion-en-goemotions-dev.jsonl.gz"]
    )
    parser.add_argument("--texts", type=int, default=600, help="texts read (200 characters or fewer)")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the texts after the warm-up")
    parser.add_argument("--python-only", action="store_true", help="without the compiled helpers")
    args = parser.parse_args()
    texts = _texts(args.data, args.texts)
    engine = load_engine()
    for text in texts[:50]:
        engine.analyze(text)  # lazy loads and first-use caches, in both runs
    with compiled.python_only() if args.python_only else nullcontext():
        for _ in range(args.repeat):
            for text in texts:
                engine.analyze(text)
    print(f"{len(texts) * args.repeat} analyze calls over {len(texts)} texts", file=sys.stderr)


if __name__ == "__main__":
    main()
