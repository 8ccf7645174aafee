"""`funreason serve`: an OpenEnv server built with openenv-core's app factory, driven by openenv-core's own
generic client over WebSocket on 127.0.0.1; BFCL's base ground truth replayed through it scores 200/200."""

from __future__ import annotations

import asyncio
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from openenv.core.generic_client import GenericEnvClient

from funreason_envs.cli import build_parser, main
from funreason_envs.commands.serve import env_kwargs
from funreason_envs.errors import ConfigError
from funreason_envs.integrations.openenv import create_server
from funreason_envs.tasks import load_tasks
from tests.support.oracle import require_bfcl

SESSIONS = 8


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """A uvicorn server on 127.0.0.1 in a background thread."""

    def __init__(self, app) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def ground_truth_message(task, turn):
    calls = [
        {"type": "function", "function": {"name": c.name, "arguments": c.arguments}}
        for c in task.ground_truth[turn]
    ]
    return {"role": "assistant", "content": "", "tool_calls": calls}


async def replay(url, tasks):
    """Play each task through one client session; the final rewards."""
    rewards = {}
    async with GenericEnvClient(base_url=url) as client:
        for task in tasks:
            result = await client.reset(task=task.id, seed=0)
            assert result.observation["task_id"] == task.id and not result.done
            assert result.observation["content"] == task.user_text(0)
            for turn in range(len(task.turns)):
                if task.ground_truth[turn]:
                    result = await client.step(ground_truth_message(task, turn))
                    assert result.observation["role"] == "tool"
                    assert all(r["status"] != "invalid" for r in result.observation["tool_results"])
                result = await client.step({"role": "assistant", "content": "<think>done</think>All done."})
            assert result.done
            rewards[task.id] = result.reward
    return rewards


def test_bfcl_base_ground_truth_through_the_server_scores_200_of_200():
    require_bfcl()
    tasks = load_tasks("bfcl:base")
    assert len(tasks) == 200
    app = create_server(tasks="bfcl:base", reward_mode="final", max_sessions=SESSIONS)
    with Served(app) as url:

        async def main():
            shares = [tasks[index::SESSIONS] for index in range(SESSIONS)]  # concurrent, isolated sessions
            results = await asyncio.gather(*(replay(url, share) for share in shares))
            return {task_id: reward for result in results for task_id, reward in result.items()}

        rewards = asyncio.run(main())
    assert len(rewards) == 200 and sum(rewards.values()) == 200.0


def test_calls_in_model_text_a_wrong_answer_and_http_endpoints():
    app = create_server(tasks="demo", reward_mode="turn", max_sessions=2)
    with Served(app) as url:

        async def main():
            async with GenericEnvClient(base_url=url) as first, GenericEnvClient(base_url=url) as second:
                await first.reset(task="demo_file_system_0")
                await second.reset(task="demo_file_system_0")
                hermes = '<tool_call>{"name": "cd", "arguments": {"folder": "document"}}</tool_call>'
                result = await first.step({"role": "assistant", "content": hermes})
                assert result.observation["tool_results"][0]["status"] == "ok"
                result = await first.step({"role": "assistant", "content": "[mkdir(dir_name='backup')]"})
                assert result.observation["tool_results"][0]["name"] == "mkdir"
                wrong = await first.step({"role": "assistant", "content": "Finished."})
                # the other session is untouched: its file system still has no document/backup
                result = await second.step({"role": "assistant", "content": "[ls()]"})
                assert "backup" not in result.observation["content"]
                return wrong

        wrong = asyncio.run(main())
        assert wrong.reward == 0.0 and not wrong.done
        assert wrong.observation["check"]["turns"][0]["passed"] is False
        schema = httpx.get(f"{url}/schema").json()
        assert "tool_calls" in schema["action"]["properties"]
        assert "tool_results" in schema["observation"]["properties"]
        reset = httpx.post(f"{url}/reset", json={"task": "demo_file_system_1"}).json()
        assert reset["observation"]["task_id"] == "demo_file_system_1"


def test_serve_arguments():
    parser = build_parser()
    args = parser.parse_args(["serve", "--tasks", "bfcl:base", "--reward-mode", "turn"])
    assert env_kwargs(args) == {"reward_mode": "turn", "strict": False, "tasks": "bfcl:base"}
    args = parser.parse_args(["serve", "--env", "FunReason/Combined-v0", "--domains", "trading,message"])
    assert env_kwargs(args) == {"domains": "trading,message"}
    with pytest.raises(ConfigError, match="--tasks"):
        env_kwargs(parser.parse_args(["serve", "--env", "FunReason/Math-v0", "--tasks", "demo"]))


