"""Golden scenarios through replay: alerts, dead letters and outcomes pinned in files.

Each ``golden/NAME.jsonl`` has a ``golden/NAME.expected.json`` holding what replay must produce, projected
to what CRM systems act on (transition, customer, strikes, counted event ids, alert id) so that wording
changes in the playbook do not churn the files. Regenerate after an intended change with
``GOLDEN_UPDATE=1 pytest tests/replay``, and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from pipeline.assembly import assemble
from pipeline.config import load_settings
from pipeline.metrics_port import NullMetrics
from pipeline.replay import ReplayRun, ReplaySinks, read_lines

GOLDEN = Path(__file__).parent / "golden"
SCENARIOS = sorted(path.stem for path in GOLDEN.glob("*.jsonl"))


def run_scenario(name: str) -> dict[str, Any]:
    run = ReplayRun(assemble(load_settings(), NullMetrics()), partitions=8, topic=f"{name}.jsonl")
    alerts: list[dict[str, Any]] = []
    dead: list[dict[str, Any]] = []
    run.feed(
        read_lines(str(GOLDEN / f"{name}.jsonl")),
        ReplaySinks(
            alert=lambda alert: alerts.append(
                {
                    "id": alert.id,
                    "type": alert.type,
                    "customer": alert.subject,
                    "strikes": alert.data.strikes,
                    "counted": [bad.event_id for bad in alert.data.bad_experiences],
                    "trigger": alert.data.triggering_event_id,
                    "channel": alert.data.recommended_action.channel,
                }
            ),
            dead_letter=lambda letter: dead.append(
                {
                    "line": letter.offset,
                    "kind": letter.error_kind,
                    "field": letter.error_field,
                }
            ),
        ),
    )
    return {"alerts": alerts, "dead_letters": dead, "outcomes": dict(sorted(run.counts.items()))}


@pytest.mark.parametrize("name", SCENARIOS)
def test_replay_matches_golden_file(name: str) -> None:
    produced = run_scenario(name)
    expected_path = GOLDEN / f"{name}.expected.json"
    if os.environ.get("GOLDEN_UPDATE") == "1":
        expected_path.write_bytes(orjson.dumps(produced, option=orjson.OPT_INDENT_2) + b"\n")
    assert produced == orjson.loads(expected_path.read_bytes())


def test_three_bad_experiences_alert_at_risk_then_churn_threshold_once_each() -> None:
    alerts = run_scenario("three_strikes_en")["alerts"]
    assert [alert["type"].split(".")[-2] for alert in alerts] == ["at_risk", "churn_threshold"]
    assert [alert["strikes"] for alert in alerts] == [2, 3]
    assert alerts[1]["counted"] == ["t1", "t2", "t4"]


def test_duplicates_and_out_of_order_arrivals_change_nothing() -> None:
    clean = run_scenario("three_strikes_en")
    messy = run_scenario("duplicates_and_out_of_order")
    assert [alert["id"] for alert in messy["alerts"]] == [alert["id"] for alert in clean["alerts"]]
    assert messy["outcomes"]["duplicate"] == 2


def test_a_resolved_good_contact_recovers_an_alerted_customer() -> None:
    alerts = run_scenario("recovery_zh")["alerts"]
    assert [alert["type"].split(".")[-2] for alert in alerts] == ["at_risk", "recovered"]
    assert alerts[1]["strikes"] == 1


def test_strikes_older_than_the_window_stop_counting() -> None:
    alerts = run_scenario("strikes_expire_after_window")["alerts"]
    assert len(alerts) == 1
    assert alerts[0]["counted"] == ["x2", "x3"]


def test_every_bad_record_is_dead_lettered_with_its_line_and_reason() -> None:
    produced = run_scenario("bad_input_goes_to_dlq")
    assert [(letter["line"], letter["kind"]) for letter in produced["dead_letters"]] == [
        (2, "not_json"),
        (3, "validation"),
        (4, "validation"),
    ]
    assert produced["dead_letters"][2]["field"] == "text"
    assert produced["outcomes"] == {"enriched": 1, "invalid": 3}
