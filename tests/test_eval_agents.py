"""`funreason eval` with model agents: an OpenAI-compatible server started by the test, and a tiny
local transformers model (batched); both write the same results format as the replay agent."""

from __future__ import annotations

import json

from funreason_envs.cli import main
from tests.support.openai_server import ScriptedServer, completion, tool_call

ROW_KEYS = {"id", "category", "domains", "passed", "score", "reason", "turns", "messages", "tools", "usage"}


def stand_in_model(body):
    """Lists the folder after each user message, then answers in words."""
    last = body["messages"][-1]
    if last["role"] == "user":
        return completion(
            tool_calls=[tool_call(f"c{len(body['messages'])}", "ls", "{}")], reasoning="Look first."
        )
    return completion("Done.")


def rows(folder):
    return [json.loads(line) for line in (folder / "results.jsonl").read_text().splitlines()]


def test_openai_agent_eval_matches_the_replay_results_format(tmp_path):
    main(["eval", "--tasks", "demo", "--agent", "replay", "--out", str(tmp_path / "replay"), "--quiet"])
    with ScriptedServer(responder=stand_in_model) as server:
        code = main(
            [
                "eval",
                "--tasks",
                "demo",
                "--agent",
                "openai",
                "--base-url",
                server.url,
                "--model",
                "test-model",
                "--out",
                str(tmp_path / "openai"),
                "--workers",
                "2",
                "--quiet",
            ]
        )
    assert code == 0
    replay, served = rows(tmp_path / "replay"), rows(tmp_path / "openai")
    assert set(replay[0]) >= ROW_KEYS and set(served[0]) == set(replay[0])
    assert sorted(r["id"] for r in served) == sorted(r["id"] for r in replay)
    first = next(r for r in served if r["id"] == "demo_file_system_0")
    assert first["passed"] is False and first["usage"]["prompt_tokens"] > 0
    tool_messages = [m for m in first["messages"] if m["role"] == "tool"]
    assert tool_messages[0]["content"].startswith('{"current_directory_content": [')
    assert any(m.get("reasoning_content") == "Look first." for m in first["messages"])


def test_bfcl_tasks_show_bfcl_eval_function_docs_by_default(tmp_path):
    with ScriptedServer(responder=stand_in_model) as server:
        base = [
            "eval",
            "--tasks",
            "bfcl:base",
            "--limit",
            "1",
            "--agent",
            "openai",
            "--base-url",
            server.url,
            "--model",
            "test-model",
            "--quiet",
        ]
        main([*base, "--out", str(tmp_path / "docs")])
        shown = server.requests[0]["tools"]
        main([*base, "--out", str(tmp_path / "ours"), "--tools", "ours"])
        ours = server.requests[-1]["tools"]
    assert all(
        tool["function"]["description"].endswith("Note that the provided function is in Python 3 syntax.")
        for tool in shown
    )
    assert {t["function"]["name"] for t in shown} == {t["function"]["name"] for t in ours}
    assert not any("Python 3 syntax" in tool["function"]["description"] for tool in ours)


def test_local_model_eval_runs_batched(tmp_path, model_folder):
    out = tmp_path / "hf"
    code = main(
        [
            "eval",
            "--tasks",
            "demo",
            "--agent",
            "hf",
            "--model",
            str(model_folder),
            "--max-tokens",
            "8",
            "--workers",
            "3",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    results = rows(out)
    assert len(results) == 3 and all(set(r) >= ROW_KEYS for r in results)
    assert all(r["messages"][0]["role"] == "user" for r in results)
