"""Call parsing: every accepted action form, positional arguments, and precise errors."""

from __future__ import annotations

import json

import pytest

from funreason_envs.calls import ToolCall, parse_calls, syntax_count
from funreason_envs.errors import CallParseError

ORDER = {"cd": ("folder",), "tail": ("file_name", "lines"), "sort": ("file_name",)}


def test_dict_forms():
    assert parse_calls({"name": "cd", "arguments": {"folder": "x"}}) == [ToolCall("cd", {"folder": "x"})]
    assert parse_calls({"name": "cd", "arguments": '{"folder": "x"}'}) == [ToolCall("cd", {"folder": "x"})]
    assert parse_calls({"name": "pwd"}) == [ToolCall("pwd", {})]
    assert parse_calls({"cd": {"folder": "x"}}) == [ToolCall("cd", {"folder": "x"})]


def test_openai_tool_calls_and_assistant_message():
    entry = {"id": "call_9", "type": "function", "function": {"name": "cd", "arguments": '{"folder": "a"}'}}
    assert parse_calls(entry) == [ToolCall("cd", {"folder": "a"}, "call_9")]
    message = {"role": "assistant", "content": None, "tool_calls": [entry, entry]}
    assert [call.id for call in parse_calls(message)] == ["call_9", "call_9"]
    assert parse_calls({"role": "assistant", "tool_calls": []}) == []


def test_lists_and_json_strings():
    calls = [{"name": "ls", "arguments": {}}, {"name": "cd", "arguments": {"folder": "d"}}]
    assert [c.name for c in parse_calls(calls)] == ["ls", "cd"]
    assert parse_calls(json.dumps(calls)) == parse_calls(calls)
    assert parse_calls(json.dumps(calls[1])) == [ToolCall("cd", {"folder": "d"})]
    assert parse_calls("[]") == []


def test_python_syntax_with_positional_arguments():
    calls = parse_calls("[cd(folder='document'), tail('log.txt', 3), sort('a.txt')]", ORDER)
    assert calls == [
        ToolCall("cd", {"folder": "document"}),
        ToolCall("tail", {"file_name": "log.txt", "lines": 3}),
        ToolCall("sort", {"file_name": "a.txt"}),
    ]
    assert parse_calls("mean(numbers=[1, -2.5, +3])") == [ToolCall("mean", {"numbers": [1, -2.5, 3]})]
    assert parse_calls("f(x=(1, 2), y={'k': None}, z=True)") == [
        ToolCall("f", {"x": [1, 2], "y": {"k": None}, "z": True})
    ]
    assert parse_calls("TwitterAPI.post_tweet(content='hi')") == [ToolCall("post_tweet", {"content": "hi"})]


def test_hermes_blocks_and_code_fences():
    text = (
        "<think>I should look first.</think>\n"
        '<tool_call>\n{"name": "ls", "arguments": {}}\n</tool_call>\n'
        '<tool_call>{"name": "cd", "arguments": {"folder": "d"}}</tool_call>'
    )
    assert [c.name for c in parse_calls(text)] == ["ls", "cd"]
    assert parse_calls("<tool_call>[pwd(), cd(folder='x')]</tool_call>") == [
        ToolCall("pwd", {}),
        ToolCall("cd", {"folder": "x"}),
    ]
    assert parse_calls("```python\n[pwd()]\n```") == [ToolCall("pwd", {})]
    assert parse_calls('<tool_call>{"name": "ls", "arguments": {}}') == [ToolCall("ls", {})]  # unterminated


def test_code_in_strings_stays_text():
    calls = parse_calls("echo(content=\"__import__('os').system('touch /tmp/pwned')\")")
    assert calls[0].arguments["content"] == "__import__('os').system('touch /tmp/pwned')"


@pytest.mark.parametrize(
    ("action", "fragment"),
    [
        ("cd(folder=x)", "only literal values are allowed, got Name"),
        ("cd(folder=__import__('os').getcwd())", "only literal values are allowed, got Call"),
        ("cd(folder='a' + 'b')", "got BinOp"),
        ("cd(**{'folder': 'x'})", "**kwargs unpacking is not allowed"),
        ("cd('x', folder='y')", "given twice"),
        ("cd('a', 'b')", "at most 1 positional"),
        ("unknown_tool('a')", "positional arguments need the tool's parameter order"),
        ("cd(folder='x'", "invalid call syntax at line 1"),
        ("[cd(folder='x'), 3]", "call 2 (column 18): expected a call"),
        ("(lambda: 1)()", "the called thing must be a plain name"),
        ('{"name": "cd", "arguments": "{bad"}', "invalid JSON at line 1 column 2"),
        ('{"arguments": {}}', "needs a 'name'"),
        ('{"name": "cd", "arguments": [1]}', "expected an object, got list"),
        ("", "empty text"),
        ("f(x={1, 2})", "got Set"),
        ("f(x=b'raw')", "bytes literals are not supported"),
        (42, "got int"),
    ],
)
def test_errors_say_what_and_where(action, fragment):
    with pytest.raises(CallParseError) as caught:
        parse_calls(action, ORDER)
    assert fragment in str(caught.value)


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(CallParseError):
        parse_calls("f(x=" + "[" * 5000 + "]" * 5000 + ")")
    nested: list = []
    for _ in range(5000):
        nested = [nested]
    with pytest.raises(CallParseError):
        parse_calls(nested)


def test_to_python_round_trips():
    call = ToolCall("tail", {"file_name": "it's.txt", "lines": 3})
    assert parse_calls(call.to_python()) == [call]
    entry = call.to_openai("call_1")
    assert parse_calls(entry) == [ToolCall("tail", call.arguments, "call_1")]


def test_long_call_text_is_refused_by_its_syntax_before_it_is_parsed():
    many = "[" + ",".join(["ls()"] * 30_000) + "]"  # 30,000 calls: 60,000 marks ("[", "(" and ",")
    with pytest.raises(CallParseError, match="too large to read: 60,000 brackets"):
        parse_calls(many)
    # a long string argument counts for nothing, however many commas and brackets it holds
    text = "echo(content='" + "a, (b) = [c]: d" * 20_000 + "')"
    (call,) = parse_calls(text)
    assert call.arguments["content"].startswith("a, (b)")
    assert syntax_count("""f(a='x,(y)', b="q=1", c='''[z]\n,''')""") == 6  # one "(", two ",", three "="
    assert syntax_count("f(a='unterminated, (x)") == 4  # an unclosed quote hides nothing
