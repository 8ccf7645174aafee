"""Load BFCL v4's memory category as `Task`s: `bfcl:memory_kv`, `bfcl:memory_vector`, `bfcl:memory_rec_sum`.

Each set holds, per scenario, the prerequisite conversations (category `memory_<backend>_prereq`, played
in order, nothing scored) and the questions (category `memory_<backend>`, scored on the final reply
against `answers`). Ids, order and the system prompts follow bfcl-eval 2026.3.23; the prompt texts are
read from the installed bfcl-eval's constants (parsed, never imported) so they stay its own.
"""

from __future__ import annotations

import ast
import importlib.util
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from funreason_envs.errors import ConfigError
from funreason_envs.jsonutil import read_jsonl
from funreason_envs.tasks.bfcl import GET_BFCL, BfclDataNotFound, bfcl_data_dir
from funreason_envs.tasks.model import Task

BACKENDS = ("kv", "vector", "rec_sum")
MEMORY_CATEGORIES = tuple(f"memory_{backend}" for backend in BACKENDS)
SCENARIOS = ("student", "customer", "finance", "healthcare", "notetaker")  # bfcl-eval's order
PREREQ = "prereq"
QUESTION = "question"
PROMPTS_FILE = "default_prompts.py"
_PROMPT_NAMES = (
    "MEMORY_AGENT_SETTINGS",
    "MEMORY_BACKEND_INSTRUCTION_CORE_ARCHIVAL",
    "MEMORY_BACKEND_INSTRUCTION_UNIFIED",
    "ADDITIONAL_SYSTEM_PROMPT_FOR_AGENTIC_RESPONSE_FORMAT",
)


@dataclass(frozen=True)
class MemoryPrompts:
    """bfcl-eval's memory system-prompt pieces: scenario settings, the two templates, the answer format."""

    settings: dict[str, str]
    core_archival: str
    unified: str
    answer_format: str

    def system_prompt(self, backend: str, scenario: str, memory_content: str, question: bool) -> str:
        """The system message bfcl-eval gives a memory episode whose memory shows as `memory_content`."""
        template = self.unified if backend == "rec_sum" else self.core_archival
        prompt = template.format(scenario_setting=self.settings[scenario], memory_content=memory_content)
        return f"{prompt}\n\n{self.answer_format}" if question else prompt


def is_memory_category(name: str) -> bool:
    """`memory`, `memory_kv`, ... : a name `load_memory_tasks` takes."""
    return name == "memory" or name in MEMORY_CATEGORIES


def load_memory_tasks(category: str, data_dir: str | Path | None = None) -> list[Task]:
    """One backend's prerequisite conversations then its questions (`memory` gives all three backends)."""
    if category == "memory":
        return [task for name in MEMORY_CATEGORIES for task in load_memory_tasks(name, data_dir)]
    if category not in MEMORY_CATEGORIES:
        choices = ", ".join(MEMORY_CATEGORIES)
        raise ConfigError(f"unknown memory category {category!r}; choose from memory, {choices}")
    backend = category.removeprefix("memory_")
    folder = bfcl_data_dir(data_dir)
    prompts = memory_prompts(str(folder))
    questions = _rows(folder / "BFCL_v4_memory.json")
    answers = {row["id"]: row for row in _rows(folder / "possible_answer" / "BFCL_v4_memory.json")}
    tasks: list[Task] = []
    for scenario in SCENARIOS:
        prereqs = _rows(folder / "memory_prereq_conversation" / f"memory_{scenario}.json")
        for position, entry in enumerate(prereqs):
            tasks.append(_prereq_task(entry, backend, scenario, position, prompts))
    for entry in questions:
        if entry["id"] not in answers:
            raise ConfigError(f"{category}: question {entry['id']} has no answer in possible_answer/")
        tasks.append(_question_task(entry, answers[entry["id"]], backend, prompts))
    return tasks


def _prereq_task(
    entry: dict[str, Any], backend: str, scenario: str, position: int, prompts: MemoryPrompts
) -> Task:
    turns = [[m for m in turn if m.get("role") == "user"] for turn in entry["question"]]
    return Task(
        id=entry["id"].replace("memory", f"memory_{backend}", 1),
        category=f"memory_{backend}_{PREREQ}",
        domains=[f"memory_{backend}"],
        turns=turns,
        ground_truth=[[] for _ in turns],
        system_prompt=prompts.system_prompt(backend, scenario, empty_memory_text(backend), question=False),
        metadata={
            "memory_phase": PREREQ,
            "bfcl_scenario": scenario,
            "memory_chain_position": position,
            "bfcl_topic": entry.get("topic", ""),
        },
    )


