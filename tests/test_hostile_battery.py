"""The hostile battery: every registered env driven with hostile actions.

For free play in each domain, `Combined-v0` and `MultiTurn-v0` (demo tasks, lenient and strict), through
`gym.make`'s wrappers: nothing but the documented `ResetNeeded` (after an episode ended) ever leaves
`step()`/`reset()`; every observation is in the observation space; a refused action leaves the state as
it was; the transcript always serialises as UTF-8 JSON. Steps finish because the inputs hit the limits
of `funreason_envs.limits` (no timing is asserted).
"""

from __future__ import annotations

import json
import pickle
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import funreason_envs
from funreason_envs.registration import registered_env_ids

ENV_IDS = [*registered_env_ids(), "FunReason/MultiTurn-v0:strict"]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
_envs: dict[str, Any] = {}


def make(env_id: str) -> Any:
    """One wrapped env per id, reused across examples (as a user would keep one)."""
    if env_id not in _envs:
        name, _, flavour = env_id.partition(":")
        kwargs = {"tasks": "demo", "strict": flavour == "strict"} if "MultiTurn" in name else {}
        env = gym.make(name, **kwargs)
        env.reset(seed=0)
        _envs[env_id] = [env, False]
    return _envs[env_id]


def tool_names(env: Any) -> list[str]:
    return [tool["function"]["name"] for tool in env.unwrapped._info()["tools"]] or ["ls"]


def parameter_names(env: Any) -> list[str]:
    return sorted(
        {
            name
            for tool in env.unwrapped._info()["tools"]
            for name in tool["function"]["parameters"]["properties"]
        }
    )


def deep(depth: int) -> Any:
    value: Any = "leaf"
    for index in range(depth):
        value = [value] if index % 2 else {"k": value}
    return value


plain_text = st.text(alphabet=st.characters(codec=None, categories=("Cs", "L", "N", "P", "Zs")), max_size=12)
surrogate_text = plain_text | st.tuples(
    plain_text, st.sampled_from(["\ud800", "\udfff", "\udc00\ud83d"]), plain_text
).map("".join)
huge_ints = st.integers(300, 5000).map(lambda exponent: st_sign(exponent) * 10**exponent)
special_floats = st.sampled_from([float("inf"), float("-inf"), float("nan"), -0.0, 1e308, 5e-324])
leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | huge_ints
    | special_floats
    | st.floats()
    | surrogate_text
    | st.sampled_from([np.array([1, 2]), np.int64(7), b"raw", {1, 2}, (1, "a"), complex(1, 1)])
)
values = st.recursive(
    leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(surrogate_text, children, max_size=4),
    max_leaves=12,
)


def st_sign(exponent: int) -> int:
    return -1 if exponent % 2 else 1


def python_text(name: str, arguments: dict[str, Any]) -> str:
    try:
        return f"{name}({', '.join(f'{key}={value!r}' for key, value in arguments.items())})"
    except ValueError:  # an integer too long to print
        return f"{name}(x=1{'0' * 5000})"


def json_text(value: Any) -> str:
    try:
        return json.dumps(value, default=repr)
    except (ValueError, TypeError):
        return '{"name": "ls", "arguments": {"a": 1' + "0" * 5000 + "}}"


@st.composite
def hostile_actions(draw: st.DrawFn, env: Any) -> Any:
    names = [*tool_names(env), "", "no_such_tool", "__import__", "eval"]
    name = draw(st.sampled_from(names) | surrogate_text)
    params = [*parameter_names(env), "bogus"]
    arguments = draw(st.dictionaries(st.sampled_from(params) | surrogate_text, values, max_size=3))
    call = {"name": name, "arguments": arguments}
    form = draw(st.integers(0, 8))
    if form == 0:
        return call
    if form == 1:
        return [call, *draw(st.lists(st.just(call), max_size=3))]
    if form == 2:
        return {
            "role": "assistant",
            "content": draw(surrogate_text),
            "reasoning_content": draw(surrogate_text),
            "tool_calls": [
                {"id": draw(surrogate_text), "function": {"name": name, "arguments": json_text(arguments)}}
            ],
        }
    if form == 3:
        return python_text(name, arguments)
    if form == 4:
        return f"<think>{draw(surrogate_text)}</think><tool_call>{json_text(call)}</tool_call>"
    if form == 5:
        return draw(values)
    if form == 6:
        return json_text(draw(values))
    if form == 7:
        return draw(surrogate_text)
    return {"role": "assistant", "content": draw(surrogate_text)}  # a reply: ends a turn or the episode


