"""The multi-turn task env: turn flow, held-out tools, step limits, rewards, isolation."""

from __future__ import annotations

import threading

import gymnasium as gym
import pytest
from funreason_envs.agents.replay import ReplayAgent
from funreason_envs.agents.rollout import rollout

import funreason_envs  # noqa: F401
from funreason_envs.errors import ConfigError
from funreason_envs.multiturn import MultiTurnEnv
from funreason_envs.tasks import NEW_TOOLS_NOTICE, load_tasks

DONE = {"role": "assistant", "content": "Done."}


def tool_names(info):
    return {tool["function"]["name"] for tool in info["tools"]}


def test_turns_arrive_in_order_and_the_episode_is_scored():
    env = gym.make("FunReason/MultiTurn-v0")
    obs, info = env.reset(options={"task": "demo_file_system_0"})
    assert obs["content"].startswith("Inside the document folder")
    env.step(
        "[cd(folder='document'), mkdir(dir_name='backup'), cp(source='report.txt', destination='backup')]"
    )
    obs, reward, terminated, truncated, info = env.step(DONE)
    assert obs["content"] == "Now tell me how many lines the original report has."
    assert (reward, terminated, truncated) == (0.0, False, False)
    assert info["check"]["turns"][0]["passed"] is True
    env.step("wc(file_name='report.txt')")
    obs, reward, terminated, truncated, info = env.step(DONE)
    assert (reward, terminated) == (1.0, True) and info["check"]["passed"] is True


def test_a_failed_turn_shows_a_readable_diff():
    env = gym.make("FunReason/MultiTurn-v0")
    env.reset(options={"task": "demo_file_system_0"})
    env.step("[cd(folder='document'), mkdir(dir_name='copy')]")
    _, _, _, _, info = env.step(DONE)
    turn = info["check"]["turns"][0]
    assert turn["reason"] == "instance_state_mismatch"
    assert any(".backup: missing" in line for line in turn["state_diff"])
    assert any(".copy: unexpected" in line for line in turn["state_diff"])


def test_held_out_tools_appear_at_their_turn():
    env = gym.make("FunReason/MultiTurn-v0")
    _, info = env.reset(options={"task": "demo_file_system_1"})
    assert "tail" not in tool_names(info)
    assert not env.action_space.contains({"name": "tail", "arguments": {"file_name": "log.txt"}})
    obs, _, _, _, info = env.step(DONE)
    assert obs["content"] == NEW_TOOLS_NOTICE and "tail" in tool_names(info)


def test_hidden_tools_are_callable_as_in_bfcl_but_refused_in_strict_mode():
    lenient = MultiTurnEnv("demo")
    lenient.reset(options={"task": "demo_file_system_1"})
    obs, *_ = lenient.step("tail(file_name='log.txt', lines=1)")
    assert obs["tool_results"][0]["status"] == "ok"
    strict = MultiTurnEnv("demo", strict=True)
    strict.reset(options={"task": "demo_file_system_1"})
    obs, *_ = strict.step("tail(file_name='log.txt', lines=1)")
    assert obs["tool_results"][0]["content"] == "Error: tool 'tail' is not available at this point"
    _, _, _, _, info = strict.step(DONE)
    assert info["check"]["turns"][0]["reason"] == "irrelevant_action"


def test_step_limit_truncates_and_fails_as_force_terminated():
    env = MultiTurnEnv("demo", max_steps_per_turn=3)
    env.reset(options={"task": "demo_file_system_0"})
    for _ in range(3):
        _, _, _, truncated, _ = env.step("ls()")
        assert not truncated
    _, reward, terminated, truncated, info = env.step("ls()")
    assert truncated and not terminated and reward == 0.0
    assert info["check"]["reason"] == "force_terminated"
    with pytest.raises(gym.error.ResetNeeded):
        env.step("ls()")


def test_step_limit_in_the_last_turn_is_checked_normally_as_in_bfcl():
    env = MultiTurnEnv("demo", max_steps_per_turn=2)
    env.reset(options={"task": "demo_file_system_2"})
    env.step(DONE)
    env.step("cd(folder='document')")
    env.step("mv(source='notes.md', destination='notes_old.md')")
    _, reward, _, truncated, info = env.step("pwd()")
    assert truncated and reward == 1.0 and info["check"]["passed"] is True


@pytest.mark.parametrize(
    ("mode", "rewards"), [("final", [0.0, 0.0]), ("turn", [0.0, 1.0]), ("partial", [0.0, 0.5])]
)
def test_reward_modes(mode, rewards):
    env = MultiTurnEnv("demo", reward_mode=mode)
    env.reset(options={"task": "demo_file_system_0"})
    env.step("[cd(folder='document'), mkdir(dir_name='backup')]")  # turn 0 misses the copy
    first = env.step(DONE)[1]
    env.step("[cp(source='report.txt', destination='backup'), wc(file_name='report.txt')]")
    second = env.step(DONE)[1]
    assert [first, second] == rewards


def test_task_choice_and_errors():
    env = MultiTurnEnv("demo")
    seen = {env.reset(seed=seed)[1]["task_id"] for seed in range(12)}
    assert seen == {"demo_file_system_0", "demo_file_system_1", "demo_file_system_2"}
    assert env.reset(seed=3)[1]["task_id"] == env.reset(seed=3)[1]["task_id"]
    task = load_tasks("demo")[0]
    assert env.reset(options={"task": task.model_dump()})[1]["task_id"] == task.id
    with pytest.raises(ConfigError, match="no task with id 'nope'"):
        env.reset(options={"task": "nope"})
    with pytest.raises(ConfigError, match=r"unknown reset option\(s\) \['initial_config'\]"):
        env.reset(options={"initial_config": {}})
    with pytest.raises(ConfigError, match="reward_mode 'best'"):
        MultiTurnEnv("demo", reward_mode="best")


def test_concurrent_envs_on_the_same_task_keep_separate_state():
    task = load_tasks("demo")[0]
    barrier = threading.Barrier(2)
    states = {}

    def play(name, folder):
        env = MultiTurnEnv([task], max_steps_per_turn=1000)
        env.reset(options={"task": task.id})
        barrier.wait()
        for _ in range(50):
            env.step(f"mkdir(dir_name='{folder}')")
            env.step(f"rmdir(dir_name='{folder}')")
        env.step(f"mkdir(dir_name='{folder}')")
        states[name] = env.state_dict()["file_system"]["root"]["workspace"]["contents"]

    threads = [threading.Thread(target=play, args=(n, f)) for n, f in (("a", "only_a"), ("b", "only_b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "only_a" in states["a"] and "only_b" not in states["a"]
    assert "only_b" in states["b"] and "only_a" not in states["b"]


def test_replay_rollout_record_has_messages_states_and_verdicts():
    env = MultiTurnEnv("demo")
    record = rollout(env, ReplayAgent(), task=load_tasks("demo")[0])
    assert record.passed and record.reward == 1.0
    tool_messages = [m for m in record.messages if m["role"] == "tool"]
    assert tool_messages[-1]["content"] == '{"count": 3, "type": "lines"}'
    assert len(record.turns) == 2 and record.turns[1].passed
    assert (
        "backup"
        in record.turns[0].state["file_system"]["root"]["workspace"]["contents"]["document"]["contents"]
    )
