"""The recommended-action playbook (SPEC 7): the right human action per emotion, sooner when urgent."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.errors import ConfigurationError
from pipeline.domain.playbook import HUMAN_CHANNELS, load_playbook, parse_playbook
from pipeline.domain.plutchik import PRIMARY_DYADS, PRIMARY_EMOTIONS, Emotion
from pipeline.domain.records import AlertTransition, iso_duration_seconds

BUILTIN = load_playbook()


BUILTIN_CASES: list[tuple[Emotion | None, tuple[str, ...], AlertTransition | None, str, str, str]] = [
    ("anger", (), "at_risk", "senior_agent_call", "phone", "PT1H"),
    ("fear", (), "at_risk", "reassurance_call_with_timeline", "phone", "PT2H"),
    ("sadness", (), "churn_threshold", "empathetic_personal_follow_up", "phone", "PT4H"),
    ("disgust", (), "at_risk", "escalate_root_cause", "phone", "PT4H"),
    ("surprise", (), "at_risk", "patient_explanation", "chat", "PT4H"),
    (None, (), "at_risk", "personal_check_in", "phone", "PT8H"),
    ("joy", (), "at_risk", "personal_follow_up", "phone", "PT8H"),
    ("anticipation", (), None, "personal_follow_up", "phone", "PT8H"),
    # Dyads are more specific than the dominant emotion.
    ("anger", ("contempt",), "at_risk", "senior_agent_call_escalate", "phone", "PT30M"),
    ("fear", ("awe",), "at_risk", "reassurance_call_with_timeline", "phone", "PT1H"),
    ("sadness", ("remorse",), "at_risk", "empathetic_follow_up_with_explanation", "phone", "PT4H"),
    # A recovery gets its own thank-you, whatever the emotion.
    ("anger", ("contempt",), "recovered", "personal_thank_you", "email", "P1D"),
    (None, (), "recovered", "personal_thank_you", "email", "P1D"),
]


@pytest.mark.parametrize("case", BUILTIN_CASES)
def test_builtin_actions(
    case: tuple[Emotion | None, tuple[str, ...], AlertTransition | None, str, str, str],
) -> None:
    dominant, dyads, transition, action, channel, respond_within = case
    recommended = BUILTIN.recommend(dominant, dyads=dyads, transition=transition)
    assert (recommended.action, recommended.channel, recommended.respond_within) == (
        action, channel, respond_within
    )
    assert recommended.respond_within_seconds == iso_duration_seconds(respond_within)
    assert recommended.description
    assert recommended.description_zh


@pytest.mark.parametrize(
    ("urgency", "respond_within", "seconds"),
    [(0.0, "PT1H", 3600), (0.5, "PT37M", 2220), (1.0, "PT15M", 900), (7.0, "PT15M", 900),
     (-1.0, "PT1H", 3600)],
)
def test_urgency_shortens_the_response_time(urgency: float, respond_within: str, seconds: int) -> None:
    recommended = BUILTIN.recommend("anger", urgency=urgency)
    assert (recommended.respond_within, recommended.respond_within_seconds) == (respond_within, seconds)


def test_urgency_never_goes_below_the_minimum() -> None:
    recommended = BUILTIN.recommend("anger", dyads=("aggressiveness",), urgency=1.0)
    assert recommended.respond_within == "PT10M"


@given(
    dominant=st.none() | st.sampled_from(PRIMARY_EMOTIONS),
    dyads=st.lists(st.sampled_from(list(PRIMARY_DYADS)), max_size=3),
    urgency=st.floats(min_value=0, max_value=1),
    transition=st.none() | st.sampled_from(["at_risk", "churn_threshold", "recovered"]),
)
def test_every_case_gets_a_human_action_and_urgency_only_shortens(
    dominant: Emotion | None, dyads: list[str], urgency: float, transition: AlertTransition | None
) -> None:
    calm = BUILTIN.recommend(dominant, dyads=dyads, transition=transition)
    urgent = BUILTIN.recommend(dominant, dyads=dyads, urgency=urgency, transition=transition)
    assert urgent.channel in HUMAN_CHANNELS
    assert urgent.action == calm.action
    assert urgent.respond_within_seconds <= calm.respond_within_seconds


RULE = "    action: call\n    description: Call.\n    channel: phone\n    respond_within: PT1H\n"
CATCH_ALL = "  - action: other\n    description: Other.\n    channel: email\n    respond_within: P1D\n"


def test_custom_playbook_with_urgency_tiers(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yaml"
    path.write_text(
        textwrap.dedent("""\
            urgency: {shortening: 0.0, minimum: PT1M}
            rules:
              - when: {emotion: [anger, disgust], min_urgency: 0.7}
                action: call_now
                description: Call now.
                description_zh: 立即致电。
                channel: phone
                respond_within: PT5M
              - when: {emotion: [anger, disgust]}
                action: call_today
                description: Call today.
                channel: phone
                respond_within: PT8H
              - when: {emotion: none}
                action: email_today
                description: Email.
                channel: email
                respond_within: PT8H
            """) + CATCH_ALL,
        encoding="utf-8",
    )
    playbook = load_playbook(path)
    assert playbook.recommend("disgust", urgency=0.9).action == "call_now"
    assert playbook.recommend("disgust", urgency=0.9).description_zh == "立即致电。"
    assert playbook.recommend("anger", urgency=0.2).action == "call_today"
    assert playbook.recommend("anger", urgency=0.2).description_zh is None
    assert playbook.recommend(None).action == "email_today"
    assert playbook.recommend("joy").action == "other"


def single(action: str = "call", channel: str = "phone", respond_within: str = "PT1H") -> str:
    return (
        f"rules:\n  - action: {action}\n    description: C.\n    channel: {channel}\n"
        f"    respond_within: {respond_within}\n"
    )


def guarded(when: str) -> str:
    return f"rules:\n  - when: {when}\n{RULE}{CATCH_ALL}"


BAD_PLAYBOOKS: list[tuple[str, str, int, str]] = [
    ("empty", "", 1, "empty"),
    ("no rules key", "urgency: {shortening: 0.5}\n", 1, "needs the key 'rules'"),
    ("empty rules", "rules: []\n", 1, "at least one rule"),
    ("unknown top key", "rule: []\n", 1, "unknown key 'rule'"),
    ("ivr channel", single(channel="ivr"), 4, "not one where a human answers"),
    ("bot channel", single(channel="bot"), 4, "not one where a human answers"),
    ("self-service channel", single(channel="app"), 4, "not one where a human answers"),
    ("bad duration", single(respond_within="1h"), 5, "not an ISO 8601 duration"),
    ("zero duration", single(respond_within="PT0S"), 5, "longer than zero"),
    ("bad action code", single(action="Call Now"), 2, "not a valid identifier"),
    ("missing description", "rules:\n  - action: call\n    channel: phone\n    respond_within: PT1H\n", 2,
     "needs the key 'description'"),
    ("unknown emotion", guarded("{emotion: rage}"), 2, "unknown emotion 'rage'"),
    ("unknown dyad", guarded("{dyad: [love, hate]}"), 2, "unknown dyad 'hate'"),
    ("unknown transition", guarded("{transition: lost}"), 2, "unknown transition 'lost'"),
    ("unknown condition", guarded("{mood: bad}"), 2, "unknown key 'mood'"),
    ("urgency out of range", guarded("{min_urgency: 2}"), 2, "between 0 and 1"),
    ("no catch-all", f"rules:\n  - when: {{emotion: anger}}\n{RULE}", 2, "last rule must have no 'when'"),
    ("unreachable rule", f"rules:\n{CATCH_ALL}  - when: {{emotion: anger}}\n{RULE}", 6, "unreachable rule"),
    ("shortening as text", f"urgency: {{shortening: lots}}\nrules:\n{CATCH_ALL}", 1, "must be a number"),
]


@pytest.mark.parametrize(("text", "line", "problem"), [case[1:] for case in BAD_PLAYBOOKS],
                         ids=[case[0] for case in BAD_PLAYBOOKS])
def test_bad_playbook_is_refused_with_line_and_problem(text: str, line: int, problem: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        parse_playbook(text, "conf/playbook.yaml")
    assert refused.value.setting == f"conf/playbook.yaml:{line}"
    assert problem in refused.value.problem


def test_missing_playbook_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as refused:
        load_playbook(tmp_path / "absent.yaml")
    assert refused.value.setting == str(tmp_path / "absent.yaml")
