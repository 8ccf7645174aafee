"""OpenAIAgent against a real HTTP server on 127.0.0.1 with scripted replies: every case ends in a
defined outcome (an action or a specific error), quickly."""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import gymnasium as gym
import pytest

import funreason_envs  # noqa: F401  (registers the envs)
from funreason_envs.agents import Agent, OpenAIAgent, OpenAIClient
from funreason_envs.errors import (
    BackendAuthError,
    BackendTimeoutError,
    BackendUnavailableError,
    BackendUnreachableError,
    ConfigError,
    MissingDependencyError,
    ModelNotFoundError,
)
from tests.support.openai_server import Scripted, ScriptedServer, completion, error, tool_call

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "ls",
            "description": "List the current folder.",
            "parameters": {"type": "object", "properties": {"a": {"type": "boolean"}}, "required": []},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "cd",
            "description": "Change folder.",
            "parameters": {
                "type": "object",
                "properties": {"folder": {"type": "string"}},
                "required": ["folder"],
            },
        },
    },
]
USER = {"role": "user", "content": "Go to document and list it.", "tool_results": []}


@pytest.fixture
def server():
    with ScriptedServer(models=("test-model", "other-model")) as running:
        yield running


@pytest.fixture
def clients():
    made: list[OpenAIClient] = []
    yield made
    for client in made:
        client.close()


@pytest.fixture
def make_agent(server, clients):
    def make(model: str = "test-model", *, timeout: float = 5.0, max_retries: int = 2, **options):
        client = OpenAIClient(
            options.pop("base_url", server.url),
            api_key=options.pop("api_key", None),
            timeout=timeout,
            max_retries=max_retries,
            max_concurrency=options.pop("max_concurrency", 16),
        )
        clients.append(client)
        agent = OpenAIAgent(model, client=client, **options)
        agent.reset(TOOLS)
        return agent

    return make


def test_native_tool_calls_become_the_env_action(server, make_agent, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    server.api_key = "sk-test"
    server.push(
        completion(tool_calls=[tool_call("c1", "cd", '{"folder": "document"}'), tool_call("c2", "ls", "{}")])
    )
    agent = make_agent(temperature=0.2, seed=7, max_tokens=64, extra_body={"top_k": 5})
    assert isinstance(agent, Agent)
    action = agent.act(USER)
    assert action == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "c1",
                "type": "function",
                "function": {"name": "cd", "arguments": '{"folder": "document"}'},
            },
            {"id": "c2", "type": "function", "function": {"name": "ls", "arguments": "{}"}},
        ],
    }
    sent = server.requests[0]
    assert sent["model"] == "test-model" and sent["tools"] == TOOLS
    assert sent["messages"] == [{"role": "user", "content": "Go to document and list it."}]
    assert (sent["temperature"], sent["seed"], sent["max_tokens"], sent["top_k"]) == (0.2, 7, 64, 5)
    assert "top_p" not in sent  # options not given are not sent
    assert server.headers[0]["authorization"] == "Bearer sk-test"
    assert agent.usage == {
        "requests": 1,
        "prompt_tokens": 12,
        "completion_tokens": 5,
        "total_tokens": 17,
        "retries": 0,
        "parse_errors": 0,
    }
    assert agent.timings[0]["attempts"] == 1 and agent.timings[0]["total_s"] >= agent.timings[0]["request_s"]


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
def test_plain_text_keeps_the_servers_reasoning(server, make_agent, field):
    reply = completion(content="All done.")
    reply.body["choices"][0]["message"][field] = "The user only greeted me."
    server.push(reply, completion(content="Bye."))
    agent = make_agent()
    action = agent.act(USER)
    assert action == {
        "role": "assistant",
        "content": "All done.",
        "reasoning_content": "The user only greeted me.",
    }
    agent.act({"role": "user", "content": "Thanks", "tool_results": []})
    # reasoning is not sent back to the server (some APIs reject it)
    assert server.requests[1]["messages"][1] == {"role": "assistant", "content": "All done."}


def test_think_tags_and_text_calls_from_a_server_without_parsers(server, make_agent):
    server.push(
        completion(
            content='<think>cd first</think>\n<tool_call>\n{"name": "cd", "arguments": {"folder": "x"}}'
        )
    )
    action = make_agent().act(USER)
    assert action["reasoning_content"] == "cd first"
    assert [call["function"]["name"] for call in action["tool_calls"]] == ["cd"]
    assert action["tool_calls"][0]["id"] == "call_0"


