"""Values derived from a task once and reused while the task lives: its domain prototypes, its ground truth's
outcomes. RL code plays and scores the same tasks over and over; what depends only on the task is worked
out on the first use. An entry is built again when a field it depends on is given a new value or the
registered domains change; a task's containers are not to be changed in place once it is made (tasks
are data: `model_copy(update=...)` makes a new one)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from funreason_envs.domains.registry import registry_version
from funreason_envs.tasks.model import Task

Value = TypeVar("Value")


class TaskMemo(Generic[Value]):
    """`memo(task)` is `build(task)`, built once per task object and dropped when the task is."""

    def __init__(self, build: Callable[[Task], Value]) -> None:
        self._build = build
        self._entries: dict[int, tuple[weakref.ref[Task], tuple[int, ...], Value]] = {}
        self._lock = threading.Lock()

    def __call__(self, task: Task) -> Value:
        key = id(task)
        stamp = _stamp(task)
        found = self._entries.get(key)
        if found is not None and found[0]() is task and found[1] == stamp:
            return found[2]
        value = self._build(task)
        entries = self._entries

        def forget(reference: weakref.ref[Task]) -> None:
            with self._lock:
                if entries.get(key, (None,))[0] is reference:
                    del entries[key]

        with self._lock:
            entries[key] = (weakref.ref(task, forget), stamp, value)
        return value

    def __len__(self) -> int:
        return len(self._entries)


def _stamp(task: Task) -> tuple[int, ...]:
    """What an entry depends on: the registry's version and the identity of the task's fields."""
    return (
        registry_version(),
        id(task.domains),
        id(task.initial_config),
        id(task.ground_truth),
        int(task.long_context),
    )
