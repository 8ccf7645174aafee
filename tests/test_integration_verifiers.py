"""verifiers 0.4 (`verifiers.v1`): `load_environment` builds the env through verifiers' own loader and
episodes run through verifiers' rollout entry point (`Env.run_episode` inside `Env.serving()`) against a
scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import asyncio

import pytest
from verifiers.v1.clients import ModelContext
from verifiers.v1.configs.client import EvalClientConfig

from funreason_envs.integrations.verifiers import FunReasonEnv, load_environment
from tests.support.openai_server import ScriptedServer, completion

TURN_0 = (
    '<think>Into the folder, then copy.</think><tool_call>{"name": "cd", "arguments": {"folder": "document"}}'
    '</tool_call>\n<tool_call>{"name": "mkdir", "arguments": {"dir_name": "backup"}}</tool_call>\n'
    '<tool_call>{"name": "cp", "arguments": {"source": "report.txt", "destination": "backup"}}</tool_call>'
)


def play(env, task_id, replies, monkeypatch):
    """One episode of `task_id` through verifiers, the model answering `replies` in order."""
    monkeypatch.setenv("FUNREASON_TEST_KEY", "secret")
    (task,) = [task for task in env.taskset.load() if task.data.task_id == task_id]
    with ScriptedServer() as server:
        server.push(*(completion(reply) for reply in replies))
        client = EvalClientConfig(base_url=server.url, api_key_var="FUNREASON_TEST_KEY")
        context = ModelContext(model="test-model", client=client)

        async def run():
            async with env.serving():
                return await env.run_episode(task, context)

        episode = asyncio.run(run())
    return episode, server.requests


@pytest.fixture(scope="module")
def env():
    return load_environment("demo", reward="final")


def test_load_environment_is_a_verifiers_env_over_the_task_set(env):
    assert isinstance(env, FunReasonEnv)
    assert [task.data.task_id for task in env.taskset.load()] == [
        "demo_file_system_0",
        "demo_file_system_1",
        "demo_file_system_2",
    ]


def test_a_right_episode_earns_the_bfcl_reward(env, monkeypatch):
    replies = [TURN_0, "Copied.", "[wc(file_name='report.txt')]", "It has 3 lines."]
    episode, requests = play(env, "demo_file_system_0", replies, monkeypatch)
    assert episode.ok and not episode.errors
    (trace,) = episode.traces
    assert trace.rewards["bfcl"].score == 1.0
    assert trace.info["check"]["passed"] is True
    assert len(requests) == 4
    second = requests[1]["messages"]  # the model saw its calls' results, as <tool_response> blocks
    assert second[-1]["role"] == "user" and second[-1]["content"].count("<tool_response>") == 3
    assert '"name": "cp"' in second[-1]["content"]
    assert requests[2]["messages"][-1]["content"] == "Now tell me how many lines the original report has."


def test_a_wrong_episode_earns_nothing_and_held_out_tools_arrive_with_their_turn(env, monkeypatch):
    replies = ["Let me check.", "[cat(file_name='log.txt')]", "It says timeout."]
    episode, requests = play(env, "demo_file_system_1", replies, monkeypatch)
    (trace,) = episode.traces
    assert trace.rewards["bfcl"].score == 0.0
    assert '"name": "tail"' not in requests[0]["messages"][-1]["content"]
    revealed = requests[1]["messages"][-1]["content"]
    assert '"name": "tail"' in revealed and "<tools>" in revealed
