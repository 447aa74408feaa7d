"""The metrics container: each verb moves the right series, labels stay bounded, the exposition is valid."""

from __future__ import annotations

import inspect
import math
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, generate_latest

from pipeline.adapters.metrics import EVENT_AGE_BUCKETS, PipelineMetrics
from pipeline.domain.emotion import compiled
from pipeline.domain.records import DEAD_LETTER_KINDS
from pipeline.metrics_port import MetricsRecorder, NullMetrics

JOURNEYS = {"travel": ["booking", "check_in"], "banking": ["onboarding"]}
P = "emotion_pipeline_"


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def metrics(registry: CollectorRegistry) -> PipelineMetrics:
    return PipelineMetrics(registry, JOURNEYS)


def value(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(P + name, labels)


def label_values(registry: CollectorRegistry, sample_name: str, label: str) -> set[str]:
    return {
        sample.labels[label]
        for family in registry.collect()
        for sample in family.samples
        if sample.name == P + sample_name
    }


def enrich(
    metrics: PipelineMetrics,
    journey: str = "travel",
    stage: str = "booking",
    *,
    experience: str = "bad",
    valence: float = -0.5,
    latency_s: float = 0.002,
    age_s: float = 4.0,
) -> None:
    metrics.event_enriched(journey, stage, experience, valence=valence, latency_s=latency_s, age_s=age_s)


def test_event_enriched_moves_outcome_latency_age_experience_and_valence(
    metrics: PipelineMetrics, registry: CollectorRegistry
) -> None:
    enrich(metrics, valence=-0.5, latency_s=0.002, age_s=4.0)

    assert value(registry, "events_total", outcome="enriched") == 1
    assert value(registry, "enrichment_latency_seconds_count") == 1
    assert value(registry, "enrichment_latency_seconds_sum") == pytest.approx(0.002)
    assert value(registry, "enrichment_latency_seconds_bucket", le="0.0025") == 1
    assert value(registry, "enrichment_latency_seconds_bucket", le="0.001") == 0
    assert value(registry, "event_age_seconds_bucket", le="5.0") == 1
    assert value(registry, "event_age_seconds_bucket", le="2.5") == 0
    booking = {"journey": "travel", "stage": "booking"}
    assert value(registry, "stage_experiences_total", **booking, experience="bad") == 1
    assert value(registry, "stage_experiences_total", **booking, experience="good") == 0
    assert value(registry, "stage_valence", journey="travel", stage="booking") == -0.5
    for outcome in ("invalid", "duplicate", "late"):
        assert value(registry, "events_total", outcome=outcome) == 0


@pytest.mark.parametrize("reason", [*DEAD_LETTER_KINDS, "something_new"])
def test_event_invalid_counts_the_outcome_and_the_bounded_reason(
    metrics: PipelineMetrics, registry: CollectorRegistry, reason: str
) -> None:
    metrics.event_invalid(reason)

    expected_reason = reason if reason in DEAD_LETTER_KINDS else "other"
    assert value(registry, "events_total", outcome="invalid") == 1
    assert value(registry, "dead_letters_total", reason=expected_reason) == 1
    assert label_values(registry, "dead_letters_total", "reason") == {*DEAD_LETTER_KINDS, "other"}
    assert sum(value(registry, "dead_letters_total", reason=kind) or 0 for kind in DEAD_LETTER_KINDS) == (
        1 if reason in DEAD_LETTER_KINDS else 0
    )


@pytest.mark.parametrize(
    ("verb", "outcome"),
    [("event_duplicate", "duplicate"), ("event_late", "late")],
)
def test_outcome_verbs_count_their_outcome_only(
    metrics: PipelineMetrics, registry: CollectorRegistry, verb: str, outcome: str
) -> None:
    getattr(metrics, verb)()
    getattr(metrics, verb)()

    assert value(registry, "events_total", outcome=outcome) == 2
    others = {"enriched", "invalid", "duplicate", "late"} - {outcome}
    assert all(value(registry, "events_total", outcome=other) == 0 for other in others)


@pytest.mark.parametrize(
    "verb_and_sample",
    [("alert_emitted", "alerts_total"), ("alert_suppressed", "alerts_suppressed_total")],
)
@pytest.mark.parametrize(
    ("transition", "label"),
    [
        ("at_risk", "at_risk"),
        ("churn_threshold", "churn_threshold"),
        ("recovered", "recovered"),
        ("cust-42", "other"),
    ],
)
def test_alert_verbs_count_by_bounded_transition(
    metrics: PipelineMetrics,
    registry: CollectorRegistry,
    verb_and_sample: tuple[str, str],
    transition: str,
    label: str,
) -> None:
    verb, sample = verb_and_sample
    getattr(metrics, verb)(transition)

    assert value(registry, sample, transition=label) == 1
    assert "cust-42" not in label_values(registry, sample, "transition")


def test_alert_emitted_and_suppressed_are_separate_series(
    metrics: PipelineMetrics, registry: CollectorRegistry
) -> None:
    metrics.alert_emitted("at_risk")
    metrics.alert_suppressed("at_risk")
    metrics.alert_suppressed("at_risk")

    assert value(registry, "alerts_total", transition="at_risk") == 1
    assert value(registry, "alerts_suppressed_total", transition="at_risk") == 2


def test_window_emitted_counts(metrics: PipelineMetrics, registry: CollectorRegistry) -> None:
    assert value(registry, "stage_windows_emitted_total") == 0
    metrics.window_emitted()
    assert value(registry, "stage_windows_emitted_total") == 1


def test_work_retried_counts_per_agent_from_zero(
    metrics: PipelineMetrics, registry: CollectorRegistry
) -> None:
    assert label_values(registry, "work_retries_total", "agent") == {"interactions", "stage-windows", "other"}
    assert value(registry, "work_retries_total", agent="stage-windows") == 0

    metrics.work_retried("interactions")
    metrics.work_retried("interactions")
    metrics.work_retried("cust-42")

    assert value(registry, "work_retries_total", agent="interactions") == 2
    assert value(registry, "work_retries_total", agent="other") == 1
    assert "cust-42" not in label_values(registry, "work_retries_total", "agent")


def test_customer_levels_replace_the_previous_counts(
    metrics: PipelineMetrics, registry: CollectorRegistry
) -> None:
    for level in ("ok", "at_risk", "churn_threshold"):
        assert value(registry, "customers", level=level) == 0

    metrics.set_customer_levels({"ok": 10, "at_risk": 3, "churn_threshold": 1, "mystery": 2})
    assert value(registry, "customers", level="ok") == 10
    assert value(registry, "customers", level="at_risk") == 3
    assert value(registry, "customers", level="churn_threshold") == 1
    assert value(registry, "customers", level="other") == 2

    metrics.set_customer_levels({"ok": 12})
    assert value(registry, "customers", level="ok") == 12
    assert value(registry, "customers", level="at_risk") == 0
    assert value(registry, "customers", level="churn_threshold") == 0
    assert value(registry, "customers", level="other") is None


def test_consumer_lag_is_per_partition_never_negative_and_forgotten_on_revoke(
    metrics: PipelineMetrics, registry: CollectorRegistry
) -> None:
    metrics.set_consumer_lag("cx.interactions", 0, 120)
    metrics.set_consumer_lag("cx.interactions", 1, -3)

    assert value(registry, "consumer_lag", topic="cx.interactions", partition="0") == 120
    assert value(registry, "consumer_lag", topic="cx.interactions", partition="1") == 0

    metrics.forget_consumer_lag("cx.interactions", 0)
    metrics.forget_consumer_lag("cx.interactions", 7)
    assert value(registry, "consumer_lag", topic="cx.interactions", partition="0") is None
    assert value(registry, "consumer_lag", topic="cx.interactions", partition="1") == 0


def test_build_info_has_one_series_with_the_latest_labels(
    metrics: PipelineMetrics, registry: CollectorRegistry
) -> None:
    metrics.set_build_info("0.1.0", "lexicon", "1.0", python="3.11.7")
    with compiled.python_only():  # as an install without a C compiler runs
        metrics.set_build_info("0.2.0", "lexicon", "1.1", python="3.11.7")

    assert label_values(registry, "build_info", "version") == {"0.2.0"}
    assert (
        value(
            registry,
            "build_info",
            version="0.2.0",
            engine="lexicon",
            engine_version="1.1",
            python="3.11.7",
            engine_build="python",
        )
        == 1
    )


def test_build_info_defaults_to_the_running_python(
    metrics: PipelineMetrics, registry: CollectorRegistry
) -> None:
    metrics.set_build_info("0.1.0", "lexicon", "1.0")

    (python,) = label_values(registry, "build_info", "python")
    assert python.count(".") == 2


def test_ready_starts_at_zero_and_follows_the_flag(
    metrics: PipelineMetrics, registry: CollectorRegistry
) -> None:
    assert value(registry, "ready") == 0
    metrics.set_ready(True)
    assert value(registry, "ready") == 1
    metrics.set_ready(False)
    assert value(registry, "ready") == 0


@pytest.mark.parametrize(
    ("given", "labelled"),
    [
        (("travel", "booking"), ("travel", "booking")),
        (("travel", "unknown"), ("travel", "unknown")),
        (("travel", "onboarding"), ("travel", "other")),
        (("travel", "cust-8812"), ("travel", "other")),
        (("pets", "booking"), ("other", "other")),
        (("cust-8812", "unknown"), ("other", "other")),
    ],
)
def test_journey_and_stage_labels_come_only_from_configuration(
    metrics: PipelineMetrics, registry: CollectorRegistry, given: tuple[str, str], labelled: tuple[str, str]
) -> None:
    enrich(metrics, *given, experience="good", valence=0.25)
    journey_label, stage_label = labelled

    assert (
        value(
            registry, "stage_experiences_total", journey=journey_label, stage=stage_label, experience="good"
        )
        == 1
    )
    assert value(registry, "stage_valence", journey=journey_label, stage=stage_label) == 0.25


def test_unknown_experience_becomes_other(metrics: PipelineMetrics, registry: CollectorRegistry) -> None:
    enrich(metrics, experience="furious")

    assert (
        value(registry, "stage_experiences_total", journey="travel", stage="booking", experience="other") == 1
    )
    assert "furious" not in label_values(registry, "stage_experiences_total", "experience")


@given(
    journey=st.text(max_size=12) | st.sampled_from(list(JOURNEYS)),
    stage=st.text(max_size=12) | st.sampled_from(["booking", "check_in", "onboarding", "unknown"]),
    experience=st.text(max_size=8) | st.sampled_from(["good", "neutral", "bad"]),
)
def test_any_input_keeps_stage_labels_inside_the_bounded_set(
    journey: str, stage: str, experience: str
) -> None:
    registry = CollectorRegistry()
    metrics = PipelineMetrics(registry, JOURNEYS)
    enrich(metrics, journey, stage, experience=experience, valence=0.0)

    allowed_pairs = {(j, s) for j, stages in JOURNEYS.items() for s in (*stages, "unknown", "other")}
    allowed_pairs.add(("other", "other"))
    for family in registry.collect():
        for sample in family.samples:
            if "journey" in sample.labels:
                assert (sample.labels["journey"], sample.labels["stage"]) in allowed_pairs
            if "experience" in sample.labels:
                assert sample.labels["experience"] in {"good", "neutral", "bad", "other"}


def test_stage_valence_half_life_is_counted_in_events(registry: CollectorRegistry) -> None:
    metrics = PipelineMetrics(registry, JOURNEYS, valence_half_life_events=10)
    enrich(metrics, valence=-1.0)
    for _ in range(10):
        enrich(metrics, valence=1.0)

    # After one half-life the first event's distance from +1 has halved: -1 -> 0.
    assert value(registry, "stage_valence", journey="travel", stage="booking") == pytest.approx(0.0)


def test_stage_valence_is_per_stage(metrics: PipelineMetrics, registry: CollectorRegistry) -> None:
    enrich(metrics, "travel", "booking", valence=-0.8)
    enrich(metrics, "travel", "check_in", valence=0.6)

    assert value(registry, "stage_valence", journey="travel", stage="booking") == -0.8
    assert value(registry, "stage_valence", journey="travel", stage="check_in") == 0.6
    assert value(registry, "stage_valence", journey="banking", stage="onboarding") is None


def test_half_life_must_be_positive(registry: CollectorRegistry) -> None:
    with pytest.raises(ValueError, match="valence_half_life_events"):
        PipelineMetrics(registry, JOURNEYS, valence_half_life_events=0)


def test_future_events_and_non_finite_values_do_not_corrupt_histograms(
    metrics: PipelineMetrics, registry: CollectorRegistry
) -> None:
    enrich(metrics, age_s=-30.0, latency_s=math.nan, valence=math.nan)

    assert value(registry, "event_age_seconds_bucket", le=str(EVENT_AGE_BUCKETS[0])) == 1
    assert value(registry, "event_age_seconds_sum") == 0
    assert value(registry, "enrichment_latency_seconds_count") == 0
    assert value(registry, "stage_valence", journey="travel", stage="booking") is None
    assert value(registry, "events_total", outcome="enriched") == 1


def test_event_age_buckets_span_a_tenth_of_a_second_to_thirty_days() -> None:
    assert EVENT_AGE_BUCKETS[0] == 0.1
    assert EVENT_AGE_BUCKETS[-1] == 30 * 86400
    assert list(EVENT_AGE_BUCKETS) == sorted(set(EVENT_AGE_BUCKETS))


def test_metrics_are_declared_on_the_given_registry_only(registry: CollectorRegistry) -> None:
    PipelineMetrics(registry, JOURNEYS)
    with pytest.raises(ValueError, match="Duplicated timeseries"):
        PipelineMetrics(registry, JOURNEYS)
    PipelineMetrics(CollectorRegistry(), JOURNEYS)


def exercise_every_verb(recorder: MetricsRecorder) -> None:
    recorder.event_enriched("travel", "booking", "bad", valence=-0.4, latency_s=0.0003, age_s=12.0)
    recorder.event_enriched("pets", "vet", "odd", valence=0.4, latency_s=0.0003, age_s=12.0)
    recorder.event_invalid("not_json")
    recorder.event_invalid("gremlins")
    recorder.event_duplicate()
    recorder.event_late()
    recorder.alert_emitted("at_risk")
    recorder.alert_suppressed("churn_threshold")
    recorder.window_emitted()
    recorder.set_customer_levels({"ok": 5, "at_risk": 1, "weird": 1})
    recorder.set_consumer_lag("cx.interactions", 3, 42)
    recorder.set_build_info("0.1.0", "lexicon", "1.0")
    recorder.set_ready(True)


def test_series_names_cover_every_exposed_sample(
    metrics: PipelineMetrics, registry: CollectorRegistry
) -> None:
    exercise_every_verb(metrics)

    exposed = {sample.name for family in registry.collect() for sample in family.samples}
    assert exposed <= metrics.series_names()
    assert all(name.startswith(P) for name in metrics.series_names())


def test_null_metrics_and_pipeline_metrics_offer_exactly_the_port_verbs(metrics: PipelineMetrics) -> None:
    verbs = {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(MetricsRecorder, inspect.isfunction)
        if not name.startswith("_")
    }
    for implementation in (PipelineMetrics, NullMetrics):
        for name, signature in verbs.items():
            assert inspect.signature(getattr(implementation, name)) == signature, (implementation, name)
    assert isinstance(metrics, MetricsRecorder)
    assert isinstance(NullMetrics(), MetricsRecorder)
    exercise_every_verb(NullMetrics())


def test_exposition_passes_promtool_check_metrics(
    metrics: PipelineMetrics, registry: CollectorRegistry
) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (Debian/Ubuntu package 'prometheus'); exposition lint not run")
    exercise_every_verb(metrics)

    result = subprocess.run(
        [promtool, "check", "metrics"],
        input=generate_latest(registry),
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, (result.stdout + result.stderr).decode()
