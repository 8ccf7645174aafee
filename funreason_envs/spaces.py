"""Gymnasium spaces for tool-use episodes: chat-message observations and tool-call actions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from gymnasium import spaces

from funreason_envs.calls import parse_calls
from funreason_envs.errors import CallParseError
from funreason_envs.schema import Checker, sample_value
from funreason_envs.specs import ToolSpec

OBSERVATION_ROLES = ("user", "tool")
OBSERVATION_KEYS = frozenset({"role", "content", "tool_results"})
RESULT_KEYS = frozenset({"tool_call_id", "name", "content", "status"})
RESULT_STATUSES = ("ok", "error", "invalid")
SAMPLE_MESSAGES = ("Please list the files here.", "What changed?", "Carry on.", "Thanks, that is all.")


class MessageSpace(spaces.Space[dict]):
    """Observations: `{"role": "user"|"tool", "content": str, "tool_results": [...]}`.

    A user observation has an empty `tool_results`; a tool observation lists one entry per call,
    each `{"tool_call_id", "name", "content", "status"}` with status "ok", "error" or "invalid".
    """

    def __init__(self, seed: int | np.random.Generator | None = None) -> None:
        super().__init__(shape=None, dtype=None, seed=seed)

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
        super().__init__(shape=None, dtype=None, seed=seed)
        self.set_tools(tools)

    def set_tools(self, tools: Sequence[ToolSpec]) -> None:
        """Replace the visible tools (the env calls this when tools are revealed)."""
        self.tools = tuple(tools)
        self._by_name = {tool.name: tool for tool in self.tools}
        self._checkers: dict[str, Checker] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_checkers"] = {}  # compiled closures do not pickle; they are rebuilt on demand
        return state

    @property
    def is_np_flattenable(self) -> bool:
        return False

    def _checker(self, name: str) -> Checker:
        if name not in self._checkers:
            self._checkers[name] = self._by_name[name].compile_checker()
        return self._checkers[name]

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
        return all(
            call.name in self._by_name and self._checker(call.name)(call.arguments) is None for call in calls
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ToolCallSpace) and [t.name for t in other.tools] == [
            t.name for t in self.tools
        ]

    def __repr__(self) -> str:
        return f"ToolCallSpace({len(self.tools)} tools)"
