from __future__ import annotations

import io
import json
from typing import Any

import pytest

from pipeline.cli import main
from pipeline.cli.classify import classify_lines
from pipeline.domain.emotion.engine import load_engine
from pipeline.domain.plutchik import PRIMARY_EMOTIONS

CONTRACT_KEYS = {"id", "scores", "present", "dominant", "valence", "arousal", "experience", "reasons"}


def _classify(lines: list[str], *, evidence: bool = False) -> list[dict[str, Any]]:
    return [json.loads(line) for line in classify_lines(lines, load_engine(), evidence=evidence)]


def test_rows_come_back_in_order_with_the_contract_fields() -> None:
    rows = [
        json.dumps({"id": index, "text": text})
        for index, text in enumerate(["On hold for an hour, nobody answers!", "谢谢，问题解决了", "ok"])
    ]
    out = _classify(rows)
    assert [row["id"] for row in out] == [0, 1, 2]
    for row in out:
        assert set(row) == CONTRACT_KEYS
        assert set(row["scores"]) == set(PRIMARY_EMOTIONS)
    assert out[0]["experience"] == "bad"
    assert "text_strongly_negative" in out[0]["reasons"]
    assert out[1]["experience"] == "good"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("not json", {"error"}),
        ("[1, 2]", {"error"}),
        ('{"id": "a"}', {"id", "error"}),
        ('{"id": "b", "text": 5}', {"id", "error"}),
        ('{"id": "c", "text": "hi", "language": 7}', {"id", "error"}),
        (json.dumps({"id": "d", "text": "x" * 20_001}), {"id", "error"}),
    ],
)
def test_bad_rows_get_an_error_line_and_the_run_goes_on(line: str, expected: set[str]) -> None:
    out = _classify([line, json.dumps({"id": "next", "text": "thanks, great help"})])
    assert set(out[0]) == expected
    assert out[1]["id"] == "next"
    assert "error" not in out[1]


def test_blank_lines_are_skipped_and_language_is_honoured() -> None:
    out = _classify(["", json.dumps({"id": 1, "text": "Merci beaucoup", "language": "fr"}), "   "])
    assert len(out) == 1
    assert out[0]["present"] == []


def test_evidence_flag_adds_cues_with_offsets() -> None:
    text = "Still waiting for my refund 😡"
    (row,) = _classify([json.dumps({"id": 1, "text": text})], evidence=True)
    cues = row["evidence"]
    assert isinstance(cues, list)
    assert cues
    for cue in cues:
        if "start" in cue:
            assert text[cue["start"] : cue["end"]] == cue["text"]


def test_many_rows_stream_through_batches() -> None:
    rows = (json.dumps({"id": index, "text": f"order {index} arrived late"}) for index in range(1000))
    ids = [json.loads(line)["id"] for line in classify_lines(rows, load_engine())]
    assert ids == list(range(1000))


def test_command_line_reads_stdin_and_writes_stdout(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    stdin = io.TextIOWrapper(
        io.BytesIO(b'{"id": "x", "text": "I love it"}\n\xff\xfe broken\n'), encoding="utf-8"
    )
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["classify"]) == 0
    lines = capsysbinary.readouterr().out.decode().splitlines()
    assert json.loads(lines[0])["id"] == "x"
    assert "error" in json.loads(lines[1])


def test_unknown_engine_option_exits_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "--engine-option", "colour=blue"]) == 2
    assert "emotion.engine" in capsys.readouterr().err
