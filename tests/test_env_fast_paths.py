"""The env's per-step shortcuts return what a fresh env returns: verdicts dumped once per turn, results
kept across turns, visible-tool sets remembered, calls renumbered only when an id is missing."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from funreason_envs.multiturn import MultiTurnEnv
from funreason_envs.spaces import ToolCallSpace
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
        probes = [
            {"name": call.name, "arguments": call.arguments}
            for turn in range(len(task.turns))
            for call in task.turn_calls(turn)
        ]
        for turn in range(len(task.turns)):
            hidden = task.revealed_by(turn)
            names = [tool["function"]["name"] for tool in info["tools"]]
            assert names == [name for name in env.session.router.tool_name_tuple if name not in hidden]
            assert [tool.name for tool in env.action_space.tools] == names
            fresh = ToolCallSpace(env.action_space.tools)  # the space's name index, built anew
            for call in probes:  # every call of the task, hidden ones included
                assert env.action_space.contains(call) == fresh.contains(call) == (call["name"] in names)
            calls = task.turn_calls(turn)
            if calls:
                env.step([call.to_openai() for call in calls])
            _, _, terminated, _, info = env.step(DONE)
        assert terminated and info["check"]["passed"], task.id


FREE_PLAY_TEXTS = (
    "[ls(), pwd()]",
    "[cd(folder='document'), mkdir(dir_name='x')]",
    "ls()",
    "[mean(numbers=[1, 2, 3]), mean([4, 5])]",  # a positional argument, named by the parameter order
    '[{"name": "pwd", "arguments": {}, "id": "given"}, {"name": "ls", "arguments": {}}]',  # one id given
    "[no_such_tool(a=1), cd(folder=3), cd(nope='x')]",  # refused: unknown tool, mistyped, unknown argument
)


def _as_calls(text: str, env: Any) -> list[dict[str, Any]]:
    """The calls a text holds, sent as call dicts: the plain (non-text) path."""
    calls = env.unwrapped.session.parse(text)
    sent = [{"name": call.name, "arguments": call.arguments} for call in calls]
    return [{**entry, "id": call.id} if call.id else entry for entry, call in zip(sent, calls, strict=True)]


@pytest.mark.parametrize("lenient", [False, True])
def test_free_play_call_text_returns_what_the_same_calls_as_dicts_return(lenient):
    import gymnasium as gym

    from funreason_envs.env import ToolEnv

    class Lenient(ToolEnv):
        def _lenient_calls(self) -> bool:
            return lenient

    text_env, dict_env = Lenient("file_system,math"), Lenient("file_system,math")
    text_env.reset(seed=3), dict_env.reset(seed=3)
    for round_ in range(2):  # the second round runs on the prepared calls the first one cached
        for text in FREE_PLAY_TEXTS:
            by_text = text_env.step(text)
            by_dicts = dict_env.step(_as_calls(text, text_env))
            assert by_text == by_dicts, (round_, text)
    assert text_env.step("[]") == dict_env.step([])  # no calls: the episode ends as a reply
    assert text_env.messages == dict_env.messages
    assert text_env.state_dict() == dict_env.state_dict()
    assert [r.call for r in text_env.session.results] == [r.call for r in dict_env.session.results]
    # calls the text gave no id are numbered by step and position; a given id is kept
    ids = [r.call.id for r in text_env.session.results[:9]]
    assert ids[:3] == ["call_1_0", "call_1_1", "call_2_0"] and "given" in ids
    with pytest.raises(gym.error.ResetNeeded):  # the text path keeps the env's order checks
        Lenient("math").step("[mean(numbers=[1])]")


def test_unreadable_call_text_is_refused_and_changes_nothing():
    from funreason_envs.env import ToolEnv

    env = ToolEnv("file_system")
    env.reset(seed=0)
    before = env.state_dict()
    _, _, _, _, info = env.step("[cd(folder=")
    assert info["action_error"] and env.invalid_actions == 1 and env.state_dict() == before
    assert env.session.results == []


def test_a_prepared_call_takes_the_id_given_only_when_its_text_has_none():
    from funreason_envs.executor import ToolRouter
    from funreason_envs.session import Session

    session = Session.for_domains(["math"], {})
    router: ToolRouter = session.router
    (unnamed,) = router.prepare("mean(numbers=[1, 2])")
    (named,) = router.prepare('{"name": "mean", "arguments": {"numbers": [1, 2]}, "id": "mine"}')
    assert router.execute_prepared(unnamed, call_id="x").call.id == "x"
    assert router.execute_prepared(unnamed).call.id is None
    assert router.execute_prepared(named, call_id="x").call.id == "mine"
    results = session.execute_prepared([unnamed, named, unnamed], call_ids=["a", "b", None])
    assert [r.call.id for r in results] == ["a", "mine", None]
    assert session.results == results and [r.content for r in results] == ['{"result": 1.5}'] * 3
    assert unnamed.call.id is None  # the cached call is not changed


def _with_decoded_arguments(action: Any) -> Any:
    """The same message with each call's arguments as a dict: the plain (parsed) path reads it."""
    if not isinstance(action, dict) or not action.get("tool_calls"):
        return action
    entries = []
    for entry in action["tool_calls"]:
        function = entry["function"]
        try:
            decoded = json.loads(function["arguments"])
        except json.JSONDecodeError:  # unreadable: sent as it is, both envs refuse it
            decoded = function["arguments"]
        entries.append({**entry, "function": {**function, "arguments": decoded}})
    return {**action, "tool_calls": entries}


