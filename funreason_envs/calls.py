"""Read tool calls out of any common action form, without ever evaluating anything.

Accepted forms: a `ToolCall`; a dict `{"name", "arguments"}` (arguments as a dict or a JSON string);
an OpenAI `tool_calls` entry or an assistant message carrying `tool_calls`; a list of any of these;
a JSON string of any of these; Python call syntax as BFCL writes it (`cd(folder='x')`,
`[f(a=1), g()]`), read with `ast` and literal values only; and Hermes/Qwen `<tool_call>...</tool_call>`
blocks inside assistant text. Positional arguments are named by the tool's parameter order.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from funreason_envs.errors import CallParseError
from funreason_envs.jsonutil import (
    clean_text,
    copy_json,
    dumps_unicode,
    may_spell_surrogate,
    scrub_surrogates,
)
from funreason_envs.limits import (
    MAX_ARGUMENT_DEPTH,
    MAX_ARRAY_ITEMS,
    MAX_CACHE_CHARS,
    MAX_CACHED_TEXT_CHARS,
    MAX_CALL_TEXT_SYNTAX,
    MAX_CALLS_PER_STEP,
    MAX_INTEGER_DIGITS,
    digits_exceed,
)
from funreason_envs.text_cache import TextCache

ParameterOrder = Mapping[str, Sequence[str]]
NO_ARGUMENTS: Any = object()  # `ToolCall`'s default: a fresh empty dict per call

# A block runs to its closing tag, the next opening tag (a forgotten close) or the end of the text; its
# body is stripped afterwards (a `\s*` around the lazy body would match in quadratic time).
HERMES_BLOCK = re.compile(r"<tool_call>(.*?)(?:</tool_call>|(?=<tool_call>)|\Z)", re.DOTALL)
JSON_SCALARS = (str, int, float, bool, type(None))
JSON_SCALARS_EXACT = frozenset(JSON_SCALARS)
# Keys of the structured forms; a single-key dict `{tool: {args}}` may not use them as the tool name.
RESERVED_KEYS = frozenset(
    {"name", "arguments", "parameters", "function", "tool_calls", "role", "content", "id"}
)
FENCE_LANGUAGE = re.compile(r"[a-zA-Z0-9_-]*")


@dataclass(frozen=True, slots=True, init=False)
class ToolCall:
    """One call: a tool name and its keyword arguments (plus the caller's call id, if any).

    Frozen to its users; its `__init__` sets the slots directly (one is made per executed call: the
    frozen dataclass's generated `__init__`, one `object.__setattr__` per field, cost about twice as much).
    """

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    id: str | None = None

    def __init__(self, name: str, arguments: dict[str, Any] = NO_ARGUMENTS, id: str | None = None) -> None:
        _set_name(self, name)
        _set_arguments(self, {} if arguments is NO_ARGUMENTS else arguments)
        _set_id(self, id)

    def to_python(self) -> str:
        """The call in BFCL's Python syntax, e.g. `cd(folder='document')`."""
        args = ", ".join(f"{key}={value!r}" for key, value in self.arguments.items())
        return f"{self.name}({args})"

    def to_openai(self, call_id: str | None = None) -> dict[str, Any]:
        """An OpenAI `tool_calls` entry."""
        return {
            "id": call_id or self.id or "call_0",
            "type": "function",
            "function": {"name": self.name, "arguments": dumps_unicode(self.arguments)},
        }


_set_name, _set_arguments, _set_id = (ToolCall.__dict__[f].__set__ for f in ("name", "arguments", "id"))


def parse_calls(
    action: Any, parameter_order: ParameterOrder | None = None, *, scrubbed: bool = False
) -> list[ToolCall]:
    """Return the tool calls an action holds; raise `CallParseError` saying what is wrong and where.

    `parameter_order` maps tool names to parameter names in positional order; it is needed only for
    Python-syntax calls with positional arguments. `scrubbed`: the caller already passed `action`
    through `scrub_surrogates` (the env does, on every step), so it is not walked again.
    """
    try:
        calls = _parse(action if scrubbed else scrub_surrogates(action), parameter_order or {}, "action")
    except RecursionError:
        raise CallParseError("action: nested too deeply to be a tool call") from None
    if len(calls) > MAX_CALLS_PER_STEP:
        raise CallParseError(
            f"action: {len(calls)} calls in one action; at most {MAX_CALLS_PER_STEP} are accepted"
        )
    return calls


def _parse(action: Any, order: ParameterOrder, where: str) -> list[ToolCall]:
    kind = type(action)  # plain dicts and lists first, without the ABC checks (every OpenAI message)
    if kind is dict:
        return _parse_mapping(action, order, where)
    if kind is list:
        return _parse_items(action, order, where)
    if isinstance(action, ToolCall):
        return [action]
    if isinstance(action, str):
        return _parse_text(action, order, where)
    if isinstance(action, Mapping):
        return _parse_mapping(action, order, where)
    if isinstance(action, (list, tuple)):
        return _parse_items(action, order, where)
    raise CallParseError(
        f"{where}: expected a call dict, a list of calls or call text, got {type(action).__name__}"
    )


def _parse_items(items: Sequence[Any], order: ParameterOrder, where: str) -> list[ToolCall]:
    calls: list[ToolCall] = []
    for index, item in enumerate(items):
        calls.extend(_parse(item, order, f"{where}[{index}]"))
        _check_count(calls, where)
    return calls


def _check_count(calls: list[ToolCall], where: str) -> None:
    """Stop reading an action once it holds more calls than one step accepts (not after reading all)."""
    if len(calls) > MAX_CALLS_PER_STEP:
        raise CallParseError(
            f"{where}: more than {MAX_CALLS_PER_STEP} calls in one action; at most "
            f"{MAX_CALLS_PER_STEP} are accepted"
        )


def _parse_mapping(data: Mapping[str, Any], order: ParameterOrder, where: str) -> list[ToolCall]:
    if "tool_calls" in data:
        entries = data["tool_calls"] or []
        if not isinstance(entries, (list, tuple)):
            raise CallParseError(f"{where}.tool_calls: expected a list, got {type(entries).__name__}")
        return _parse_items(entries, order, f"{where}.tool_calls")
    function = data.get("function")
    if function is not None and (type(function) is dict or isinstance(function, Mapping)):
        call_id = data.get("id")
        return [_make_call(function.get("name"), function.get("arguments"), call_id, f"{where}.function")]
    if "name" in data:
        arguments = data.get("arguments", data.get("parameters"))
        return [_make_call(data["name"], arguments, data.get("id"), where)]
    if len(data) == 1:
        ((name, arguments),) = data.items()
        if isinstance(arguments, Mapping) and name not in RESERVED_KEYS:
            return [_make_call(name, arguments, None, where)]
    keys = ", ".join(repr(key) for key in list(data)[:5]) or "none"
    raise CallParseError(f"{where}: a call dict needs a 'name' (and 'arguments'); found keys {keys}")


def _make_call(name: Any, arguments: Any, call_id: Any, where: str) -> ToolCall:
    if not isinstance(name, str) or not name:
        raise CallParseError(f"{where}.name: expected a non-empty string, got {name!r:.60}")
    if arguments is None or arguments == "":
        arguments = {}
    elif type(arguments) is str:
        read = _ARGUMENTS_CACHE.get(arguments)  # read and checked once per distinct text
        if read is None:
            checked = _checked_arguments(_decode_arguments(arguments, where), where)
            read = (checked, all(type(value) in JSON_SCALARS_EXACT for value in checked.values()))
            _ARGUMENTS_CACHE.put(arguments, read)
        values, plain = read  # cached values are never handed out: the call gets a copy
        return ToolCall(name, dict(values) if plain else copy_json(values), _call_id(call_id))
    elif isinstance(arguments, str):
        arguments = _decode_arguments(arguments, where)
    return ToolCall(name, _checked_arguments(arguments, where), _call_id(call_id))


def _call_id(call_id: Any) -> str | None:
    return call_id if isinstance(call_id, str) else None


def _decode_arguments(text: str, where: str) -> Any:
    try:
        decoded = json.loads(text)
        return scrub_surrogates(decoded) if may_spell_surrogate(text) else decoded
    except json.JSONDecodeError as exc:
        raise CallParseError(
            f"{where}.arguments: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer too long to read
        raise CallParseError(f"{where}.arguments: cannot read: {exc}") from None


def _checked_arguments(arguments: Any, where: str) -> dict[str, Any]:
    """A fresh dict of `arguments` once they are known to be acceptable argument data."""
    if not isinstance(arguments, Mapping):
        raise CallParseError(f"{where}.arguments: expected an object, got {type(arguments).__name__}")
    if not all(isinstance(key, str) for key in arguments):
        raise CallParseError(f"{where}.arguments: argument names must be strings")
    problem = argument_problem(arguments)
    if problem is not None:
        raise CallParseError(f"{where}.arguments: {problem}")
    return dict(arguments)


def argument_problem(value: Any, depth_limit: int = MAX_ARGUMENT_DEPTH) -> str | None:
    """Why `value` is not acceptable argument data, or None: only JSON values (string keys), nested at
    most `depth_limit` levels, arrays of at most `MAX_ARRAY_ITEMS` items, integers of at most
    `MAX_INTEGER_DIGITS` digits. Checked without recursion and without converting integers to text."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, int):
            if digits_exceed(item, MAX_INTEGER_DIGITS):
                return f"an integer has more than {MAX_INTEGER_DIGITS} digits"
            continue
        if isinstance(item, JSON_SCALARS):
            continue
        if isinstance(item, Mapping):
            if not all(isinstance(key, str) for key in item):
                return "object keys must be strings"
            children: Any = item.values()
        elif isinstance(item, (list, tuple)):
            if len(item) > MAX_ARRAY_ITEMS:
                return f"an array has {len(item)} items; at most {MAX_ARRAY_ITEMS} are accepted"
            children = item
        else:
            return f"a {type(item).__module__}.{type(item).__qualname__} is not JSON data; send plain values"
        if depth >= depth_limit:
            return f"nested deeper than {depth_limit} levels"
        stack.extend((child, depth + 1) for child in children)
    return None


def _parse_text(text: str, order: ParameterOrder, where: str) -> list[ToolCall]:
    stripped = text.strip()
    if "<tool_call>" in stripped:
        calls: list[ToolCall] = []
        for index, match in enumerate(HERMES_BLOCK.finditer(stripped)):
            calls.extend(_parse_text(match.group(1).strip(), order, f"{where} <tool_call> block {index + 1}"))
            _check_count(calls, where)
        return calls
    stripped = _unfence(stripped)
    if not stripped:
        raise CallParseError(f"{where}: empty text holds no tool call")
    if stripped[0] == "{" or (stripped[0] == "[" and _looks_like_json_list(stripped)):
        try:
            decoded = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise CallParseError(
                f"{where}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from None
        except (ValueError, RecursionError) as exc:  # an integer too long to read, nesting too deep
            raise CallParseError(f"{where}: cannot read the JSON: {exc}") from None
        if may_spell_surrogate(stripped):  # JSON escapes can spell lone surrogates
            decoded = scrub_surrogates(decoded)
        return _parse(decoded, order, where)
    return _parse_python(stripped, order, where)


def _unfence(text: str) -> str:
    """The inside of a text wrapped in one ``` fence (with an optional language tag), else the text."""
    if len(text) < 6 or not (text.startswith("```") and text.endswith("```")):
        return text
    inner = text[3:-3]
    language = FENCE_LANGUAGE.match(inner)
    return inner[language.end() if language else 0 :].strip()


def _looks_like_json_list(text: str) -> bool:
    inner = text[1:].lstrip()
    return not inner or inner[0] in "{]"


def _parse_python(text: str, order: ParameterOrder, where: str) -> list[ToolCall]:
    try:
        raw_calls = _read_python(text)
    except CallParseError as exc:
        raise CallParseError(f"{where}: {exc}") from None
    return [_bind(raw, order, where) for raw in raw_calls]


@dataclass(frozen=True, slots=True)
class _RawCall:
    """A call as written, before positional arguments are named (independent of any tool's spec)."""

    label: str  # "call N (name)", for messages
    name: str
    positional: tuple[Any, ...]
    keywords: tuple[tuple[str, Any], ...]


_CALL_TEXT_CACHE = TextCache(MAX_CACHE_CHARS, MAX_CACHED_TEXT_CHARS)
# JSON argument text -> (its decoded, checked values, whether all are scalars); values are never handed out
_ARGUMENTS_CACHE = TextCache(MAX_CACHE_CHARS, MAX_CACHED_TEXT_CHARS)


def _read_python(text: str) -> tuple[_RawCall, ...]:
    """Read Python call syntax into raw calls. Pure, so memoised: rollouts and checks repeat call strings.

    Cached values are never handed out: `_bind` copies them into fresh argument dicts.
    """
    cached = _CALL_TEXT_CACHE.get(text)
    if cached is None:
        cached = _read_python_uncached(text)
        _CALL_TEXT_CACHE.put(text, cached)
    return cached


def _read_python_uncached(text: str) -> tuple[_RawCall, ...]:
    if len(text) > COUNT_SYNTAX_FROM and (count := syntax_count(text)) > MAX_CALL_TEXT_SYNTAX:
        raise CallParseError(
            f"call text too large to read: {count:,} brackets, commas, '=' and ':' outside strings, at most "
            f"{MAX_CALL_TEXT_SYNTAX:,} (and at most {MAX_CALLS_PER_STEP} calls in one action)"
        )
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise CallParseError(
            f"invalid call syntax at line {exc.lineno} column {exc.offset}: {exc.msg}"
        ) from None
    except (ValueError, MemoryError, RecursionError) as exc:
        raise CallParseError(f"cannot read as call syntax: {exc or type(exc).__name__}") from None
    body = tree.body
    nodes = body.elts if isinstance(body, (ast.List, ast.Tuple)) else [body]
    return tuple(_raw_call(node, f"call {index + 1}") for index, node in enumerate(nodes))


COUNT_SYNTAX_FROM = 4_096  # shorter call text is parsed without counting
# a string literal (prefixes aside): triple-quoted, or quoted on one line with escapes
_STRING_LITERAL = re.compile(
    r"(?s)'''.*?'''"
    r'|""".*?"""'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*"'
)


def syntax_count(text: str) -> int:
    """How many brackets, commas, '=' and ':' `text` has outside its string literals: a linear-time bound
    on the syntax nodes `ast.parse` would build (a long string argument counts for nothing)."""
    bare = _STRING_LITERAL.sub("", text)
    return sum(bare.count(mark) for mark in "([{,=:")


def _raw_call(node: ast.expr, where: str) -> _RawCall:
    if not isinstance(node, ast.Call):
        raise CallParseError(
            f"{where} (column {node.col_offset + 1}): expected a call like name(arg=value), "
            f"got {type(node).__name__}"
        )
    func = node.func
    if isinstance(func, ast.Name):
        name = func.id
    elif isinstance(func, ast.Attribute):
        name = func.attr  # `Class.method(...)`: the method is the tool
    else:
        raise CallParseError(f"{where} (column {node.col_offset + 1}): the called thing must be a plain name")
    label = f"{where} ({name})"
    positional = tuple(
        _literal(value, f"{label} argument {index + 1}") for index, value in enumerate(node.args)
    )
    keywords = []
    for keyword in node.keywords:
        if keyword.arg is None:
            raise CallParseError(f"{label}: **kwargs unpacking is not allowed")
        keywords.append((keyword.arg, _literal(keyword.value, f"{label} argument {keyword.arg!r}")))
    problem = argument_problem([positional, [value for _, value in keywords]], MAX_ARGUMENT_DEPTH + 1)
    if problem is not None:
        raise CallParseError(f"{label}: arguments: {problem}")
    return _RawCall(label, name, positional, tuple(keywords))


def _bind(raw: _RawCall, order: ParameterOrder, where: str) -> ToolCall:
    """Name positional arguments by the tool's parameter order; copy every value."""
    arguments: dict[str, Any] = {}
    if raw.positional:
        names = order.get(raw.name)
        if names is None:
            raise CallParseError(
                f"{where}: {raw.label}: positional arguments need the tool's parameter order, "
                "and this tool is unknown; use name=value"
            )
        if len(raw.positional) > len(names):
            raise CallParseError(
                f"{where}: {raw.label}: takes at most {len(names)} positional argument(s), "
                f"got {len(raw.positional)}"
            )
        for param, value in zip(names, raw.positional, strict=False):
            arguments[param] = copy_json(value)
    for key, value in raw.keywords:
        if key in arguments:
            raise CallParseError(f"{where}: {raw.label}: argument {key!r} given twice")
        arguments[key] = copy_json(value)
    return ToolCall(raw.name, arguments)


def _literal(node: ast.expr, where: str) -> Any:
    """The value of a literal node; anything that would need evaluation is refused."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, str):
            return clean_text(value)  # an escape such as "\ud800" can spell a lone surrogate
        if value is None or isinstance(value, (bool, int, float)):
            return value
        raise CallParseError(f"{where}: {type(value).__name__} literals are not supported")
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(item, where) for item in node.elts]
    if isinstance(node, ast.Dict):
        result: dict[str, Any] = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:
                raise CallParseError(f"{where}: ** unpacking inside a dict is not allowed")
            key = _literal(key_node, where)
            if not isinstance(key, str):
                raise CallParseError(f"{where}: dict keys must be strings, got {key!r:.40}")
            result[key] = _literal(value_node, where)
        return result
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, (ast.USub, ast.UAdd))
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, (int, float))
        and not isinstance(node.operand.value, bool)
    ):
        return -node.operand.value if isinstance(node.op, ast.USub) else node.operand.value
    raise CallParseError(
        f"{where} (column {node.col_offset + 1}): only literal values are allowed, "
        f"got {type(node).__name__} expression"
    )
