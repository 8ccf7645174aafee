"""Reading model text: the formats real models emit, malformed calls, and text that holds no calls."""

from __future__ import annotations

import re

import pytest
from funreason_envs.agents.parsing import parse_model_text, split_reasoning, tool_parameter_order
from hypothesis import given, settings
from hypothesis import strategies as st

ORDER = {
    "sort": ("file_name",),
    "tail": ("file_name", "lines"),
    "ls": ("a",),
    "cd": ("folder",),
    "pwd": (),
    "find": ("path", "name"),
}


def calls_of(text: str, order: dict[str, tuple[str, ...]] | None = None) -> list[tuple[str, dict]]:
    parsed = parse_model_text(text, ORDER if order is None else order)
    assert parsed.error is None, parsed.error
    return [(call.name, call.arguments) for call in parsed.calls]


WELL_FORMED = [
    pytest.param(
        '<tool_call>\n{"name": "get_current_temperature", "arguments": '
        '{"location": "San Francisco, CA, USA", "unit": "celsius"}}\n</tool_call>\n'
        '<tool_call>\n{"name": "get_temperature_date", "arguments": '
        '{"location": "San Francisco, CA, USA", "date": "2024-10-01", "unit": "celsius"}}\n</tool_call>',
        [
            ("get_current_temperature", {"location": "San Francisco, CA, USA", "unit": "celsius"}),
            (
                "get_temperature_date",
                {"location": "San Francisco, CA, USA", "date": "2024-10-01", "unit": "celsius"},
            ),
        ],
        id="qwen2.5-two-blocks",
    ),
    pytest.param(
        '<tool_call>\n{"arguments": {"symbol": "TSLA"}, "name": "get_stock_fundamentals"}\n</tool_call>',
        [("get_stock_fundamentals", {"symbol": "TSLA"})],
        id="hermes-2-pro-arguments-first",
    ),
    pytest.param(
        '<tool_call>\n{"name": "cd", "arguments": "{\\"folder\\": \\"document\\"}"}\n</tool_call>',
        [("cd", {"folder": "document"})],
        id="arguments-as-json-string",
    ),
    pytest.param(
        '<tool_call>\n{"name": "cd", "parameters": {"folder": "document"}}\n</tool_call>',
        [("cd", {"folder": "document"})],
        id="parameters-instead-of-arguments",
    ),
    pytest.param(
        '<tool_call>\n{"name": "ls", "arguments": {"a": true}}',
        [("ls", {"a": True})],
        id="unterminated-last-block",
    ),
    pytest.param(
        '<tool_call>{"name": "pwd", "arguments": {}}<tool_call>{"name": "ls", "arguments": {}}</tool_call>',
        [("pwd", {}), ("ls", {})],
        id="forgotten-close-before-next-block",
    ),
    pytest.param(
        '<tool_call>\n{"name": "pwd", "arguments": {}}\n{"name": "ls", "arguments": {}}\n</tool_call>',
        [("pwd", {}), ("ls", {})],
        id="two-json-calls-in-one-block",
    ),
    pytest.param(
        '<tool_call>\n```json\n{"name": "pwd", "arguments": {}}\n```\n</tool_call>',
        [("pwd", {})],
        id="fenced-json-inside-block",
    ),
    pytest.param(
        '<tool_call>\n[{"name": "pwd", "arguments": {}}, '
        '{"name": "ls", "arguments": {"a": false}}]\n</tool_call>',
        [("pwd", {}), ("ls", {"a": False})],
        id="json-list-inside-block",
    ),
    pytest.param(
        '<tool_call> [pwd(), find(path=".")] </tool_call>',
        [("pwd", {}), ("find", {"path": "."})],
        id="funreason-mt-python-list-in-block",
    ),
    pytest.param(
        '{"name": "get_current_conditions", '
        '"parameters": {"location": "San Francisco, CA", "unit": "Fahrenheit"}}',
        [("get_current_conditions", {"location": "San Francisco, CA", "unit": "Fahrenheit"})],
        id="llama-3.1-json",
    ),
    pytest.param(
        '<|python_tag|>{"type": "function", "name": "cd", "parameters": {"folder": "docs"}}',
        [("cd", {"folder": "docs"})],
        id="llama-3.1-python-tag",
    ),
    pytest.param(
        '{"name": "pwd", "parameters": {}}; {"name": "ls", "parameters": {"a": true}}',
        [("pwd", {}), ("ls", {"a": True})],
        id="llama-3.1-several-json-calls",
    ),
    pytest.param(
        '[{"name": "get_weather", "arguments": {"location": "New York"}}, {"name": "pwd", "arguments": {}}]',
        [("get_weather", {"location": "New York"}), ("pwd", {})],
        id="xlam-json-list",
    ),
    pytest.param(
        '{"thought": "I need the folder.", "tool_calls": [{"name": "cd", "arguments": {"folder": "temp"}}]}',
        [("cd", {"folder": "temp"})],
        id="xlam-v1-thought-and-tool-calls",
    ),
    pytest.param(
        '[TOOL_CALLS][{"name": "get_current_weather", "arguments": {"location": "Paris, France"}}]',
        [("get_current_weather", {"location": "Paris, France"})],
        id="mistral-tool-calls-token",
    ),
    pytest.param(
        "[cd(folder='document'), mkdir(dir_name='temp'), mv(source='final_report.pdf', destination='temp')]",
        [
            ("cd", {"folder": "document"}),
            ("mkdir", {"dir_name": "temp"}),
            ("mv", {"source": "final_report.pdf", "destination": "temp"}),
        ],
        id="bfcl-python-list",
    ),
    pytest.param(
        "[sort('final_report.pdf'), tail('log.txt', 5)]",
        [("sort", {"file_name": "final_report.pdf"}), ("tail", {"file_name": "log.txt", "lines": 5})],
        id="bfcl-positional-arguments",
    ),
    pytest.param(
        "[get_weather(city=\"San Francisco\", metric='celsius', days=-1, extra={'a': [1, 2.5, None]})]",
        [
            (
                "get_weather",
                {"city": "San Francisco", "metric": "celsius", "days": -1, "extra": {"a": [1, 2.5, None]}},
            )
        ],
        id="llama-3.2-pythonic-literals",
    ),
    pytest.param("```python\n[ls(a=True)]\n```", [("ls", {"a": True})], id="python-fence"),
    pytest.param('```json\n[{"name": "pwd", "arguments": {}}]\n```', [("pwd", {})], id="json-fence"),
    pytest.param("```\nls(a=True)\n```", [("ls", {"a": True})], id="bare-known-call-in-fence"),
    pytest.param("tail('log.txt', 5)", [("tail", {"file_name": "log.txt", "lines": 5})], id="bare-call"),
    pytest.param("[]", [], id="empty-call-list"),
]


