"""Tasks: the shared task format, BFCL's multi-turn sets, and task-set specs such as `bfcl:base`."""

from __future__ import annotations

from pathlib import Path

from funreason_envs.errors import ConfigError
from funreason_envs.tasks.bfcl import CATEGORIES, load_bfcl_tasks
from funreason_envs.tasks.bfcl_memory import MEMORY_CATEGORIES, is_memory_category, load_memory_tasks
from funreason_envs.tasks.model import NEW_TOOLS_NOTICE, GroundTruthCall, Task, read_tasks, write_tasks

DEMO_TASKS = Path(__file__).with_name("data") / "demo.jsonl"
FUNREASON_TASKS = Path(__file__).with_name("data")  # funreason_<domain>.jsonl: the typed domains' sets


def load_tasks(spec: str, bfcl_data: str | Path | None = None) -> list[Task]:
    """Tasks named by a comma-separated spec: `bfcl:<category>` (multi-turn or memory), `funreason:<domain>`,
    `demo`, or JSONL file paths."""
    tasks: list[Task] = []
    for part in (piece.strip() for piece in spec.split(",")):
        if not part:
            continue
        if part.startswith("bfcl:") and is_memory_category(part.removeprefix("bfcl:")):
            tasks.extend(load_memory_tasks(part.removeprefix("bfcl:"), bfcl_data))
        elif part.startswith("bfcl:"):
            tasks.extend(load_bfcl_tasks(part.removeprefix("bfcl:"), bfcl_data))
        elif part.startswith("funreason:"):
            tasks.extend(funreason_tasks(part.removeprefix("funreason:")))
        elif part == "demo":
            tasks.extend(read_tasks(DEMO_TASKS))
        else:
            tasks.extend(read_tasks(part))
    return tasks


def funreason_tasks(domain: str) -> list[Task]:
    """The packaged task set of a typed domain (`funreason:workspace`, `funreason:retail`, ...)."""
    path = FUNREASON_TASKS / f"funreason_{domain}.jsonl"
    if not path.is_file():
        known = sorted(p.stem.removeprefix("funreason_") for p in FUNREASON_TASKS.glob("funreason_*.jsonl"))
        raise ConfigError(f"no task set funreason:{domain}; choose from: {', '.join(known) or 'none'}")
    return read_tasks(path)


__all__ = [
    "CATEGORIES",
    "FUNREASON_TASKS",
    "MEMORY_CATEGORIES",
    "NEW_TOOLS_NOTICE",
    "GroundTruthCall",
    "Task",
    "funreason_tasks",
    "load_bfcl_tasks",
    "load_memory_tasks",
    "load_tasks",
    "read_tasks",
    "write_tasks",
]
