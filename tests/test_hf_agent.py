"""TransformersAgent with a tiny random Llama and a byte-level BPE tokenizer, both built here: tools reach
the prompt through the tokenizer's chat template, batches generate like single prompts, episodes run.

A `Script` logits processor can force what the model writes, so the episode tests go through the real
`generate`, decoding and parsing with known replies; without a script the random model writes noise.
"""

from __future__ import annotations

import json
import sys

import gymnasium as gym
import pytest
import torch
from transformers import (
    LogitsProcessor,
    LogitsProcessorList,
)

import funreason_envs  # noqa: F401  (registers the envs)
from funreason_envs.agents import Agent, TransformersAgent, TransformersModel, act_batch
from funreason_envs.errors import ConfigError, MissingDependencyError
from tests.support.tiny_model import file_system_tools


class Script(LogitsProcessor):
    """Forces row i of a batch to write `rows[i]` (token ids) and then end; no rows: the model decides."""

    def __init__(self, end_id: int) -> None:
        self.end_id = end_id
        self.rows: list[list[int]] = []
        self.prompt_length: int | None = None

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        if not self.rows:
            return scores
        if self.prompt_length is None:
            self.prompt_length = input_ids.shape[1]
        step = input_ids.shape[1] - self.prompt_length
        forced = torch.full_like(scores, float("-inf"))
        for row, target in enumerate(self.rows):
            forced[row, target[step] if step < len(target) else self.end_id] = 0.0
        return forced


@pytest.fixture(scope="module")
def script(model_folder):
    from transformers import AutoTokenizer

    return Script(AutoTokenizer.from_pretrained(model_folder).eos_token_id)


@pytest.fixture(scope="module")
def model(model_folder, script):
    return TransformersModel(
        model_folder,
        device="cpu",
        dtype="float32",
        max_new_tokens=48,
        generate_kwargs={"logits_processor": LogitsProcessorList([script])},
    )


@pytest.fixture
def force(model, script):
    """Make the next generate call write these texts (one per batch row); cleared afterwards."""

    def set_rows(*texts: str) -> None:
        script.rows = [model.tokenizer(text, add_special_tokens=False)["input_ids"] for text in texts]
        script.prompt_length = None

    yield set_rows
    script.rows = []


def test_the_chat_template_renders_tools_and_history(model):
    tools = file_system_tools()
    history = [
        {"role": "user", "content": "Open document."},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "cd", "arguments": {"folder": "document"}},
                }
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "c1",
            "name": "cd",
            "content": '{"current_working_directory": "document"}',
        },
    ]
    prompt = model.render(history, tools)
    for tool in tools:
        assert json.dumps(tool["function"], ensure_ascii=False) in prompt
    assert '<tool_call>{"name": "cd", "arguments": {"folder": "document"}}</tool_call>' in prompt
    assert prompt.endswith('<|tool|>cd: {"current_working_directory": "document"}<|end|><|assistant|>')
    assert "<|system|>" not in model.render(history[:1], [])


def test_chat_template_kwargs_reach_the_template(model_folder):
    with_note = TransformersModel(model_folder, chat_template_kwargs={"note": "NOTE"}, max_new_tokens=1)
    assert with_note.render([{"role": "user", "content": "hi"}]).startswith("NOTE<|user|>hi")


def test_batched_generation_matches_one_prompt_at_a_time(model):
    model = TransformersModel(model.model, model.tokenizer, max_new_tokens=12)  # no script: the model decides
    conversations = [
        ([{"role": "user", "content": "hi"}], []),
        ([{"role": "user", "content": "please list every file in the document folder"}], file_system_tools()),
        ([{"role": "user", "content": "cd"}], []),
    ]
    batch, seconds = model.generate_batch(conversations)
    single = [model.generate_batch([conversation])[0][0] for conversation in conversations]
    assert batch == single and seconds > 0
    assert len({generation.text for generation in batch}) == 3  # the prompts really differ
    for generation, (messages, tools) in zip(batch, conversations, strict=True):
        prompt_ids = model.tokenizer(model.render(messages, tools), add_special_tokens=False)["input_ids"]
        assert generation.prompt_tokens == len(prompt_ids)  # padding is not counted
        assert 1 <= generation.completion_tokens <= model.max_new_tokens


