"""LLM roles end to end through `funreason synthesize --llm openai:URL --model M`, against real HTTP
servers on 127.0.0.1: a good stand-in model (tests/test_synthesis_llm.py), one whose outputs are bad or
malformed (every fallback counted per role and reason, the template named as the writer), a judge that
says no, an unreachable server; spec-aware value checks; `hf:PATH` options reaching the model."""

from __future__ import annotations

import json
import re
import socket

import pytest

from funreason_envs.cli import main
from funreason_envs.errors import ConfigError
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.roles.backends import BackendSpec, chat_model
from funreason_envs.synthesis.roles.values import states_value
from tests.support.llm_stand_in import stand_in
from tests.support.openai_server import ScriptedServer, completion


class BadModel:
    """Answers every role wrongly (prose instead of JSON, empty queries and hints); as the reasoner it
    replays the last trace it was shown, so samples can still be made from the template's texts."""

    def __init__(self, judge_says: str = "yes") -> None:
        self.trace: list[str] = []
        self.judge_says = judge_says

    def __call__(self, body):
        first = body["messages"][0]["content"]
        if first.startswith("You design composite tools"):
            self.trace = re.findall(r"^\d+\. (.*)$", first.split("Executed calls:", 1)[1], re.M)
            return completion("I would call it something nice.")  # no JSON
        if first.startswith("You write requests"):
            return completion("")
        if first.startswith("You review an assistant's attempt"):
            return completion("")
        if "<tool_response>" in body["messages"][-1]["content"]:
            return completion("<think>All steps returned.</think>Done.")
        calls = self.trace if "Hints from earlier attempts" in first else self.trace[:-1] or self.trace
        return completion(f"<think>Doing it.</think>[{', '.join(calls)}]")


class JudgingModel:
    """The good stand-in, with a judge that gives a fixed verdict."""

    def __init__(self, verdict: str) -> None:
        self.verdict = verdict
        self.judged = 0

    def __call__(self, body):
        if body["messages"][0]["content"].startswith("You check synthesized training data"):
            self.judged += 1
            return completion(json.dumps({"verdict": self.verdict, "reason": "checked"}))
        return stand_in(body)


def run_cli(server: ScriptedServer, out, *extra: str) -> int:
    return main(
        [
            "synthesize",
            "--num",
            "2",
            "--domains",
            "file_system",
            "--vague-rate",
            "0",
            "--held-out-rate",
            "0",
            "--llm",
            f"openai:{server.url}",
            "--model",
            "test-model",
            "--out",
            str(out),
            "--quiet",
            *extra,
        ]
    )


def samples(out) -> list[Sample]:
    return [Sample.model_validate_json(line) for line in (out / "samples.jsonl").read_text().splitlines()]


def test_the_readme_command_runs_against_a_local_server(tmp_path, capsys):
    with ScriptedServer(responder=stand_in) as server:
        assert run_cli(server, tmp_path / "run") == 0
    printed = capsys.readouterr().out
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["written"] == 2 and set(report["fallbacks"]) <= {"reasoning"}  # first-attempt slips
    assert set(report["writers"]["query"]) == {"openai"}
    assert "querying/" not in printed and "quality figure" in printed
    for sample in samples(tmp_path / "run"):
        assert sample.backend == "openai"
        assert all(set(t.writers.values()) == {"openai"} and len(t.writers) >= 4 for t in sample.turns)


def test_bad_and_malformed_outputs_are_counted_per_role_and_reason(tmp_path, capsys):
    with ScriptedServer(responder=BadModel()) as server:
        assert run_cli(server, tmp_path / "run") == 0
    printed = capsys.readouterr().out
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    fallbacks = report["fallbacks"]
    assert fallbacks["tooling"]["malformed_json"] >= 2
    assert fallbacks["querying"]["empty"] >= 2 and fallbacks["querying"]["rejected_empty"] >= 4
    assert fallbacks["critiquing"]["empty"] >= 1
    assert "LLM outputs rejected or replaced by the template: critiquing/empty" in printed
    writers = report["writers"]
    assert set(writers["query"]) == {"template"} and set(writers["reasoning"]) == {"openai"}
    made = samples(tmp_path / "run")
    turns = [turn for sample in made for turn in sample.turns]
    assert all(t.writers["query"] == "template" and t.writers["tool"] == "template" for t in turns)
    assert all(t.writers["reasoning"] == "openai" for t in turns)
    assert any(t.writers.get("hints") == "template" for t in turns)
    # every turn's fallbacks, kept samples and rejected ones, add up to what the report shows
    tooling_turns = sum(len(s.turns) for s in made)
    assert fallbacks["tooling"]["malformed_json"] >= tooling_turns


