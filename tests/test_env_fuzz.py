"""Property tests: nothing an agent sends escapes `step`, and invalid input never changes state."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import funreason_envs  # noqa: F401
from funreason_envs.env import ToolEnv

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TOOLS = ["cat", "cd", "cp", "diff", "du", "echo", "find", "grep", "ls", "mkdir", "mv", "pwd", "rm", "rmdir"]
MUTATING = ["cp", "echo", "mkdir", "mv", "rm", "rmdir", "touch"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)


def deep(depth: int) -> object:
    value: object = "leaf"
    for index in range(depth):
        value = [value] if index % 2 else {"k": value}
    return value


@pytest.fixture(scope="module")
def env(request):
    config = {
        "root": {
            "ws": {
                "type": "directory",
                "contents": {
                    "docs": {"type": "directory", "contents": {"a.txt": {"type": "file", "content": "x\ny"}}},
                    "b.txt": {"type": "file", "content": "hello"},
                },
            }
        }
    }
    # Unwrapped and without the registered step limit: one env takes every example of a test.
    made = ToolEnv("file_system", initial_config={"file_system": config})
    made.reset(seed=0)
    return made


def live(env: ToolEnv) -> ToolEnv:
    """The env, reset if an example ended its episode (a reply without calls ends free play)."""
    if env._ended:
        env.reset(seed=0)
    return env


def assert_refused_without_change(env, action):
    before = env.state_dict()
    invalid_before = env.invalid_actions
    obs, _, _, _, info = env.step(action)
    assert env.observation_space.contains(obs)
    assert env.state_dict() == before
    assert info["invalid_actions"] == invalid_before + 1
    return obs


@SETTINGS
@given(text=st.text(max_size=200))
def test_random_strings(env, text):
    live(env)
    before = env.state_dict()
    obs, *_ = env.step(text)
    assert env.observation_space.contains(obs)
    if obs["role"] == "user":  # unreadable: refused, nothing changed
        assert env.state_dict() == before


@SETTINGS
@given(value=json_values)
def test_random_json(env, value):
    live(env)
    before = env.state_dict()
    obs, *_ = env.step(json.dumps(value))
    assert env.observation_space.contains(obs)
    statuses = {result["status"] for result in obs["tool_results"]}
    if obs["role"] == "user" or statuses <= {"invalid"}:
        assert env.state_dict() == before


@SETTINGS
@given(
    tool=st.sampled_from(MUTATING),
    arguments=st.dictionaries(
        st.sampled_from(["file_name", "dir_name", "source", "destination", "content", "bogus"]),
        json_values.filter(lambda v: not isinstance(v, str)),
        min_size=1,
        max_size=3,
    ),
)
def test_wrong_argument_types(env, tool, arguments):
    obs = assert_refused_without_change(env, {"name": tool, "arguments": arguments})
    assert obs["tool_results"][0]["status"] == "invalid"


@SETTINGS
@given(
    name=st.text(min_size=1, max_size=30).filter(lambda n: n not in [*TOOLS, "sort", "tail", "touch", "wc"])
)
def test_unknown_tools(env, name):
    obs = assert_refused_without_change(env, {"name": name, "arguments": {}})
    assert obs["tool_results"][0]["content"].startswith("Error: unknown tool")


@SETTINGS
@given(depth=st.integers(50, 4000), tool=st.sampled_from(MUTATING))
def test_deeply_nested_arguments(env, depth, tool):
    assert_refused_without_change(env, {"name": tool, "arguments": {"file_name": deep(depth)}})


@pytest.mark.parametrize("size", [10**5, 10**7])
def test_huge_arguments(env, size):
    assert_refused_without_change(env, {"name": "mkdir", "arguments": {"dir_name": ["a"] * (size // 10)}})
    before = env.state_dict()
    obs, *_ = env.step({"name": "mkdir", "arguments": {"dir_name": "a/" * size}})  # the tool itself refuses
    assert obs["tool_results"][0]["status"] == "error" and env.state_dict() == before
    assert_refused_without_change(env, "rm(file_name=" + "[" * size)
    obs, *_ = env.step({"name": "cat", "arguments": {"file_name": "z" * size}})  # valid, read-only
    assert obs["tool_results"][0]["status"] == "error"


def test_code_in_arguments_is_stored_as_text_and_never_run(env, tmp_path):
    marker = Path(tmp_path) / "pwned"
    payload = f"__import__('os').system('touch {marker}')"
    env.step("cd(folder='docs')")
    obs, *_ = env.step(f'echo(content="{payload}", file_name="a.txt")')
    assert obs["tool_results"][0]["content"] == "None"
    obs, *_ = env.step("cat(file_name='a.txt')")
    assert json.loads(obs["tool_results"][0]["content"]) == {"file_content": payload}
    refused = env.step(f"cat(file_name={payload})")[0]
    assert refused["role"] == "user" and "only literal values" in refused["content"]
    assert not marker.exists() and not os.path.exists(marker)
    env.step("cd(folder='..')")
