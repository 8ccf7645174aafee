"""Gymnasium spaces for tool-use episodes: chat-message observations and tool-call actions."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator, Mapping, Sequence
from types import ModuleType
from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.vector.utils import create_shared_memory, read_from_shared_memory, write_to_shared_memory

from funreason_envs.calls import parse_calls
from funreason_envs.errors import CallParseError, ConfigError
from funreason_envs.jsonutil import dumps_unicode
from funreason_envs.schema import Checker, sample_value
from funreason_envs.specs import ToolSpec

OBSERVATION_ROLES = ("user", "tool")
OBSERVATION_KEYS = frozenset({"role", "content", "tool_results"})
RESULT_KEYS = frozenset({"tool_call_id", "name", "content", "status"})
RESULT_STATUSES = ("ok", "error", "invalid")
SAMPLE_MESSAGES = ("Please list the files here.", "What changed?", "Carry on.", "Thanks, that is all.")
# Room for one observation in `AsyncVectorEnv`'s shared memory (JSON, UTF-8), per sub-environment.
SHARED_OBSERVATION_BYTES = 4 * 1024 * 1024
LENGTH_BYTES = 8


class MessageSpace(spaces.Space[dict]):
    """Observations: `{"role": "user"|"tool", "content": str, "tool_results": [...]}`.

    A user observation has an empty `tool_results`; a tool observation lists one entry per call,
    each `{"tool_call_id", "name", "content", "status"}` with status "ok", "error" or "invalid".
    """

    def __init__(
        self,
        seed: int | np.random.Generator | None = None,
        *,
        shared_memory_bytes: int = SHARED_OBSERVATION_BYTES,
    ) -> None:
        super().__init__(shape=None, dtype=None, seed=seed)
        self.shared_memory_bytes = shared_memory_bytes

    @property
    def is_np_flattenable(self) -> bool:
        return False

    def sample(self, mask: Any = None, probability: Any = None) -> dict[str, Any]:
        text = SAMPLE_MESSAGES[int(self.np_random.integers(len(SAMPLE_MESSAGES)))]
        return {"role": "user", "content": text, "tool_results": []}

    def contains(self, x: Any) -> bool:
        if not isinstance(x, Mapping) or set(x) != OBSERVATION_KEYS:
            return False
        if x["role"] not in OBSERVATION_ROLES or not isinstance(x["content"], str):
            return False
        results = x["tool_results"]
        if not isinstance(results, list) or (x["role"] == "user" and results):
            return False
        return all(_is_result(item) for item in results)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MessageSpace)

    def __repr__(self) -> str:
        return "MessageSpace()"


# -- AsyncVectorEnv shared memory: one fixed-size slot per sub-environment holding the observation as JSON.


@create_shared_memory.register(MessageSpace)
def _create_message_memory(space: MessageSpace, n: int = 1, ctx: ModuleType = multiprocessing) -> Any:
    return ctx.Array("B", n * (LENGTH_BYTES + space.shared_memory_bytes))


@write_to_shared_memory.register(MessageSpace)
def _write_message(space: MessageSpace, index: int, value: dict[str, Any], shared_memory: Any) -> None:
    payload = dumps_unicode(value).encode("utf-8")  # json.dumps's text, its encoder built once
    if len(payload) > space.shared_memory_bytes:
        raise ConfigError(
            f"an observation of {len(payload)} bytes does not fit AsyncVectorEnv's shared memory "
            f"({space.shared_memory_bytes} bytes per env); use AsyncVectorEnv(..., shared_memory=False)"
        )
    start = index * (LENGTH_BYTES + space.shared_memory_bytes)
    buffer = _bytes_of(shared_memory)  # a plain byte view: a tenth of numpy's cost for one small write
    buffer[start : start + LENGTH_BYTES] = len(payload).to_bytes(LENGTH_BYTES, "little")
    buffer[start + LENGTH_BYTES : start + LENGTH_BYTES + len(payload)] = payload


def _bytes_of(shared_memory: Any) -> memoryview:
    """The shared array's bytes as a writable `memoryview` (no copy)."""
    return memoryview(shared_memory.get_obj()).cast("B")


