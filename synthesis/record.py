"""The synthesized sample: a replayable task, the conversation with chain-of-thought, and how it was made.

`task` is in the shared task format, so a sample runs in `FunReason/MultiTurn-v0`, in `funreason eval`
and (through the `bfcl` export) in bfcl-eval. `messages` is the verified conversation in OpenAI chat
format, starting with the system message: each user turn is followed by one or more assistant steps
(chain-of-thought in `reasoning_content`, calls in `tool_calls`, one `tool` message per call whose
content is the result string exactly as the tool returned it) and a closing assistant message with
text and no calls. Every exporter reads only this record.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from funreason_envs.tasks import Task

TurnKind = Literal["normal", "vague", "clarification", "held_out_wait", "held_out_reveal"]


class DataFlow(BaseModel):
    """An argument value that came from an earlier result: `(turn, call)` indexes in the ground truth."""

    source_turn: int
    source_call: int
    target_turn: int
    target_call: int
    argument: str
    value: Any


class AdvancedTool(BaseModel):
    """Phase 2's composite tool: what a user knows goes in, the target's result comes out."""

    name: str
    description: str
    inputs: dict[str, Any] = Field(default_factory=dict)  # input name -> the value the user knows
    output: str = ""  # what the target returns, in words
    steps: list[str] = Field(default_factory=list)  # the primitive tools it encapsulates, in order


class TurnRecord(BaseModel):
    """How one user turn was made: phase 1's target, phase 2's tool and query, phase 3's attempts."""

    index: int
    kind: TurnKind = "normal"
    target: str | None = None
    advanced_tool: AdvancedTool | None = None
    query: str = ""
    attempts: int = 0
    hints: list[str] = Field(default_factory=list)
    depth: int = 0  # longest dependency chain among this turn's calls
    flows: list[DataFlow] = Field(default_factory=list)
    # Indexes into this turn's ground-truth calls; None means "not recorded by the generator".
    goal_calls: list[int] | None = None  # the calls the user asked for as outcomes (the turn's goals)
    stated_calls: list[int] | None = None  # prerequisite (non-goal) calls the user's text asks for
    implicit_calls: list[int] | None = None  # prerequisite calls left for the assistant to infer
    stated_reason: str | None = None  # why the user joins unrelated goals or undoes an action, if said


class Sample(BaseModel):
    """One verified multi-turn trajectory."""

    id: str
    seed: int
    domains: list[str]
    task: Task
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]]  # the primitive tools the assistant was shown (OpenAI format)
    turns: list[TurnRecord]
    final_state: dict[str, Any]
    backend: str = "template"
    persona: str | None = None  # the user's persona/backstory, when the first turn carries one
    metadata: dict[str, Any] = Field(default_factory=dict)
