"""`sharegpt` export: LLaMA-Factory's role positions, parallel and multi-step calls, CoT placement, and
split rows that train one assistant entry each under `mask_history`."""

from __future__ import annotations

import json
import re

import pytest

from funreason_envs.errors import ConfigError
from funreason_envs.synthesis.exports import ExportOptions, export
from funreason_envs.synthesis.exports.faults import FAILURES, NOTICES
from funreason_envs.synthesis.exports.options import QWEN_RESULT_SEPARATOR
from tests.support.synthesis_samples import handmade_sample, read_jsonl, samples, tool_call

THOUGHT = re.compile(r"<think>(.*?)</think>", re.DOTALL)


def rows_of(tmp_path, sample_list=None, **options):
    export(sample_list or samples(), tmp_path, "sharegpt", ExportOptions(**options))
    return read_jsonl(tmp_path / "sharegpt.jsonl")


def read_like_llamafactory(row):
    """What LLaMA-Factory's sharegpt reader accepts, and the calls its function formatter parses."""
    entries = row["conversations"]
    for position, entry in enumerate(entries):
        expected = ("human", "observation") if position % 2 == 0 else ("gpt", "function_call")
        assert entry["from"] in expected, (row["id"], position, entry["from"])
    assert len(entries) % 2 == 0
    calls = []
    for entry in entries:
        if entry["from"] == "function_call":
            thought = THOUGHT.search(entry["value"])
            body = entry["value"].replace(thought.group(0), "") if thought else entry["value"]
            parsed = json.loads(body)
            calls.append(parsed if isinstance(parsed, list) else [parsed])
    return calls


@pytest.mark.parametrize("split", [False, True])
def test_rows_follow_llamafactory_positions_and_carry_system_and_tools(tmp_path, split):
    rows = rows_of(tmp_path, split_turns=split, error_rows=1.0)
    assert rows
    for row in rows:
        read_like_llamafactory(row)
        assert row["system"].startswith("You are a careful assistant")
        tools = json.loads(row["tools"])
        assert tools and all({"name", "description", "parameters"} <= set(tool) for tool in tools)


def test_calls_steps_and_results_map_onto_function_call_and_observation(tmp_path):
    row = next(r for r in rows_of(tmp_path) if r["sample_id"] == "synthetic_travel_trading_vehicle")
    calls = read_like_llamafactory(row)
    sample = samples()[3]
    expected = [
        [
            {"name": c["function"]["name"], "arguments": json.loads(c["function"]["arguments"])}
            for c in m["tool_calls"]
        ]
        for m in sample.messages
        if m.get("tool_calls")
    ]
    assert calls == expected
    assert [len(step) for step in calls] == [2, 1, 1, 1, 1, 2, 1]
    parallel = row["conversations"][1]
    assert json.loads(THOUGHT.sub("", parallel["value"])) == expected[0]  # a JSON list: parallel calls
    observation = row["conversations"][2]
    assert (
        observation["value"] == '{"zipcode": "94016"}' + QWEN_RESULT_SEPARATOR + '{"nearest_airport": "SFO"}'
    )
    assert [entry["from"] for entry in row["conversations"][:7]] == [
        "human",
        "function_call",
        "observation",
        "function_call",
        "observation",
        "gpt",
        "human",
    ]


def test_chain_of_thought_prefixes_function_calls_and_replies(tmp_path):
    row = rows_of(tmp_path)[0]
    assistant = [entry for entry in row["conversations"] if entry["from"] in ("gpt", "function_call")]
    for entry in assistant:
        assert entry["value"].startswith("<think>\nTurn ")
        assert "\n</think>\n\n" in entry["value"]
    assert assistant[-1]["value"].endswith("</think>\n\nDone with request 1.")


def test_split_rows_end_at_each_assistant_entry_and_keep_only_current_thinking(tmp_path):
    rows = rows_of(tmp_path, split_turns=True)
    whole = {row["sample_id"]: row for row in rows_of(tmp_path / "whole")}
    assistant_entries = sum(
        entry["from"] in ("gpt", "function_call") for row in whole.values() for entry in row["conversations"]
    )
    assert len(rows) == assistant_entries  # every assistant entry is trained exactly once
    for row in rows:
        entries = row["conversations"]
        assert entries[-1]["from"] in ("gpt", "function_call")
        humans = [i for i, entry in enumerate(entries) if entry["from"] == "human"]
        assert len(humans) == row["turn"] + 1
        for position, entry in enumerate(entries):
            if entry["from"] in ("gpt", "function_call"):
                assert ("<think>" in entry["value"]) == (position > humans[-1])
        step = int(row["id"].rsplit("step", 1)[1])
        assert sum(e["from"] in ("gpt", "function_call") for e in entries[humans[-1] :]) == step + 1


def test_text_beside_calls_joins_the_thought_and_bad_turns_are_refused(tmp_path):
    messages = [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "where am I?"},
        {
            "role": "assistant",
            "content": "Let me check.",
            "reasoning_content": "Use pwd.",
            "tool_calls": [tool_call("c1", "pwd")],
        },
        {
            "role": "tool",
            "tool_call_id": "c1",
            "name": "pwd",
            "content": '{"current_working_directory": "/w"}',
        },
        {"role": "assistant", "content": "In /w."},
    ]
    (row,) = rows_of(tmp_path, [handmade_sample(messages)])
    assert (
        row["conversations"][1]["value"]
        == '<think>\nUse pwd.\n\nLet me check.\n</think>\n\n{"name": "pwd", "arguments": {}}'
    )
    assert row["conversations"][3] == {"from": "gpt", "value": "In /w."}
    unanswered = handmade_sample(
        [*messages[:4], {"role": "user", "content": "and now?"}, {"role": "assistant", "content": "ok"}],
        turns=2,
        sample_id="bad",
    )
    with pytest.raises(
        ConfigError, match=r"sample bad: entry 4 is 'human'.*end with an assistant text reply"
    ):
        rows_of(tmp_path / "bad", [unanswered])


def test_split_error_rows_start_at_the_retry(tmp_path):
    rows = rows_of(tmp_path, split_turns=True, error_rows=1.0)
    firsts = {}
    for row in rows:
        if row["error_tool_response"]:
            firsts.setdefault(row["sample_id"], row)
    assert len(firsts) == len(samples())
    for row in firsts.values():
        *_, failed, retry = row["conversations"]
        assert failed["from"] == "observation"
        assert (
            failed["value"]
            .split(QWEN_RESULT_SEPARATOR)[-1]
            .startswith(('{"error": ', "Error during execution"))
        )
        assert retry["from"] == "function_call"
        call = json.loads(THOUGHT.sub("", retry["value"]))
        notices = {n.format(tool=call["name"], gist=f.gist) for n in NOTICES for f in FAILURES}
        assert THOUGHT.search(retry["value"]).group(1).strip("\n") in notices
        assert int(row["id"].rsplit("step", 1)[1]) >= 1
