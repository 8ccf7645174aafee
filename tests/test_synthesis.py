"""The synthesis pipeline: verified samples, determinism, resuming, and the report."""

from __future__ import annotations

import json

import pytest

from funreason_envs.cli import main
from funreason_envs.synthesis.pipeline import SampleBuilder
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.run import load_samples, roles_factory, synthesize
from funreason_envs.synthesis.settings import Settings
from funreason_envs.synthesis.verify import verify_sample

SETTINGS = Settings(seed=3, domains=("file_system",))


def build(index: int, settings: Settings = SETTINGS) -> Sample:
    return SampleBuilder(index, settings, roles_factory("template", settings)).build()


def test_samples_replay_exactly_and_tamper_is_caught():
    sample = build(0)
    assert verify_sample(sample) == []
    tool_message = next(m for m in sample.messages if m["role"] == "tool")
    tool_message["content"] = "tampered"
    assert any("replayed result differs" in problem for problem in verify_sample(sample))


def test_sample_structure():
    sample = build(1)
    assert sample.messages[0]["role"] == "system"
    assert len(sample.task.turns) == len(sample.task.ground_truth) == len(sample.turns)
    users = [m for m in sample.messages if m["role"] == "user"]
    assert len(users) == len(sample.turns)
    for message in sample.messages:
        if message["role"] == "assistant":
            assert message.get("reasoning_content")
            for call in message.get("tool_calls") or ():
                json.loads(call["function"]["arguments"])


def test_same_index_same_sample_different_index_differs():
    assert build(2).model_dump() == build(2).model_dump()
    assert build(2).model_dump() != build(4).model_dump()


def test_run_resumes_and_equals_an_uninterrupted_run(tmp_path):
    whole = tmp_path / "whole"
    synthesize(6, SETTINGS, whole, progress=False)
    part = tmp_path / "part"
    synthesize(3, SETTINGS, part, progress=False)
    with (part / "samples.jsonl").open("a") as handle:
        handle.write('{"id": "torn')  # a crash mid-write
    synthesize(6, SETTINGS, part, progress=False)
    assert (part / "samples.jsonl").read_text() == (whole / "samples.jsonl").read_text()
    assert len(load_samples(part)) == 6


def test_other_settings_in_the_same_folder_are_refused(tmp_path):
    synthesize(1, SETTINGS, tmp_path, progress=False)
    with pytest.raises(Exception, match=r"was made with seed=3; this run has seed=4"):
        synthesize(1, Settings(seed=4, domains=("file_system",)), tmp_path, progress=False)


def test_cli_writes_samples_and_report(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["synthesize", "--num", "3", "--domains", "file_system", "--out", str(out), "--quiet"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["written"] == 3 and report["acceptance"]["verification"] == 1.0
    assert "written 3 of 3 requested" in capsys.readouterr().out


def test_a_killed_run_resumes_to_the_uninterrupted_output(tmp_path):
    """SIGKILL a real `funreason synthesize` process midway, rerun it, and compare with a clean run."""
    import signal
    import subprocess
    import sys
    import time

    def command(out):
        return [
            sys.executable,
            "-m",
            "funreason_envs.cli",
            "synthesize",
            "--num",
            "150",
            "--seed",
            "5",
            "--domains",
            "file_system",
            "--format",
            "openai,bfcl",
            "--out",
            str(out),
            "--quiet",
        ]

    killed = tmp_path / "killed"
    process = subprocess.Popen(command(killed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = killed / "samples.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if samples.exists() and samples.read_text().count("\n") >= 20:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert 20 <= samples.read_text().count("\n") < 150
    subprocess.run(command(killed), check=True, stdout=subprocess.DEVNULL)
    clean = tmp_path / "clean"
    subprocess.run(command(clean), check=True, stdout=subprocess.DEVNULL)
    for name in (
        "samples.jsonl",
        "openai.jsonl",
        "bfcl/BFCL_v4_multi_turn_synthesized.json",
        "bfcl/possible_answer/BFCL_v4_multi_turn_synthesized.json",
    ):
        assert (killed / name).read_text() == (clean / name).read_text(), name


def test_the_cli_synthesizes_the_bfcl_domains_unless_asked_for_all(tmp_path):
    from funreason_envs.synthesis.kits import bfcl_kit_domains, kit_domains

    bfcl = {"file_system", "math", "message", "posting", "ticket", "trading", "travel", "vehicle"}
    assert set(bfcl_kit_domains()) == bfcl and bfcl < set(kit_domains())
    for choice, expected in ((None, bfcl), ("all", set(kit_domains()))):
        out = tmp_path / (choice or "default")
        args = ["synthesize", "--num", "4", "--seed", "3", "--quiet", "--out", str(out)]
        assert main(args + (["--domains", choice] if choice else [])) == 0
        assert set(json.loads((out / "run.json").read_text())["domains"]) == expected
        assert {d for sample in load_samples(out) for d in sample.domains} <= expected