EXTRA_CALLS = (  # refused or odd calls, sent as JSON argument text before each turn's ground truth
    {"function": {"name": "no_such_tool", "arguments": "{}"}, "id": "x1"},
    {"function": {"name": "cd", "arguments": '{"folder": 3}'}},  # mistyped: run when lenient
    {"function": {"name": "cd", "arguments": '{"nope": "x"}'}},
    {"function": {"name": "ls", "arguments": '{"a": true}'}},
    {"function": {"name": "mean", "arguments": '{"numbers": [1, 2.5, {"a": [1]}]}'}},
    {"function": {"name": "ls", "arguments": "{bad json"}},  # unreadable: the whole action is refused
)


@pytest.mark.parametrize("strict", [False, True])
def test_openai_calls_with_argument_text_return_what_parsed_arguments_return(tasks, strict):
    text_env, dict_env = MultiTurnEnv(tasks, strict=strict), MultiTurnEnv(tasks, strict=strict)
    for round_ in range(2):  # the second round runs on the prepared calls the first one cached
        for task in tasks:
            assert text_env.reset(options={"task": task}) == dict_env.reset(options={"task": task})
            for index, action in enumerate(_actions(task, 0)):
                extra = EXTRA_CALLS[index % len(EXTRA_CALLS)]
                for sent in ({"role": "assistant", "content": "try", "tool_calls": [extra]}, action):
                    by_text = text_env.step(sent)
                    assert by_text == dict_env.step(_with_decoded_arguments(sent)), (round_, task.id, sent)
                    if by_text[2] or by_text[3]:
                        break
                if by_text[2] or by_text[3]:
                    break
            assert text_env.messages == dict_env.messages, task.id
            assert text_env.state_dict() == dict_env.state_dict(), task.id


def test_a_task_replayed_starts_from_its_own_config_whatever_the_last_episode_changed(tasks):
    env, fresh = MultiTurnEnv(tasks), MultiTurnEnv(tasks)
    task = tasks[0]
    env.reset(options={"task": task})
    env.initial_config.clear()  # the env's own copy: the task's kept plan is not changed
    replayed = env.reset(options={"task": task})
    assert replayed == fresh.reset(options={"task": task})
    assert env.state_dict() == fresh.state_dict() and env.initial_config == fresh.initial_config
