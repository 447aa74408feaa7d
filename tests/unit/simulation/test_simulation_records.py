"""The records themselves: valid ones decode, broken ones are refused, ids, keys and the configured shares."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from pipeline.domain.codec import decode_event
from pipeline.domain.errors import InvalidRecord
from pipeline.simulation import MALFORMED_KINDS, SimulatedRecord, SimulationConfig, generate, plan_traffic

GRACE_MS = 3_600_000


def test_every_valid_record_decodes_to_its_event(sample: list[SimulatedRecord]) -> None:
    for record in sample:
        if record.kind == "malformed":
            continue
        assert record.event is not None
        event = decode_event(record.value)
        assert event.event_id == record.event["event_id"]
        assert event.occurred_at_ms == record.occurred_at_ms
        assert record.key == event.customer_id.encode()


def test_every_malformed_record_is_refused_and_fits_one_line(sample: list[SimulatedRecord]) -> None:
    malformed = [record for record in sample if record.kind == "malformed"]
    assert {record.malformed_kind for record in malformed} == set(MALFORMED_KINDS)
    for record in malformed:
        assert record.event is None
        with pytest.raises(InvalidRecord):
            decode_event(record.value)
    assert all(b"\n" not in record.value and record.value.strip() for record in sample)


def test_broken_kinds_fail_for_their_own_reason(sample: list[SimulatedRecord]) -> None:
    reasons: dict[str, set[str]] = {}
    for record in sample:
        if record.kind == "malformed":
            with pytest.raises(InvalidRecord) as refused:
                decode_event(record.value)
            reasons.setdefault(str(record.malformed_kind), set()).add(refused.value.kind)
    assert reasons["not_utf8"] == {"not_utf8"}
    assert reasons["not_object"] == {"not_object"}
    assert reasons["unsupported_schema_version"] == {"unsupported_schema_version"}
    assert reasons["truncated_json"] <= {"not_json", "not_utf8"}  # a cut may split a multi-byte character
    for kind in ("missing_field", "unknown_channel", "text_too_long", "wrong_type", "bad_timestamp"):
        assert reasons[kind] == {"validation"}, kind


def test_event_ids_are_unique_and_duplicates_resend_an_earlier_record(sample: list[SimulatedRecord]) -> None:
    seen: dict[str, bytes] = {}
    for record in sample:
        if record.kind == "malformed":
            continue
        assert record.event is not None
        event_id = record.event["event_id"]
        if record.kind == "duplicate":
            assert seen[event_id] == record.value
        else:
            assert event_id not in seen
            seen[event_id] = record.value


def test_customer_ids_look_like_crm_ids(
    sample: list[SimulatedRecord], sample_config: SimulationConfig
) -> None:
    customers = {record.event["customer_id"] for record in sample if record.event is not None}
    assert all(re.fullmatch(r"cust-\d{6}", customer) for customer in customers)
    assert len(customers) > sample_config.customers * 0.9


def test_duplicate_and_malformed_counts_follow_the_plan(
    sample: list[SimulatedRecord], sample_config: SimulationConfig
) -> None:
    plan = plan_traffic(sample_config)
    kinds = Counter(record.kind for record in sample)
    assert kinds == {"event": plan.story_events, "duplicate": plan.duplicates, "malformed": plan.malformed}
    assert kinds["duplicate"] / len(sample) == pytest.approx(sample_config.duplicate_rate, abs=0.002)
    assert kinds["malformed"] / len(sample) == pytest.approx(sample_config.malformed_rate, abs=0.002)


def test_late_and_out_of_order_shares_as_seen_by_a_consumer(
    sample: list[SimulatedRecord], sample_config: SimulationConfig
) -> None:
    # Measured the way the pipeline sees it: how far an event lies behind the newest event time seen so far.
    newest = 0
    late = behind = events = 0
    for record in sample:
        if record.kind != "event":
            continue
        events += 1
        lag = newest - record.occurred_at_ms
        if lag > GRACE_MS:
            late += 1
        elif lag > 0:
            behind += 1
        newest = max(newest, record.occurred_at_ms)
    assert late / events == pytest.approx(sample_config.late_rate, rel=0.2)
    assert behind / events == pytest.approx(sample_config.out_of_order_rate, rel=0.2)
    planned_late = round(events * sample_config.late_rate)
    planned_behind = round(events * sample_config.out_of_order_rate)
    assert Counter(record.arrival for record in sample if record.kind == "event") == {
        "in_order": events - planned_late - planned_behind,
        "late": planned_late,
        "out_of_order": planned_behind,
    }


@pytest.mark.parametrize("events", [1, 7, 100, 1234])
def test_events_is_the_exact_number_of_records(events: int) -> None:
    config = SimulationConfig(seed=5, customers=40, events=events, malformed_rate=0.05, duplicate_rate=0.05)
    assert sum(1 for _ in generate(config)) == events


def test_a_config_with_impossible_rates_is_refused() -> None:
    with pytest.raises(ValueError, match=r"at most 0\.5"):
        SimulationConfig(duplicate_rate=0.3, malformed_rate=0.3)
