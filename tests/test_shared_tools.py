"""`info["tools"]` is one shared read-only object that changes only when the visible tools do,
and a task's ground truth is executed once per env and reused without changing any verdict."""

from __future__ import annotations

import copy
import json
import pickle

import gymnasium as gym
import pytest

import funreason_envs  # noqa: F401  (registers the envs)
from funreason_envs.domains import domain_class
from funreason_envs.frozen import FrozenDict, FrozenList, freeze, thaw

DONE = {"role": "assistant", "content": "Done."}


def test_tools_are_the_same_object_until_a_reveal_changes_them():
    env = gym.make("FunReason/MultiTurn-v0")
    _, first = env.reset(options={"task": "demo_file_system_1"})
    _, _, _, _, after_call = env.step("ls()")
    assert after_call["tools"] is first["tools"]
    _, _, _, _, revealed = env.step(DONE)
    assert revealed["tools"] is not first["tools"]
    names = [{tool["function"]["name"] for tool in info["tools"]} for info in (first, revealed)]
    assert names[1] - names[0]


def test_tools_equal_the_specs_openai_form_and_cannot_be_changed():
    env = gym.make("FunReason/FileSystem-v0")
    _, info = env.reset(seed=0)
    tools = info["tools"]
    assert tools == [spec.to_openai() for spec in domain_class("file_system").spec().tools]
    with pytest.raises(TypeError, match="read-only"):
        tools.append({})
    with pytest.raises(TypeError, match="read-only"):
        tools[0]["function"]["name"] = "rm_everything"
    with pytest.raises(TypeError, match="read-only"):
        tools[0]["function"]["parameters"]["required"].append("x")
    _, _, _, _, info = env.step("pwd()")
    assert info["tools"][0] == domain_class("file_system").spec().tools[0].to_openai()


def test_frozen_data_serialises_pickles_and_thaws_like_plain_data():
    plain = {"a": [1, {"b": [2, 3]}], "c": "text"}
    frozen = freeze(plain)
    assert isinstance(frozen, FrozenDict) and isinstance(frozen["a"], FrozenList)
    assert frozen == plain and json.dumps(frozen) == json.dumps(plain)
    for copied in (pickle.loads(pickle.dumps(frozen)), copy.deepcopy(frozen), copy.copy(frozen)):
        assert copied == plain and isinstance(copied, FrozenDict)
    mutable = thaw(frozen)
    mutable["a"][1]["b"].append(4)
    assert type(mutable["a"]) is list and frozen["a"][1]["b"] == [2, 3]


def test_trajectory_tools_are_plain_mutable_data():
    env = gym.make("FunReason/FileSystem-v0")
    env.reset(seed=0)
    tools = env.unwrapped.trajectory().tools
    tools[0]["function"]["name"] = "renamed"  # the record is the caller's own copy
    assert env.unwrapped.trajectory().tools[0]["function"]["name"] != "renamed"


def test_replayed_task_reuses_its_ground_truth_with_identical_verdicts():
    env = gym.make("FunReason/MultiTurn-v0")
    checks = []
    for _ in range(2):
        env.reset(options={"task": "demo_file_system_0"})
        env.step("[cd(folder='document'), mkdir(dir_name='copy')]")
        _, _, _, _, info = env.step(DONE)
        checks.append(info["check"])
    assert checks[0] == checks[1] and checks[0]["turns"][0]["reason"] == "instance_state_mismatch"
    assert len(env.unwrapped._plans) == 1


def test_packaged_tools_pickle_as_names_and_arrive_equal_and_shared():
    env = gym.make("FunReason/Combined-v0")
    _, info = env.reset(seed=0)
    data = pickle.dumps(info["tools"])
    assert len(data) < len(pickle.dumps(list(info["tools"]))) / 5  # names, not schemas
    first, second = pickle.loads(data), pickle.loads(data)
    assert first == info["tools"] and first is second
    with pytest.raises(TypeError, match="read-only"):
        first[0]["function"]["description"] = "changed"


def test_tools_of_a_domain_registered_in_code_pickle_in_full():
    from funreason_envs.domains.registry import domain_spec
    from funreason_envs.tool_list import ToolList, tool_list

    packaged, outside = domain_spec("math").tools[:2]
    tools = tool_list([packaged, outside.model_copy(update={"domain": "not_packaged"})])
    data = pickle.dumps(tools)
    assert b"not_packaged" not in data and outside.description.encode() in data  # the schemas travel
    restored = pickle.loads(data)
    assert restored == tools and isinstance(restored, FrozenList) and not isinstance(restored, ToolList)


def test_packaged_tools_in_any_order_and_subset_arrive_in_the_same_order():
    from funreason_envs.domains.registry import domain_spec
    from funreason_envs.tool_list import tool_list

    math, files = domain_spec("math").tools, domain_spec("file_system").tools
    specs = [math[3], math[1], files[0], math[4], files[2], files[1]]  # out of spec order, interleaved
    tools = tool_list(specs)
    restored = pickle.loads(pickle.dumps(tools))
    assert [tool["function"]["name"] for tool in restored] == [spec.name for spec in specs]
    assert restored == tools and len(pickle.dumps(tools)) < 200


def test_a_changed_copy_of_a_packaged_tool_pickles_in_full():
    from funreason_envs.domains.registry import domain_spec
    from funreason_envs.tool_list import ToolList, tool_list

    original = domain_spec("math").tools[0]
    changed = type(original).model_validate({**original.model_dump(), "description": "a different tool"})
    restored = pickle.loads(pickle.dumps(tool_list([changed])))
    assert not isinstance(restored, ToolList) and restored[0]["function"]["description"] == "a different tool"
