"""What a finished user turn leaves behind: its messages, its calls, and the record of how it was made."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from funreason_envs.synthesis.guided import Outcome
from funreason_envs.synthesis.record import DataFlow, TurnRecord
from funreason_envs.synthesis.roles.base import Roles, TurnBrief
from funreason_envs.synthesis.trace import Step, StepLog


@dataclass
class FinishedTurn:
    """A user turn that passed phase 3, before it becomes part of the sample."""

    query: str
    messages: list[dict[str, Any]]
    calls: list[Step]
    record: TurnRecord
    user_message: str | None = None  # what the conversation shows, when it differs from the task's text
    revealed: list[str] = field(default_factory=list)

    def tool_results(self) -> list[str]:
        """The contents of the turn's tool messages, in order."""
        return [message["content"] for message in self.messages if message["role"] == "tool"]


def turn_record(
    brief: TurnBrief, outcome: Outcome, steps: list[Step], log: StepLog, roles: Roles
) -> TurnRecord:
    """The record of a turn: phase 1's target and flows, phase 2's tool and query, phase 3's attempts,
    and which calls the user asked for, stated or left implicit."""
    goal_indices = {step.index for step in brief.targets}
    fed = {(s.turn, s.index) for step in steps for s in step.sources.values()}
    prerequisites = [
        step.index
        for step in steps
        if step.index not in goal_indices and (step.spec.mutates_state or step.key in fed)
    ]
    stated = {step.index for step in brief.stated}
    return TurnRecord(
        index=brief.turn,
        kind=brief.kind,  # type: ignore[arg-type]
        target=brief.target.name,
        advanced_tool=brief.advanced_tool,
        query=brief.query,
        attempts=outcome.attempts,
        hints=outcome.hints,
        depth=max((log.depth(step) for step in steps), default=0),
        flows=data_flows(steps),
        writers=_writers(brief, roles),
        goal_calls=sorted(goal_indices) if steps else [],
        stated_calls=[index for index in prerequisites if index in stated],
        implicit_calls=[index for index in prerequisites if index not in stated],
    )


def data_flows(steps: Iterable[Step]) -> list[DataFlow]:
    """Every argument of `steps` that an earlier result filled, as a recorded data flow."""
    return [
        DataFlow(
            source_turn=source.turn,
            source_call=source.index,
            target_turn=step.turn,
            target_call=step.index,
            argument=param,
            value=step.call.arguments[param],
        )
        for step in steps
        for param, source in step.sources.items()
    ]


def _writers(brief: TurnBrief, roles: Roles) -> dict[str, str]:
    """Which backend wrote each text of the turn (the roles say, when they can fall back)."""
    wrote = {"query": roles.name, "reasoning": roles.name, "answer": roles.name}
    if hasattr(roles, "writers"):
        wrote.update(roles.writers(brief))
    if brief.kind in ("clarification", "held_out_reveal"):
        wrote["query"] = "template"  # the pipeline writes these user texts itself
    return wrote
