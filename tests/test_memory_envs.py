"""The memory domains as Gymnasium envs: bounded memories with BFCL's errors, and memory written in a
prerequisite episode carried, as its final state, into a question episode."""

from __future__ import annotations

import json

import gymnasium as gym
import pytest

import funreason_envs  # noqa: F401  (registers the envs)
from funreason_envs.domains import domain_class
from funreason_envs.errors import ConfigError


def _step(env: gym.Env, action: object) -> str:
    obs, *_ = env.step(action)
    return json.dumps(obs)


def test_memory_written_in_a_prerequisite_episode_is_recalled_in_a_question_episode():
    prereq = gym.make("FunReason/MemoryKv-v0")
    prereq.reset(seed=0)
    assert "added" in _step(prereq, "core_memory_add(key='first_name', value='Michael')")
    assert "snake_case" in _step(prereq, "core_memory_add(key='Home City', value='Seattle')")
    snapshot = prereq.unwrapped.session.state()["memory_kv"]
    assert snapshot == {"core_memory": {"first_name": "Michael"}, "archival_memory": {}}

    question = gym.make("FunReason/MemoryKv-v0", initial_config={"MemoryAPI_kv": snapshot})
    question.reset(seed=0)
    assert "Michael" in _step(question, "core_memory_retrieve(key='first_name')")


def test_memories_are_bounded_and_a_refused_write_changes_nothing():
    memory = domain_class("memory_kv")({})
    for n in range(7):
        assert memory.core_memory_add(key=f"fact_{n}", value="x") == {"status": "Key-value pair added."}
    before = memory.state_dict()
    assert memory.core_memory_add(key="one_more", value="x") == {
        "error": "Core memory is full. Please clear some entries."
    }
    assert memory.state_dict() == before
    summary = domain_class("memory_rec_sum")({"memory": "a" * 9999})
    assert "too long" in summary.memory_append(text="bb")["error"]
    assert summary.memory == "a" * 9999


def test_a_malformed_vector_snapshot_is_refused_with_a_config_error():
    with pytest.raises(ConfigError, match="core_memory needs an integer next_id"):
        domain_class("memory_vector")({"core_memory": {"next_id": 1, "store": {"first": "text"}}})
    with pytest.raises(ConfigError, match="must be an object"):
        domain_class("memory_vector")({"archival_memory": ["text"]})


def test_loading_the_encoder_draws_no_progress_bar_and_leaves_bars_on(capfd):
    from transformers.utils import logging as transformers_logging

    from funreason_envs.domains.memory_embedding import encoder

    encoder.__wrapped__()  # a fresh load, not the cached encoder
    assert "Loading weights" not in capfd.readouterr().err
    assert transformers_logging.is_progress_bar_enabled()
