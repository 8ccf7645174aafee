"""RandomAgent: schema-valid calls of visible tools only, reproducible from its seed, sometimes text."""

from __future__ import annotations

import gymnasium as gym
import pytest

import funreason_envs  # noqa: F401  (registers the envs)
from funreason_envs.agents import Agent, RandomAgent
from funreason_envs.bfcl_docs import bfcl_tools
from funreason_envs.calls import parse_calls
from funreason_envs.errors import ConfigError
from funreason_envs.schema import compile_schema
from tests.support.oracle import require_bfcl


def play(agent: RandomAgent, steps: int = 60) -> list[dict]:
    env = gym.make("FunReason/FileSystem-v0")
    observation, info = env.reset(seed=0)
    agent.reset(info["tools"])
    actions: list[dict] = []
    for _ in range(steps):
        action = agent.act(observation)
        actions.append(action)
        observation, _, terminated, truncated, info = env.step(action)
        assert info["action_error"] is None
        assert all(call["status"] != "invalid" for call in info["calls"]), info["calls"]
        if terminated or truncated:
            observation, info = env.reset()
            agent.reset(info["tools"])
    return actions


def test_calls_are_valid_and_text_replies_end_episodes():
    assert isinstance(RandomAgent(), Agent)
    actions = play(RandomAgent(seed=1))
    replies = [action for action in actions if "tool_calls" not in action]
    calls = [call for action in actions for call in action.get("tool_calls", [])]
    assert replies and all(isinstance(reply["content"], str) for reply in replies)
    assert len({call["function"]["name"] for call in calls}) > 5
    assert max(len(action.get("tool_calls", [])) for action in actions) == 3


def test_the_seed_fixes_the_run():
    assert play(RandomAgent(seed=4), 30) == play(RandomAgent(seed=4), 30)
    assert play(RandomAgent(seed=4), 30) != play(RandomAgent(seed=5), 30)


def test_sampled_arguments_fit_every_bfcl_schema():
    require_bfcl()
    tools = bfcl_tools(["GorillaFileSystem", "MathAPI", "MessageAPI", "TwitterAPI", "TicketAPI"])
    tools += bfcl_tools(["TradingBot", "TravelAPI", "VehicleControlAPI"])
    checkers = {tool["function"]["name"]: compile_schema(tool["function"]["parameters"]) for tool in tools}
    agent = RandomAgent(seed=0, reply_probability=0.0)
    agent.reset(tools)
    seen = set()
    for _ in range(400):
        for call in parse_calls(agent.act({"role": "user", "content": "go", "tool_results": []})):
            assert checkers[call.name](call.arguments) is None, (call.name, call.arguments)
            seen.add(call.name)
    assert len(seen) > 100


def test_probabilities_and_visible_tools():
    tools = [
        {"type": "function", "function": {"name": "pwd", "parameters": {"type": "object", "properties": {}}}}
    ]
    talker = RandomAgent(seed=0, reply_probability=1.0, replies=("bye",))
    talker.reset(tools)
    assert talker.act({}) == {"role": "assistant", "content": "bye"}
    caller = RandomAgent(seed=0, reply_probability=0.0, max_calls=1)
    caller.reset(tools)
    assert caller.act({})["tool_calls"][0]["function"] == {"name": "pwd", "arguments": "{}"}
    caller.update_tools([])
    assert "tool_calls" not in caller.act({})  # nothing visible to call: a text reply
    with pytest.raises(ConfigError, match="reply_probability"):
        RandomAgent(reply_probability=1.5)
