"""Values derived from a task once and reused while the task lives: its domain prototypes, its ground
truth's run. RL code plays and scores the same tasks over and over; what depends only on the task is
worked out when a task comes back (a one-off evaluation, which sees each task once, pays nothing for
it). An entry is built again when a field it depends on is given a new value or the registered domains
change; a task's containers are not to be changed in place once it is made (tasks are data:
`model_copy(update=...)` makes a new one)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from funreason_envs.domains.registry import registry_version
from funreason_envs.tasks.model import Task

Value = TypeVar("Value")


class TaskMemo(Generic[Value]):
    """`memo.get(task)`: `build(task)`, built the second time the task object is asked about (None the
    first time: a task played once is not worth it) and dropped when the task is."""

    def __init__(self, build: Callable[[Task], Value]) -> None:
        self._build = build
        # id(task) -> (a weak reference to it, what its value depends on, the value or _SEEN_ONCE)
        self._entries: dict[int, tuple[weakref.ref[Task], tuple[int, ...], Any]] = {}
        self._lock = threading.Lock()

    def get(self, task: Task) -> Value | None:
        key = id(task)
        stamp = _stamp(task)
        entries = self._entries
        found = entries.get(key)
        if found is not None and found[0]() is task and found[1] == stamp:
            if found[2] is not _SEEN_ONCE:
                return found[2]
            value = self._build(task)  # the second time: built, under the reference already held
            with self._lock:
                entries[key] = (found[0], stamp, value)
            return value

        def forget(reference: weakref.ref[Task]) -> None:
            with self._lock:
                if entries.get(key, (None,))[0] is reference:
                    del entries[key]

        with self._lock:
            entries[key] = (weakref.ref(task, forget), stamp, _SEEN_ONCE)
        return None

    def __len__(self) -> int:
        """How many tasks it holds an entry for (seen once or built)."""
        return len(self._entries)


_SEEN_ONCE = object()  # a task asked about once: nothing built yet


def _stamp(task: Task) -> tuple[int, ...]:
    """What an entry depends on: the registry's version and the identity of the task's fields."""
    return (
        registry_version(),
        id(task.domains),
        id(task.initial_config),
        id(task.ground_truth),
        int(task.long_context),
    )
