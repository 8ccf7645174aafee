"""The role interface the pipeline drives, and what each role is given.

- tooling: phase 1's trace -> an `AdvancedTool` (user-known inputs in, the target's result out);
- querying: the advanced tool (and the trace) -> a hard user query that leaves the steps implicit;
- reasoning: an agent (`reset`/`act`, as in `funreason_envs.agents`) that answers the query with
  chain-of-thought and calls, seeing only the primitive tools, the conversation so far and the hints;
- critiquing: a failed attempt and what the check found -> a hint naming the error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from funreason_envs.synthesis.language import Speaker
from funreason_envs.synthesis.record import AdvancedTool
from funreason_envs.synthesis.trace import Step


@dataclass
class TurnBrief:
    """Everything known about one turn while it is being made."""

    turn: int
    steps: list[Step]  # phase 1's executed calls, in order; the last is a target
    speaker: Speaker
    kind: str = "normal"
    omit: tuple[int, str] | None = None  # (step index, parameter) a vague query leaves out
    advanced_tool: AdvancedTool | None = None
    query: str = ""
    tools: list[dict[str, Any]] = field(default_factory=list)  # primitive tools shown (OpenAI format)
    history: list[dict[str, Any]] = field(default_factory=list)  # the conversation before this turn
    hints: list[str] = field(default_factory=list)
    target_indices: tuple[int, ...] = ()  # the goals of the turn (default: the last step)
    # Means-steps the user's text asks for (the rest are implicit: the assistant must infer them);
    # None: every state-changing means-step is stated.
    stated_prerequisites: tuple[int, ...] | None = None

    @property
    def targets(self) -> list[Step]:
        indices = self.target_indices or (len(self.steps) - 1,)
        return [self.steps[index] for index in indices]

    @property
    def stated(self) -> list[Step]:
        """Steps the user's text asks for, in calling order: the goals and the stated prerequisites
        (by default every state-changing means-step; the pipeline leaves most of them implicit)."""
        goals = set(self.target_indices or (len(self.steps) - 1,))
        if self.stated_prerequisites is not None:
            goals |= set(self.stated_prerequisites)
            return [step for step in self.steps if step.index in goals]
        return [step for step in self.steps if step.index in goals or step.spec.mutates_state]

    @property
    def target(self) -> Step:
        """The turn's last goal (the one the advanced tool returns)."""
        return self.targets[-1]


class Roles(Protocol):
    """A backend for the four roles."""

    name: str

    def tooling(self, brief: TurnBrief) -> AdvancedTool: ...

    def querying(self, brief: TurnBrief) -> str: ...

    def reasoner(self, brief: TurnBrief, attempt: int) -> Any: ...

    def critiquing(self, brief: TurnBrief, transcript: list[dict[str, Any]], problem: str) -> str: ...
