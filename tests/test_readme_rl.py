"""The README's RL-training and bfcl-eval snippets, run as written (only the model, the server address and
the size of the run swapped for local ones): TRL on a tiny model, `funreason serve` with OpenEnv's client,
verifiers against a scripted server, and bfcl-eval's checker on an export."""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
import time

import httpx

from funreason_envs.synthesis.exports import export
from tests.support.openai_server import ScriptedServer, completion
from tests.support.oracle import require_bfcl
from tests.support.readme import snippet
from tests.support.synthesis_samples import samples
from tests.support.tiny_lm import tiny_model, tiny_tokenizer, trl_templates


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_trl_snippet(tmp_path):
    from trl import GRPOConfig

    tokenizer = tiny_tokenizer(trl_templates()["qwen3"])
    args = GRPOConfig(
        output_dir=str(tmp_path),
        per_device_train_batch_size=2,
        num_generations=2,
        max_completion_length=8,
        max_steps=2,
        report_to="none",
        save_strategy="no",
        use_cpu=True,
        bf16=False,
        max_tool_calling_iterations=2,
    )
    code = snippet(
        "trl",
        {
            'model="Qwen/Qwen3-0.6B",': "model=model, processing_class=tokenizer,",
            'args=GRPOConfig(output_dir="runs/grpo", max_tool_calling_iterations=20),': "args=test_args,",
            'tasks = "bfcl:base"': 'tasks = "demo"',
        },
    )
    namespace = {"model": tiny_model(tokenizer), "tokenizer": tokenizer, "test_args": args}
    exec(compile(code, "README:trl", "exec"), namespace)
    assert namespace["trainer"].state.global_step == 2


def test_openenv_snippets(capsys):
    require_bfcl()
    port = free_port()
    command = shlex.split(snippet("openenv-serve", {"--port 8000": f"--port {port}"}).strip())
    assert command[:2] == ["funreason", "serve"]
    server = subprocess.Popen([sys.executable, "-m", "funreason_envs.cli", *command[1:]])
    try:
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        code = snippet("openenv", {"http://127.0.0.1:8000": f"http://127.0.0.1:{port}"})
        exec(compile(code, "README:openenv", "exec"), {"__name__": "readme"})
    finally:
        server.terminate()
        server.wait(timeout=30)
    printed = capsys.readouterr().out
    assert (
        "'name': 'ls'" in printed and "'status': 'ok'" in printed and printed.rstrip().endswith("0.0 False")
    )


def test_verifiers_snippet(monkeypatch, capsys):
    require_bfcl()
    monkeypatch.setenv("OPENAI_API_KEY", "local")
    with ScriptedServer(responder=lambda body: completion("Done.")) as server:
        code = snippet(
            "verifiers",
            {"http://localhost:8000/v1": server.url, 'model="my-model"': 'model="test-model"'},
        )
        exec(compile(code, "README:verifiers", "exec"), {"__name__": "readme"})
        assert len(server.requests) >= 2  # one reply per user turn of multi_turn_base_0
    assert float(capsys.readouterr().out.strip().splitlines()[-1]) == 0.0  # "Done." solves nothing


def test_bfcl_checker_recipe(tmp_path, capsys):
    require_bfcl()
    export(samples(), tmp_path, "bfcl")
    code = snippet("bfcl-checker", {'folder = "data/synth/bfcl"': f'folder = "{tmp_path / "bfcl"}"'})
    exec(compile(code, "README:bfcl", "exec"), {"__name__": "readme"})
    assert capsys.readouterr().out.strip().splitlines()[-1] == f"{len(samples())}/{len(samples())} valid"
