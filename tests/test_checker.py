"""The checker's BFCL semantics and its opt-in extras, on hand-made episodes."""

from __future__ import annotations

import pytest

from funreason_envs.checker import (
    CheckOptions,
    TurnOutcome,
    check_task,
    diff_states,
    execute_ground_truth,
    execute_responses,
    missing_results,
)
from funreason_envs.tasks import load_tasks


@pytest.fixture
def task():
    return load_tasks("demo")[0]  # turn 0: cd, mkdir, cp; turn 1: wc


def responses(*turns):
    return [[list(step) for step in turn] for turn in turns]


def test_ground_truth_passes_against_itself(task):
    outcomes = execute_responses(
        task,
        responses(
            [
                [
                    "cd(folder='document')",
                    "mkdir(dir_name='backup')",
                    "cp(source='report.txt', destination='backup')",
                ]
            ],
            [["wc(file_name='report.txt', mode='l')"]],
        ),
    )
    report = check_task(task, outcomes)
    assert report.passed and report.score == 1.0 and report.reason is None


def test_steps_may_split_and_extra_read_only_calls_are_fine(task):
    outcomes = execute_responses(
        task,
        responses(
            [
                ["ls()", "cd(folder='document')"],
                ["mkdir(dir_name='backup')"],
                [],
                ["cp('report.txt', 'backup')"],
            ],
            [["pwd()"], ["wc(file_name='report.txt')"]],
        ),
    )
    assert check_task(task, outcomes).passed


def test_missing_state_change_is_a_state_mismatch_with_a_diff(task):
    outcomes = execute_responses(
        task,
        responses(
            [["cd(folder='document')", "mkdir(dir_name='backup')"]],
            [["wc(file_name='report.txt', mode='l')"]],
        ),
    )
    report = check_task(task, outcomes)
    assert not report.passed and report.reason == "instance_state_mismatch"
    (line,) = report.turns[0].state_diff
    assert line.startswith(
        "file_system.root.workspace.contents.document.contents.backup.contents.report.txt: missing "
        '(expected {"type": "file", "content": "Q1 revenue grew 4%'
    )
    assert report.turns[1].reason == "instance_state_mismatch"  # verdicts continue; the gap persists
    assert report.score == 0.0


def test_wrong_read_is_a_response_mismatch(task):
    outcomes = execute_responses(
        task,
        responses(
            [
                [
                    "cd(folder='document')",
                    "mkdir(dir_name='backup')",
                    "cp(source='report.txt', destination='backup')",
                ]
            ],
            [["wc(file_name='report.txt', mode='w')"]],
        ),
    )
    report = check_task(task, outcomes)
    assert report.reason == "execution_response_mismatch"
    assert report.turns[1].missing_results == ['{"count": 3, "type": "lines"}']


def test_no_call_in_a_non_empty_turn_fails(task):
    outcomes = execute_responses(
        task,
        responses(
            [
                [
                    "cd(folder='document')",
                    "mkdir(dir_name='backup')",
                    "cp(source='report.txt', destination='backup')",
                ]
            ],
            [[""]],
        ),
    )
    assert check_task(task, outcomes).reason == "empty_turn_model_response"


def test_turn_count_mismatch_is_force_terminated(task):
    outcomes = execute_responses(task, responses([["cd(folder='document')"]]))
    report = check_task(task, outcomes)
    assert report.reason == "force_terminated" and not report.passed


def test_empty_ground_truth_turns_are_not_checked_unless_strict():
    task = load_tasks("demo")[2]  # turn 0 has empty ground truth
    eager = execute_responses(
        task,
        responses(
            [["ls()"]], [["cd(folder='document')", "mv(source='notes.md', destination='notes_old.md')"]]
        ),
    )
    assert check_task(task, eager).passed
    strict = check_task(task, eager, options=CheckOptions(strict=True))
    assert strict.reason == "irrelevant_action"


def test_results_are_a_sub_multiset_across_turns():
    assert missing_results(["a", "a", "b"], ["b", "a", "c", "a"]) == []
    assert missing_results(["a", "a"], ["a", "b"]) == ["a"]


def test_numeric_tolerance_is_opt_in():
    assert diff_states({"x": 1.0000001}, {"x": 1.0}) != []
    assert diff_states({"x": 1.0000001}, {"x": 1.0}, tolerance=1e-6) == []
    assert missing_results(['{"v": 0.30000000000000004}'], ['{"v": 0.3}'], tolerance=1e-9) == []
    assert missing_results(['{"v": 0.30000000000000004}'], ['{"v": 0.3}']) != []


def test_ground_truth_execution_is_fresh_each_time(task):
    first, second = execute_ground_truth(task), execute_ground_truth(task)
    assert first == second
    assert isinstance(first[0], TurnOutcome) and first[0].made_calls
