"""`TaskPlayer`: plays one task per call in an env it keeps, so a worker process or Ray actor can hold one.

It is what `evaluate` hands an executor: pickled once per worker (without its env), it makes a
`MultiTurn-v0` env on first use, and returns the task's `Trajectory` exactly as a local rollout would
(`EpisodePlayer` does the playing for both), so results do not depend on where they were played.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from funreason_envs.agents.base import Agent
from funreason_envs.agents.rollout import EpisodePlayer, ToolView, failed_record
from funreason_envs.multiturn import MultiTurnEnv
from funreason_envs.tasks import Task
from funreason_envs.trajectory import Trajectory

WORKER_LOST = "worker_lost"  # the task's worker died on every attempt (it may crash any worker)


def _multiturn_env(env_kwargs: dict[str, Any], task: Task) -> MultiTurnEnv:
    return MultiTurnEnv([task], **env_kwargs)


class TaskPlayer(EpisodePlayer):
    """An `EpisodePlayer` over `MultiTurn-v0` built from `env_kwargs`, picklable for worker processes."""

    def __init__(
        self,
        make_agent: Callable[[Task], Agent],
        env_kwargs: dict[str, Any] | None = None,
        *,
        seed: int | None = 0,
        tool_view: ToolView | None = None,
    ) -> None:
        super().__init__(
            partial(_multiturn_env, dict(env_kwargs or {})), make_agent, seed=seed, tool_view=tool_view
        )

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_env": None}  # each worker makes its own env


def lost_record(task: Task, exc: BaseException) -> Trajectory:
    """The row of a task whose worker died on every attempt: failed, with the worker's error."""
    return failed_record(task, WORKER_LOST, exc)
