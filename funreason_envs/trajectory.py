"""The one trajectory record that evaluation and synthesis share.

`messages` is the whole episode in OpenAI chat format: every `tool` message's content is the result
string exactly as the tool returned it (bfcl-eval's serialisation). Per-turn verdicts and the public
state at the end of each turn make a record checkable and replayable on its own.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from funreason_envs.records import TurnVerdict


class TurnRecord(TurnVerdict):
    """One user turn as recorded: its verdict and the public state after it."""

    state: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def of(cls, verdict: TurnVerdict, state: dict[str, Any]) -> TurnRecord:
        """The record of a judged turn that ended in `state`."""
        return cls(**verdict.model_dump(), state=state)


class Trajectory(BaseModel):
    """An episode as played: conversation, verdicts, states, cost."""

    id: str
    category: str = "custom"
    domains: list[str] = Field(default_factory=list)
    passed: bool | None = None
    score: float | None = None
    reason: str | None = None
    reward: float = 0.0
    turns: list[TurnRecord] = Field(default_factory=list)
    messages: list[dict[str, Any]] = Field(default_factory=list)
    tools: list[dict[str, Any]] = Field(default_factory=list)
    steps: int = 0
    invalid_actions: int = 0
    truncated: bool = False
    usage: dict[str, int] = Field(default_factory=dict)
    timings: dict[str, float] = Field(default_factory=dict)
    error: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