FIXED_CASES = [
    deep(5000),
    {"name": "ls", "arguments": {"a": deep(5000)}},
    "[" * 5000,
    "power(base=10, exponent=5000)",
    {"name": "power", "arguments": {"base": 10, "exponent": 10**8}},
    "logarithm(value=10, base=2, precision=10000000)",
    "square_root(number=2, precision=10000000)",
    "tail(file_name='a.txt', lines=0x" + "f" * 4000 + ")",
    {"name": "tail", "arguments": {"file_name": "a.txt", "lines": 10**5000}},
    [{"name": "mkdir", "arguments": {"dir_name": "d"}}, {"name": "cd", "arguments": {"folder": "d"}}] * 1000,
    [{"name": "send_message", "arguments": {"receiver_id": "USR002", "message": "x"}}] * 90_001,
    "[" + ", ".join(["mkdir(dir_name='d')", "cd(folder='d')"] * 100) + "]",
    "<tool_call>x" + " " * 64000 + "y",
    "```" + " " * 64000,
    {
        "role": "assistant",
        "content": "\ud800",
        "tool_calls": [{"function": {"name": "ls", "arguments": "{}"}}],
    },
    {"name": "mkdir", "arguments": {"dir_name": np.array([1, 2])}},
    {"name": np.array([1]), "arguments": {}},
    None,
    object(),
    float("nan"),
    {"role": "assistant", "content": b"\xff\xfe"},  # not text: refused (a transcript must stay writable)
    {"role": "assistant", "content": 5},
    {"role": "assistant", "content": [None, 5, {"type": "text"}]},
    "[" + ",".join(["ls()"] * 200_000) + "]",  # refused by counting, before the parser builds 200,000 calls
]


def drive(slot: list, action: Any) -> None:
    """Step one action with every check of the battery; resets first when the last step ended it."""
    env, ended = slot
    if ended:
        with pytest.raises(gym.error.ResetNeeded):
            env.step({"name": "ls", "arguments": {}})
        env.reset(seed=0)
    before = env.unwrapped.state_dict()
    observation, reward, terminated, truncated, info = env.step(action)
    slot[1] = terminated or truncated
    assert env.observation_space.contains(observation)
    assert isinstance(reward, float)
    statuses = {entry["status"] for entry in observation["tool_results"]}
    if info["action_error"] is not None or (statuses and statuses <= {"invalid"}):
        assert env.unwrapped.state_dict() == before
    json.dumps([env.unwrapped.messages, info, env.unwrapped.state_dict()], ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_fixed_hostile_cases(env_id):
    slot = make(env_id)
    for action in FIXED_CASES:
        drive(slot, action)
        slot[0].unwrapped.trajectory().model_dump_json()
    pickle.loads(pickle.dumps(slot[0].unwrapped)).state_dict()


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_generated_hostile_actions(env_id):
    slot = make(env_id)

    @SETTINGS
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        drive(slot, data.draw(hostile_actions(slot[0])))

    run()


GARBAGE = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_garbage_reset_options(env_id):
    slot = make(env_id)
    keys = ["initial_config", "long_context", "message", "task", "bogus"]

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(options=GARBAGE | st.dictionaries(st.sampled_from(keys), GARBAGE, max_size=2))
    @example(options={"message": "\ud800"})  # once slipped into the opening message unscrubbed
    def run(options: Any) -> None:
        env = slot[0]
        try:
            env.reset(seed=0, options=options)
        except funreason_envs.errors.ConfigError:
            env.reset(seed=0)
        slot[1] = False
        drive(slot, {"name": tool_names(env)[0], "arguments": {}})

    run()