def _question_task(
    entry: dict[str, Any], answer: dict[str, Any], backend: str, prompts: MemoryPrompts
) -> Task:
    scenario = entry["scenario"]
    turns = [[m for m in turn if m.get("role") == "user"] for turn in entry["question"]]
    return Task(
        id=entry["id"].replace("memory", f"memory_{backend}", 1),
        category=f"memory_{backend}",
        domains=[f"memory_{backend}"],
        turns=turns,
        ground_truth=[[] for _ in turns],
        system_prompt=prompts.system_prompt(backend, scenario, empty_memory_text(backend), question=True),
        answers=[str(text) for text in answer["ground_truth"]],
        metadata={
            "memory_phase": QUESTION,
            "bfcl_scenario": scenario,
            "bfcl_answer_source": answer.get("source"),
        },
    )


def memory_content_text(backend: str, state: dict[str, Any]) -> str:
    """The memory as bfcl-eval shows it in the system prompt: the core tier (all of it for rec_sum).

    bfcl-eval's vector store has no length, so its core tier always shows as JSON, `{}` when empty.
    """
    if backend == "rec_sum":
        memory = state.get("memory", "")
        return str(memory) if memory else "There is no content in the memory at this point."
    if backend == "vector":
        store = state.get("core_memory", {}).get("store", {})
        return json.dumps(store, indent=4)
    core = state.get("core_memory", {})
    return json.dumps(core, indent=4) if core else "There is no content in the core memory at this point."


def empty_memory_text(backend: str) -> str:
    """What an empty memory shows as."""
    return memory_content_text(backend, {})


@cache
def memory_prompts(data_dir: str) -> MemoryPrompts:
    """The prompt pieces from bfcl-eval's `constants/default_prompts.py` beside its data folder (or a
    `default_prompts.py` inside a `--bfcl-data` folder), read as literals without running the module."""
    folder = Path(data_dir)
    candidates = [folder / PROMPTS_FILE, folder.parent / "constants" / PROMPTS_FILE]
    spec = importlib.util.find_spec("bfcl_eval")
    if spec is not None and spec.origin is not None:
        candidates.append(Path(spec.origin).parent / "constants" / PROMPTS_FILE)
    source = next((path for path in candidates if path.is_file()), None)
    if source is None:
        raise BfclDataNotFound(f"the memory prompts ({PROMPTS_FILE}) were not found; {GET_BFCL}")
    values: dict[str, Any] = {}
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id in _PROMPT_NAMES:
            values[target.id] = ast.literal_eval(node.value)
    missing = [name for name in _PROMPT_NAMES if name not in values]
    if missing:
        raise BfclDataNotFound(f"{source}: no {', '.join(missing)}; {GET_BFCL}")
    return MemoryPrompts(
        settings=dict(values["MEMORY_AGENT_SETTINGS"]),
        core_archival=values["MEMORY_BACKEND_INSTRUCTION_CORE_ARCHIVAL"],
        unified=values["MEMORY_BACKEND_INSTRUCTION_UNIFIED"],
        answer_format=values["ADDITIONAL_SYSTEM_PROMPT_FOR_AGENTIC_RESPONSE_FORMAT"],
    )


def _rows(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise BfclDataNotFound(f"{path}: missing; {GET_BFCL}")
    return [row for _, row in read_jsonl(path)]


def first_questions(tasks: list[Task], limit: int) -> list[Task]:
    """The first `limit` questions with the prerequisite conversations of their scenarios (what `--limit`
    keeps of a memory set: a question without its prerequisites would only test an empty memory)."""
    questions = [task for task in tasks if task.metadata.get("memory_phase") == QUESTION][:limit]
    chains = {(task.domains[0], task.metadata.get("bfcl_scenario")) for task in questions}
    prereqs = [
        task
        for task in tasks
        if task.metadata.get("memory_phase") == PREREQ
        and (task.domains[0], task.metadata.get("bfcl_scenario")) in chains
    ]
    return prereqs + questions
