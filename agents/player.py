"""`TaskPlayer`: plays one task per call in an env it keeps, so a worker process or Ray actor can hold one.

It is what `evaluate` hands an executor: pickled once per worker, it makes its env on first use (and a
fresh one after an env error), an agent per task from `make_agent`, and returns the task's `Trajectory`
exactly as a local rollout would, so results do not depend on where they were played.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from funreason_envs.agents.base import Agent
from funreason_envs.agents.rollout import ToolView, _guarded, failed_record, rollout
from funreason_envs.multiturn import MultiTurnEnv
from funreason_envs.tasks import Task
from funreason_envs.trajectory import Trajectory

WORKER_LOST = "worker_lost"  # the task's worker died on every attempt (it may crash any worker)


class TaskPlayer:
    """`player(task)` rolls a fresh agent out on `task`; an agent or env failure becomes the task's row."""

    def __init__(
        self,
        make_agent: Callable[[Task], Agent],
        env_kwargs: dict[str, Any] | None = None,
        *,
        seed: int | None = 0,
        tool_view: ToolView | None = None,
    ) -> None:
        self.make_agent, self.env_kwargs = make_agent, dict(env_kwargs or {})
        self.seed, self.tool_view = seed, tool_view
        self._env: MultiTurnEnv | None = None

    def __call__(self, task: Task) -> Trajectory:
        env = self._env if self._env is not None else MultiTurnEnv([task], **self.env_kwargs)
        self._env = env
        record = _guarded(
            lambda: rollout(env, self.make_agent(task), task=task, seed=self.seed, tool_view=self.tool_view),
            task,
        )
        if record.reason == "env_error":
            self._env = None  # an env that raised may be left half-way: the next task gets a fresh one
        return record

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_env": None}  # each worker makes its own env


def lost_record(task: Task, exc: BaseException) -> Trajectory:
    """The row of a task whose worker died on every attempt: failed, with the worker's error."""
    return failed_record(task, WORKER_LOST, exc)
