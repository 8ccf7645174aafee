"""Memory carried between episodes, as bfcl-eval carries its snapshots: each prerequisite conversation of a
scenario starts from the memory the previous one left, and every question of the scenario starts from the
memory the last one left. The system prompt shows that memory's core tier, as bfcl-eval's does.

The state after an episode is read from its record (the last turn's state), so a resumed run carries
exactly what the stored rows hold. An episode that left no turn (it failed before any) carries nothing
new: the next starts from the memory before it, as bfcl-eval's missing snapshot file does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from funreason_envs.jsonutil import read_jsonl
from funreason_envs.tasks import Task
from funreason_envs.tasks.bfcl_memory import PREREQ, QUESTION, MemoryPrompts, memory_content_text

Chain = tuple[str, str]  # (memory domain, scenario)


def phase(task: Task) -> str | None:
    """`"prereq"`, `"question"`, or `None` for a task that is not a memory task."""
    value = task.metadata.get("memory_phase")
    return value if value in (PREREQ, QUESTION) else None


def chain_of(task: Task) -> Chain:
    return task.domains[0], str(task.metadata.get("bfcl_scenario"))


def prereq_waves(tasks: Iterable[Task]) -> list[list[Task]]:
    """The prerequisite tasks in rounds: round k holds the k-th conversation of every scenario, so the
    episodes of one round can run side by side and each round follows the one it depends on."""
    chains: dict[Chain, list[Task]] = {}
    for task in tasks:
        if phase(task) == PREREQ:
            chains.setdefault(chain_of(task), []).append(task)
    for chain in chains.values():
        chain.sort(key=lambda task: int(task.metadata.get("memory_chain_position", 0)))
    depth = max((len(chain) for chain in chains.values()), default=0)
    return [[chain[k] for chain in chains.values() if k < len(chain)] for k in range(depth)]


def final_memory(row: Mapping[str, Any], domain: str) -> dict[str, Any] | None:
    """The memory an episode's record ends with (its last turn's state), or `None` if it has no turn."""
    turns = row.get("turns") or []
    if not turns:
        return None
    state = (turns[-1].get("state") or {}).get(domain)
    return dict(state) if isinstance(state, Mapping) else None


class MemoryCarry:
    """The latest memory of each (backend, scenario) chain, fed from records in chain order."""

    def __init__(self, prompts: MemoryPrompts) -> None:
        self.prompts = prompts
        self.memory: dict[Chain, dict[str, Any]] = {}

    def record(self, task: Task, row: Mapping[str, Any] | None) -> None:
        """Take the memory a finished prerequisite episode left (nothing if it left no state)."""
        state = final_memory(row, task.domains[0]) if row is not None else None
        if state is not None:
            self.memory[chain_of(task)] = state

    def prepare(self, task: Task) -> Task:
        """The task starting from its chain's current memory, with the system prompt showing it."""
        domain, scenario = chain_of(task)
        state = self.memory.get((domain, scenario), {})
        backend = domain.removeprefix("memory_")
        prompt = self.prompts.system_prompt(
            backend, scenario, memory_content_text(backend, state), question=phase(task) == QUESTION
        )
        config = {domain: state} if state else {}
        return task.model_copy(update={"initial_config": config, "system_prompt": prompt})


def play_in_phases(
    tasks: list[Task],
    prompts: MemoryPrompts,
    play: Callable[[list[Task], bool], Any],
    rows: Callable[[], Mapping[str, Mapping[str, Any]]],
) -> Any:
    """Play a task set whose memory tasks depend on each other: other tasks with the first prerequisite
    round, each later round from the memory the earlier ones left, then the questions.

    `play(batch, first)` plays (or skips, when already recorded) a batch and returns its result; `rows()`
    gives the records so far by task id. Returns the last `play` result.
    """
    carry = MemoryCarry(prompts)
    others = [task for task in tasks if phase(task) is None]
    questions = [task for task in tasks if phase(task) == QUESTION]
    result = None
    first = True
    for wave in prereq_waves(tasks) or [[]]:
        batch = [carry.prepare(task) for task in wave] + (others if first else [])
        if batch:
            result = play(batch, first)
            first = False
        done = rows()
        for task in wave:
            carry.record(task, done.get(task.id))
    if questions or first:
        result = play([carry.prepare(task) for task in questions] + (others if first else []), first)
    return result


def recorded_rows(path: str | Path) -> dict[str, Mapping[str, Any]]:
    """The rows of a results file by task id (the last row of an id counts); none if it does not exist."""
    path = Path(path)
    if not path.is_file():
        return {}
    return {row["id"]: row for _, row in read_jsonl(path) if isinstance(row, dict) and "id" in row}
