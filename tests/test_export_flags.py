"""Every export option has a `funreason synthesize` flag, and the flags reach the files."""

from __future__ import annotations

import json

from funreason_envs.cli import build_parser, main
from funreason_envs.commands.synthesize import export_options
from funreason_envs.synthesis.exports.options import (
    PLAIN_RESULT_SEPARATOR,
    QWEN_RESULT_SEPARATOR,
    ExportOptions,
)


def options(*flags):
    return export_options(build_parser().parse_args(["synthesize", *flags]))


def test_defaults_are_the_export_defaults():
    assert options() == ExportOptions()


def test_each_flag_sets_its_option():
    got = options(
        "--split-turns",
        "--error-rows",
        "0.5",
        "--openai-loss-marking",
        "weight",
        "--string-arguments",
        "--one-call-per-message",
        "--sharegpt-template",
        "llama3",
        "--bfcl-name",
        "multi_turn_mine",
    )
    assert got == ExportOptions(
        split_turns=True,
        error_rows=0.5,
        openai_loss_marking="weight",
        string_arguments=True,
        one_call_per_message=True,
        sharegpt_result_separator=PLAIN_RESULT_SEPARATOR,
        bfcl_name="multi_turn_mine",
    )
    assert options("--sharegpt-template", "qwen3").sharegpt_result_separator == QWEN_RESULT_SEPARATOR
    assert (
        options(
            "--sharegpt-template", "qwen3", "--sharegpt-result-separator", " | "
        ).sharegpt_result_separator
        == " | "
    )


def test_a_run_with_flags_writes_what_they_ask(tmp_path, capsys):
    out = tmp_path / "run"
    flags = ["--string-arguments", "--bfcl-name", "multi_turn_mine", "--format", "openai,bfcl"]
    assert main(["synthesize", "--num", "3", "--seed", "1", "--out", str(out), "--quiet", *flags]) == 0
    rows = [json.loads(line) for line in (out / "openai.jsonl").read_text().splitlines()]
    calls = [call for row in rows for m in row["messages"] for call in m.get("tool_calls") or []]
    assert calls and all(isinstance(call["function"]["arguments"], str) for call in calls)
    ids = [
        json.loads(line)["id"]
        for line in (out / "bfcl" / "BFCL_v4_multi_turn_mine.json").read_text().splitlines()
    ]
    assert ids and all(entry_id.startswith("multi_turn_mine_") for entry_id in ids)
    assert main(["synthesize", "--out", str(tmp_path / "bad"), "--bfcl-name", "mine", "--quiet"]) == 2
    assert "start it with 'multi_turn_'" in capsys.readouterr().err
