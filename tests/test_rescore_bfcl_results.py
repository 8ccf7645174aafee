"""`funreason eval --responses` on bfcl-eval's own result files (prompt mode: raw Python-call strings;
FC mode: function-call dicts with JSON-string arguments), file or whole result folder: our verdicts
equal bfcl-eval's, decoded by its own decoders and judged by its own `multi_turn_checker`."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from funreason_envs.bfcl_results import decode_result, read_responses
from funreason_envs.cli import main
from funreason_envs.errors import ConfigError
from funreason_envs.tasks import load_tasks
from tests.support.oracle import load_category, require_bfcl

CATEGORIES = ("multi_turn_base", "multi_turn_miss_param")
PER_CATEGORY = 20
CHATTER = "Let me think about which function to call first."
_names = itertools.count()


def wrong_turns(turns: list[list[dict[str, Any]]], rng: random.Random) -> list[list[dict[str, Any]]]:
    """Ground-truth calls (name, arguments) per turn with one mistake, or as they are (a third of rows)."""
    turns = [list(turn) for turn in turns]
    filled = [index for index, turn in enumerate(turns) if turn]
    kind = rng.choice(("none", "drop", "change", "empty"))
    if not filled or kind == "none":
        return turns
    index = rng.choice(filled)
    if kind == "drop":
        turns[index].pop(rng.randrange(len(turns[index])))
    elif kind == "empty":
        turns[index] = []
    else:
        position = rng.randrange(len(turns[index]))
        call = turns[index][position]
        if call["arguments"]:
            key = rng.choice(sorted(call["arguments"]))
            value = call["arguments"][key]
            changed = value + "_x" if isinstance(value, str) else value
            turns[index][position] = {**call, "arguments": {**call["arguments"], key: changed}}
    return turns


def python_call(call: dict[str, Any]) -> str:
    arguments = ", ".join(f"{key}={value!r}" for key, value in call["arguments"].items())
    return f"{call['name']}({arguments})"


def prompt_steps(calls: list[dict[str, Any]], rng: random.Random) -> list[Any]:
    """A prompt-mode model's raw outputs for one turn: chatter, then the calls as Python text."""
    steps: list[Any] = [CHATTER] if rng.random() < 0.3 else []
    if calls:
        text = ", ".join(
            f"{c['name']}({', '.join(f'{k}={v!r}' for k, v in c['arguments'].items())})" for c in calls
        )
        steps.append(rng.choice((f"[{text}]", f"```\n[{text}]\n```", text)))
    steps.append("I have completed the request.")
    return steps


def fc_steps(calls: list[dict[str, Any]], rng: random.Random) -> list[Any]:
    """An FC-mode model's raw outputs for one turn: function-call dicts, then a text reply."""
    steps: list[Any] = []
    if calls:
        split = rng.randrange(len(calls) + 1)
        for chunk in (calls[:split], calls[split:]):
            if chunk:
                steps.append([{c["name"]: json.dumps(c["arguments"])} for c in chunk])
    steps.append("Done.")
    return steps


def bfcl_decoded(result: list[list[Any]], fc: bool) -> list[list[list[str]]]:
    """bfcl-eval's own decoding of a multi-turn result, as its multi-turn runner does it."""
    require_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_utils import is_empty_execute_response
    from bfcl_eval.model_handler.utils import convert_to_function_call, default_decode_execute_prompting

    turns = []
    for turn in result:
        steps = []
        for step in turn:
            try:
                decoded = convert_to_function_call(step) if fc else default_decode_execute_prompting(step)
            except Exception:
                continue
            if not is_empty_execute_response(decoded):
                steps.append(decoded)
        turns.append(steps)
    return turns


def bfcl_verdict(entry: dict[str, Any], truth: list[list[str]], result: list[list[Any]], fc: bool) -> bool:
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_checker import multi_turn_checker

    if len(result) != len(truth):
        return False
    category = entry["id"].rsplit("_", 1)[0]
    checked = multi_turn_checker(bfcl_decoded(result, fc), truth, entry, category, f"rescore{next(_names)}")
    return bool(checked["valid"])


