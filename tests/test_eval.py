"""`funreason eval`: results format, resuming, re-scoring recorded responses, and BFCL replay."""

from __future__ import annotations

import json

from funreason_envs.cli import main
from tests.support.oracle import CATEGORIES


def read_rows(folder):
    return [json.loads(line) for line in (folder / "results.jsonl").read_text().splitlines()]


def test_eval_writes_results_summary_and_table(tmp_path, capsys):
    assert main(["eval", "--tasks", "demo", "--out", str(tmp_path), "--quiet"]) == 0
    table = capsys.readouterr().out
    assert "demo" in table and "100.00%" in table
    rows = read_rows(tmp_path)
    assert [row["passed"] for row in rows] == [True, True, True]
    row = rows[0]
    assert {"id", "category", "passed", "turns", "messages"} <= set(row)
    assert row["turns"][1]["state"]["file_system"]["root"]["workspace"]["type"] == "directory"
    tool_message = next(m for m in row["messages"] if m["role"] == "tool" and m["name"] == "wc")
    assert tool_message["content"] == '{"count": 3, "type": "lines"}'
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["overall_accuracy"] == 1.0 and summary["categories"]["demo"]["total"] == 3


def test_eval_resumes_without_duplicates_and_drops_a_torn_line(tmp_path):
    main(["eval", "--tasks", "demo", "--out", str(tmp_path), "--quiet", "--limit", "2"])
    results = tmp_path / "results.jsonl"
    results.write_text(results.read_text() + '{"id": "demo_file_sys')  # a crash mid-write
    main(["eval", "--tasks", "demo", "--out", str(tmp_path), "--quiet"])
    assert sorted(row["id"] for row in read_rows(tmp_path)) == [
        "demo_file_system_0",
        "demo_file_system_1",
        "demo_file_system_2",
    ]


def test_rescoring_recorded_responses(tmp_path, capsys):
    responses = tmp_path / "responses.jsonl"
    lines = [
        {
            "id": "demo_file_system_0",
            "result": [
                [["cd(folder='document')", "mkdir(dir_name='backup')"]],
                [["wc(file_name='report.txt')"]],
            ],
        },
        {
            "id": "demo_file_system_2",
            "result": [[], [["cd(folder='document')"], ["mv('notes.md', 'notes_old.md')"]]],
        },
        {"id": "demo_file_system_1", "result": [[]]},
    ]
    responses.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    out = tmp_path / "scored"
    assert main(["eval", "--tasks", "demo", "--responses", str(responses), "--out", str(out), "--quiet"]) == 0
    rows = {row["id"]: row for row in read_rows(out)}
    assert rows["demo_file_system_0"]["passed"] is False
    assert rows["demo_file_system_0"]["reason"] == "instance_state_mismatch"
    assert rows["demo_file_system_0"]["turns"][0]["state_diff"]
    assert rows["demo_file_system_2"]["passed"] is True
    assert rows["demo_file_system_1"]["reason"] == "force_terminated"


def test_bad_inputs_give_one_line_errors(tmp_path, capsys):
    assert main(["eval", "--tasks", "nope.jsonl", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == (
        "funreason eval: error: nope.jsonl: no such task file; pass a JSONL file of tasks or bfcl:<category>"
    )
    assert main(["eval", "--tasks", "bfcl:composite", "--out", str(tmp_path)]) == 2
    assert "unknown BFCL category 'composite'" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "demo_file_system_0", "result": [[]], \n')
    assert main(["eval", "--tasks", "demo", "--responses", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "bad.jsonl:1: invalid JSON" in capsys.readouterr().err


def test_replay_scores_100_percent_on_all_four_bfcl_categories(tmp_path, capsys):
    tasks = ",".join(f"bfcl:{category}" for category in CATEGORIES)
    assert (
        main(
            [
                "eval",
                "--tasks",
                tasks,
                "--agent",
                "replay",
                "--out",
                str(tmp_path),
                "--workers",
                "2",
                "--quiet",
            ]
        )
        == 0
    )
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert {name: row["total"] for name, row in summary["categories"].items()} == dict.fromkeys(
        CATEGORIES, 200
    )
    failed = [row["id"] for row in read_rows(tmp_path) if not row["passed"]]
    assert not failed, failed[:10]
    assert summary["overall_accuracy"] == 1.0
    assert "overall (mean of categories)" in capsys.readouterr().out
