"""`rollout()`: play one episode of an agent in an env and return its `Trajectory`; and many at once.

The env is a `FunReason` env (free play or multi-turn). For task envs the record carries the
checker's verdicts; for free play `passed` stays `None`. An agent that raises ends its episode with
the error recorded (`agent_error`); in the batch runners an env that raises on a task ends that task
as `env_error`, so one bad episode never stops a batch.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Any

import gymnasium as gym

from funreason_envs.agents.base import Agent
from funreason_envs.env import ToolEnv
from funreason_envs.errors import ConfigError
from funreason_envs.tasks import Task
from funreason_envs.trajectory import Trajectory

ToolView = Callable[[list[dict[str, Any]], Task | None], list[dict[str, Any]]]
SAFETY_STEP_LIMIT = 1000  # a free-play env without a time limit still ends


class Episode:
    """One episode advanced a message at a time, so several can share one batched model call."""

    def __init__(
        self,
        env: gym.Env,
        agent: Agent,
        *,
        task: Task | None = None,
        seed: int | None = None,
        tool_view: ToolView | None = None,
    ) -> None:
        if not isinstance(env.unwrapped, ToolEnv):
            raise ConfigError(f"rollout needs a FunReason env, got {type(env.unwrapped).__name__}")
        self.env, self.agent, self.tool_view = env, agent, tool_view
        self.tool_env: ToolEnv = env.unwrapped
        self.started = time.perf_counter()
        options = {"task": task} if task is not None else None
        try:
            self.observation, self.info = env.reset(seed=seed, options=options)
        except Exception as exc:
            raise EnvFailure(str(exc)) from exc
        self.task = self.tool_env.task
        self.shown = _view(self.info["tools"], self.task, tool_view)
        agent.reset(self.shown, self.task)
        self.reward, self.truncated, self.error, self.steps = 0.0, False, None, 0
        self.agent_seconds = 0.0
        self.done = False

    def advance(self, action: dict[str, Any] | None, seconds: float = 0.0, error: str | None = None) -> None:
        """Apply the agent's answer to the current observation (or record that it failed)."""
        self.agent_seconds += seconds
        if error is not None:
            self.error, self.done = error, True
            return
        try:
            self.observation, step_reward, terminated, self.truncated, self.info = self.env.step(action)
        except Exception as exc:
            raise EnvFailure(str(exc)) from exc
        self.reward += float(step_reward)
        self.steps += 1
        if terminated or self.truncated or self.steps >= SAFETY_STEP_LIMIT:
            self.done = True
            return
        new_view = _view(self.info["tools"], self.task, self.tool_view)
        if new_view is not self.shown and new_view != self.shown:
            self.shown = new_view
            self.agent.update_tools(self.shown)

    def act(self) -> None:
        """Ask the agent for its next message and apply it."""
        tick = time.perf_counter()
        try:
            action = self.agent.act(self.observation)
        except Exception as exc:  # the agent failed: record it and stop this episode
            self.advance(None, error=f"{type(exc).__name__}: {exc}")
            return
        self.advance(action, time.perf_counter() - tick)

    def record(self) -> Trajectory:
        """The env's record of the episode, with the agent's side added: reward, usage, timings."""
        seconds = {"episode_seconds": time.perf_counter() - self.started, "agent_seconds": self.agent_seconds}
        return self.tool_env.trajectory(error=self.error).model_copy(
            update={"reward": self.reward, "usage": dict(self.agent.usage), "timings": seconds}
        )


class EnvFailure(Exception):
    """The env raised while playing a task (reset or step); the batch runners record it as `env_error`."""


def failed_record(task: Task, reason: str, exc: BaseException) -> Trajectory:
    """The row of a task that could not be played to the end: failed, with the reason and the message."""
    cause = exc.__cause__ if isinstance(exc, EnvFailure) and exc.__cause__ is not None else exc
    message = f"{type(cause).__name__}: {cause}"
    return Trajectory(
        id=task.id,
        category=task.category,
        domains=list(task.domains),
        passed=False,
        score=0.0,
        reason=reason,
        error=message[:1000].encode("utf-8", "backslashreplace").decode("utf-8"),
        metadata=dict(task.metadata),
    )


def _guarded(play: Callable[[], Trajectory], task: Task) -> Trajectory:
    """Run one task; any exception becomes its failed row, so the batch goes on."""
    try:
        return play()
    except EnvFailure as exc:
        return failed_record(task, "env_error", exc)
    except Exception as exc:
        return failed_record(task, "agent_error", exc)


