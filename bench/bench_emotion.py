"""Emotion-engine throughput on one core: short texts (<= 200 characters) per second.

Measures the default engine (``analyze`` per text, full result with evidence) and, in the same run on the
same texts, the English lexicon anchor (NRC word lookup) so the figure can be read against a reference
on the same machine; and the engine once more without its compiled helpers, as an install without a C
compiler runs it. Texts come from JSONL files given with ``--data`` (their ``text`` field), or from a
small built-in bilingual customer-service set.

    python bench/bench_emotion.py --data ../shared/data/dev/emotion-en-goemotions-dev.jsonl.gz
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.domain.emotion import compiled
from pipeline.domain.emotion.engine import load_engine
from pipeline.evaluation.datasets import iter_rows

MAX_CHARS = 200
BUILT_IN = (
    "I've been on hold for an hour and transferred three times. Nobody answers!",
    "Thank you so much, the problem is resolved :)",
    "Still waiting for my refund, this is the worst service ever.",
    "Great app, very helpful support team 👍",
    "I'm worried my card was hacked, can someone call me back?",
    "Not happy with the delivery at all, the box was broken.",
    "Oh great, another delay. Thanks for nothing.",
    "When will my order arrive? I can't wait to try it!",
    "The agent was friendly but nothing got fixed.",
    "WHY IS THIS SO HARD??? I want to cancel my subscription",
    "等了一个小时还没有人接电话，太气人了！",
    "谢谢你们的耐心解答，问题已经解决了",
    "快递太慢了，非常失望",
    "客服態度很好，謝謝！",
    "我担心我的账户被盗了",
    "东西还行吧，一般般",
)


def _texts(paths: Sequence[Path], limit: int) -> list[str]:
    if not paths:
        return list(BUILT_IN)
    texts: list[str] = []
    for path in paths:
        for row in iter_rows(path):
            text = str(row.get("text", ""))
            if 0 < len(text) <= MAX_CHARS:
                texts.append(text)
            if len(texts) >= limit:
                return texts
    return texts


def _rate(function: Callable[[str], object], texts: list[str], seconds: float) -> tuple[float, float]:
    """Texts per CPU second and per wall second, running over the texts repeatedly for at least ``seconds``.

    CPU time (``time.process_time``) is the steadier figure on a shared machine: time spent waiting for a
    core that other processes hold does not count.
    """
    for text in texts[:200]:
        function(text)  # warm caches and lazy loads outside the timing
    done = 0
    started, started_cpu = time.perf_counter(), time.process_time()
    while True:
        for text in texts:
            function(text)
        done += len(texts)
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return done / (time.process_time() - started_cpu), done / elapsed


def _nrc_lookup() -> Callable[[str], object]:
    from nrclex import NRCLex  # noqa: PLC0415 (the anchors extra is optional)

    lexicon: dict[str, list[str]] = NRCLex().__lexicon__
    word = re.compile(r"[a-z]+(?:'[a-z]+)?")

    def lookup(text: str) -> object:
        counts: dict[str, int] = {}
        for token in word.findall(text.lower()):
            for affect in lexicon.get(token, ()):
                counts[affect] = counts.get(affect, 0) + 1
        return counts

    return lookup


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--data", type=Path, nargs="*", default=[], help="JSONL(.gz) files with a text field")
    parser.add_argument("--limit", type=int, default=20_000, help="texts to read from --data")
    parser.add_argument("--seconds", type=float, default=5.0, help="minimum timing per measurement")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says

    texts = _texts(args.data, args.limit)
    engine = load_engine()
    per_cpu_second, per_wall_second = _rate(engine.analyze, texts, args.seconds)
    results: dict[str, object] = {
        "texts": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
        "engine": f"{engine.info.name} {engine.info.version}",
        "engine_build": compiled.build(),
        "engine_texts_per_cpu_second": round(per_cpu_second),
        "engine_texts_per_second": round(per_wall_second),
    }
    if compiled.loaded():
        # The same engine as an install without a C compiler runs it, in the same run.
        with compiled.python_only():
            python_per_cpu_second, _ = _rate(engine.analyze, texts, args.seconds)
        results["engine_python_only_texts_per_cpu_second"] = round(python_per_cpu_second)
    try:
        nrc_per_cpu_second, _ = _rate(_nrc_lookup(), texts, args.seconds)
        results["nrc_lookup_texts_per_cpu_second"] = round(nrc_per_cpu_second)
    except ImportError:
        results["nrc_lookup_texts_per_cpu_second"] = "not installed (anchors extra)"
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
