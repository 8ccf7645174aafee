"""Values derived from a task once and reused while the task lives: its domain prototypes, its ground
truth's run. RL code plays and scores the same tasks over and over; what depends only on the task is
worked out when a task comes back (a one-off evaluation, which sees each task once, pays nothing for
it). An entry is built again when a field it depends on is given a new value or the registered domains
change; a task's containers are not to be changed in place once it is made (tasks are data:
`model_copy(update=...)` makes a new one)."""

from __future__ import annotations

import os
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
        # id(task) -> _Entry (a weak reference to it, what its value depends on, the value or _SEEN_ONCE)
        self._entries: dict[int, _Entry] = {}
        self._lock = threading.Lock()
        # a child forked while another thread held the lock would wait on it forever
        os.register_at_fork(after_in_child=self._new_lock)

    def _new_lock(self) -> None:
        self._lock = threading.Lock()

    def get(self, task: Task) -> Value | None:
        key = id(task)
        entries = self._entries
        found = entries.get(key)
        if (
            found is not None
            and found.reference() is task
            and task.initial_config is found.config
            and task.ground_truth is found.ground_truth
            and task.domains is found.domains
            and task.long_context is found.long_context
            and found.version == registry_version()
        ):
            value = found.value
            if value is not _SEEN_ONCE:
                return value
            value = self._build(task)  # the second time: built, under the reference already held
            with self._lock:
                entries[key] = _Entry(found.reference, task, value)
            return value

        def forget(reference: weakref.ref[Task]) -> None:
            with self._lock:
                held = entries.get(key)
                if held is not None and held.reference is reference:
                    del entries[key]

        with self._lock:
            entries[key] = _Entry(weakref.ref(task, forget), task, _SEEN_ONCE)
        return None

    def __len__(self) -> int:
        """How many tasks it holds an entry for (seen once or built)."""
        return len(self._entries)


_SEEN_ONCE = object()  # a task asked about once: nothing built yet


class _Entry:
    """A task's value and what it depends on: the registry's version and the very objects the task's
    fields held (kept, so a field given a new object never passes for the old one)."""

    __slots__ = ("config", "domains", "ground_truth", "long_context", "reference", "value", "version")

    def __init__(self, reference: weakref.ref[Task], task: Task, value: Any) -> None:
        self.reference, self.value, self.version = reference, value, registry_version()
        self.domains, self.config = task.domains, task.initial_config
        self.ground_truth, self.long_context = task.ground_truth, task.long_context
