"""`ChatAgent`: the part every chat-model agent shares, whatever serves the model.

It keeps the episode's conversation in the shape its model expects, turns each observation into
messages, and turns each model reply into the assistant message the env takes (see `agents/base.py`).
Subclasses say how a reply and tool results are written back into the conversation and run the model.
A reply whose tool calls cannot be read becomes a message without calls carrying `parse_error`: the env
then ends the turn, as bfcl-eval does with output it cannot decode.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from funreason_envs.agents.parsing import parse_model_text, split_reasoning, tool_parameter_order

from funreason_envs.calls import ToolCall, parse_calls
from funreason_envs.errors import CallParseError
from funreason_envs.jsonutil import copy_json

USAGE_KEYS = ("requests", "prompt_tokens", "completion_tokens", "total_tokens", "retries", "parse_errors")


def new_usage() -> dict[str, int]:
    """A zeroed usage counter (the keys of `USAGE_KEYS`)."""
    return dict.fromkeys(USAGE_KEYS, 0)


@dataclass(frozen=True, slots=True)
class Reply:
    """One model reply, read: text without reasoning, reasoning, calls (with ids) and any parse error."""

    text: str
    content: str
    reasoning: str | None
    calls: tuple[ToolCall, ...]
    error: str | None

    def action(self) -> dict[str, Any]:
        """The assistant message handed to the env."""
        message: dict[str, Any] = {
            "role": "assistant",
            "content": self.content or (None if self.calls else ""),
        }
        if self.calls:
            message["tool_calls"] = [call.to_openai() for call in self.calls]
        if self.reasoning:
            message["reasoning_content"] = self.reasoning
        if self.error:
            message["parse_error"] = self.error
        return message


class ChatAgent:
    """Conversation keeping for agents backed by a chat model.

    Attributes after `reset`: `messages` (the conversation as the model sees it), `tools`, `usage`
    (request and token counts for this episode) and `timings` (one record per model call).
    """

    def __init__(self, *, system_prompt: str | None = None) -> None:
        self.system_prompt = system_prompt
        self.tools: list[dict[str, Any]] = []
        self.parameter_order: dict[str, tuple[str, ...]] = {}
        self.messages: list[dict[str, Any]] = []
        self.usage = new_usage()
        self.timings: list[dict[str, float]] = []
        self._preamble: str | None = system_prompt
        self._call_ids: set[str] = set()

    def reset(self, tools: list[dict[str, Any]], task: Any | None = None) -> None:
        """Start an episode; a task's own `system_prompt`, when it has one, replaces the agent's."""
        self._preamble = getattr(task, "system_prompt", None) or self.system_prompt
        self.messages = []
        self.usage = new_usage()
        self.timings = []
        self._call_ids = set()
        self.update_tools(tools)

    def update_tools(self, tools: list[dict[str, Any]]) -> None:
        """Change the tools offered from the next model call on (held-out tools being revealed)."""
        self.tools = copy_json(list(tools))
        self.parameter_order = tool_parameter_order(self.tools)
        system = self.system_text()
        has_system = bool(self.messages) and self.messages[0]["role"] == "system"
        if system and has_system:
            self.messages[0] = {"role": "system", "content": system}
        elif system:
            self.messages.insert(0, {"role": "system", "content": system})
        elif has_system:
            del self.messages[0]

    # -- hooks a backend may override --------------------------------------------------------------

    def system_text(self) -> str | None:
        """The system message for the current tools (by default the preamble alone)."""
        return self._preamble

    def tool_messages(self, results: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Conversation messages carrying tool results (by default one `tool` message per result)."""
        return [
            {
                "role": "tool",
                "tool_call_id": result.get("tool_call_id", ""),
                "content": result.get("content", ""),
            }
            for result in results
        ]

    def history_message(self, reply: Reply) -> dict[str, Any]:
        """How a reply is kept in the conversation (by default as an OpenAI assistant message)."""
        message: dict[str, Any] = {
            "role": "assistant",
            "content": reply.content if reply.calls else reply.text,
        }
        if reply.calls:
            message["tool_calls"] = [call.to_openai() for call in reply.calls]
        return message

    # -- shared steps -----------------------------------------------------------------------------

    def observe(self, observation: Mapping[str, Any]) -> None:
        """Add an env observation to the conversation."""
        if observation.get("role") == "tool":
            self.messages.extend(self.tool_messages(observation.get("tool_results") or []))
        else:
            self.messages.append({"role": "user", "content": observation.get("content") or ""})

    def reply_from_text(self, text: str, reasoning: str | None = None) -> Reply:
        """Read a reply written as text (calls in any format `parse_model_text` knows)."""
        parsed = parse_model_text(text, self.parameter_order)
        _, rest = split_reasoning(text)
        return self._reply(
            rest.strip(), parsed.content, _join(reasoning, parsed.reasoning), parsed.calls, parsed.error
        )

    def reply_from_tool_calls(
        self, content: str, reasoning: str | None, tool_calls: Sequence[Mapping[str, Any]]
    ) -> Reply:
        """Read a reply whose calls came as structured OpenAI `tool_calls`."""
        thought, rest = split_reasoning(content)
        reasoning = _join(reasoning, thought)
        try:
            calls = parse_calls(list(tool_calls), self.parameter_order)
        except CallParseError as exc:
            message = str(exc).replace("action", "tool_calls", 1)
            return self._reply(rest.strip(), rest.strip(), reasoning, (), message)
        return self._reply(rest.strip(), rest.strip(), reasoning, calls, None)

    def commit(self, reply: Reply) -> dict[str, Any]:
        """Record a reply in the conversation and return the env's action."""
        if reply.error:
            self.usage["parse_errors"] += 1
        self.messages.append(self.history_message(reply))
        return reply.action()

    def _reply(
        self,
        text: str,
        content: str,
        reasoning: str | None,
        calls: Sequence[ToolCall],
        error: str | None,
    ) -> Reply:
        named = tuple(ToolCall(call.name, call.arguments, self._unique_id(call.id)) for call in calls)
        return Reply(text, content, reasoning, named, error)

    def _unique_id(self, proposed: str | None) -> str:
        """The server's call id if new in this episode, else a fresh one (ids pair results with calls)."""
        call_id = proposed
        if not call_id or call_id in self._call_ids:
            call_id = f"call_{len(self._call_ids)}"
            while call_id in self._call_ids:
                call_id += "_"
        self._call_ids.add(call_id)
        return call_id


def _join(first: str | None, second: str | None) -> str | None:
    parts = [part for part in (first, second) if part]
    return "\n\n".join(parts) or None
