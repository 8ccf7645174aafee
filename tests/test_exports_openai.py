"""`openai` export: TRL-shaped rows, reasoning kept, and split rows whose trained turn is marked."""

from __future__ import annotations

import json

import pytest

from funreason_envs.synthesis.exports import ExportOptions, export
from funreason_envs.synthesis.exports.conversation import read_conversation
from tests.support.synthesis_samples import read_jsonl, samples


def rows_of(tmp_path, **options):
    export(samples(), tmp_path, "openai", ExportOptions(**options))
    return read_jsonl(tmp_path / "openai.jsonl")


def as_exported(messages):
    """The sample's messages as exported: a calling assistant message's null content becomes ""."""
    return [
        {**m, "content": ""} if m["role"] == "assistant" and m.get("content") is None else m for m in messages
    ]


def tool_names(tools):
    return [tool["function"]["name"] for tool in tools]


def test_whole_rows_are_the_verified_conversations_with_tools(tmp_path):
    rows = rows_of(tmp_path, string_arguments=True)
    assert [row["sample_id"] for row in rows] == [sample.id for sample in samples()]
    for row, sample in zip(rows, samples(), strict=True):
        assert row["messages"] == as_exported(sample.messages)
        assert row["id"] == sample.id and row["turn"] is None and row["error_tool_response"] is False
        assert tool_names(row["tools"]) == tool_names(sample.tools)
        assert all(tool["type"] == "function" and "parameters" in tool["function"] for tool in row["tools"])
        for message in row["messages"]:
            if message["role"] == "assistant":
                assert message["reasoning_content"]
                for call in message.get("tool_calls") or []:
                    assert isinstance(json.loads(call["function"]["arguments"]), dict)


def test_prompt_completion_rows_train_one_turn_on_the_context_it_will_see(tmp_path):
    rows = rows_of(tmp_path, split_turns=True, string_arguments=True)
    by_sample = {sample.id: sample for sample in samples()}
    assert len(rows) == sum(len(sample.task.turns) for sample in samples())
    for row in rows:
        sample = by_sample[row["sample_id"]]
        turn = read_conversation(sample).turns[row["turn"]]
        assert set(row) >= {"prompt", "completion", "tools"} and "messages" not in row
        assert row["completion"] == as_exported([m for step in turn.steps for m in step.messages()])
        assert row["completion"][-1]["role"] == "assistant" and not row["completion"][-1].get("tool_calls")
        assert row["prompt"][-1] == {"role": "user", "content": turn.user_text()}
        assert row["prompt"][0]["role"] == "system"
        assert not any("reasoning_content" in message for message in row["prompt"])
        # the prompt is the conversation so far, only without earlier thinking
        stripped = [{k: v for k, v in m.items() if k != "reasoning_content"} for m in sample.messages]
        assert row["prompt"] == as_exported(stripped[: len(row["prompt"])])


@pytest.mark.parametrize("split_turns", [False, True])
def test_arguments_are_objects_by_default_and_strings_on_request(tmp_path, split_turns):
    objects = rows_of(tmp_path / "objects", split_turns=split_turns)
    strings = rows_of(tmp_path / "strings", split_turns=split_turns, string_arguments=True)
    calls = 0
    for with_objects, with_strings in zip(objects, strings, strict=True):
        for column in ("messages", "prompt", "completion"):
            for ours, theirs in zip(with_objects.get(column, []), with_strings.get(column, []), strict=True):
                for call, string_call in zip(
                    ours.get("tool_calls") or [], theirs.get("tool_calls") or [], strict=True
                ):
                    assert isinstance(call["function"]["arguments"], dict)
                    assert call["function"]["arguments"] == json.loads(string_call["function"]["arguments"])
                    calls += 1
                assert {k: v for k, v in ours.items() if k != "tool_calls"} == {
                    k: v for k, v in theirs.items() if k != "tool_calls"
                }
    assert calls > 20


def test_split_rows_show_held_out_tools_only_from_their_turn(tmp_path):
    rows = {row["id"]: row for row in rows_of(tmp_path, split_turns=True)}
    assert "tail" not in tool_names(rows["demo_file_system_1/turn0"]["tools"])
    assert "tail" in tool_names(rows["demo_file_system_1/turn1"]["tools"])
    whole = {row["id"]: row for row in rows_of(tmp_path / "whole")}
    assert "tail" in tool_names(whole["demo_file_system_1"]["tools"])


def test_weight_rows_mark_earlier_assistant_messages_untrained(tmp_path):
    rows = rows_of(tmp_path, split_turns=True, openai_loss_marking="weight")
    row = next(r for r in rows if r["id"] == "synthetic_travel_trading_vehicle/turn2")
    users = [i for i, m in enumerate(row["messages"]) if m["role"] == "user"]
    current = users[-1]
    for index, message in enumerate(row["messages"]):
        if message["role"] != "assistant":
            assert "weight" not in message
        elif index < current:
            assert message["weight"] == 0 and "reasoning_content" not in message
        else:
            assert message["weight"] == 1 and message["reasoning_content"]
    assert row["messages"][-1]["content"] == "Done with request 2."
    assert sum(m.get("weight") == 1 for m in row["messages"]) == 3  # two call steps and the reply


@pytest.mark.parametrize("marking", ["prompt_completion", "weight"])
def test_error_rows_are_split_to_the_turn_holding_the_failure(tmp_path, marking):
    rows = rows_of(tmp_path, split_turns=True, error_rows=1.0, openai_loss_marking=marking)
    errors = [row for row in rows if row["error_tool_response"]]
    with_calls = [s for s in samples() if any(m.get("tool_calls") for m in s.messages)]
    assert len(errors) == len(with_calls)
    for row in errors:
        assert row["id"] == f"{row['sample_id']}/error/turn{row['turn']}"
        trained = row["completion"] if marking == "prompt_completion" else row["messages"]
        retries = [m for m in trained if m["role"] == "assistant" and "retry" in str(m.get("tool_calls"))]
        assert len(retries) == 1
