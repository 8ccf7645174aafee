"""`hermes` export: Qwen-style rendered text, read back with our own tool-call parser."""

from __future__ import annotations

import json
import re

from funreason_envs.calls import parse_calls
from funreason_envs.synthesis.exports import ExportOptions, export
from tests.support.synthesis_samples import handmade_sample, read_jsonl, samples, tool_call

BLOCK = re.compile(r"<\|im_start\|>(\w+)\n(.*?)<\|im_end\|>\n", re.DOTALL)

PWD_TOOL = (
    '{"type": "function", "function": {"name": "pwd", "description": "Where am I?", '
    '"parameters": {"type": "object", "properties": {}, "required": []}}}'
)
LS_TOOL = (
    '{"type": "function", "function": {"name": "ls", "description": "List.", '
    '"parameters": {"type": "object", "properties": {"a": {"type": "boolean"}}, "required": []}}}'
)
EXPECTED = (
    "<|im_start|>system\nsys\n\n# Tools\n\n"
    "You may call one or more functions to assist with the user query.\n\n"
    "You are provided with function signatures within <tools></tools> XML tags:\n"
    f"<tools>\n{PWD_TOOL}\n{LS_TOOL}\n</tools>\n\n"
    "For each function call, return a json object with function name and arguments within "
    "<tool_call></tool_call> XML tags:\n"
    '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n'
    """<|im_start|>user
where am I?<|im_end|>
<|im_start|>assistant
<think>
Use pwd and ls.
</think>

<tool_call>
{"name": "pwd", "arguments": {}}
</tool_call>
<tool_call>
{"name": "ls", "arguments": {"a": true}}
</tool_call><|im_end|>
<|im_start|>user
<tool_response>
{"current_working_directory": "/w"}
</tool_response>
<tool_response>
{"current_directory_content": ["é.txt"]}
</tool_response><|im_end|>
<|im_start|>assistant
You are in /w.<|im_end|>
"""
)


def rows_of(tmp_path, sample_list=None, **options):
    export(sample_list or samples(), tmp_path, "hermes", ExportOptions(**options))
    return read_jsonl(tmp_path / "hermes.jsonl")


def small_tool(name, description, properties):
    parameters = {"type": "object", "properties": properties, "required": []}
    return {
        "type": "function",
        "function": {"name": name, "description": description, "parameters": parameters},
    }


def test_rendering_follows_the_qwen_template_exactly(tmp_path):
    messages = [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "where am I?"},
        {
            "role": "assistant",
            "content": None,
            "reasoning_content": "Use pwd and ls.",
            "tool_calls": [tool_call("c1", "pwd"), tool_call("c2", "ls", a=True)],
        },
        {"role": "tool", "tool_call_id": "c1", "content": '{"current_working_directory": "/w"}'},
        {"role": "tool", "tool_call_id": "c2", "content": '{"current_directory_content": ["é.txt"]}'},
        {"role": "assistant", "content": "You are in /w."},
    ]
    tools = [small_tool("pwd", "Where am I?", {}), small_tool("ls", "List.", {"a": {"type": "boolean"}})]
    sample = handmade_sample(messages).model_copy(update={"tools": tools})
    (row,) = rows_of(tmp_path, [sample])
    assert row["text"] + "\n" == EXPECTED  # the last block ends at its end token (TRL adds no second one)


def test_every_call_reads_back_with_our_parser_and_every_result_is_shown(tmp_path):
    for row, sample in zip(rows_of(tmp_path), samples(), strict=True):
        blocks = BLOCK.findall(row["text"] + "\n")
        assert "".join(f"<|im_start|>{r}\n{b}<|im_end|>\n" for r, b in blocks) == row["text"] + "\n"
        assistant = [body for role, body in blocks if role == "assistant"]
        expected = [m for m in sample.messages if m["role"] == "assistant"]
        assert len(assistant) == len(expected)
        for body, message in zip(assistant, expected, strict=True):
            assert body.startswith(f"<think>\n{message['reasoning_content']}\n</think>\n\n")
            if message.get("tool_calls"):
                calls = parse_calls(body)
                wanted = [
                    (c["function"]["name"], json.loads(c["function"]["arguments"]))
                    for c in message["tool_calls"]
                ]
                assert [(c.name, c.arguments) for c in calls] == wanted
            else:
                assert body.endswith(message["content"])
        results = re.findall(r"<tool_response>\n(.*?)\n</tool_response>", row["text"], re.DOTALL)
        assert results == [m["content"] for m in sample.messages if m["role"] == "tool"]
        listed = re.search(r"<tools>\n(.*?)\n</tools>", row["text"], re.DOTALL).group(1).split("\n")
        assert [json.loads(line) for line in listed] == sample.tools


def test_split_rows_prompt_without_earlier_thinking_and_complete_with_the_turn(tmp_path):
    rows = rows_of(tmp_path, split_turns=True)
    assert len(rows) == sum(len(sample.task.turns) for sample in samples())
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        assert "<think>" not in row["prompt"]
        assert row["prompt"].startswith("<|im_start|>system\n")
        assert row["prompt"].endswith("<|im_end|>\n") and row["prompt"].rsplit("<|im_start|>", 1)[
            1
        ].startswith("user\n")
        assert row["completion"].startswith("<|im_start|>assistant\n<think>\nTurn ")
        assert row["completion"].endswith(f"Done with request {row['turn']}.<|im_end|>")
    held_out = by_id["demo_file_system_1/turn0"]["prompt"]
    assert (
        '"name": "tail"' not in held_out and '"name": "tail"' in by_id["demo_file_system_1/turn1"]["prompt"]
    )
    later = by_id["demo_file_system_0/turn1"]
    assert (
        "<|im_start|>user\nNow tell me how many lines the original report has.<|im_end|>\n" in later["prompt"]
    )
    assert later["prompt"].count("<tool_call>") == 2 + 3  # twice in the instructions, turn 0's three calls
