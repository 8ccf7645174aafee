"""Route parsed tool calls to the domain instances of one episode, validated, never evaluated.

`ToolRouter` is the single place where a call becomes a method invocation: the tool must exist
(and be visible, if a visible set is given), its arguments must pass the compiled schema check,
and only then is the method from the class's fixed table called. An invalid call is reported in
the result and changes nothing.
"""

from __future__ import annotations

import difflib
import marshal
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass
from functools import cache
from typing import Any

from funreason_envs.calls import ToolCall, parse_calls
from funreason_envs.domains.base import Domain, ToolEntry
from funreason_envs.errors import ArgumentError, ConfigError, ToolCallError, UnknownToolError
from funreason_envs.frozen import FrozenDict
from funreason_envs.jsonutil import SCALARS, copy_json, dumps_unicode, encode_dict, serialize_result
from funreason_envs.limits import MAX_CACHE_CHARS, MAX_CACHED_TEXT_CHARS
from funreason_envs.records import Status
from funreason_envs.specs import ToolSpec
from funreason_envs.text_cache import TextCache


@dataclass(frozen=True, slots=True, init=False)
class ToolResult:
    """The outcome of one call.

    `status` is "ok", "error" (the tool ran and reported a failure, as an `{"error": ...}` result or
    an exception) or "invalid" (the call was refused before running; state untouched).
    `content` is the result string the model sees, serialised as bfcl-eval does. A frozen dataclass,
    not a pydantic model: one is made per call on the hot path (a model there measured 7% slower
    execution); `record()` and `observed()` write the typed records' shapes. Its `__init__` sets the
    slots directly, as `ToolCall`'s does.
    """

    call: ToolCall
    content: str
    status: Status
    value: Any = None

    def __init__(self, call: ToolCall, content: str, status: Status, value: Any = None) -> None:
        _set_call(self, call)
        _set_content(self, content)
        _set_status(self, status)
        _set_value(self, value)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def record(self) -> dict[str, Any]:
        """This call and its result in `ToolResultRecord`'s shape (an `info["calls"]` entry)."""
        call = self.call
        arguments = copy_json(call.arguments)
        return {
            "id": call.id,
            "name": call.name,
            "arguments": arguments,
            "content": self.content,
            "status": self.status,
        }

    def observed(self) -> dict[str, Any]:
        """This result in `ObservedResult`'s shape (an observation's `tool_results` entry)."""
        call = self.call
        return {
            "tool_call_id": call.id or "",
            "name": call.name,
            "content": self.content,
            "status": self.status,
        }

    def message(self) -> dict[str, Any]:
        """This result as an OpenAI `tool` message."""
        return {"role": "tool", "tool_call_id": self.call.id, "name": self.call.name, "content": self.content}


