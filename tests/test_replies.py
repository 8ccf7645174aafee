"""Envs accept assistant messages as models write them: calls inside `content`, reasoning in `<think>`."""

from __future__ import annotations

import gymnasium as gym
import pytest

import funreason_envs  # noqa: F401
from funreason_envs.replies import normalize_reply

TURN_0 = [
    "cd(folder='document')",
    "mkdir(dir_name='backup')",
    "cp(source='report.txt', destination='backup')",
]
HERMES = (
    "<think>First into the folder, then copy.</think>\n"
    '<tool_call>{"name": "cd", "arguments": {"folder": "document"}}</tool_call>\n'
    '<tool_call>{"name": "mkdir", "arguments": {"dir_name": "backup"}}</tool_call>\n'
    '<tool_call>{"name": "cp", "arguments": {"source": "report.txt", "destination": "backup"}}</tool_call>'
)
PYTHON = "[" + ", ".join(TURN_0) + "]"
JSON = (
    '[{"name": "cd", "arguments": {"folder": "document"}}, {"name": "mkdir", "arguments": {"dir_name": '
    '"backup"}}, {"name": "cp", "arguments": {"source": "report.txt", "destination": "backup"}}]'
)


@pytest.mark.parametrize("content", [HERMES, PYTHON, JSON, [{"type": "text", "text": PYTHON}]])
def test_multi_turn_plays_a_task_from_calls_written_in_content(content):
    env = gym.make("FunReason/MultiTurn-v0")
    env.reset(options={"task": "demo_file_system_0"})
    obs, reward, terminated, _, info = env.step({"role": "assistant", "content": content})
    assert [call["name"] for call in info["calls"]] == ["cd", "mkdir", "cp"]
    assert [result["status"] for result in obs["tool_results"]] == ["ok", "ok", "ok"]
    assert not terminated
    obs, *_ = env.step({"role": "assistant", "content": "<think>All copied.</think>The backup is made."})
    assert obs["content"] == "Now tell me how many lines the original report has."
    env.step({"role": "assistant", "content": "wc(file_name='report.txt')"})
    _, reward, terminated, _, info = env.step({"role": "assistant", "content": "It has 3 lines."})
    assert (reward, terminated, info["check"]["passed"]) == (1.0, True, True)
    messages = env.unwrapped.messages
    assert messages[1]["tool_calls"][0]["function"]["name"] == "cd"
    assert messages[5] == {
        "role": "assistant",
        "content": "The backup is made.",
        "reasoning_content": "All copied.",
    }


def test_reasoning_content_and_think_are_both_kept():
    env = gym.make("FunReason/FileSystem-v0")
    env.reset(seed=0)
    message = {"role": "assistant", "content": "<think>look first</think>[ls()]", "reasoning_content": "plan"}
    obs, _, terminated, _, _ = env.step(message)
    assert obs["tool_results"][0]["name"] == "ls" and not terminated
    assert env.unwrapped.messages[-2]["reasoning_content"] == "plan\n\nlook first"
    assert env.unwrapped.messages[-2]["content"] is None


def test_plain_text_ends_a_free_play_episode():
    env = gym.make("FunReason/FileSystem-v0")
    env.reset(seed=0)
    _, _, terminated, _, info = env.step({"role": "assistant", "content": "Nothing more to do."})
    assert terminated and info["action_error"] is None and info["invalid_actions"] == 0


def test_unreadable_calls_end_the_turn_as_in_bfcl_and_are_counted_and_named():
    env = gym.make("FunReason/MultiTurn-v0")
    env.reset(options={"task": "demo_file_system_0"})
    broken = '<think>copy it</think><tool_call>{"name": "cd", "arguments": {</tool_call>'
    obs, _, terminated, _, info = env.step({"role": "assistant", "content": broken})
    assert obs["content"] == "Now tell me how many lines the original report has." and not terminated
    assert info["invalid_actions"] == 1 and "invalid JSON" in info["action_error"]
    assert info["check"]["turns"][0]["passed"] is False
    assert env.unwrapped.messages[-2]["reasoning_content"] == "copy it"


def test_a_call_string_with_a_think_block_is_read():
    env = gym.make("FunReason/FileSystem-v0")
    env.reset(seed=0)
    obs, _, terminated, _, _ = env.step('<think>list it</think>\n<tool_call>{"name": "pwd"}</tool_call>')
    assert obs["tool_results"][0]["name"] == "pwd" and not terminated


def test_normalize_reply_leaves_other_actions_alone():
    call = {"name": "ls", "arguments": {}}
    assert normalize_reply(call, {}) == (call, None)
    assert normalize_reply("ls()", {}) == ("ls()", None)
    reply, problem = normalize_reply({"role": "assistant", "content": "[cd(folder=)]"}, {})
    assert reply == {"role": "assistant", "content": "[cd(folder=)]"} and "invalid call syntax" in problem


REPLIES = (
    {"role": "assistant", "content": "Done."},
    {"role": "assistant", "content": "Done.", "reasoning_content": "checked", "name": "a"},
    {"role": "assistant", "content": "<think>all moved</think>Done."},
    {"role": "assistant", "content": "Done.", "tool_calls": []},
    {"role": "assistant", "content": "", "tool_calls": None},
    {"role": "assistant", "content": None, "tool_calls": [{"function": {"name": "ls", "arguments": "{}"}}]},
    {"role": "assistant", "content": None},
    {"role": "user", "content": "Done."},
    {"content": "Done."},
    {"role": "assistant", "content": "[ls(), pwd()]"},
    {"role": "assistant", "content": "[ls(, pwd()]"},
)


@pytest.mark.parametrize("reply", REPLIES)
def test_a_plain_dict_reply_reads_as_any_other_mapping_reads(reply):
    from types import MappingProxyType

    for _ in range(2):  # the second time, a reply without calls is read from the remembered ones
        fast = normalize_reply(reply, {})
        general = normalize_reply(MappingProxyType(reply), {})  # the general path
        assert fast == general
        if type(fast[0]) is dict:  # the same message, its keys in the same order
            assert list(fast[0].items()) == list(general[0].items())
        assert fast[0] is reply or type(fast[0]) is dict  # a new message, or the action unchanged
