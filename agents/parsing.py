"""Split what a chat model wrote into reasoning, reply text and tool calls, whatever format it used.

Read: `<think>...</think>` reasoning (also when the prompt opened the block, so only `</think>` appears);
Hermes/Qwen `<tool_call>` blocks holding a JSON call (`arguments` or `parameters`, as an object or a JSON
string), several JSON calls, a JSON list or a BFCL Python call list (FunReason-MT); a whole reply that is a
JSON call or list (Llama-3.1, xLAM, Mistral after `[TOOL_CALLS]`) or a BFCL Python call list, bare or in a
``` fence. Nothing is evaluated: JSON goes through `json`, Python syntax through `funreason_envs.calls`.
Calls that cannot be read give a `ParsedText` with an `error` and no calls, never an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from funreason_envs.calls import ParameterOrder, ToolCall, parse_calls
from funreason_envs.errors import CallParseError
from funreason_envs.jsonutil import clean_text

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
TOOL_CALL_OPEN = "<tool_call>"
TOOL_CALL_CLOSE = "</tool_call>"
# A block ends at its closing tag, at the next opening tag (a forgotten close), or at the end of the text.
TOOL_CALL_BLOCK = re.compile(r"<tool_call>(.*?)(?:</tool_call>|(?=<tool_call>)|\Z)", re.DOTALL)
# Fence openers: the language tag and the blanks around it are read without overlapping repeats
# (`[ \t]*[\w+-]*[ \t]*` would backtrack quadratically over a long run of blanks).
FENCE = re.compile(r"```[ \t]*(?:[\w+-]+[ \t]*)?\n(.*?)```", re.DOTALL)
FENCE_TAG = re.compile(r"[ \t]*(?:[\w+-]+[ \t]*)?\n?")
# Markers after which a model writes its calls: Llama-3.1's python tag, Mistral's tool-calls token.
CALL_MARKERS = ("<|python_tag|>", "[TOOL_CALLS]")
PYTHON_LIST = re.compile(r"\[\s*[A-Za-z_][\w.]*\s*\(")
JSON_LIST = re.compile(r"\[\s*[{\]]")
BARE_CALL = re.compile(r"[A-Za-z_][\w.]*\(.*\)\Z", re.DOTALL)
# A JSON object opening with one of these keys is meant as a call even when it does not decode.
JSON_CALL_START = re.compile(r'\{\s*"(?:name|arguments|parameters|function|tool_calls)"')
JSON_CALL_KEYS = ("name", "function", "tool_calls")
JSON_SEPARATORS = " \t\r\n,;"


@dataclass(frozen=True, slots=True)
class ParsedText:
    """A model reply taken apart.

    `content` is the text that is neither reasoning nor calls (when `error` is set: all the text outside
    the reasoning, as written). `error` says why calls that were clearly intended could not be read.
    """

    content: str
    reasoning: str | None = None
    calls: tuple[ToolCall, ...] = ()
    error: str | None = None


def parse_model_text(text: str, parameter_order: ParameterOrder | None = None) -> ParsedText:
    """Take a model reply apart; `parameter_order` names positional arguments of Python-syntax calls.

    Lone surrogates in the reply are replaced (U+FFFD) here, where the text enters, so every record
    made from it can be written as UTF-8 JSON.
    """
    reasoning, rest = split_reasoning(clean_text(text))
    try:
        content, calls = _extract_calls(rest, parameter_order or {})
    except CallParseError as exc:
        return ParsedText(rest.strip(), reasoning, (), str(exc))
    except RecursionError:
        return ParsedText(rest.strip(), reasoning, (), "tool calls nested too deeply to read")
    return ParsedText(content, reasoning, tuple(calls))


def split_reasoning(text: str) -> tuple[str | None, str]:
    """(reasoning, the rest): every `<think>` block is reasoning; an unclosed one runs to the end.

    Text before a `</think>` that has no opening tag is reasoning too: chat templates of reasoning models
    (Qwen3, DeepSeek-R1) often put the opening tag in the prompt.
    """
    thoughts: list[str] = []
    close = text.find(THINK_CLOSE)
    opening = text.find(THINK_OPEN)
    if close != -1 and (opening == -1 or close < opening):
        thoughts.append(text[:close])
        text = text[close + len(THINK_CLOSE) :]
    kept: list[str] = []
    position = 0  # scanned by index, never by re-slicing the rest: linear in the text
    while True:
        start = text.find(THINK_OPEN, position)
        if start == -1:
            kept.append(text[position:])
            break
        kept.append(text[position:start])
        end = text.find(THINK_CLOSE, start)
        if end == -1:
            thoughts.append(text[start + len(THINK_OPEN) :])
            break
        thoughts.append(text[start + len(THINK_OPEN) : end])
        position = end + len(THINK_CLOSE)
    reasoning = "\n\n".join(part.strip() for part in thoughts if part.strip())
    return reasoning or None, "".join(kept)


def tool_parameter_order(tools: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Parameter names in positional order for each tool of an OpenAI `tools` list (or bare functions)."""
    order: dict[str, tuple[str, ...]] = {}
    for entry in tools:
        function = entry.get("function", entry)
        if isinstance(function, Mapping) and isinstance(function.get("name"), str):
            properties = (function.get("parameters") or {}).get("properties") or {}
            order[function["name"]] = tuple(properties)
    return order


