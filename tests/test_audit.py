"""The label audit's rules, each on a real sample it must reject (tests/data/audit/<rule>*.json: samples
made by `funreason synthesize --seed 11` before the audit existed, cut after the offending turn), on the
same sample repaired the way the rule asks, and on real samples that pass every rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funreason_envs.synthesis.audit import (
    AUDIT_RULES,
    audit_sample,
    evidence_for,
    undo_pairs,
)
from funreason_envs.synthesis.outcomes import result_failed
from funreason_envs.synthesis.record import Sample

DATA = Path(__file__).parent / "data" / "audit"


def load(name: str) -> Sample:
    return Sample.model_validate_json((DATA / f"{name}.json").read_text())


def findings(sample: Sample, rule: str) -> list[str]:
    return AUDIT_RULES[rule](evidence_for(sample))


def user_message(sample: Sample, turn: int) -> dict:
    return [m for m in sample.messages if m["role"] == "user"][turn]


def closing_message(sample: Sample, turn: int) -> dict:
    """The closing assistant message of user turn `turn`."""
    users = [i for i, m in enumerate(sample.messages) if m["role"] == "user"]
    end = users[turn + 1] if turn + 1 < len(users) else len(sample.messages)
    return sample.messages[end - 1]


@pytest.mark.parametrize(
    ("fixture", "rule", "expected"),
    [
        ("failed_call", "failed_call", "unfollow_user fails"),
        ("failed_call_untold", "failed_call", "follow_user failed and the next text does not say so"),
        ("same_turn_undo", "same_turn_undo", "delete_message undoes send_message"),
        ("unrelated_goals", "unrelated_goals", "goals in trading, vehicle are unrelated"),
        ("unit_mismatch", "unit_mismatch", "budget_limit is in USD; compute_exchange_rate gave EUR"),
        ("clarification_words", "clarification_words", "parameter name 'user_id'"),
        ("tool_semantics_echo", "tool_semantics", "echo prints an earlier result"),
        (
            "tool_semantics_rename",
            "tool_semantics",
            "'rename' 'survey_data.csv' moves it into folder 'reports'",
        ),
        ("repeated_call", "repeated_call", "turn 3: gallon_to_liter repeats turn 2's call and result"),
        ("no_effect", "no_effect", "turn 1: message_login changes nothing"),
    ],
)
def test_each_rule_rejects_its_real_offender(fixture, rule, expected):
    sample = load(fixture)
    problems = findings(sample, rule)
    assert any(expected in problem for problem in problems), problems
    assert rule in audit_sample(sample)


def test_real_good_samples_pass_every_rule():
    rows = (DATA / "good.jsonl").read_text().splitlines()
    samples = [Sample.model_validate_json(row) for row in rows]
    assert {kind for s in samples for kind in (t.kind for t in s.turns)} >= {
        "normal",
        "vague",
        "clarification",
    }
    assert any(len(s.domains) > 1 for s in samples)
    for sample in samples:
        assert audit_sample(sample) == {}, sample.id


def test_a_failure_the_turn_is_about_passes_only_when_told():
    sample = load("failed_call")  # turn 4 unfollows an account that is not followed
    sample.turns[4].expects_failure = True
    assert any("answer does not say so" in p for p in findings(sample, "failed_call"))
    for message in sample.messages[[i for i, m in enumerate(sample.messages) if m["role"] == "user"][4] :]:
        if message["role"] == "assistant":
            message["reasoning_content"] = "The unfollow did not go through: unfollow_status is false."
    closing_message(sample, 4)["content"] = "I couldn't unfollow that account: you were not following it."
    assert findings(sample, "failed_call") == []


def test_an_undo_with_a_stated_reason_passes():
    sample = load("same_turn_undo")
    sample.turns[0].stated_reason = "the user sent it to the wrong person by mistake"
    assert findings(sample, "same_turn_undo") == []


def test_unrelated_goals_pass_with_a_reason_and_a_single_domain_turn_passes():
    sample = load("unrelated_goals")
    assert findings(sample, "unrelated_goals") == ["turn 2: goals in trading, vehicle are unrelated"]
    sample.turns[2].stated_reason = "checking the car and the portfolio before a trip"
    assert findings(sample, "unrelated_goals") == []


def test_an_amount_in_another_currency_stated_by_the_user_is_caught():
    sample = load("same_turn_undo")  # any sample: the rule reads the travel spec's "in USD"
    evidence = evidence_for(load("unit_mismatch"))
    turn = evidence.sample.turns[0]
    (flow,) = [f for f in turn.flows if f.argument == "budget_limit"]
    turn.flows.remove(flow)  # no recorded conversion: the user typed the amount
    call = evidence.sample.task.ground_truth[0][flow.target_call]
    amount = call.arguments["budget_limit"]
    evidence.texts[0] = f"Cap my travel budget at {amount:g} euros."
    assert AUDIT_RULES["unit_mismatch"](evidence) == [
        f"turn 0: set_budget_limit.budget_limit is in USD; the user gave {amount} in EUR"
    ]
    evidence.texts[0] = f"Cap my travel budget at ${amount:g}."
    assert AUDIT_RULES["unit_mismatch"](evidence) == []
    assert sample.id  # the other fixture stays untouched


def test_a_clarification_in_a_users_words_passes_and_an_unused_value_is_caught():
    sample = load("clarification_words")
    clarification = user_message(sample, 1)
    assert "for the user id" in clarification["content"]
    for text in ("My account is USR001, sorry.", "Oh, it's the USR001 account."):
        sample.task.turns[1][0]["content"] = text
        assert findings(sample, "clarification_words") == [], text
    sample.task.turns[1][0]["content"] = "Use 874.883, sorry."
    assert findings(sample, "clarification_words") == [
        "turn 1: the clarification gives '874.883', which no call uses"
    ]


def test_echo_of_a_users_own_text_and_a_real_rename_pass():
    sample = load("tool_semantics_echo")
    turn = sample.turns[3]
    turn.flows = [flow for flow in turn.flows if flow.argument != "content"]  # the user dictated the text
    assert findings(sample, "tool_semantics") == []
    rename = load("tool_semantics_rename")
    rename.task.turns[0][0]["content"] = rename.task.turns[0][0]["content"].replace("Rename", "Move")
    assert findings(rename, "tool_semantics") == []


def test_a_repeat_that_changes_something_passes_and_a_new_question_passes():
    # seed 4242, before the rule: deleting Jamal's newest message twice deletes two messages
    sample = load("repeated_call_new_effect")
    calls = sample.task.ground_truth
    assert calls[2][0].name == calls[0][2].name == "delete_message"
    assert calls[2][0].arguments == calls[0][2].arguments
    assert findings(sample, "repeated_call") == []
    repeat = load("repeated_call")  # turn 3 converts the same 33.1 gallons turn 2 converted
    repeat.task.ground_truth[3][0].arguments["gallon"] = 41.1
    evidence = evidence_for(repeat)
    assert evidence.results[3][0] != evidence.results[2][1]
    assert AUDIT_RULES["repeated_call"](evidence) == []


def test_a_login_as_someone_else_changes_the_state():
    sample = load("no_effect")  # seed 4242: turn 1 logs in as USR001, who is logged in already
    (login,) = [call for call in sample.task.ground_truth[1] if call.name == "message_login"]
    login.arguments["user_id"] = "USR002"
    assert findings(sample, "no_effect") == []


def test_failure_detection_and_undo_pairs():
    assert result_failed('{"follow_status": false}')
    assert result_failed('{"error": "No such file"}') and result_failed("Error: bad call")
    assert result_failed('{"success": false, "message": "x"}')
    assert not result_failed('{"login_status": false}', changes_state=False)  # a status query's answer
    assert not result_failed('{"follow_status": true}') and not result_failed("[1, 2]")
    calls = [
        ("follow_user", {"username_to_follow": "ana"}),
        ("post_tweet", {"content": "hi"}),
        ("unfollow_user", {"username_to_unfollow": "ana"}),
        ("unfollow_user", {"username_to_unfollow": "bob"}),
    ]
    assert undo_pairs(calls) == [(0, 2)]
    assert undo_pairs([("setHeadlights", {"mode": "on"}), ("setHeadlights", {"mode": "off"})]) == [(0, 1)]
    assert undo_pairs([("setHeadlights", {"mode": "on"}), ("setHeadlights", {"mode": "auto"})]) == []
    assert undo_pairs([("book_flight", {"card_id": "c"}), ("cancel_booking", {"booking_id": "b"})]) == [
        (0, 1)
    ]


def test_fixtures_are_real_replayable_samples():
    from funreason_envs.synthesis.verify import verify_sample

    for path in sorted(DATA.glob("*.json")):
        sample = Sample.model_validate(json.loads(path.read_text()))
        assert verify_sample(sample) == [], path.name