def test_malformed_tool_call_json_is_a_parse_error_not_an_exception(server, make_agent):
    server.push(completion(tool_calls=[tool_call("c1", "cd", '{"folder": "doc')]))
    agent = make_agent()
    action = agent.act(USER)
    assert "tool_calls" not in action
    assert action["parse_error"].startswith("tool_calls[0].function.arguments: invalid JSON")
    assert agent.usage["parse_errors"] == 1
    assert agent.messages[-1] == {"role": "assistant", "content": ""}  # no dangling tool_calls in history


def test_a_429_is_retried_then_succeeds(server, make_agent):
    server.push(error(429, "Rate limit reached", headers={"retry-after": "0"}), completion(content="ok"))
    agent = make_agent()
    assert agent.act(USER)["content"] == "ok"
    assert len(server.requests) == 2
    assert agent.usage["retries"] == 1 and agent.timings[0]["attempts"] == 2


def test_a_500_that_persists_gives_up_after_the_retries(server, make_agent):
    server.push(*(error(500, "engine crashed") for _ in range(3)))
    with pytest.raises(BackendUnavailableError, match=r"answered HTTP 500 on all 3 attempts: engine crashed"):
        make_agent(max_retries=2).act(USER)
    assert len(server.requests) == 3


def test_a_slow_reply_times_out(server, make_agent):
    slow = completion(content="too late")
    server.push(Scripted(body=slow.body, delay=1.5), Scripted(body=slow.body, delay=1.5))
    started = time.perf_counter()
    with pytest.raises(BackendTimeoutError, match=r"did not answer within 0.2s \(2 attempts\)"):
        make_agent(timeout=0.2, max_retries=1).act(USER)
    assert time.perf_counter() - started < 1.4


def test_a_slow_reply_then_a_fast_one_succeeds(server, make_agent):
    server.push(Scripted(body=completion("late").body, delay=1.5), completion(content="on time"))
    assert make_agent(timeout=0.2, max_retries=1).act(USER)["content"] == "on time"


def test_a_wrong_key_is_an_auth_error_without_retries(server, make_agent):
    server.api_key = "right-key"
    with pytest.raises(
        BackendAuthError, match=r"refused the API key \(HTTP 401: Incorrect API key provided.\)"
    ):
        make_agent(api_key="wrong-key").act(USER)
    assert len(server.requests) == 1


def test_an_unknown_model_lists_the_served_models(server, make_agent):
    with pytest.raises(
        ModelNotFoundError, match=r"does not serve model 'gpt-9'; it serves: test-model, other-model"
    ):
        make_agent("gpt-9").act(USER)
    assert len(server.requests) == 1


def test_a_base_url_without_the_api_root_says_so(server, make_agent):
    root = server.url.removesuffix("/v1")
    with pytest.raises(
        ModelNotFoundError, match=r"HTTP 404 for model 'test-model' at .*base_url is the API root"
    ):
        make_agent(base_url=root).act(USER)


def test_an_unreachable_server_is_one_clear_error(make_agent):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    with pytest.raises(BackendUnreachableError, match=rf"cannot reach {url}: ConnectError"):
        make_agent(base_url=url).act(USER)


def test_bad_options_are_config_errors(server):
    with pytest.raises(ConfigError, match="is not an http"):
        OpenAIClient("localhost:8000/v1")
    with pytest.raises(ConfigError, match="tool_mode 'xml'"):
        OpenAIAgent("m", base_url=server.url, tool_mode="xml")  # type: ignore[arg-type]
    with OpenAIClient(server.url) as client, pytest.raises(ConfigError, match="either a shared client"):
        OpenAIAgent("m", client=client, base_url=server.url)


def test_missing_openai_package_names_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "openai", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'funreason-envs\[openai\]'"):
        OpenAIClient("http://127.0.0.1:1/v1")


def test_text_mode_puts_tools_in_the_prompt_and_results_in_tool_response_blocks(server, make_agent):
    server.push(
        completion(content='<tool_call>\n{"name": "ls", "arguments": {}}\n</tool_call>'), completion("Done.")
    )
    agent = make_agent(tool_mode="text", system_prompt="Be brief.")
    action = agent.act(USER)
    assert [call["function"]["name"] for call in action["tool_calls"]] == ["ls"]
    first = server.requests[0]
    assert "tools" not in first
    system = first["messages"][0]
    assert system["role"] == "system" and system["content"].startswith("Be brief.\n\n")
    assert "<tools>" in system["content"] and json.dumps(TOOLS[1]["function"]) in system["content"]
    result = {
        "tool_call_id": action["tool_calls"][0]["id"],
        "name": "ls",
        "content": '{"x": 1}',
        "status": "ok",
    }
    assert agent.act({"role": "tool", "content": '{"x": 1}', "tool_results": [result]})["content"] == "Done."
    assert server.requests[1]["messages"][2:] == [
        {"role": "assistant", "content": '<tool_call>\n{"name": "ls", "arguments": {}}\n</tool_call>'},
        {
            "role": "user",
            "content": '<tool_response>\n{"name": "ls", "content": "{\\"x\\": 1}"}\n</tool_response>',
        },
    ]


