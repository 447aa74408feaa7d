"""Evaluation results as Markdown tables: one table per data set, then per-language and per-emotion views."""

from __future__ import annotations

from typing import Any

from pipeline.domain.plutchik import PRIMARY_EMOTIONS


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _emotion_line(name: str, figures: dict[str, Any] | None) -> str:
    if figures is None:
        return f"| {name} | 0 | n/a | n/a |"
    macro_f1, accuracy = _figure(figures["macro_f1"]), _figure(figures["dominant_accuracy"])
    return f"| {name} | {figures['rows']} | {macro_f1} | {accuracy} |"


def _polarity_line(name: str, figures: dict[str, Any] | None) -> str:
    if figures is None:
        return f"| {name} | 0 | n/a | n/a |"
    bad_f1, balanced = _figure(figures["bad_f1"]), _figure(figures["balanced_accuracy"])
    return f"| {name} | {figures['rows']} | {bad_f1} | {balanced} |"


def dataset_markdown(result: dict[str, Any]) -> str:
    """One data set's figures: main table, per-language rows, per-emotion F1."""
    lines = [f"### {result['dataset']}", ""]
    notes = []
    if result["excluded_training_rows"]:
        notes.append(f"{result['excluded_training_rows']} rows used in training or tuning were left out")
    if result["limit"]:
        notes.append(f"deterministic sample of {result['limit']} rows")
    if result["warning"]:
        notes.append(f"**{result['warning']}**")
    if notes:
        lines += ["; ".join(notes) + ".", ""]
    predictors: dict[str, dict[str, Any]] = result["predictors"]
    if any("emotion" in figures for figures in predictors.values()):
        lines += ["| predictor | rows | macro-F1 | dominant accuracy |", "|---|---:|---:|---:|"]
        lines += [_emotion_line(name, figures.get("emotion")) for name, figures in predictors.items()]
        lines += ["", "Per emotion (F1):", "", "| predictor | " + " | ".join(PRIMARY_EMOTIONS) + " |"]
        lines.append("|---|" + "---:|" * len(PRIMARY_EMOTIONS))
        for name, figures in predictors.items():
            per_emotion = figures.get("emotion", {}).get("per_emotion_f1", {})
            cells = [
                _figure(per_emotion.get(emotion)) if emotion in per_emotion else "-"
                for emotion in PRIMARY_EMOTIONS
            ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines += [
            "",
            "Per language (macro-F1, dominant accuracy):",
            "",
            "| predictor / language | rows | macro-F1 | dominant accuracy |",
            "|---|---:|---:|---:|",
        ]
        for name, figures in predictors.items():
            for language, by_language in figures.get("emotion_by_language", {}).items():
                lines.append(_emotion_line(f"{name} / {language}", by_language))
    if any("polarity" in figures for figures in predictors.values()):
        lines += ["| predictor | rows | bad F1 | balanced accuracy |", "|---|---:|---:|---:|"]
        lines += [_polarity_line(name, figures.get("polarity")) for name, figures in predictors.items()]
        lines += [
            "",
            "Per language:",
            "",
            "| predictor / language | rows | bad F1 | balanced accuracy |",
            "|---|---:|---:|---:|",
        ]
        for name, figures in predictors.items():
            for language, by_language in figures.get("polarity_by_language", {}).items():
                lines.append(_polarity_line(f"{name} / {language}", by_language))
    return "\n".join(lines) + "\n"


def markdown(results: list[dict[str, Any]]) -> str:
    """All data sets, one section each."""
    return "\n".join(dataset_markdown(result) for result in results)
