"""Our verdict equals bfcl-eval's `multi_turn_checker` verdict on hundreds of wrong responses built
from the ground truth (drop a call, change an argument, add a state-changing call, move a call to
another turn, empty a turn), across BFCL's four multi-turn categories."""

from __future__ import annotations

import random

import pytest

from funreason_envs.calls import ToolCall
from funreason_envs.checker import check_task, execute_responses
from funreason_envs.domains import domain_class
from funreason_envs.tasks.bfcl import bfcl_entry_to_task
from tests.support.oracle import CATEGORIES, bfcl_verdict, load_category, supported

MUTATIONS = ("drop_call", "change_argument", "add_state_change", "move_call", "empty_turn")


def mutate(task, kind: str, rng: random.Random) -> list[list[list[str]]] | None:
    """A wrong response: per turn one step of call strings, or None when the mutation does not apply."""
    turns = [[call.to_call() for call in turn] for turn in task.ground_truth]
    filled = [index for index, turn in enumerate(turns) if turn]
    if not filled:
        return None
    index = rng.choice(filled)
    if kind == "drop_call":
        turns[index].pop(rng.randrange(len(turns[index])))
    elif kind == "change_argument":
        candidates = [(i, c) for i, c in enumerate(turns[index]) if c.arguments]
        if not candidates:
            return None
        position, call = rng.choice(candidates)
        key = rng.choice(sorted(call.arguments))
        turns[index][position] = ToolCall(call.name, {**call.arguments, key: changed(call.arguments[key])})
    elif kind == "add_state_change":
        mutating = [c for turn in turns for c in turn if mutates(task, c.name)]
        if not mutating:
            return None
        turns[index].append(rng.choice(mutating))
    elif kind == "move_call":
        if len(turns) < 2:
            return None
        call = turns[index].pop(rng.randrange(len(turns[index])))
        target = rng.choice([i for i in range(len(turns)) if i != index])
        turns[target].insert(rng.randrange(len(turns[target]) + 1), call)
    elif kind == "empty_turn":
        turns[index] = []
    return [[[call.to_python() for call in turn]] if turn else [] for turn in turns]


def changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "_x"
    if isinstance(value, list):
        return value[:-1] if value else ["extra"]
    return value


def mutates(task, name: str) -> bool:
    for domain in task.domains:
        table = domain_class(domain).tool_table()
        if name in table:
            return table[name].spec.mutates_state
    return False


@pytest.mark.parametrize("category", CATEGORIES)
def test_verdicts_match_bfcl_on_wrong_responses(category):
    rng = random.Random(category)
    entries = {entry["id"]: (entry, truth) for entry, truth in load_category(category) if supported(entry)}
    tasks = [bfcl_entry_to_task(entry, truth, category) for entry, truth in entries.values()]
    assert tasks, "no entry uses only implemented domains"
    disagreements, compared = [], 0
    for task in tasks:
        entry, truth = entries[task.id]
        for kind in rng.sample(MUTATIONS, 2):
            response = mutate(task, kind, rng)
            if response is None:
                continue
            ours = check_task(task, execute_responses(task, response)).passed
            theirs = bfcl_verdict(entry, truth, response)
            compared += 1
            if ours != theirs:
                disagreements.append(f"{task.id} {kind}: ours={ours} bfcl={theirs}")
    assert compared >= min(100, len(tasks))
    assert not disagreements, "\n".join(disagreements[:20])
