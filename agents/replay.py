"""ReplayAgent: plays a task's ground truth, one assistant message per turn, then ends the turn.

On a task scored by its answer (web search, memory questions) the closing text states the first
acceptable answer, so a replay is still the sanity check of env and checker there."""

from __future__ import annotations

from typing import Any

from funreason_envs.errors import ConfigError
from funreason_envs.tasks import Task


class ReplayAgent:
    """Answers each user turn with that turn's ground-truth calls (all in one message), then with text.

    With the ground truth replayed, every BFCL task passes: this is the sanity check of env and checker.
    """

    def __init__(self) -> None:
        self.task: Task | None = None
        self._turn = -1
        self._pending = False
        self.usage: dict[str, int] = {}  # no model, no cost

    def reset(self, tools: list[dict[str, Any]], task: Task | None = None) -> None:
        if task is None:
            raise ConfigError("ReplayAgent needs the task (its ground truth) at reset")
        self.task = task
        self._turn = -1
        self._pending = False

    def update_tools(self, tools: list[dict[str, Any]]) -> None:
        """Nothing to do: the ground truth names its tools."""

    def act(self, observation: dict[str, Any]) -> dict[str, Any]:
        assert self.task is not None, "call reset() first"
        if observation["role"] == "user":
            self._turn += 1
            self._pending = True
        if self._pending and self._turn < len(self.task.ground_truth):
            self._pending = False
            calls = self.task.turn_calls(self._turn)
            if calls:
                tool_calls = [call.to_openai(f"replay_{self._turn}_{i}") for i, call in enumerate(calls)]
                return {"role": "assistant", "content": None, "tool_calls": tool_calls}
        if self.task.answers:
            return {"role": "assistant", "content": f"The answer is {self.task.answers[0]}."}
        return {"role": "assistant", "content": "Done."}
