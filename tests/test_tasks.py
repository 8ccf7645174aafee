"""The task format: validation, JSONL round trips, BFCL loading and its errors."""

from __future__ import annotations

import json

import pytest

from funreason_envs.errors import ConfigError
from funreason_envs.tasks import NEW_TOOLS_NOTICE, Task, load_tasks, read_tasks, write_tasks
from funreason_envs.tasks.bfcl import (
    BfclDataNotFound,
    bfcl_entry_to_task,
    load_bfcl_tasks,
    normalise_category,
)


def test_demo_tasks_load_and_round_trip(tmp_path):
    tasks = load_tasks("demo")
    assert [t.id for t in tasks] == ["demo_file_system_0", "demo_file_system_1", "demo_file_system_2"]
    path = tmp_path / "tasks.jsonl"
    assert write_tasks(path, tasks) == 3
    assert read_tasks(path) == tasks


def test_held_out_turn_uses_bfcl_notice():
    task = load_tasks("demo")[1]
    assert task.revealed_by(0) == {"tail"} and task.revealed_by(1) == set()
    assert task.user_text(1) == NEW_TOOLS_NOTICE


def test_turn_count_mismatch_is_rejected():
    with pytest.raises(ValueError, match="2 turns but 1 ground-truth turns"):
        Task(id="x", domains=["file_system"], turns=[[], []], ground_truth=[[]])


def test_bad_task_lines_name_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    good = load_tasks("demo")[0].model_dump_json()
    path.write_text(good + "\n{oops\n")
    with pytest.raises(ConfigError, match=r"bad.jsonl:2: invalid JSON"):
        read_tasks(path)
    path.write_text(good + "\n" + json.dumps({"id": "y", "turns": []}) + "\n")
    with pytest.raises(ConfigError, match=r"bad.jsonl:2: domains: Field required"):
        read_tasks(path)
    with pytest.raises(ConfigError, match="no such task file"):
        read_tasks(tmp_path / "missing.jsonl")


def test_bfcl_category_names():
    assert normalise_category("base") == "multi_turn_base"
    assert normalise_category("multi_turn_long_context") == "multi_turn_long_context"
    with pytest.raises(ConfigError, match="unknown BFCL category 'composite'") as raised:
        normalise_category("composite")
    assert "base (multi_turn_base)" in str(raised.value) and "bfcl_data=" in str(raised.value)


def test_missing_bfcl_data_says_how_to_get_it(tmp_path):
    with pytest.raises(
        BfclDataNotFound,
        match=r"no such folder; install bfcl-eval .*--bfcl-data DIR on the command line, bfcl_data= in",
    ):
        load_bfcl_tasks("base", tmp_path / "nowhere")
    with pytest.raises(BfclDataNotFound, match=r"BFCL_v4_multi_turn_base\.json: missing"):
        load_bfcl_tasks("base", tmp_path)


def test_bfcl_entry_conversion_maps_positional_arguments_and_held_out_turns():
    entry = {
        "id": "multi_turn_miss_func_7",
        "question": [[{"role": "user", "content": "Sort it."}], []],
        "initial_config": {
            "GorillaFileSystem": {"root": {"w": {"type": "directory", "contents": {}}}},
            "X": {},
        },
        "involved_classes": ["GorillaFileSystem"],
        "missed_function": {"1": ["sort"]},
        "path": ["GorillaFileSystem.sort"],
    }
    task = bfcl_entry_to_task(entry, [[], ["sort('a.txt')", "tail('a.txt', 2)"]], "multi_turn_miss_func")
    assert task.domains == ["file_system"]
    assert task.initial_config == {"file_system": entry["initial_config"]["GorillaFileSystem"]}
    assert task.metadata["bfcl_unused_initial_config"] == {"X": {}}
    assert [(c.name, c.arguments) for c in task.ground_truth[1]] == [
        ("sort", {"file_name": "a.txt"}),
        ("tail", {"file_name": "a.txt", "lines": 2}),
    ]
    assert task.held_out == {1: ["sort"]}
    with pytest.raises(ConfigError, match="no domain reproduces MemoryAPI"):
        bfcl_entry_to_task({**entry, "involved_classes": ["MemoryAPI"]}, [[], []], "multi_turn_base")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda row: row["ground_truth"][1][0].update(name="nonexistent_tool"),
            "unknown tool 'nonexistent_tool'",
        ),
        (
            lambda row: row["ground_truth"][1][0].update(arguments={"bogus": 1}),
            "turn 1: tail has no argument 'bogus'",
        ),
        (
            lambda row: row["ground_truth"][1][0].update(arguments={}),
            "tail misses its required argument 'file_name'",
        ),
        (lambda row: row.update(held_out={"7": ["tail"]}), "held_out turn 7 is not a turn of this task"),
        (lambda row: row.update(held_out={"1": ["nonexistent_tool"]}), "held_out turn 1: unknown tool"),
        (lambda row: row.update(domains=["no_such_domain"]), "unknown domain 'no_such_domain'"),
    ],
)
def test_a_task_naming_what_its_domains_lack_is_refused_with_file_line_and_id(tmp_path, change, problem):
    rows = [json.loads(task.model_dump_json()) for task in load_tasks("demo")[:2]]
    change(rows[1])
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    with pytest.raises(ConfigError) as raised:
        read_tasks(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:2: task 'demo_file_system_1': ")
    assert problem in message and "\n" not in message