@pytest.mark.parametrize("mode", ["prompt", "fc"])
def test_rescoring_bfcl_result_folders_gives_bfcl_verdicts(tmp_path, mode):
    rng = random.Random(mode)
    folder = tmp_path / "result" / "some-model" / "multi_turn"
    folder.mkdir(parents=True)
    expected: dict[str, bool] = {}
    for category in CATEGORIES:
        entries = load_category(category)[:PER_CATEGORY]
        tasks = {task.id: task for task in load_tasks(f"bfcl:{category}")[:PER_CATEGORY]}
        lines = []
        for entry, truth in entries:
            task = tasks[entry["id"]]
            calls = [[c.model_dump() for c in turn] for turn in task.ground_truth]
            make = prompt_steps if mode == "prompt" else fc_steps
            result = [make(turn, rng) for turn in wrong_turns(calls, rng)]
            expected[entry["id"]] = bfcl_verdict(entry, truth, result, mode == "fc")
            lines.append(json.dumps({"id": entry["id"], "result": result, "inference_log": []}))
        (folder / f"BFCL_v4_{category}_result.json").write_text("\n".join(lines) + "\n")
    (folder.parent / "BFCL_v4_simple_python_result.json").write_text('{"id": "simple_python_0"}\n')
    assert 0 < sum(expected.values()) < len(expected), "the mix needs both passing and failing rows"
    out = tmp_path / "scored"
    tasks = ",".join(f"bfcl:{category}" for category in CATEGORIES)
    code = main(
        ["eval", "--tasks", tasks, "--limit", str(PER_CATEGORY), "--responses", str(tmp_path / "result"),
         "--out", str(out), "--quiet"]
    )  # fmt: skip
    assert code == 0
    ours = {
        row["id"]: row["passed"] for row in map(json.loads, (out / "results.jsonl").read_text().splitlines())
    }
    assert ours == expected


def test_prompt_mode_decoding_matches_bfcl_eval_on_tricky_steps():
    steps = [
        "[cd(folder='a'), mv('x', 'y')]",  # positional arguments are dropped, as bfcl-eval drops them
        "ls(a=True)",
        '`echo(content="hi")`',
        "[sort(file_name=f)]",  # a bare name becomes its text
        "touch(file_name='n', extra={'k': [1, 2]})",
        "[]",
        "not a call at all",
        "[1, 2]",
    ]
    ours = decode_result([steps])
    assert ours == bfcl_decoded([steps], fc=False)
    assert ours[0][0] == ["cd(folder='a')", "mv()"]


def test_unreadable_rows_name_the_file_and_the_row(tmp_path):
    cases = {
        "nested-int": [[5]],
        "int-turn": [5],
        "dict-without-calls": [[{"a": 1}]],
    }
    for name, result in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"id": "multi_turn_base_0", "result": result}) + "\n")
        with pytest.raises(ConfigError, match=rf"{path.name}:1 \(multi_turn_base_0\): turn 0"):
            read_responses(path)
    deep = tmp_path / "deep.json"
    deep.write_text('{"id": "multi_turn_base_0", "result": ' + "[" * 5000 + "]" * 5000 + "}\n")
    with pytest.raises(ConfigError, match=r"deep.json:1: nested too deeply"):
        read_responses(deep)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b'{"id": "\xff"}\n')
    with pytest.raises(ConfigError, match=r"binary.json:1: not UTF-8"):
        read_responses(binary)


def test_responses_with_nothing_to_score_are_refused_before_the_folder_is_made(tmp_path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    out = tmp_path / "o"
    assert main(["eval", "--tasks", "demo", "--responses", str(empty), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"funreason eval: error: --responses {empty}: no responses to score; "
        'pass a file of {"id", "result"} rows or a bfcl-eval result file or folder'
    )
    assert not out.exists()


def test_a_non_list_result_is_an_inference_error_as_in_bfcl_eval(tmp_path, capsys):
    path = tmp_path / "r.json"
    path.write_text(
        json.dumps({"id": "demo_file_system_0", "result": "Error during inference: timeout"}) + "\n"
    )
    assert (
        main(["eval", "--tasks", "demo", "--responses", str(path), "--out", str(tmp_path / "o"), "--quiet"])
        == 0
    )
    row = json.loads((tmp_path / "o" / "results.jsonl").read_text())
    assert row["passed"] is False and row["reason"] == "inference_error"


def test_bad_responses_on_the_command_line_are_one_line_errors(tmp_path, capsys):
    for result in ([[5]], [5], [[{"a": 1}]]):
        path = tmp_path / "r.json"
        path.write_text(json.dumps({"id": "demo_file_system_0", "result": result}) + "\n")
        assert main(["eval", "--tasks", "demo", "--responses", str(path), "--out", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("funreason eval: error: ") and "r.json:1" in err and "\n" not in err
    assert not Path(tmp_path / "o" / "results.jsonl").exists()
