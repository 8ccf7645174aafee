"""Every registered env runs in Gymnasium's vector envs with their default settings (shared memory on)."""

from __future__ import annotations

import gymnasium as gym
import pytest

import funreason_envs  # noqa: F401  (registers the envs)
from funreason_envs.errors import ConfigError
from funreason_envs.registration import registered_env_ids
from funreason_envs.spaces import MessageSpace


@pytest.mark.parametrize("env_id", registered_env_ids())
def test_make_vec_async_with_defaults(env_id):
    envs = gym.make_vec(env_id, num_envs=4, vectorization_mode="async")
    try:
        observations, _ = envs.reset(seed=0)
        assert len(observations) == 4
        assert all(obs["role"] == "user" and obs["content"] for obs in observations)
        actions = [envs.unwrapped.single_action_space.sample() for _ in range(4)]
        observations, rewards, *_ = envs.step(actions)
        assert len(observations) == 4 and len(rewards) == 4
        assert all(envs.unwrapped.single_observation_space.contains(obs) for obs in observations)
    finally:
        envs.close()


def test_async_vector_env_default_construction_carries_tool_results():
    envs = gym.vector.AsyncVectorEnv([lambda: gym.make("FunReason/FileSystem-v0") for _ in range(2)])
    try:
        envs.reset(seed=[1, 2])
        observations, *_ = envs.step(["mkdir(dir_name='a')", {"name": "ls", "arguments": {}}])
        assert observations[0]["tool_results"][0]["content"] == "None"
        assert observations[1]["tool_results"][0] == {
            "tool_call_id": "call_1_0",
            "name": "ls",
            "content": '{"current_directory_content": []}',
            "status": "ok",
        }
        observations, *_ = envs.step(["ls()", "ls()"])
        assert observations[0]["tool_results"][0]["content"] == '{"current_directory_content": ["a"]}'
    finally:
        envs.close()


def test_an_observation_too_big_for_shared_memory_is_named():
    from gymnasium.vector.utils import create_shared_memory, read_from_shared_memory, write_to_shared_memory

    space = MessageSpace(shared_memory_bytes=64)
    memory = create_shared_memory(space, n=2)
    small = {"role": "user", "content": "hi", "tool_results": []}
    write_to_shared_memory(space, 1, small, memory)
    write_to_shared_memory(space, 0, {"role": "user", "content": "é", "tool_results": []}, memory)
    assert read_from_shared_memory(space, memory, n=2)[1] == small
    assert read_from_shared_memory(space, memory, n=2)[0]["content"] == "é"
    with pytest.raises(ConfigError, match="shared_memory=False"):
        write_to_shared_memory(space, 0, {"role": "user", "content": "x" * 100, "tool_results": []}, memory)


def test_the_shared_memory_view_reads_like_a_tuple_of_observations():
    import copy

    from gymnasium.vector.utils import create_shared_memory, read_from_shared_memory, write_to_shared_memory

    space = MessageSpace(shared_memory_bytes=128)
    memory = create_shared_memory(space, n=3)
    written = [{"role": "user", "content": text, "tool_results": []} for text in ("a", "é", "ok")]
    view = read_from_shared_memory(space, memory, n=3)
    assert list(view) == [None, None, None]  # nothing written yet
    for index, observation in enumerate(written):
        write_to_shared_memory(space, index, observation, memory)
    assert list(view) == written and tuple(view) == view[:] == tuple(written)
    assert view[-1] == written[2] and view[1:] == tuple(written[1:]) and len(view) == 3
    copied = copy.deepcopy(view)
    assert copied == tuple(written)
    copied[0]["content"] = "changed"  # a deep copy is the caller's own
    assert view[0]["content"] == "a"
    with pytest.raises(IndexError, match="out of range"):
        view[3]
