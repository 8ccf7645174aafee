"""`funreason eval --agent openai` against a hostile server on 127.0.0.1: garbage, a drip, dropped
connections, cut bodies, lone surrogates, huge calls, nobody listening. Every run ends with one row
per task and a summary, the right exit code, and a rerun retries the tasks that got no answer; with
nobody listening the run stops after three tasks in a row and keeps their rows."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from funreason_envs.cli import main
from funreason_envs.writer import RunFolder

TASK_IDS = ["demo_file_system_0", "demo_file_system_1", "demo_file_system_2"]
Behaviour = Callable[[BaseHTTPRequestHandler, int], None]


def completion_body(message: dict[str, Any]) -> bytes:
    body = {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
    return json.dumps(body).encode()  # ensure_ascii: a lone surrogate travels as the escape \ud800


def send(handler: BaseHTTPRequestHandler, payload: bytes, length: int | None = None) -> None:
    handler.send_response(200)
    handler.send_header("content-type", "application/json")
    handler.send_header("content-length", str(len(payload) if length is None else length))
    handler.end_headers()
    handler.wfile.write(payload)
    handler.wfile.flush()


def garbage(handler: BaseHTTPRequestHandler, count: int) -> None:
    send(handler, b"<html>this is not json</html>")


def drip(handler: BaseHTTPRequestHandler, count: int) -> None:
    payload = completion_body({"content": "Done."})
    handler.send_response(200)
    handler.send_header("content-length", str(len(payload)))
    handler.end_headers()
    for byte in payload:  # one byte per 0.3 s: each read is quick, the whole reply takes minutes
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        if handler.server.stopping.wait(0.3):  # type: ignore[attr-defined]
            return


def close(handler: BaseHTTPRequestHandler, count: int) -> None:
    handler.close_connection = True
    handler.connection.shutdown(socket.SHUT_RDWR)


def cut_body(handler: BaseHTTPRequestHandler, count: int) -> None:
    payload = completion_body({"content": "Done."})
    handler.close_connection = True
    send(handler, payload[:20], length=len(payload))


def surrogate(handler: BaseHTTPRequestHandler, count: int) -> None:
    send(handler, completion_body({"content": "I am done \ud800 here"}))


def huge_call(handler: BaseHTTPRequestHandler, count: int) -> None:
    calls = []
    for index in range(400):
        name, arguments = ("mkdir", {"dir_name": "d"}) if index % 2 == 0 else ("cd", {"folder": "d"})
        calls.append(
            {
                "id": f"c{index}",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(arguments)},
            }
        )
    calls.append(
        {
            "id": "big",
            "type": "function",
            "function": {"name": "echo", "arguments": '{"content": "%s"}' % ("x" * 2_000_000)},
        }
    )
    send(handler, completion_body({"content": None, "tool_calls": calls}))


def tool_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def closed_once_then_fine(handler: BaseHTTPRequestHandler, count: int) -> None:
    if count % 2 == 1:
        close(handler, count)
    else:
        send(handler, completion_body({"content": "Done."}))


def words(handler: BaseHTTPRequestHandler, count: int) -> None:
    send(handler, completion_body({"content": "Done."}))


class FaultServer:
    """A chat-completions server whose every reply is `behaviour`; counts the requests it got."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.requests = 0
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                with lock:
                    outer.requests += 1
                    count = outer.requests
                with contextlib.suppress(OSError):  # the client gave up: the point of some behaviours
                    behaviour(self, count)

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        self.http.stopping = threading.Event()  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.http.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}/v1"

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.http.stopping.set()  # type: ignore[attr-defined]
        self.http.shutdown()
        self.http.server_close()


@contextmanager
def dead_url() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield f"http://127.0.0.1:{port}/v1"


def run_eval(url: str, out: Path, *extra: str) -> int:
    return main(
        [
            "eval",
            "--tasks",
            "demo",
            "--agent",
            "openai",
            "--model",
            "m",
            "--base-url",
            url,
            "--out",
            str(out),
            "--timeout",
            "1.5",
            "--max-retries",
            "1",
            "--max-steps-per-turn",
            "2",
            *(["--quiet"] if "--no-quiet" not in extra else []),
            *(option for option in extra if option != "--no-quiet"),
        ]
    )


