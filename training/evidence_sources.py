"""Which kind of evidence makes the engine predict an emotion, right and wrong, on an emotion set.

For every row and every emotion the engine finds present, the cue that gave that emotion the most evidence
names its source: the cue's kind (word, idiom, sarcasm, emoticon...) and, for a model cue, which model
(the learned complaint reading, the review-trained polarity prior). Counted per emotion, apart for rows
whose gold labels hold the emotion (right) and rows whose do not (wrong, with their gold labels). A rule
that misfires on a corpus shows as a source with many wrong predictions and few right ones.

    python training/evidence_sources.py ../shared/data/dev/emotion-zh-clue-valid.jsonl.gz --emotion anger
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from pipeline.domain.emotion.engine import load_engine
from pipeline.domain.labels import Cue
from pipeline.domain.plutchik import PRIMARY_EMOTIONS
from pipeline.evaluation.datasets import iter_rows

# Model cues named by the start of their note (the rest is a probability and the weightiest features).
MODEL_SOURCES = ("learned complaint reading", "character n-gram polarity")


def source_of(cue: Cue) -> str:
    """A cue's source: its kind, with the model or the rule note that made it where there is one."""
    note = cue.note or ""
    if cue.kind == "model":
        return next((f"model: {name}" for name in MODEL_SOURCES if note.startswith(name)), "model")
    if cue.kind == "sarcasm" and note:
        return f"sarcasm: {note.split(',')[0]}"
    return cue.kind


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("file", type=Path, help="a JSONL(.gz) emotion set (rows with text and emotions)")
    parser.add_argument("--emotion", action="append", choices=PRIMARY_EMOTIONS, help="only these")
    args = parser.parse_args()
    engine = load_engine()
    wanted = set(args.emotion or PRIMARY_EMOTIONS)
    right: dict[str, Counter[str]] = defaultdict(Counter)
    wrong: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for row in iter_rows(args.file):
        result = engine.analyze(row["text"], row.get("language"))
        gold = row.get("emotions") or []
        for emotion in wanted.intersection(result.present):
            weighed = [(cue.emotions.get(emotion, 0.0), source_of(cue)) for cue in result.evidence]
            strongest, source = max(weighed, default=(0.0, "none"))
            source = source if strongest > 0.0 else "none"
            if emotion in gold:
                right[emotion][source] += 1
            else:
                wrong[emotion][source][gold[0] if gold else "neutral"] += 1
    report = {
        emotion: {
            source: {
                "right": right[emotion][source],
                "wrong": sum(wrong[emotion][source].values()),
                "wrong, labelled": dict(wrong[emotion][source].most_common()),
            }
            for source in sorted({*right[emotion], *wrong[emotion]})
        }
        for emotion in PRIMARY_EMOTIONS
        if emotion in right or emotion in wrong
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
