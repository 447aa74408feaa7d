"""Measure the bad-experience verdict where the text rules were written: the service sets by half, and the
simulator's stories.

Service sets (``tests/data/cs_*.jsonl``): bad-F1 and balanced accuracy of ``experience == "bad"`` on all
rows, on the tuning half (ids whose SHA-1 first byte is even: the rows read while writing rules) and on the
other half (never read one by one), or per round for a set written in rounds (``round`` in its rows), with
the same predictor ``emotion-pipeline eval`` uses.

Simulator: events the story meant as not bad, judged bad by the product's own enrichment (text, rating,
choices, voice, signals), per language; the planned bad events are judged bad by their signals whatever
the text says, so the text rules show in the first count.

    python training/measure_service.py tests/data/cs_en_polarity.jsonl tests/data/cs_en_mishaps.jsonl \
        tests/data/cs_zh_polarity.jsonl --customers 600

``--by-category`` adds, for sets whose rows name a category (the blind sets, the written training rows),
how many verdicts of each category match the label, per part: counts only, so a blind round can be
measured by category without its rows being read.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.assembly import assemble
from pipeline.config import load_settings
from pipeline.domain.codec import decode_event
from pipeline.domain.emotion.engine import load_engine
from pipeline.evaluation.datasets import iter_rows
from pipeline.evaluation.metrics import PolarityTally
from pipeline.evaluation.predictors import EnginePredictor, Row
from pipeline.evaluation.splits import tuning_half
from pipeline.metrics_port import NullMetrics
from pipeline.simulation import SimulationConfig, generate


def service_set(
    path: Path, predictor: EnginePredictor, by_category: bool = False
) -> dict[str, dict[str, Any]]:
    """Bad-F1 per part; with ``by_category``, also the verdicts that match the label per part and category
    of a set whose rows name one ("polite_complaint": "4/10")."""
    rows = list(iter_rows(path))
    predictions = predictor.predict([Row(row["text"], row["language"]) for row in rows])
    tallies: dict[str, PolarityTally] = {"all": PolarityTally()}
    right: dict[str, Counter[str]] = {}
    seen: dict[str, Counter[str]] = {}
    for row, prediction in zip(rows, predictions, strict=True):
        for name in ("all", part_of(row)):
            tallies.setdefault(name, PolarityTally()).add(row["negative"], prediction)
            if by_category and "category" in row:
                seen.setdefault(name, Counter())[row["category"]] += 1
                right.setdefault(name, Counter())[row["category"]] += prediction.bad == row["negative"]
    report: dict[str, dict[str, Any]] = {name: tally.summary() for name, tally in tallies.items()}
    for name, counts in seen.items():
        report[name]["right by category"] = {
            category: f"{right[name][category]}/{total}" for category, total in sorted(counts.items())
        }
    return report


def part_of(row: dict[str, Any]) -> str:
    """The half of a set split by id, or the round of a set written in rounds (each read after it was
    measured, so only a round's figure before the rules it prompted is a measure of generalisation)."""
    if "round" in row:
        # Rows marked shown (seen in a writer's report or while studying a rule; ``read_for_rules`` leaves
        # them out of eval too) are counted apart, so that the round's own figure is over rows nobody read.
        return f"round {row['round']}" + (", shown" if row.get("shown") else "")
    return "tuning half" if tuning_half(str(row["id"])) else "other half"


def simulated_stories(customers: int, seed: int) -> dict[str, dict[str, int]]:
    enricher = assemble(load_settings(), NullMetrics()).processor.enricher
    counts: dict[str, Counter[str]] = {}
    for record in generate(SimulationConfig(seed=seed, customers=customers)):
        if record.kind != "event" or record.intent.experience == "bad":
            continue
        verdict = enricher.enrich(decode_event(record.value)).experience.experience
        tally = counts.setdefault(record.intent.language, Counter())
        tally["events meant not bad"] += 1
        tally["judged bad"] += verdict == "bad"
    return {language: dict(tally) for language, tally in sorted(counts.items())}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("service_sets", type=Path, nargs="*", help="polarity JSONL files with ids")
    parser.add_argument("--customers", type=int, default=600, help="simulated customers (0: skip)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--by-category", action="store_true", help="verdicts right per category of each part (counts only)"
    )
    args = parser.parse_args()
    predictor = EnginePredictor(load_engine())
    report: dict[str, Any] = {"engine": predictor.name}
    for path in args.service_sets:
        report[path.name] = service_set(path, predictor, args.by_category)
    if args.customers:
        report[f"simulator, {args.customers} customers, seed {args.seed}"] = simulated_stories(
            args.customers, args.seed
        )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
