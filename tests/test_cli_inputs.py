"""Careless input to `funreason eval` and `synthesize` gives one line naming the flag or the file and
row, never a traceback, and loses nothing; reruns resume through the one writer (torn lines, a torn
`run.json`, other settings refused by name)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from funreason_envs.cli import main
from funreason_envs.tasks import DEMO_TASKS
from funreason_envs.writer import JsonlLog, RunFolder


def one_line_error(capsys, argv: list[str], *expected: str) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    for text in expected:
        assert text in err, err
    return err


def task_file(tmp_path: Path, name: str, change) -> Path:
    row = json.loads(DEMO_TASKS.read_text().splitlines()[0])
    change(row)
    path = tmp_path / f"{name}.jsonl"
    path.write_text(json.dumps(row) + "\n")
    return path


def set_content(row):
    row["turns"][0][0]["content"] = 5


def set_root(row):
    row["initial_config"]["file_system"]["root"] = "workspace"


def untyped_file(row):
    row["initial_config"]["file_system"]["root"]["workspace"]["contents"]["new.txt"] = {"content": "x"}


@pytest.mark.parametrize(
    "change", [set_content, set_root, untyped_file], ids=["int-content", "root-str", "no-type"]
)
def test_bad_task_files_are_one_line_errors(tmp_path, capsys, change):
    path = task_file(tmp_path, change.__name__, change)
    one_line_error(
        capsys, ["eval", "--tasks", str(path), "--out", str(tmp_path / "o")], path.name, "demo_file_system_0"
    )
    assert not (tmp_path / "o" / "results.jsonl").exists()


def test_a_task_file_that_is_not_utf8_is_a_one_line_error(tmp_path, capsys):
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b'{"id": "caf\xe9"}\n')
    one_line_error(
        capsys, ["eval", "--tasks", str(path), "--out", str(tmp_path / "o")], "latin.jsonl:1: not UTF-8"
    )


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--numeric-tolerance", "0"),
        ("--numeric-tolerance", "-1"),
        ("--numeric-tolerance", "nan"),
        ("--numeric-tolerance", "inf"),
        ("--seed", "-1"),
        ("--limit", "-1"),
        ("--limit", "0"),
        ("--max-steps-per-turn", "0"),
        ("--timeout", "0"),
    ],
)
def test_out_of_range_eval_options_name_the_flag(tmp_path, capsys, option, value):
    one_line_error(capsys, ["eval", "--tasks", "demo", "--out", str(tmp_path), option, value], option)
    assert not (tmp_path / "results.jsonl").exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--vague-rate", "2"),
        ("--held-out-rate", "-0.1"),
        ("--error-rows", "1.5"),
        ("--implicit-rate", "1.5"),
        ("--typo-rate", "-1"),
        ("--turns", "2-"),
        ("--max-attempts", "0"),
        ("--seed", "-1"),
    ],
)
def test_out_of_range_synthesize_options_name_the_flag(tmp_path, capsys, option, value):
    one_line_error(capsys, ["synthesize", "--num", "1", "--out", str(tmp_path), option, value], option)
    assert not (tmp_path / "samples.jsonl").exists()


@pytest.mark.parametrize("domains", ["nonsense", "memory_vector", "math,memory_rec_sum"])
def test_synthesize_domain_errors_offer_only_domains_it_accepts(tmp_path, capsys, domains):
    err = one_line_error(capsys, ["synthesize", "--num", "1", "--out", str(tmp_path), "--domains", domains])
    offered = err.split("choose from ", 1)[1]
    assert "math" in offered and "memory_kv" in offered
    assert "memory_vector" not in offered and "memory_rec_sum" not in offered
    assert not (tmp_path / "run.json").exists()


def test_odd_out_paths_are_one_line_errors(tmp_path, capsys):
    one_line_error(capsys, ["eval", "--tasks", "demo", "--out", "/"], "--out /", "refusing")
    afile = tmp_path / "file"
    afile.write_text("")
    one_line_error(capsys, ["eval", "--tasks", "demo", "--out", str(afile)], "not a folder")
    one_line_error(
        capsys, ["eval", "--tasks", "demo", "--out", str(afile / "below")], "--out", "cannot create"
    )
    one_line_error(capsys, ["synthesize", "--num", "1", "--out", "bad\0name"], "--out", "null")


def test_other_settings_are_refused_by_name(tmp_path, capsys):
    assert main(["eval", "--tasks", "demo", "--agent", "replay", "--out", str(tmp_path), "--quiet"]) == 0
    err = one_line_error(capsys, ["eval", "--tasks", "demo", "--agent", "random", "--out", str(tmp_path)])
    assert err == (
        f"funreason eval: error: --out {tmp_path} was made with agent=replay; this run has agent=random; "
        "use another --out or the same settings"
    )


def test_the_writer_repairs_a_torn_tail_and_refuses_a_torn_middle(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"a": 1}\n{"a": 2}\n{"a": ')
    log = JsonlLog(path)
    assert log.rows == [{"a": 1}, {"a": 2}]
    log.append({"a": "\ud800"})  # a lone surrogate is written escaped, so the file stays UTF-8
    log.close()
    assert JsonlLog(path).rows[-1] == {"a": "\ud800"}
    path.write_text('{"a": 1}\n{"a": \n{"a": 3}\n')
    with pytest.raises(Exception, match=r"rows.jsonl:2: unreadable row"):
        JsonlLog(path)


def test_a_torn_run_json_does_not_stop_a_rerun(tmp_path, capsys):
    with RunFolder(tmp_path, {"agent": "replay"}):
        pass
    (tmp_path / "run.json").write_text('{"agent": "rep')
    with RunFolder(tmp_path, {"agent": "replay"}):
        pass
    assert "unreadable" in capsys.readouterr().err
    assert json.loads((tmp_path / "run.json").read_text()) == {"agent": "replay"}


@pytest.mark.parametrize("damage", ["torn", "missing"])
def test_results_without_a_readable_run_json_are_not_taken_over(tmp_path, capsys, damage):
    def damage_run_json(folder: Path) -> None:
        run_file = folder / "run.json"
        if damage == "torn":
            run_file.write_text(run_file.read_text()[:25])
        else:
            run_file.unlink()

    out = tmp_path / "synth"
    argv = ["synthesize", "--num", "1", "--out", str(out), "--quiet", "--domains", "math"]
    assert main(argv) == 0
    samples = (out / "samples.jsonl").read_text()
    damage_run_json(out)
    state = "unreadable" if damage == "torn" else "missing"
    one_line_error(
        capsys, [*argv[:2], "2", *argv[3:], "--seed", "5"], f"run.json is {state}", "restore run.json"
    )
    assert (out / "samples.jsonl").read_text() == samples
    assert (out / "run.json").exists() == (damage == "torn")  # left as it was, not rewritten

    out = tmp_path / "eval"
    assert main(["eval", "--tasks", "demo", "--agent", "random", "--out", str(out), "--quiet"]) == 0
    damage_run_json(out)
    argv = ["eval", "--tasks", "demo", "--agent", "replay", "--out", str(out), "--quiet"]
    one_line_error(capsys, argv, f"holds results (results.jsonl) but its run.json is {state}", "new --out")


def test_the_oracle_makes_no_scratch_folder_per_call(tmp_path, monkeypatch):
    import tempfile

    from tests.support.oracle import require_bfcl

    def no_scratch(*args, **kwargs):
        raise AssertionError("a scratch folder was made although BFCL_PROJECT_ROOT is set")

    monkeypatch.setenv("BFCL_PROJECT_ROOT", str(tmp_path))
    monkeypatch.setattr(tempfile, "mkdtemp", no_scratch)
    for _ in range(3):
        require_bfcl()


def test_the_command_line_helps_a_newcomer(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().err
    with pytest.raises(SystemExit) as raised:
        main(["eval", "--tasks", "demo", "--out", "x", "--wokers", "2"])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: funreason eval") and "unrecognized arguments: --wokers" in err
    with pytest.raises(SystemExit):
        main(["synthesize", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "openai, sharegpt, hermes, bfcl, parquet" in text and "file_system" in text
    with pytest.raises(SystemExit):
        main(["eval", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "agent messages allowed in one user turn" in text and "(default 20)" in text
    assert "partial (share of passed turns) (default final)" in text and "multi_turn_base" in text


def test_parquet_without_datasets_fails_before_the_first_sample(tmp_path, capsys, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_datasets(name, *args, **kwargs):
        if name == "datasets" or name.startswith("datasets."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_datasets)
    argv = ["synthesize", "--num", "1", "--format", "openai,parquet", "--out", str(tmp_path), "--quiet"]
    one_line_error(capsys, argv, "funreason-envs[datasets]")
    assert not (tmp_path / "samples.jsonl").exists()


def test_output_into_a_reader_that_went_away_ends_quietly(tmp_path):
    read_end, write_end = os.pipe()
    os.close(read_end)  # as `funreason envs | head` once head has exited
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run(
        [sys.executable, "-m", "funreason_envs.cli", "envs"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        timeout=60,
        check=False,
    )
    os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 128 + signal.SIGPIPE


def test_a_broken_pipe_that_is_not_stdout_is_still_reported(monkeypatch):
    from funreason_envs.commands import envs

    def broken(args):
        raise BrokenPipeError("a socket")

    monkeypatch.setattr(envs, "run", broken)
    with pytest.raises(BrokenPipeError):
        main(["envs"])