class EpisodePlayer:
    """`player(task)` rolls a fresh agent out on `task` in an env it keeps; an agent or env failure becomes
    the task's row, and an env that raised is replaced (it may be left half-way) before the next task."""

    def __init__(
        self,
        make_env: Callable[[Task], gym.Env],
        make_agent: Callable[[Task], Agent],
        *,
        seed: int | None = 0,
        tool_view: ToolView | None = None,
    ) -> None:
        self.make_env, self.make_agent = make_env, make_agent
        self.seed, self.tool_view = seed, tool_view
        self._env: gym.Env | None = None

    def __call__(self, task: Task) -> Trajectory:
        env = self._env if self._env is not None else self.make_env(task)
        self._env = env
        record = _guarded(
            lambda: rollout(env, self.make_agent(task), task=task, seed=self.seed, tool_view=self.tool_view),
            task,
        )
        if record.reason == "env_error":
            self._env = None
        return record


def rollout(
    env: gym.Env,
    agent: Agent,
    *,
    task: Task | None = None,
    seed: int | None = None,
    tool_view: ToolView | None = None,
) -> Trajectory:
    """Play one episode. `tool_view` turns the env's visible tools into what the agent is shown."""
    episode = Episode(env, agent, task=task, seed=seed, tool_view=tool_view)
    while not episode.done:
        episode.act()
    return episode.record()


def rollout_batched(
    tasks: Iterable[Task],
    make_env: Callable[[], gym.Env],
    make_agent: Callable[[Task], Agent],
    act_batch: Callable[[list[Agent], list[dict[str, Any]]], list[dict[str, Any]]],
    *,
    batch_size: int = 8,
    seed: int | None = 0,
    tool_view: ToolView | None = None,
) -> Iterator[Trajectory]:
    """Keep up to `batch_size` episodes going and answer all their observations with one `act_batch`
    call per round (one batched generation for a local model); yields records as episodes finish."""
    pending = iter(tasks)
    envs = [make_env() for _ in range(batch_size)]
    running: dict[int, Episode] = {}

    def refill() -> None:
        for slot in range(batch_size):
            if slot not in running:
                task = next(pending, None)
                if task is None:
                    return
                given[slot] = task
                try:
                    agent = make_agent(task)
                    running[slot] = Episode(envs[slot], agent, task=task, seed=seed, tool_view=tool_view)
                except Exception as exc:
                    envs[slot] = make_env()
                    failed.append(failed_record(task, _reason(exc), exc))

    failed: list[Trajectory] = []
    given: dict[int, Task] = {}
    refill()
    yield from _drain(failed)
    while running:
        slots = list(running)
        episodes = [running[slot] for slot in slots]
        tick = time.perf_counter()
        try:
            actions = act_batch([e.agent for e in episodes], [e.observation for e in episodes])
        except Exception as exc:  # the model failed: every episode in the batch records it
            actions = [None] * len(episodes)
            failure = f"{type(exc).__name__}: {exc}"
        else:
            failure = None
        seconds = (time.perf_counter() - tick) / max(len(episodes), 1)
        for slot, episode, action in zip(slots, episodes, actions, strict=True):
            try:
                episode.advance(action, seconds, failure)
                finished = episode.record() if episode.done else None
            except Exception as exc:  # the env failed on this reply: only this task fails
                envs[slot] = make_env()
                del running[slot]
                yield failed_record(given[slot], _reason(exc), exc)
                continue
            if finished is not None:
                del running[slot]
                yield finished
        refill()
        yield from _drain(failed)


def _reason(exc: BaseException) -> str:
    return "env_error" if isinstance(exc, EnvFailure) else "agent_error"


def _drain(failed: list[Trajectory]) -> Iterator[Trajectory]:
    while failed:
        yield failed.pop(0)


def _view(tools: list[dict[str, Any]], task: Task | None, tool_view: ToolView | None) -> list[dict[str, Any]]:
    return tool_view(tools, task) if tool_view is not None else tools


def rollout_many(
    tasks: Iterable[Task],
    make_env: Callable[[], gym.Env],
    make_agent: Callable[[Task], Agent],
    *,
    workers: int = 1,
    seed: int | None = 0,
    tool_view: ToolView | None = None,
) -> Iterator[Trajectory]:
    """Roll out many tasks with at most `workers` episodes in flight; yields records as they finish.

    Each worker thread owns its env; agents are made per task. Order of results is completion order.
    """

    local = threading.local()

    def play(task: Task) -> Trajectory:
        if not hasattr(local, "player"):
            local.player = EpisodePlayer(lambda _task: make_env(), make_agent, seed=seed, tool_view=tool_view)
        return local.player(task)

    if workers <= 1:
        for task in tasks:
            yield play(task)
        return

    # A task is handed to the pool only as another one finishes, so a caller that stops reading (the
    # server is gone) leaves at most `workers` tasks to finish, not the whole set.
    waiting = iter(tasks)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        running = {pool.submit(play, task) for task in itertools.islice(waiting, workers)}
        while running:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                task = next(waiting, None)
                if task is not None:
                    running.add(pool.submit(play, task))
                yield future.result()
