"""The Agent protocol: what every agent (replay, random, OpenAI-compatible, transformers) implements.

An agent keeps its own view of the conversation. `reset` starts an episode with the tools it may
call (OpenAI `tools` format) and, when there is one, the task; `update_tools` changes those tools
mid-episode; `usage` reports the episode's model cost; `act` receives each observation the
environment returns (see the README's observation shape) and answers with one assistant message:

    {"role": "assistant", "content": str | None,
     "tool_calls": [{"id", "type": "function", "function": {"name", "arguments": "<json>"}}],  # optional
     "reasoning_content": str}                                                                 # optional

A message without `tool_calls` ends the agent's reply to the current user turn.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Agent(Protocol):
    """Acts in a tool environment one assistant message at a time."""

    def reset(self, tools: list[dict[str, Any]], task: Any | None = None) -> None:
        """Start a new episode with these visible tools (and the task, for agents that use it)."""

    def update_tools(self, tools: list[dict[str, Any]]) -> None:
        """Offer these tools from the next message on (held-out tools were revealed)."""

    def act(self, observation: dict[str, Any]) -> dict[str, Any]:
        """Answer an observation with one assistant message."""

    @property
    def usage(self) -> dict[str, int]:
        """What this episode cost (requests, tokens, ...); empty for agents that call no model."""