class SharedMessages(Sequence):
    """A live view of the observations in shared memory, like the arrays Gymnasium reads for Box spaces.

    Each item is decoded when read (None for a slot not written yet); a deep copy is a tuple of dicts.
    """

    def __init__(self, space: MessageSpace, shared_memory: Any, n: int) -> None:
        self._buffer = _bytes_of(shared_memory)
        self._slot = LENGTH_BYTES + space.shared_memory_bytes
        self._n = n

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return tuple(self._read(i) for i in range(*index.indices(self._n)))
        if not -self._n <= index < self._n:
            raise IndexError(f"index {index} out of range for {self._n} environments")
        return self._read(index % self._n)

    def __iter__(self) -> Iterator[dict[str, Any] | None]:
        # Sequence's own __iter__ reads one past the end to stop (an IndexError per pass, each step)
        return map(self._read, range(self._n))

    def _read(self, index: int) -> dict[str, Any] | None:
        start = index * self._slot
        length = int.from_bytes(self._buffer[start : start + LENGTH_BYTES], "little")
        payload = self._buffer[start + LENGTH_BYTES : start + LENGTH_BYTES + length]
        return json.loads(str(payload, "utf-8")) if length else None

    def __deepcopy__(self, memo: dict[int, Any]) -> tuple[dict[str, Any] | None, ...]:
        return tuple(map(self._read, range(self._n)))

    def __repr__(self) -> str:
        return f"SharedMessages({list(self)!r})"


@read_from_shared_memory.register(MessageSpace)
def _read_messages(space: MessageSpace, shared_memory: Any, n: int = 1) -> SharedMessages:
    return SharedMessages(space, shared_memory, n)


def _is_result(item: Any) -> bool:
    return (
        isinstance(item, Mapping)
        and set(item) == RESULT_KEYS
        and all(isinstance(item[key], str) for key in ("tool_call_id", "name", "content"))
        and item["status"] in RESULT_STATUSES
    )


class ToolCallSpace(spaces.Space[dict]):
    """Actions: calls of the currently visible tools.

    `sample()` returns `{"name": ..., "arguments": {...}}` with schema-valid arguments. `contains()`
    accepts any action form the env reads (see `funreason_envs.calls`) whose calls all name visible
    tools with valid arguments, and an assistant message without calls (which ends a reply).
    """

    def __init__(self, tools: Sequence[ToolSpec] = (), seed: int | np.random.Generator | None = None) -> None:
        self._pending_seed: int | None = None
        super().__init__(shape=None, dtype=None, seed=seed)
        self.set_tools(tools)

    def seed_later(self, seed: int) -> None:
        """Seed with `seed` when a sample first needs the generator: building one costs more than a whole
        env step, and the env reseeds on every reset while most episodes never sample."""
        self._np_random = None  # type: ignore[assignment]
        self._pending_seed = seed

    def seed(self, seed: int | None = None) -> int | Any:
        self._pending_seed = None
        return super().seed(seed)

    @property
    def np_random(self) -> np.random.Generator:
        if self._np_random is None and getattr(self, "_pending_seed", None) is not None:
            self.seed(self._pending_seed)
        return super().np_random

    def set_tools(self, tools: Sequence[ToolSpec]) -> None:
        """Replace the visible tools (the env calls this on every reset and reveal that changes them; the
        name index is built when `contains` first needs it, which most episodes never call)."""
        self.tools = tuple(tools)
        self._by_name: dict[str, ToolSpec] | None = None
        self._checkers: dict[str, Checker] = {}

    def _tool(self, name: str) -> ToolSpec | None:
        by_name = self._by_name
        if by_name is None:
            by_name = self._by_name = {tool.name: tool for tool in self.tools}
        return by_name.get(name)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_checkers"] = {}  # compiled closures do not pickle; they are rebuilt on demand
        return state

    @property
    def is_np_flattenable(self) -> bool:
        return False

    def _checker(self, tool: ToolSpec) -> Checker:
        checker = self._checkers.get(tool.name)
        if checker is None:
            checker = self._checkers[tool.name] = tool.compile_checker()
        return checker

    def sample(self, mask: Any = None, probability: Any = None) -> dict[str, Any]:
        if not self.tools:
            return {"role": "assistant", "content": "I have nothing to call."}
        tool = self.tools[int(self.np_random.integers(len(self.tools)))]
        return {"name": tool.name, "arguments": sample_value(tool.parameters, self.np_random)}

    def contains(self, x: Any) -> bool:
        if isinstance(x, Mapping) and x.get("role") == "assistant" and not x.get("tool_calls"):
            return True
        order = {tool.name: tool.parameter_names for tool in self.tools}
        try:
            calls = parse_calls(x, order)
        except CallParseError:
            return False
        for call in calls:
            tool = self._tool(call.name)
            if tool is None or self._checker(tool)(call.arguments) is not None:
                return False
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ToolCallSpace) and [t.name for t in other.tools] == [
            t.name for t in self.tools
        ]

    def __repr__(self) -> str:
        return f"ToolCallSpace({len(self.tools)} tools)"