def rows(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def assert_complete(out: Path) -> list[dict[str, Any]]:
    """One row per task and a summary that counts exactly those rows."""
    written = rows(out)
    assert sorted(row["id"] for row in written) == TASK_IDS
    summary = json.loads((out / "summary.json").read_text())
    assert summary["tasks"] == len(TASK_IDS)
    return written


@pytest.mark.parametrize(
    ("behaviour", "problem"),
    [
        (garbage, "BackendRequestError"),
        (drip, "did not answer within 1.5s (2 attempts)"),
        (close, "2 attempts"),
        (cut_body, "2 attempts"),
    ],
    ids=["garbage", "drip", "closed-connection", "cut-body"],
)
def test_a_server_that_never_answers_fails_every_task_and_exits_1(tmp_path, capsys, behaviour, problem):
    with FaultServer(behaviour) as server:
        assert run_eval(server.url, tmp_path) == 1
    written = assert_complete(tmp_path)
    assert {row["reason"] for row in written} == {"agent_error"}
    assert all(problem in row["error"] for row in written), written[0]["error"]
    assert "no task got an answer" in capsys.readouterr().err


def test_a_dead_server_stops_the_run_and_a_rerun_retries_the_failures(tmp_path, capsys):
    with dead_url() as url:
        assert run_eval(url, tmp_path) == 2
    assert {row["reason"] for row in assert_complete(tmp_path)} == {"agent_error"}
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("funreason eval: error: the server is unreachable"), err
    with FaultServer(words) as server:
        assert run_eval(server.url, tmp_path) == 0
        assert server.requests == len(TASK_IDS) * 2  # every task was asked again (two user turns each)
    written = assert_complete(tmp_path)
    assert "agent_error" not in {row["reason"] for row in written}
    capsys.readouterr()
    with dead_url() as url:  # nothing left to ask: the server is not even contacted
        assert run_eval(url, tmp_path, "--no-quiet") == 0
    assert "all 3 tasks already done" in capsys.readouterr().out


def test_a_dropped_connection_is_retried(tmp_path):
    with FaultServer(closed_once_then_fine) as server:
        assert run_eval(server.url, tmp_path) == 0
    assert "agent_error" not in {row["reason"] for row in assert_complete(tmp_path)}


@pytest.mark.parametrize("behaviour", [surrogate, huge_call], ids=["lone-surrogate", "huge-call"])
def test_a_hostile_reply_fails_only_its_task_and_the_run_goes_on(tmp_path, behaviour):
    with FaultServer(behaviour) as server:
        assert run_eval(server.url, tmp_path) == 0
    written = assert_complete(tmp_path)
    assert all(row["passed"] is False for row in written)
    assert all(row["reason"] != "agent_error" for row in written)


def test_a_second_eval_into_a_busy_folder_is_refused_and_duplicates_nothing(tmp_path, capsys):
    assert main(["eval", "--tasks", "demo", "--out", str(tmp_path), "--quiet", "--limit", "1"]) == 0
    settings = json.loads((tmp_path / "run.json").read_text())
    with RunFolder(tmp_path, settings):  # another job holds the folder
        assert main(["eval", "--tasks", "demo", "--out", str(tmp_path), "--quiet"]) == 2
    assert "is in use by another running job" in capsys.readouterr().err
    assert [row["id"] for row in rows(tmp_path)] == TASK_IDS[:1]
    assert main(["eval", "--tasks", "demo", "--out", str(tmp_path), "--quiet"]) == 0
    assert sorted(row["id"] for row in rows(tmp_path)) == TASK_IDS


def test_two_eval_processes_into_one_folder_never_duplicate_a_row(tmp_path, capsys):
    gate = threading.Event()

    def held(handler: BaseHTTPRequestHandler, count: int) -> None:
        gate.wait(60)  # the first run stays busy (and holds the folder) until the test lets it go
        words(handler, count)

    with FaultServer(held) as server:
        argv = [
            sys.executable, "-m", "funreason_envs.cli", "eval", "--tasks", "demo", "--agent", "openai",
            "--model", "m", "--base-url", server.url, "--out", str(tmp_path), "--quiet",
        ]  # fmt: skip
        first = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            while server.requests == 0 and first.poll() is None:
                gate.wait(0.05)  # until the first run is asking the server, so it owns the folder
            second = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        finally:
            gate.set()
            _, err = first.communicate(timeout=120)
    assert second.returncode == 2 and "is in use by another running job" in second.stderr
    assert first.returncode == 0, err
    assert_complete(tmp_path)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_dead_server_stops_the_run_after_three_tasks_in_a_row_and_a_rerun_goes_on(
    tmp_path, capsys, workers
):
    tasks = ["--tasks", "funreason:workspace", "--limit", "8", "--workers", workers]
    with dead_url() as url:
        assert run_eval(url, tmp_path, *tasks) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "the server is unreachable" in err and "3 tasks in a row" in err, err
    assert str(tmp_path) in err and "rerun the same command" in err
    written = rows(tmp_path)
    assert len(written) == 3 and {row["reason"] for row in written} == {"agent_error"}
    with FaultServer(words) as server:
        assert run_eval(server.url, tmp_path, *tasks) == 0
    written = rows(tmp_path)
    assert len(written) == 8 and "agent_error" not in {row["reason"] for row in written}


def test_threaded_rollouts_stop_handing_out_tasks_once_the_caller_stops_reading():
    from funreason_envs.agents.replay import ReplayAgent
    from funreason_envs.agents.rollout import rollout_many
    from funreason_envs.multiturn import MultiTurnEnv
    from funreason_envs.tasks import load_tasks

    tasks = load_tasks("funreason:workspace")[:12]
    started = []

    def make_agent(task):
        started.append(task.id)
        return ReplayAgent()

    records = rollout_many(tasks, lambda: MultiTurnEnv(tasks), make_agent, workers=2)
    next(records)
    records.close()
    assert len(started) <= 3  # the one read, the other one running, and the one handed out after the first