@pytest.mark.parametrize(("text", "expected"), WELL_FORMED)
def test_well_formed_calls_are_read(text, expected):
    assert calls_of(text) == expected


def test_reasoning_and_content_around_calls_are_kept_apart():
    qwen3 = (
        "<think>\nOkay, the user wants the report moved. I need to cd into document first.\n</think>\n\n"
        "I'll move it now.\n"
        '<tool_call>\n{"name": "cd", "arguments": {"folder": "document"}}\n</tool_call>'
    )
    parsed = parse_model_text(qwen3, ORDER)
    assert parsed.reasoning == "Okay, the user wants the report moved. I need to cd into document first."
    assert parsed.content == "I'll move it now."
    assert [call.name for call in parsed.calls] == ["cd"]

    funreason = '<think>First find where I am.</think> <tool_call> [pwd(), find(path=".")] </tool_call>'
    parsed = parse_model_text(funreason, ORDER)
    assert (parsed.reasoning, parsed.content, len(parsed.calls)) == ("First find where I am.", "", 2)

    fenced = "I will list the files.\n```python\n[ls()]\n```\nThen report back."
    parsed = parse_model_text(fenced, ORDER)
    assert parsed.content == "I will list the files.\n\nThen report back."
    assert [call.name for call in parsed.calls] == ["ls"]

    mistral = 'Checking.[TOOL_CALLS][{"name": "pwd", "arguments": {}}]'
    parsed = parse_model_text(mistral, ORDER)
    assert (parsed.content, [c.name for c in parsed.calls]) == ("Checking.", ["pwd"])


@pytest.mark.parametrize(
    ("text", "reasoning", "rest"),
    [
        ("<think>a</think>b", "a", "b"),
        ("The user asks for 2+2.\n</think>\n\nIt is 4.", "The user asks for 2+2.", "\n\nIt is 4."),
        ("<think>one</think>x<think>two</think>y", "one\n\ntwo", "xy"),
        ("<think>ran out of tokens while thin", "ran out of tokens while thin", ""),
        ("no reasoning here", None, "no reasoning here"),
        ("<think>  </think>answer", None, "answer"),
    ],
)
def test_split_reasoning(text, reasoning, rest):
    assert split_reasoning(text) == (reasoning, rest)


def test_calls_inside_reasoning_are_not_calls():
    parsed = parse_model_text(
        '<think>maybe <tool_call>{"name": "rm"}</tool_call>?</think>Nothing to do.', ORDER
    )
    assert (parsed.calls, parsed.content, parsed.error) == ((), "Nothing to do.", None)