def test_act_batch_steps_several_agents_in_one_generate_call(model, force):
    tools = file_system_tools()
    agents = [TransformersAgent(model) for _ in range(3)]
    for agent in agents:
        agent.reset(tools)
    force(
        '<tool_call>{"name": "ls", "arguments": {}}</tool_call>',
        "<think>nothing to do</think>All done.",
        "[cd(folder='document'), pwd()]",
    )
    user = {"role": "user", "content": "Go.", "tool_results": []}
    first, second, third = act_batch(agents, [user, user, user])
    assert [call["function"]["name"] for call in first["tool_calls"]] == ["ls"]
    assert second == {"role": "assistant", "content": "All done.", "reasoning_content": "nothing to do"}
    assert [json.loads(c["function"]["arguments"]) for c in third["tool_calls"]] == [
        {"folder": "document"},
        {},
    ]
    assert [agent.timings[0]["batch_size"] for agent in agents] == [3.0, 3.0, 3.0]
    assert all(agent.usage["requests"] == 1 and agent.usage["prompt_tokens"] > 100 for agent in agents)
    with pytest.raises(ConfigError, match="2 agents but 1 observations"):
        act_batch(agents[:2], [user])


def test_a_full_episode_in_tool_env(model, force, fs_config):
    env = gym.make("FunReason/FileSystem-v0", initial_config={"GorillaFileSystem": fs_config})
    observation, info = env.reset(seed=0)
    agent = TransformersAgent(model, system_prompt="You manage files.")
    assert isinstance(agent, Agent)
    agent.reset(info["tools"])
    replies = [
        '<tool_call>{"name": "cd", "arguments": {"folder": "document"}}</tool_call>'
        '<tool_call>{"name": "ls", "arguments": {}}</tool_call>',
        "<think>read it</think>[cat(file_name='notes.md')]",
        "notes.md says one two three.",
    ]
    terminated = False
    for reply in replies:
        force(reply)
        observation, _, terminated, _, _ = env.step(agent.act(observation))
    assert terminated
    results = [m["content"] for m in env.unwrapped.messages if m["role"] == "tool"]
    assert results == [
        '{"current_working_directory": "document"}',
        '{"current_directory_content": ["report.txt", "notes.md"]}',
        '{"file_content": "one two three"}',
    ]
    assert env.unwrapped.messages[-1] == {"role": "assistant", "content": "notes.md says one two three."}
    assert agent.messages[0] == {"role": "system", "content": "You manage files."}
    assert agent.messages[5] == {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {
                "id": "call_2",
                "type": "function",
                "function": {"name": "cat", "arguments": {"file_name": "notes.md"}},
            }
        ],
        "reasoning_content": "read it",
    }
    assert agent.usage["requests"] == 3 and agent.usage["parse_errors"] == 0


def test_random_models_play_whole_episodes_in_parallel_envs(model):
    envs = [gym.make("FunReason/FileSystem-v0") for _ in range(2)]
    agents = [TransformersAgent(model) for _ in envs]
    observations = []
    for env, agent in zip(envs, agents, strict=True):
        observation, info = env.reset(seed=0)
        agent.reset(info["tools"])
        observations.append(observation)
    live = [0, 1]
    for _ in range(4):
        actions = act_batch([agents[i] for i in live], [observations[i] for i in live])
        for index, action in zip(list(live), actions, strict=True):
            assert action["role"] == "assistant"
            assert "tool_calls" in action or isinstance(action["content"], str)
            observations[index], _, terminated, truncated, _ = envs[index].step(action)
            if terminated or truncated:
                live.remove(index)
        if not live:
            break
    assert all(agent.usage["requests"] >= 1 for agent in agents)


def test_sampling_with_a_seed_is_reproducible(model_folder):
    def sample() -> str:
        sampler = TransformersModel(model_folder, temperature=1.0, top_p=0.9, seed=3, max_new_tokens=8)
        return sampler.generate_batch([([{"role": "user", "content": "hi"}], [])])[0][0].text

    assert sample() == sample()


def test_bad_options_and_missing_dependencies_are_clear(model, model_folder, tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match="no such model folder"):
        TransformersModel(tmp_path / "missing")
    with pytest.raises(ConfigError, match="dtype 'float8'"):
        TransformersModel(model_folder, dtype="float8")
    with pytest.raises(ConfigError, match="pass the tokenizer"):
        TransformersModel(model.model)
    other = TransformersModel(model.model, model.tokenizer, max_new_tokens=1)
    with pytest.raises(ConfigError, match="share one TransformersModel"):
        act_batch([TransformersAgent(model), TransformersAgent(other)], [{}, {}])
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(MissingDependencyError, match=r"funreason-envs\[hf\]"):
        TransformersModel(model_folder)