def test_an_unknown_env_or_a_missing_extra_is_one_clear_error():
    from funreason_envs.errors import MissingDependencyError
    from funreason_envs.integrations import require

    with pytest.raises(ConfigError, match=r"unknown env 'FunReason/Nope-v0'; serve one of: .*MultiTurn-v0"):
        create_server("FunReason/Nope-v0")
    with pytest.raises(MissingDependencyError, match=r"pip install 'funreason-envs\[openenv\]'"):
        require("no_such_module_for_funreason", "openenv")


def test_http_errors_are_4xx_with_the_message_and_the_websocket_reports_the_same():
    from fastapi.testclient import TestClient

    client = TestClient(create_server(tasks="demo"), raise_server_exceptions=False)
    missing = "no task with id 'nope' in this env's task set"
    reset = client.post("/reset", json={"task": "nope"})
    assert (reset.status_code, reset.json()) == (400, {"detail": missing})
    unknown = client.post("/reset", json={"tsk": "demo_file_system_0"})
    assert unknown.status_code == 400 and "unknown reset option(s) ['tsk']" in unknown.json()["detail"]
    assert client.post("/reset", json={"task": "demo_file_system_0"}).status_code == 200
    step = client.post("/step", json={"action": {"role": "assistant", "content": "[ls()]"}})
    assert step.status_code == 409
    assert "HTTP is one-shot" in step.json()["detail"] and "WebSocket session at /ws" in step.json()["detail"]
    with client.websocket_connect("/ws") as session:
        session.send_json({"type": "reset", "data": {"task": "nope"}})
        assert session.receive_json()["data"] == {"message": missing, "code": "EXECUTION_ERROR"}


def serve_error(capsys, monkeypatch, *argv: str) -> str:
    """Run `funreason serve ARGV`, which must refuse before serving; its one stderr line."""

    def served(*args, **kwargs):
        raise AssertionError("the server was started")

    monkeypatch.setattr(uvicorn, "run", served)
    monkeypatch.setattr(uvicorn.Server, "run", served)
    assert main(["serve", *argv]) == 2
    captured = capsys.readouterr()
    assert "serving" not in captured.out
    err = captured.err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


def test_a_bad_task_file_is_refused_before_serving(tmp_path, capsys, monkeypatch):
    not_json = tmp_path / "notjson.jsonl"
    not_json.write_text("notjson\n")
    assert serve_error(capsys, monkeypatch, "--tasks", str(not_json)).endswith(
        f"{not_json}:1: invalid JSON: Expecting value"
    )
    bad_config = tmp_path / "config.jsonl"
    row = load_tasks("demo")[0].model_dump(mode="json")
    row["initial_config"]["file_system"]["root"] = "workspace"
    bad_config.write_text(json.dumps(row) + "\n")
    assert "task 'demo_file_system_0'" in serve_error(capsys, monkeypatch, "--tasks", str(bad_config))


def test_a_port_out_of_range_or_in_use_is_one_line(capsys, monkeypatch):
    assert serve_error(capsys, monkeypatch, "--port", "-1") == (
        "funreason serve: error: --port must be 0 to 65535 (0: any free port), got -1"
    )
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert f"--port {port}: already in use on 127.0.0.1" in serve_error(
            capsys, monkeypatch, "--port", str(port)
        )


def test_serve_announces_the_port_it_listens_on(tmp_path):
    server = subprocess.Popen(
        [sys.executable, "-m", "funreason_envs.cli", "serve", "--port", "0", "--tasks", "demo"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    try:
        assert server.stdout is not None
        ready, _, _ = select.select([server.stdout], [], [], 60)
        assert ready, "the server announced nothing within 60 s"
        line = server.stdout.readline()
        url = line.split(" on ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0"), line
        reset = httpx.post(f"{url}/reset", json={"task": "demo_file_system_1"}, timeout=30)
        assert reset.status_code == 200 and reset.json()["observation"]["task_id"] == "demo_file_system_1"
    finally:
        server.terminate()
        server.wait(timeout=30)
