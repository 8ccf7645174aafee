"""The env's per-step shortcuts return what a fresh env returns: verdicts dumped once per turn, results
kept across turns, visible-tool sets remembered, calls renumbered only when an id is missing."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from funreason_envs.multiturn import MultiTurnEnv
from funreason_envs.tasks import Task, load_tasks

DONE = {"role": "assistant", "content": "Done."}


@pytest.fixture(scope="module")
def tasks() -> list[Task]:
    # held-out tools (reveals), several domains, long contexts: every shortcut is taken
    picked = load_tasks("bfcl:multi_turn_miss_func")[:12] + load_tasks("bfcl:multi_turn_base")[:6]
    return picked + load_tasks("bfcl:multi_turn_long_context")[:3]


def _actions(task: Task, variant: int) -> list[Any]:
    """One episode's actions: the ground truth as OpenAI calls (some without ids), a text reply closing
    each turn; variant 1 skips every other turn's calls and variant 2 sends an unreadable action
    first, so failing verdicts (state diffs, missing results) and refusals are covered too."""
    actions: list[Any] = []
    for index in range(len(task.turns)):
        calls = task.turn_calls(index)
        if variant == 2 and index == 0:
            actions.append({"role": "assistant", "tool_calls": [{"function": {"name": 7}}]})
        if calls and not (variant == 1 and index % 2):
            entries = [call.to_openai() for call in calls]
            tool_calls = [
                {**entry, "id": f"c{index}_{n}"} if n % 2 else {"function": entry["function"]}
                for n, entry in enumerate(entries)
            ]
            actions.append({"role": "assistant", "content": None, "tool_calls": tool_calls})
        actions.append(DONE)
    return actions


def _play(env: MultiTurnEnv, task: Task, variant: int) -> list[Any]:
    """Every return of one episode, deep-copied when returned (a later step must not change them)."""
    returns = [copy.deepcopy(env.reset(options={"task": task}))]
    for action in _actions(task, variant):
        returned = env.step(action)
        info = returned[4]
        if "turns" in info["check"]:
            assert info["check"]["turns"] == [verdict.model_dump() for verdict in env.verdicts]
        else:
            assert info["check"] == env.report.model_dump()
        returns.append(copy.deepcopy(returned))
        for turn in info["check"].get("turns", ()):  # the caller's own copy: changing it changes nothing
            turn["missing_results"].append("changed")
            turn["state_diff"].append("changed")
            turn["reason"] = "changed"
        if returned[2] or returned[3]:
            break
    return returns


@pytest.mark.parametrize("variant", [0, 1, 2])
def test_a_reused_env_returns_what_a_fresh_env_returns(tasks, variant):
    reused = MultiTurnEnv(tasks)
    for _ in range(2):  # the second round runs on every cache the first one filled
        for task in tasks:
            fresh = _play(MultiTurnEnv([task]), task, variant)
            assert _play(reused, task, variant) == fresh, task.id


def test_the_tools_shown_follow_the_reveals_of_each_task(tasks):
    env = MultiTurnEnv(tasks)
    for task in tasks[:12]:
        _, info = env.reset(options={"task": task})
        for turn in range(len(task.turns)):
            hidden = task.revealed_by(turn)
            names = [tool["function"]["name"] for tool in info["tools"]]
            assert names == [name for name in env.session.router.tool_name_tuple if name not in hidden]
            calls = task.turn_calls(turn)
            if calls:
                env.step([call.to_openai() for call in calls])
            _, _, terminated, _, info = env.step(DONE)
        assert terminated and info["check"]["passed"], task.id