_set_call, _set_content, _set_status, _set_value = (
    ToolResult.__dict__[f].__set__ for f in ("call", "content", "status", "value")
)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A call read from text, resolved and checked once, reused whenever the same text comes again.

    `plain`: every argument value is a scalar; the call's arguments are then a `FrozenDict`, and every
    run's result shares them (and the call itself, unless it needs an id). Other arguments belong to
    the cache: each run gets its own copy."""

    call: ToolCall
    plain: bool
    arguments_json: str | None = None  # `to_openai`'s argument text (None: written per call)
    # when the call may run (a known tool, arguments accepted by this router's strictness): the tool, the
    # position of its instance and `call_key(call)`; a call that may not is refused by `execute`, which
    # words the reason
    function: Callable[..., Any] | None = None
    position: int = -1
    key: Any = None


def _shareable(call: ToolCall, plain: bool) -> ToolCall:
    """`call` with its arguments read-only where they are all scalars (`_Prepared.plain`)."""
    return ToolCall(call.name, FrozenDict(call.arguments), call.id) if plain else call


def call_key(call: ToolCall) -> Any:
    """What a run call is recorded as in a router's `histories`: bytes equal only for the same tool with
    the same arguments, types and order included (marshal); a new object, equal to nothing, for
    arguments marshal cannot write."""
    arguments = call.arguments if type(call.arguments) is dict else dict(call.arguments)  # a FrozenDict
    try:
        return marshal.dumps((call.name, arguments), 2)  # 2: a string's bytes never depend on interning
    except ValueError:
        return object()


# (route table, lenient, call text) -> the text's prepared calls; bounded like the parser's cache
_PREPARED = TextCache(MAX_CACHE_CHARS, MAX_CACHED_TEXT_CHARS)


@dataclass(frozen=True, eq=False)  # hashed by identity: it keys the prepared-call cache
class RouteTable:
    """Tool name -> (position of its class, entry), positional parameter names per tool, the domain id
    of each position, and the positions themselves."""

    entries: dict[str, tuple[int, ToolEntry]]
    parameter_order: dict[str, tuple[str, ...]]
    domain_names: tuple[str, ...]
    tool_names: tuple[str, ...]
    positions: frozenset[int]


@cache
def route_table(classes: tuple[type[Domain], ...]) -> RouteTable:
    """The routes of instances of `classes`, in that order: built once per combination of classes;
    routers share it read-only."""
    entries: dict[str, tuple[int, ToolEntry]] = {}
    for position, cls in enumerate(classes):
        for name, entry in cls.tool_table().items():
            if name in entries:
                other = classes[entries[name][0]].name
                raise ConfigError(
                    f"tool {name!r} is defined by both {other!r} and {cls.name!r}; "
                    "combine domains whose tool names are unique"
                )
            entries[name] = (position, entry)
    order = {name: entry.spec.parameter_names for name, (_, entry) in entries.items()}
    names = tuple(cls.name for cls in classes)
    return RouteTable(entries, order, names, tuple(entries), frozenset(range(len(classes))))


class ToolRouter:
    """Maps tool names to (instance, method) for a set of domain instances with unique tool names.

    `lenient`: check only what a Python call would refuse (missing or unknown arguments) and run calls
    with mistyped values as bfcl-eval does, for BFCL scoring; otherwise arguments must fit the schema.
    The routes are the shared table of the instances' classes (a call picks its instance by position),
    so building a router costs next to nothing; `table`: that table (`route_table`), where the caller
    already holds it.
    """

    def __init__(
        self, instances: Sequence[Domain], *, lenient: bool = False, table: RouteTable | None = None
    ) -> None:
        self.instances = list(instances)
        self.lenient = lenient
        # per instance, the `call_key` of every call run on it, in order, once a session asks for them
        self.histories: list[list[Any]] | None = None
        self._build_routes(table)

    def __getstate__(self) -> dict[str, Any]:
        # the table holds compiled closures; looked up again on load
        return {"instances": self.instances, "lenient": self.lenient, "histories": self.histories}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.instances = state["instances"]
        self.lenient = state.get("lenient", False)
        self.histories = state.get("histories")
        self._build_routes()

    def _build_routes(self, table: RouteTable | None = None) -> None:
        if table is None:
            table = route_table(tuple(map(type, self.instances)))
        self._table = table
        self._entries = table.entries
        self.tool_name_tuple = table.tool_names  # shared by every router over the same classes
        self.domain_names = table.domain_names
        self.parameter_order = table.parameter_order
        self._touched: set[int] = set(table.positions)

    def take_touched(self) -> set[int]:
        """Positions of the instances a call has run on (or that are new) since the last time this was
        asked; a `Session` retakes the public state of only those."""
        touched, self._touched = self._touched, set()
        return touched

    @property
    def tool_names(self) -> list[str]:
        return list(self._entries)

    def specs(self, names: Iterable[str] | None = None) -> list[ToolSpec]:
        entries = self._entries
        chosen = entries if names is None else [n for n in names if n in entries]
        return [entries[name][1].spec for name in chosen]

    def resolve(self, call: ToolCall, visible: Set[str] | None = None) -> tuple[Domain, ToolEntry]:
        """The instance and entry a call goes to; raises `ToolCallError` if it may not run."""
        position, entry = self._route(call, visible)
        return self.instances[position], entry

    def _route(self, call: ToolCall, visible: Set[str] | None) -> tuple[int, ToolEntry]:
        route = self._entries.get(call.name)
        if route is None or (visible is not None and call.name not in visible):
            candidates = list(visible) if visible is not None else list(self._entries)
            close = difflib.get_close_matches(call.name, candidates, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            if route is not None:
                raise UnknownToolError(f"tool {call.name!r} is not available at this point{hint}")
            raise UnknownToolError(f"unknown tool {call.name!r}{hint}")
        problem = self._problem(route[1], call)
        if problem is not None:
            raise ArgumentError(f"{call.name}: {problem}")
        return route

    def _problem(self, entry: ToolEntry, call: ToolCall) -> str | None:
        """Why `call`'s arguments are refused by this router's strictness (see the class), or None."""
        return (entry.lenient_checker if self.lenient else entry.checker)(call.arguments)

    def execute(self, call: ToolCall, visible: Set[str] | None = None) -> ToolResult:
        """Run one call; exceptions inside the tool become bfcl-eval style error strings."""
        try:
            position, entry = self._route(call, visible)
        except ToolCallError as exc:
            return ToolResult(call, f"Error: {exc}", "invalid")
        return self._run(call, position, entry.function)

    def _run(
        self, call: ToolCall, position: int, function: Callable[..., Any], key: Any = None
    ) -> ToolResult:
        """Call the tool and record its result (every path that runs a call ends here); `key` is
        `call_key(call)` where the caller has it."""
        self._touched.add(position)
        histories = self.histories
        if histories is not None:
            histories[position].append(call_key(call) if key is None else key)
        try:
            value = function(self.instances[position], **call.arguments)
        except Exception as exc:  # a tool failing is an observation, never a crash
            return ToolResult(call, f"Error during execution: {exc}", "error")
        try:
            if type(value) is dict:  # the common case, rendered as `serialize_result` renders it
                status: Status = "error" if "error" in value else "ok"
                try:
                    content = "".join(encode_dict(value, 0))
                except Exception:  # not plain JSON: `serialize_result` words the fallback
                    content = serialize_result(value)
            else:
                status = "ok"
                content = serialize_result(value)
        except Exception as exc:  # e.g. an integer too long to print: the call failed, the step goes on
            return ToolResult(call, f"Error during execution: the result cannot be shown: {exc}", "error")
        return ToolResult(call, content, status, value)

    def parse(self, action: Any, *, scrubbed: bool = False) -> list[ToolCall]:
        """Parse an action with this router's parameter orders (for positional arguments); `scrubbed`
        as in `parse_calls`."""
        return parse_calls(action, self.parameter_order, scrubbed=scrubbed)

    def run(self, action: Any, visible: Set[str] | None = None) -> list[ToolResult]:
        """Parse and execute an action; a parse failure raises `CallParseError`."""
        if type(action) is str:
            return [self.execute_prepared(prepared, visible) for prepared in self.prepare(action)]
        return [self.execute(call, visible) for call in self.parse(action)]

    def prepare(self, text: str) -> tuple[_Prepared, ...]:
        """The calls a text holds, resolved and checked, remembered by text (rollouts and checks repeat
        call strings); raises `CallParseError` as `parse` does (failures are not remembered)."""
        key = (self._table, self.lenient, text)
        prepared = _PREPARED.get(key)
        if prepared is None:
            prepared = tuple(self._prepare(call) for call in self.parse(text))
            _PREPARED.put(key, prepared)
        return prepared

    def prepare_call(self, name: str, arguments: str) -> _Prepared:
        """One call given by name and JSON argument text (an OpenAI `tool_calls` entry), resolved and
        checked once per distinct pair; raises `CallParseError` as `parse` does (not remembered)."""
        key = (self._table, self.lenient, name, arguments)
        prepared = _PREPARED.get(key)
        if prepared is None:
            (call,) = self.parse({"name": name, "arguments": arguments})
            prepared = self._prepare(call)
            _PREPARED.put(key, prepared)
        return prepared

    def _prepare(self, call: ToolCall) -> _Prepared:
        plain = all(type(value) in SCALARS for value in call.arguments.values())
        try:
            arguments_json: str | None = dumps_unicode(call.arguments)
        except (TypeError, ValueError):  # cannot be written: `to_openai` raises when it is asked to
            arguments_json = None
        route = self._entries.get(call.name)
        if route is None or self._problem(route[1], call) is not None:
            return _Prepared(_shareable(call, plain), plain, arguments_json)
        function, position, key = route[1].function, route[0], call_key(call)
        return _Prepared(_shareable(call, plain), plain, arguments_json, function, position, key)

    def execute_prepared(
        self, prepared: _Prepared, visible: Set[str] | None = None, *, call_id: str | None = None
    ) -> ToolResult:
        """`execute` of a prepared call, on a fresh copy of its arguments; `call_id` is the id of a call
        whose text gave it none (the env numbers such calls)."""
        cached = prepared.call
        name = cached.name
        if not prepared.plain:
            call = ToolCall(name, copy_json(cached.arguments), cached.id or call_id)
        elif call_id is None or cached.id is not None:
            call = cached  # read-only arguments of scalars: nothing a run or its reader does can change it
        else:
            call = ToolCall(name, cached.arguments, call_id)
        function = prepared.function
        if function is None or (visible is not None and name not in visible):
            return self.execute(call, visible)  # refused: the slow path words the reason
        return self._run(call, prepared.position, function, prepared.key)
