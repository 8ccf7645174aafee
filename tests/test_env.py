"""The Gymnasium contract of every registered env, vectorisation, pickling and seeding."""

from __future__ import annotations

import pickle

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import funreason_envs  # noqa: F401  (registers the envs)
from funreason_envs.errors import ConfigError
from funreason_envs.registration import registered_env_ids


@pytest.mark.parametrize("env_id", registered_env_ids())
def test_check_env_passes(env_id):
    env = gym.make(env_id)
    check_env(env.unwrapped)
    env.close()


def test_file_system_env_is_registered():
    assert "FunReason/FileSystem-v0" in registered_env_ids()


def test_observation_shapes(fs_config):
    env = gym.make("FunReason/FileSystem-v0", initial_config={"GorillaFileSystem": fs_config})
    obs, info = env.reset(seed=0)
    assert obs["role"] == "user" and obs["tool_results"] == []
    assert {tool["function"]["name"] for tool in info["tools"]} >= {"ls", "cd", "tail"}
    obs, reward, terminated, truncated, info = env.step("[cd(folder='document'), ls()]")
    assert obs["role"] == "tool"
    assert [r["name"] for r in obs["tool_results"]] == ["cd", "ls"]
    assert obs["tool_results"][1]["content"] == '{"current_directory_content": ["report.txt", "notes.md"]}'
    assert info["calls"][0]["arguments"] == {"folder": "document"}
    assert (reward, terminated, truncated) == (0.0, False, False)
    assert env.observation_space.contains(obs)
    obs, _, terminated, _, _ = env.step({"role": "assistant", "content": "Done."})
    assert terminated and obs == {"role": "user", "content": "", "tool_results": []}


def test_reset_options_set_the_state_and_bad_options_are_named(fs_config):
    env = gym.make("FunReason/FileSystem-v0")
    env.reset(options={"initial_config": {"file_system": fs_config}, "message": "Tidy up."})
    assert "document" in env.unwrapped.state_dict()["file_system"]["root"]["workspace"]["contents"]
    assert env.unwrapped.messages[0] == {"role": "user", "content": "Tidy up."}
    with pytest.raises(ConfigError, match=r"unknown reset option\(s\) \['colour'\]"):
        env.reset(options={"colour": "red"})
    with pytest.raises(ConfigError, match="unknown domain 'Nope'"):
        env.reset(options={"initial_config": {"Nope": {}}})


def test_invalid_actions_are_counted_and_change_nothing(fs_config):
    env = gym.make("FunReason/FileSystem-v0", initial_config={"file_system": fs_config})
    env.reset(seed=1)
    before = env.unwrapped.state_dict()
    obs, _, _, _, info = env.step("rm(file_name=")
    assert obs["role"] == "user" and obs["content"].startswith("Error: your message could not be read")
    assert info["invalid_actions"] == 1 and "invalid call syntax" in info["action_error"]
    obs, _, _, _, info = env.step({"name": "rm", "arguments": {"file_name": 7}})
    assert obs["tool_results"][0]["status"] == "invalid"
    assert obs["tool_results"][0]["content"] == "Error: rm: 'file_name': expected string, got integer 7"
    obs, _, _, _, info = env.step({"name": "rmm", "arguments": {}})
    assert "did you mean 'rm'" in obs["content"]
    assert info["invalid_actions"] == 3
    assert env.unwrapped.state_dict() == before


def test_render_ansi_shows_the_conversation(fs_config):
    env = gym.make("FunReason/FileSystem-v0", render_mode="ansi", initial_config={"file_system": fs_config})
    env.reset(seed=0)
    env.step("ls()")
    text = env.render()
    assert "assistant -> ls({})" in text
    assert 'tool[ls]: {"current_directory_content": ["document", "archive", "log.txt"]}' in text


def test_envs_pickle_mid_episode(fs_config):
    env = gym.make("FunReason/FileSystem-v0", initial_config={"file_system": fs_config}).unwrapped
    env.reset(seed=3)
    env.step("[cd(folder='document'), touch(file_name='n.txt')]")
    clone = pickle.loads(pickle.dumps(env))
    assert clone.state_dict() == env.state_dict()
    assert clone.step("pwd()")[0]["content"] == '{"current_working_directory": "/workspace/document"}'
    clone.step("touch(file_name='only_in_clone.txt')")
    assert clone.state_dict() != env.state_dict()


def test_seeded_runs_repeat_exactly():
    def run(seed):
        env = gym.make("FunReason/FileSystem-v0")
        env.reset(seed=seed)
        trace = []
        for _ in range(15):
            obs, *_ = env.step(env.action_space.sample())
            trace.append(obs["content"])
        return trace, env.unwrapped.state_dict()

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_async_vector_env_steps_and_resets():
    envs = gym.vector.AsyncVectorEnv(
        [lambda: gym.make("FunReason/FileSystem-v0") for _ in range(2)], shared_memory=False
    )
    try:
        observations, _ = envs.reset(seed=[1, 2])
        assert [obs["role"] for obs in observations] == ["user", "user"]
        observations, *_ = envs.step(["mkdir(dir_name='a')", {"name": "ls", "arguments": {}}])
        assert observations[0]["tool_results"][0]["content"] == "None"
        assert observations[1]["tool_results"][0]["content"] == '{"current_directory_content": []}'
        observations, *_ = envs.step([{"role": "assistant", "content": "done"}, "ls()"])
        observations, *_ = envs.step(["ls()", "ls()"])  # env 0 was reset automatically
        assert observations[0]["role"] == "user"
        assert observations[1]["tool_results"][0]["content"] == '{"current_directory_content": []}'
        observations, _ = envs.reset(seed=[5, 6])
        assert len(observations) == 2
    finally:
        envs.close()