def test_a_judge_that_says_no_sends_queries_back_to_the_template(tmp_path):
    refusing = JudgingModel("no")
    with ScriptedServer(responder=refusing) as server:
        assert run_cli(server, tmp_path / "no", "--judge") == 0
    report = json.loads((tmp_path / "no" / "report.json").read_text())
    assert refusing.judged >= 2
    assert report["fallbacks"]["querying"]["rejected_judge_said_no"] == refusing.judged
    assert all(t.writers["query"] == "template" for s in samples(tmp_path / "no") for t in s.turns)
    approving = JudgingModel("yes")
    with ScriptedServer(responder=approving) as server:
        assert run_cli(server, tmp_path / "yes", "--judge") == 0
    assert approving.judged >= 2
    assert "querying" not in json.loads((tmp_path / "yes" / "report.json").read_text())["fallbacks"]


def test_an_unreachable_backend_stops_the_run_with_one_line(tmp_path, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the run: nothing listens there
    args = ["synthesize", "--num", "2", "--domains", "math", "--out", str(tmp_path / "run"), "--quiet"]
    assert main([*args, "--llm", f"openai:http://127.0.0.1:{port}/v1", "--model", "m"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "cannot reach" in error
    assert not (tmp_path / "run" / "samples.jsonl").exists()


def test_a_server_that_never_answers_stops_the_run_after_the_given_timeout(tmp_path, capsys):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # connections are taken, but nothing ever reads or answers them
        port = silent.getsockname()[1]
        args = ["synthesize", "--num", "2", "--domains", "math", "--out", str(tmp_path / "run"), "--quiet"]
        args += ["--llm", f"openai:http://127.0.0.1:{port}/v1", "--model", "m", "--max-retries", "0"]
        assert main([*args, "--timeout", "0.3"]) == 2
        error = capsys.readouterr().err.strip()
        assert error.count("\n") == 0 and "did not answer within 0.3s (1 attempts)" in error
        assert main([*args, "--timeout", "0.2"]) == 2  # a rerun may change the timeout: not a run setting
        assert "did not answer within 0.2s" in capsys.readouterr().err
    assert "timeout" not in json.loads((tmp_path / "run" / "run.json").read_text())
    assert not (tmp_path / "run" / "samples.jsonl").exists()


def test_request_limits_are_checked_and_only_for_an_openai_backend(tmp_path, capsys):
    args = ["synthesize", "--num", "1", "--out", str(tmp_path / "run"), "--quiet"]
    llm = ["--llm", "openai:http://127.0.0.1:9/v1", "--model", "m"]
    for extra, expected in [
        ([*llm, "--timeout", "0"], "--timeout must be a positive number of seconds"),
        ([*llm, "--max-retries", "-1"], "--max-retries must be 0 or more"),
        (["--timeout", "5"], "bound the calls of --llm openai:URL"),
    ]:
        assert main([*args, *extra]) == 2
        assert expected in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_llm_options_are_checked_and_passed_on(tmp_path, capsys):
    args = ["synthesize", "--num", "1", "--out", str(tmp_path / "run"), "--quiet"]
    assert main([*args, "--llm", "openai:http://127.0.0.1:9/v1"]) == 2
    assert "needs --model" in capsys.readouterr().err
    assert main([*args, "--model", "m"]) == 2
    assert "need an LLM backend" in capsys.readouterr().err
    assert main([*args, "--llm", "hf:/nowhere", "--dtype", "float64"]) == 2
    assert "dtype 'float64' is not supported" in capsys.readouterr().err
    with pytest.raises(ConfigError, match="unknown --llm backend"):
        chat_model(BackendSpec("claude:x"))


def test_hf_backend_gets_device_and_dtype(model_folder):
    import torch

    chat = chat_model(BackendSpec(f"hf:{model_folder}", device="cpu", dtype="bfloat16"))
    weights = next(chat.model.model.parameters())
    assert weights.device.type == "cpu" and weights.dtype == torch.bfloat16
    assert isinstance(chat.complete([{"role": "user", "content": "hello"}]), str)


@pytest.mark.parametrize(
    ("text", "value", "schema", "stated"),
    [
        ("Please buy 10 shares", "Buy", {"examples": ["Buy", "Sell"]}, True),
        ("grant it read write access", "read_write", {"enum": ["read", "read_write"]}, True),
        ("grant it read write access", "read_write", {}, False),  # not a declared word: literal only
        ("Press the pedal all the way (1)", 1.0, {}, True),
        ("coverage up to $500", 500, {}, True),
        ("add 1,500 to my account", 1500.0, {}, True),
        ("set it to 17", 7, {}, False),
        ("fly on May 3rd 2026", "2026-05-03", {}, True),
        ("fly on 3 May", "2026-05-03", {}, True),
        ("fly on May 4th", "2026-05-03", {}, False),
        ("I need three of them", 3, {}, True),
        ("log in as usr001", "USR001", {}, True),
        ("message Bob", "Alice", {}, False),
    ],
)
def test_query_values_may_take_the_forms_the_spec_allows(text, value, schema, stated):
    assert states_value(text, value, schema) is stated