PLAIN_TEXT = [
    "I have moved final_report.pdf into temp.",
    "[Note] There is nothing left to do.",
    "The total is (3 + 4) = 7.",
    "You could call ls() yourself to see the files.",
    "Sure(ish), I can help with that.",
    '{"answer": "Paris", "context": "The capital of France."}',
    "[1, 2, 3] are the ids.",
    "Run this:\n```python\nprint('hello')\n```",
    "<answer>The workspace holds report.txt.</answer>",
    "",
]


@pytest.mark.parametrize("text", PLAIN_TEXT)
def test_plain_text_has_no_calls_and_no_error(text):
    parsed = parse_model_text(text, ORDER)
    assert (parsed.calls, parsed.error, parsed.content) == ((), None, text.strip())


MALFORMED = [
    pytest.param(
        '<tool_call>\n{"name": "cd", "arguments": {"folder": "docu',
        r"<tool_call> block 1: invalid JSON at line 1",
        id="truncated-json-at-max-tokens",
    ),
    pytest.param(
        '<tool_call>\n{"name": "ls", "arguments": {"a": 1</tool_call>',
        r"<tool_call> block 1: invalid JSON",
        id="unbalanced-braces",
    ),
    pytest.param(
        '<tool_call>{"name": "pwd", "arguments": {}}</tool_call>\n<tool_call>{"name": "cd", "arguments": '
        '"{folder: docs}"}</tool_call>',
        r"<tool_call> block 2\.arguments: invalid JSON",
        id="arguments-string-not-json",
    ),
    pytest.param(
        '<tool_call>{"arguments": {"folder": "x"}}</tool_call>',
        r"needs a 'name'",
        id="missing-name",
    ),
    pytest.param('{"name": "cd", "arguments": [1]}', r"arguments: expected an object", id="arguments-a-list"),
    pytest.param('{"name": "ls", "arguments": {', r"reply: invalid JSON", id="broken-llama-json"),
    pytest.param('[{"name": "ls", "arguments": {}}', r"reply: invalid JSON", id="broken-json-list"),
    pytest.param("[cd(folder='x')", r"invalid call syntax", id="unclosed-python-list"),
    pytest.param(
        "[rm(file_name=__import__('os').remove('x'))]",
        r"only literal values are allowed",
        id="python-code-is-not-run",
    ),
    pytest.param(
        "[mystery('a')]", r"positional arguments need the tool's parameter order", id="positional-unknown"
    ),
    pytest.param("<tool_call></tool_call>", r"block 1: the block is empty", id="empty-block"),
    pytest.param(
        "<tool_call> I have finished the task and listed the files. </tool_call>",
        r"<tool_call> block 1: invalid call syntax",
        id="funreason-mt-summary-inside-tags",
    ),
    pytest.param(
        "[TOOL_CALLS] sorry, no calls", r"after \[TOOL_CALLS\]: expected tool calls", id="empty-marker"
    ),
]


@pytest.mark.parametrize(("text", "message"), MALFORMED)
def test_malformed_calls_give_an_error_not_an_exception(text, message):
    parsed = parse_model_text(text, ORDER)
    assert parsed.calls == ()
    assert parsed.error is not None
    assert re.search(message, parsed.error), parsed.error
    assert parsed.content == split_reasoning(text)[1].strip()


def test_deep_nesting_is_an_error():
    assert parse_model_text('{"name": "x", "arguments": ' + "[" * 5000 + "]" * 5000 + "}").error


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<tool_call>",
                "</tool_call>",
                "<think>",
                "</think>",
                "{",
                "}",
                "[",
                "]",
                "(",
                ")",
                '"name"',
                ":",
                '"arguments"',
                ",",
                "ls",
                "=",
                "'x'",
                "```",
                "\n",
                " ",
                "[TOOL_CALLS]",
                "1",
            ]
        )
        | st.text(max_size=5),
        max_size=30,
    ).map("".join)
)
def test_any_text_parses_without_raising(text):
    parsed = parse_model_text(text, ORDER)
    assert parsed.error is None or parsed.calls == ()


def test_tool_parameter_order_reads_openai_and_bare_tools():
    tools = [
        {
            "type": "function",
            "function": {"name": "tail", "parameters": {"properties": {"file_name": {}, "lines": {}}}},
        },
        {"name": "pwd", "parameters": {"type": "object", "properties": {}}},
        {"type": "function", "function": {"name": "noparams"}},
    ]
    assert tool_parameter_order(tools) == {"tail": ("file_name", "lines"), "pwd": (), "noparams": ()}
