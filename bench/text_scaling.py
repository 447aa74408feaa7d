"""Enrichment throughput against text length: 50, 500 and 5,000 characters, on one core.

Texts are built from the enrichment bench's bilingual templates: sentences of one language joined until
the length is reached, then cut to exactly that many characters. Each event is labelled by the same steps
the processor runs (``bench_enrichment.enrich``: emotion, stage, experience, pace). Prints one JSON line
with events/s, events per CPU-second and characters per CPU-second for each length.

    .venv/bin/python bench/text_scaling.py --lengths 50 500 5000
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import time
from datetime import UTC, datetime
from typing import Any

from bench_enrichment import LANGUAGE_TAGS, TEMPLATES, enrich, fill

from pipeline.domain.emotion.engine import load_engine
from pipeline.domain.event import InteractionEvent
from pipeline.domain.journeys import load_journeys

CHANNELS = ["phone", "chat", "email", "social", "survey", "app"]
# Fewer events for longer texts keep every length to a few seconds on one core.
CHARACTERS_PER_PASS = 400_000


def text_of_length(rng: random.Random, length: int) -> tuple[str, str, str | None]:
    """(journey, text, language tag): same-language sentences of one journey, cut to ``length`` characters."""
    journey, language, _ = rng.choice(TEMPLATES)
    sentences = [template for j, lang, template in TEMPLATES if j == journey and lang == language]
    separator = " " if language == "en" else ""
    parts: list[str] = []
    size = 0
    while size < length:
        sentence = fill(rng.choice(sentences), rng)
        parts.append(sentence)
        size += len(sentence) + len(separator)
    return journey, separator.join(parts)[:length], LANGUAGE_TAGS[language]


def events_of_length(rng: random.Random, length: int, count: int) -> list[InteractionEvent]:
    events = []
    for index in range(count):
        journey, text, language = text_of_length(rng, length)
        events.append(InteractionEvent.model_validate({
            "event_id": f"evt-{length}-{index:07d}",
            "customer_id": f"cust-{rng.randrange(10_000):05d}",
            "occurred_at": datetime(2024, 5, 1, tzinfo=UTC),
            "channel": rng.choice(CHANNELS),
            "journey": journey,
            "text": text,
            **({"language": language} if language else {}),
        }))
    return events


def measure_length(length: int, repeat: int, seed: int) -> dict[str, Any]:
    rng = random.Random(f"{seed}:{length}")
    count = max(50, min(5_000, CHARACTERS_PER_PASS // length))
    events = events_of_length(rng, length, count)
    engine, catalog = load_engine("lexicon"), load_journeys()
    clock = dict.fromkeys(("emotion", "stage", "experience", "pace"), 0.0)
    for event in events[:20]:
        enrich(event, engine, catalog, clock)
    best_rate = best_cpu_rate = 0.0
    for _ in range(repeat):
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        for event in events:
            enrich(event, engine, catalog, clock)
        best_rate = max(best_rate, count / (time.perf_counter() - started))
        best_cpu_rate = max(best_cpu_rate, count / (time.process_time() - cpu_started))
    return {
        "text_chars": length,
        "events": count,
        "events_per_s": round(best_rate, 1),
        "events_per_cpu_s": round(best_cpu_rate, 1),
        "chars_per_cpu_s": round(best_cpu_rate * length),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lengths", type=int, nargs="+", default=[50, 500, 5_000])
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the best is reported")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the figure claims
    results = [measure_length(length, args.repeat, args.seed) for length in args.lengths]
    print(json.dumps({"bench": "text_length_scaling", "engine": "lexicon", "lengths": results}))


if __name__ == "__main__":
    main()
