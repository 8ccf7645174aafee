"""`RandomAgent`: calls visible tools with random schema-valid arguments, and now and then replies in text.

A baseline and a smoke test: it explores an env without any model, reproducibly for a given seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funreason_envs.calls import ToolCall
from funreason_envs.errors import ConfigError
from funreason_envs.schema import sample_value

DEFAULT_REPLIES = ("Done.", "That is all I can do.", "Finished with this request.")


class RandomAgent:
    """Each message: with probability `reply_probability` a text reply (ending the turn), otherwise
    one to `max_calls` calls of tools drawn uniformly, arguments drawn from each tool's schema.

    The generator is seeded once, so a run of episodes is reproducible from `seed`.
    """

    def __init__(
        self,
        seed: int | None = None,
        *,
        reply_probability: float = 0.2,
        max_calls: int = 3,
        replies: tuple[str, ...] = DEFAULT_REPLIES,
    ) -> None:
        if not 0.0 <= reply_probability <= 1.0 or max_calls < 1 or not replies:
            raise ConfigError(
                "RandomAgent needs 0 <= reply_probability <= 1, max_calls >= 1 and some replies"
            )
        self.rng = np.random.default_rng(seed)
        self.reply_probability = reply_probability
        self.max_calls = max_calls
        self.replies = replies
        self.functions: list[dict[str, Any]] = []
        self.usage: dict[str, int] = {}  # no model, no cost
        self._step = 0

    def reset(self, tools: list[dict[str, Any]], task: Any | None = None) -> None:
        self.update_tools(tools)
        self._step = 0

    def update_tools(self, tools: list[dict[str, Any]]) -> None:
        """Draw from these tools (OpenAI format or bare functions) from now on."""
        self.functions = [tool.get("function", tool) for tool in tools]

    def act(self, observation: dict[str, Any]) -> dict[str, Any]:
        self._step += 1
        if not self.functions or self.rng.random() < self.reply_probability:
            return {"role": "assistant", "content": self.replies[int(self.rng.integers(len(self.replies)))]}
        count = int(self.rng.integers(1, self.max_calls + 1))
        tool_calls = []
        for index in range(count):
            function = self.functions[int(self.rng.integers(len(self.functions)))]
            schema = {"type": "object", **(function.get("parameters") or {})}
            call = ToolCall(function["name"], sample_value(schema, self.rng))
            tool_calls.append(call.to_openai(f"random_{self._step}_{index}"))
        return {"role": "assistant", "content": None, "tool_calls": tool_calls}
