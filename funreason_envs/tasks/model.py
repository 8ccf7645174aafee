"""The task format shared by BFCL's multi-turn sets and our synthesized sets.

A task is an initial state, a sequence of user turns, and the ground-truth calls of each turn. Tools
listed in `held_out` are hidden until the given turn (BFCL's miss_func), at which point the user
turn is the "new tools are available" notice. A task with `answers` (BFCL's agentic questions) is
scored on its final reply instead: it passes when the reply mentions one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from funreason_envs.calls import ToolCall
from funreason_envs.errors import ConfigError
from funreason_envs.jsonutil import read_jsonl
from funreason_envs.specs import ToolSpec

NEW_TOOLS_NOTICE = "I have updated some more functions you can choose from. What about now?"


class GroundTruthCall(BaseModel):
    """One expected call: a tool name and its keyword arguments."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)

    def to_call(self) -> ToolCall:
        return ToolCall(self.name, dict(self.arguments))


class Task(BaseModel):
    """One multi-turn episode: where it starts, what the user says, and what should be called."""

    model_config = ConfigDict(extra="forbid")

    id: str
    category: str = "custom"
    domains: list[str]
    initial_config: dict[str, dict[str, Any]] = Field(default_factory=dict)
    turns: list[list[dict[str, Any]]]
    ground_truth: list[list[GroundTruthCall]]
    held_out: dict[int, list[str]] = Field(default_factory=dict)
    long_context: bool = False
    system_prompt: str | None = None
    answers: list[str] | None = None  # set: scored on the final reply (bfcl-eval's agentic checker)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("ground_truth")
    @classmethod
    def _one_ground_truth_per_turn(
        cls, value: list[list[GroundTruthCall]], info: Any
    ) -> list[list[GroundTruthCall]]:
        turns = info.data.get("turns")
        if turns is not None and len(turns) != len(value):
            raise ValueError(
                f"{len(turns)} turns but {len(value)} ground-truth turns; give one list per turn"
            )
        return value

    def turn_calls(self, index: int) -> list[ToolCall]:
        return [call.to_call() for call in self.ground_truth[index]]

    def revealed_by(self, turn: int) -> set[str]:
        """Tools still hidden at `turn` (revealed at a later turn)."""
        return {name for at, names in self.held_out.items() if at > turn for name in names}

    def user_text(self, index: int) -> str:
        """The user's text for a turn; a held-out reveal turn with no message gets BFCL's notice."""
        texts = [m.get("content") or "" for m in self.turns[index] if m.get("role", "user") == "user"]
        if not texts and index in self.held_out:
            return NEW_TOOLS_NOTICE
        return "\n\n".join(texts)


def reference_problem(task: Task) -> str | None:
    """The first way the task names tools, arguments or turns its domains do not have, or None.

    A file's ground truth that calls a missing tool or argument would only ever score itself (replay
    passes it), so it is refused when the file is read instead.
    """
    from funreason_envs.domains.registry import domain_spec

    tools: dict[str, ToolSpec] = {}
    for domain in task.domains:
        try:
            tools.update(domain_spec(domain).by_name)
        except ConfigError as exc:
            return str(exc)
    where = f"domains: {', '.join(task.domains)}"
    for turn, calls in enumerate(task.ground_truth):
        for call in calls:
            spec = tools.get(call.name)
            if spec is None:
                return f"ground_truth turn {turn}: unknown tool {call.name!r} ({where})"
            unknown = sorted(set(call.arguments) - set(spec.parameter_names))
            if unknown:
                accepted = ", ".join(spec.parameter_names) or "none"
                return (
                    f"ground_truth turn {turn}: {call.name} has no argument {unknown[0]!r} "
                    f"(accepted: {accepted})"
                )
            missing = sorted(spec.required - set(call.arguments))
            if missing:
                return f"ground_truth turn {turn}: {call.name} misses its required argument {missing[0]!r}"
    for turn, names in sorted(task.held_out.items()):
        if not 0 <= turn < len(task.turns):
            return f"held_out turn {turn} is not a turn of this task (turns 0 to {len(task.turns) - 1})"
        for name in names:
            if name not in tools:
                return f"held_out turn {turn}: unknown tool {name!r} ({where})"
    return None


def read_tasks(path: str | Path) -> list[Task]:
    """Tasks from a JSONL file; a bad line is reported as `file:line: task 'id': problem`."""
    return list(iter_tasks(path))


def iter_tasks(path: str | Path) -> Iterator[Task]:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such task file; pass a JSONL file of tasks or bfcl:<category>")
    for number, row in read_jsonl(path):
        try:
            task = Task.model_validate(row)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise ConfigError(f"{path}:{number}: {where}: {first['msg']}") from None
        problem = reference_problem(task)
        if problem is not None:
            raise ConfigError(f"{path}:{number}: task {task.id!r}: {problem}; fix or remove that task")
        yield task


def write_tasks(path: str | Path, tasks: Iterable[Task]) -> int:
    """Write tasks as JSONL; returns how many were written."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as handle:
        for task in tasks:
            handle.write(task.model_dump_json(exclude_defaults=False) + "\n")
            count += 1
    return count
