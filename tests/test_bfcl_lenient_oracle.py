"""Verdict parity on mistyped calls: BFCL scoring runs what bfcl-eval runs.

Each response is a ground truth with one argument given a type the spec does not declare. bfcl-eval
evaluates such calls; our BFCL scoring (the checker, `MultiTurn-v0` without `strict`) runs them too.
Numeric mix-ups (a float for an integer, an integer for a float, a bool for a number) must give
bfcl-eval's very result strings and verdict; exotic ones (a list, a number or None for a string, a
string for a float, a dict for a list) must give its verdict (the error texts of such failures may differ).
"""

from __future__ import annotations

import random

import pytest

from funreason_envs.calls import ToolCall
from funreason_envs.checker import check_task, execute_responses
from funreason_envs.tasks.bfcl import bfcl_entry_to_task
from tests.support.oracle import bfcl_execute, bfcl_verdict, load_category, supported


def mistyped(value: object, rng: random.Random) -> tuple[object, bool] | None:
    """(a value of another type, whether the mix-up is exotic), or None."""
    if isinstance(value, bool):
        return int(value), False
    if isinstance(value, int):
        return rng.choice([float(value), value + 0.5]), False
    if isinstance(value, float):
        return (int(value), False) if value.is_integer() else (str(value), True)
    if isinstance(value, str):
        return rng.choice([[value], None, 0]), True
    if isinstance(value, list):  # not a tuple: a tuple literal is read as a list here (see the README)
        return {str(i): v for i, v in enumerate(value)}, True
    return None


def responses(task, rng: random.Random, per_task: int) -> list[tuple[list[list[list[str]]], bool]]:
    """Ground truths with one argument mistyped, as per-turn single-step call-string lists (and whether
    the mix-up is exotic)."""
    made = []
    spots = [
        (turn, position, key)
        for turn, calls in enumerate(task.ground_truth)
        for position, call in enumerate(calls)
        for key in call.arguments
    ]
    for turn, position, key in rng.sample(spots, min(per_task, len(spots))):
        turns = [[call.to_call() for call in calls] for calls in task.ground_truth]
        call = turns[turn][position]
        change = mistyped(call.arguments[key], rng)
        if change is None:
            continue
        turns[turn][position] = ToolCall(call.name, {**call.arguments, key: change[0]})
        made.append(([[[c.to_python() for c in calls]] if calls else [] for calls in turns], change[1]))
    return made


@pytest.mark.parametrize("category", ["multi_turn_base", "multi_turn_miss_param"])
def test_mistyped_calls_get_bfcl_evals_results_and_verdicts(category):
    rng = random.Random(category)
    entries = [(entry, truth) for entry, truth in load_category(category) if supported(entry)]
    compared, verdict_mismatches, result_mismatches = 0, [], []
    for entry, truth in rng.sample(entries, 60):
        task = bfcl_entry_to_task(entry, truth, category)
        for response, exotic in responses(task, rng, 2):
            outcome = execute_responses(task, response)
            ours = check_task(task, outcome).passed
            theirs = bfcl_verdict(entry, truth, response)
            compared += 1
            if ours != theirs:
                verdict_mismatches.append(f"{task.id}: ours={ours} bfcl={theirs} {response}")
            steps = [[call for step in turn for call in step] for turn in response]
            oracle = bfcl_execute(entry, steps, task.long_context)
            ours_results = [turn.results for turn in outcome]
            theirs_results = [results for results, _ in oracle]
            if not exotic and ours_results != theirs_results:
                result_mismatches.append(f"{task.id}: {ours_results} != {theirs_results}")
    assert compared >= 80
    assert not verdict_mismatches, "\n".join(verdict_mismatches[:10])
    assert not result_mismatches, "\n".join(result_mismatches[:10])