def test_revealed_tools_and_task_prompts_update_the_conversation(server, make_agent):
    agent = make_agent(tool_mode="text")
    agent.update_tools(TOOLS[:1])
    assert '"name": "cd"' not in agent.messages[0]["content"]
    agent.update_tools(TOOLS)
    assert '"name": "cd"' in agent.messages[0]["content"]
    native = make_agent(system_prompt="Agent prompt.")
    native.reset(TOOLS, task=SimpleNamespace(system_prompt="Task prompt."))
    assert native.messages == [{"role": "system", "content": "Task prompt."}]
    native.reset(TOOLS, task=SimpleNamespace(system_prompt=None))
    assert native.messages == [{"role": "system", "content": "Agent prompt."}]


def test_an_episode_in_tool_env(server, make_agent, fs_config):
    server.push(
        completion(tool_calls=[tool_call("c1", "cd", '{"folder": "document"}'), tool_call("c2", "ls", "{}")]),
        completion(tool_calls=[tool_call("c3", "cat", '{"file_name": "notes.md"}')]),
        completion(content="notes.md says: one two three"),
    )
    env = gym.make("FunReason/FileSystem-v0", initial_config={"GorillaFileSystem": fs_config})
    observation, info = env.reset(seed=0)
    agent = make_agent()
    agent.reset(info["tools"])
    terminated = truncated = False
    steps = 0
    while not (terminated or truncated):
        observation, _, terminated, truncated, info = env.step(agent.act(observation))
        steps += 1
    assert steps == 3 and terminated
    tool_messages = [m for m in server.requests[1]["messages"] if m["role"] == "tool"]
    assert tool_messages == [
        {"role": "tool", "tool_call_id": "c1", "content": '{"current_working_directory": "document"}'},
        {
            "role": "tool",
            "tool_call_id": "c2",
            "content": '{"current_directory_content": ["report.txt", "notes.md"]}',
        },
    ]
    assert server.requests[2]["messages"][-1] == {
        "role": "tool",
        "tool_call_id": "c3",
        "content": '{"file_content": "one two three"}',
    }
    assert env.unwrapped.messages[-1] == {"role": "assistant", "content": "notes.md says: one two three"}
    assert agent.usage["requests"] == 3 and len(agent.timings) == 3


def test_an_unreadable_reply_ends_the_episode_in_tool_env(server, make_agent):
    server.push(completion(content="[cd(folder='document')"))
    env = gym.make("FunReason/FileSystem-v0")
    observation, info = env.reset(seed=0)
    agent = make_agent()
    agent.reset(info["tools"])
    action = agent.act(observation)
    assert "invalid call syntax" in action["parse_error"]
    _, _, terminated, _, _ = env.step(action)
    assert terminated and env.unwrapped.messages[-1]["content"] == "[cd(folder='document')"


def test_many_episodes_share_one_concurrency_bound(server, clients):
    client = OpenAIClient(server.url, max_concurrency=2, timeout=5.0)
    clients.append(client)
    server.push(*(Scripted(body=completion(content=f"reply {i}").body, delay=0.15) for i in range(10)))
    agents = [OpenAIAgent("test-model", client=client) for _ in range(6)]
    for agent in agents:
        agent.reset(TOOLS)

    async def play() -> list[dict]:
        try:
            return await asyncio.gather(*(agent.aact(USER) for agent in agents))
        finally:
            await client.aclose()

    started = time.perf_counter()
    actions = asyncio.run(play())
    assert sorted(action["content"] for action in actions) == [f"reply {i}" for i in range(6)]
    assert server.peak == 2 and time.perf_counter() - started >= 0.4  # three waves of two

    server.peak = 0
    threaded = [OpenAIAgent("test-model", client=client) for _ in range(4)]
    for agent in threaded:
        agent.reset(TOOLS)
    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(lambda agent: agent.act(USER), threaded))
    assert len(replies) == 4 and server.peak == 2
