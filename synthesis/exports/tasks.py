"""`tasks`: each sample's task in the shared task format, one per line in `tasks.jsonl`.

Read it back with `funreason eval --tasks OUT/tasks.jsonl` (or `gym.make("FunReason/MultiTurn-v0",
tasks=...)`). Unlike `bfcl`, it holds samples of every domain, including those bfcl-eval has no class
for (the offline web), and keeps what BFCL's files cannot: a task's acceptable answers (scored like
BFCL's agentic questions), its system prompt and its metadata.
"""

from __future__ import annotations

from typing import ClassVar

from funreason_envs.synthesis.exports.base import Exporter, Row
from funreason_envs.synthesis.record import Sample

TASKS_FILE = "tasks.jsonl"


class TasksExporter(Exporter):
    """The samples' tasks in `tasks.jsonl`."""

    name: ClassVar[str] = "tasks"

    def files(self) -> list[str]:
        return [TASKS_FILE]

    def rows(self, sample: Sample) -> dict[str, list[Row]]:
        return {TASKS_FILE: [sample.task.model_dump(mode="json")]}