def _extract_calls(text: str, order: ParameterOrder) -> tuple[str, list[ToolCall]]:
    """(content, calls) of reasoning-free text; raises `CallParseError` for calls it cannot read."""
    stripped = text.strip()
    if TOOL_CALL_OPEN in stripped:
        return _tagged_calls(stripped, order)
    for marker in CALL_MARKERS:
        if marker in stripped:
            before, _, after = stripped.partition(marker)
            calls = _whole_text_calls(after.strip(), order, marker)
            if calls is None:
                raise CallParseError(f"text after {marker}: expected tool calls")
            return before.strip(), calls
    calls = _whole_text_calls(stripped, order, "reply")
    if calls is not None:
        return "", calls
    return _fenced_calls(stripped, order)


def _tagged_calls(text: str, order: ParameterOrder) -> tuple[str, list[ToolCall]]:
    calls: list[ToolCall] = []
    outside: list[str] = []
    position = 0
    for index, match in enumerate(TOOL_CALL_BLOCK.finditer(text), 1):
        outside.append(text[position : match.start()])
        position = match.end()
        where = f"<tool_call> block {index}"
        body = _unfence(match.group(1).strip())
        if not body:
            raise CallParseError(f"{where}: the block is empty")
        found = _whole_text_calls(body, order, where)
        calls.extend(found if found is not None else _read_calls(body, order, where))
    outside.append(text[position:])
    return "".join(outside).replace(TOOL_CALL_CLOSE, "").strip(), calls


def _fenced_calls(text: str, order: ParameterOrder) -> tuple[str, list[ToolCall]]:
    """Calls inside ``` fences (a fence holding anything else stays in the content)."""
    calls: list[ToolCall] = []
    outside: list[str] = []
    position = 0
    for index, match in enumerate(FENCE.finditer(text), 1):
        found = _whole_text_calls(match.group(1).strip(), order, f"code block {index}")
        if found is None:
            continue
        outside.append(text[position : match.start()])
        position = match.end()
        calls.extend(found)
    outside.append(text[position:])
    return "".join(outside).strip(), calls


def _whole_text_calls(text: str, order: ParameterOrder, where: str) -> list[ToolCall] | None:
    """The calls `text` consists of; None when it is not calls at all; raises when calls are unreadable."""
    if not text:
        return None
    if text[0] == "{":
        try:
            values = _json_values(text, where)
        except CallParseError:
            if JSON_CALL_START.match(text):
                raise
            return None
        if not all(
            isinstance(value, Mapping) and any(key in value for key in JSON_CALL_KEYS) for value in values
        ):
            return None
        return [call for value in values for call in _read_calls(value, order, where)]
    if JSON_LIST.match(text) or PYTHON_LIST.match(text):
        return _read_calls(text, order, where)
    if BARE_CALL.match(text):
        try:
            calls = _read_calls(text, order, where)
        except CallParseError:
            return None  # prose that happens to look like `word(...)`
        # A lone unbracketed call counts only if it names a known tool (`print('hi')` in a fence is code).
        return calls if not order or all(call.name in order for call in calls) else None
    return None


def _read_calls(action: Any, order: ParameterOrder, where: str) -> list[ToolCall]:
    """`parse_calls` with its messages pointing at `where` instead of "action"."""
    try:
        return parse_calls(action, order)
    except CallParseError as exc:
        message = str(exc)
        if message.startswith("action"):
            message = where + message[len("action") :]
        raise CallParseError(message) from None


def _json_values(text: str, where: str) -> list[Any]:
    """Consecutive JSON values separated by whitespace, commas or semicolons (several calls in a row)."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    position = 0
    while True:
        while position < len(text) and text[position] in JSON_SEPARATORS:
            position += 1
        if position == len(text):
            return values
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise CallParseError(
                f"{where}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from None
        except (ValueError, RecursionError) as exc:  # an integer too long to read, nesting too deep
            raise CallParseError(f"{where}: cannot read the JSON: {exc}") from None
        values.append(value)


def _unfence(text: str) -> str:
    """The inside of a text that is exactly one ``` fence (language tag optional), else the text."""
    if len(text) < 6 or not (text.startswith("```") and text.endswith("```")):
        return text
    inner = text[3:-3]
    tag = FENCE_TAG.match(inner)
    return inner[tag.end() if tag else 0 :].strip()
