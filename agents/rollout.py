"""`rollout()`: play one episode of an agent in an env and return its `Trajectory`; and many at once.

The env is a `FunReason` env (free play or multi-turn). For task envs the record carries the
checker's verdicts; for free play `passed` stays `None`. An agent that raises ends its episode with
the error recorded, so one bad episode never stops a batch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import gymnasium as gym
from funreason_envs.agents.base import Agent

from funreason_envs.tasks import Task
from funreason_envs.trajectory import Trajectory, TurnRecord

ToolView = Callable[[list[dict[str, Any]], Task | None], list[dict[str, Any]]]
SAFETY_STEP_LIMIT = 1000  # a free-play env without a time limit still ends


def rollout(
    env: gym.Env,
    agent: Agent,
    *,
    task: Task | None = None,
    seed: int | None = None,
    tool_view: ToolView | None = None,
) -> Trajectory:
    """Play one episode. `tool_view` turns the env's visible tools into what the agent is shown."""
    started = time.perf_counter()
    options = {"task": task} if task is not None else None
    observation, info = env.reset(seed=seed, options=options)
    base = env.unwrapped
    task = getattr(base, "task", task)
    shown = _view(info["tools"], task, tool_view)
    agent.reset(shown, task)
    reward, truncated, error, steps = 0.0, False, None, 0
    model_seconds = 0.0
    while steps < SAFETY_STEP_LIMIT:
        tick = time.perf_counter()
        try:
            action = agent.act(observation)
        except Exception as exc:  # the agent failed: record it and stop this episode
            error = f"{type(exc).__name__}: {exc}"
            break
        model_seconds += time.perf_counter() - tick
        observation, step_reward, terminated, truncated, info = env.step(action)
        reward += float(step_reward)
        steps += 1
        if terminated or truncated:
            break
        new_view = _view(info["tools"], task, tool_view)
        if new_view != shown:
            shown = new_view
            update = getattr(agent, "update_tools", None)
            if callable(update):
                update(shown)
    return _record(base, agent, task, info, reward, steps, truncated, error, started, model_seconds)


def _view(tools: list[dict[str, Any]], task: Task | None, tool_view: ToolView | None) -> list[dict[str, Any]]:
    return tool_view(tools, task) if tool_view is not None else tools


def _record(
    env: Any,
    agent: Agent,
    task: Task | None,
    info: dict[str, Any],
    reward: float,
    steps: int,
    truncated: bool,
    error: str | None,
    started: float,
    model_seconds: float,
) -> Trajectory:
    check = info.get("check", {})
    outcomes = getattr(env, "turn_outcomes", [])
    verdicts = {turn["turn"]: turn for turn in check.get("turns", [])}
    turns = []
    for index, outcome in enumerate(outcomes):
        verdict = verdicts.get(index, {})
        turns.append(
            TurnRecord(
                turn=index,
                checked=verdict.get("checked", False),
                passed=verdict.get("passed"),
                reason=verdict.get("reason"),
                missing_results=verdict.get("missing_results", []),
                state_diff=verdict.get("state_diff", []),
                state=outcome.state,
            )
        )
    finished = "passed" in check
    return Trajectory(
        id=task.id if task is not None else "free_play",
        category=task.category if task is not None else "free_play",
        domains=list(env.domains),
        passed=check["passed"] if finished else (False if task is not None else None),
        score=check.get("score", 0.0 if task is not None else None),
        reason=check.get("reason")
        if finished
        else (error and "agent_error") or ("unfinished" if task else None),
        reward=reward,
        turns=turns,
        messages=list(env.messages),
        tools=info.get("tools", []),
        steps=steps,
        invalid_actions=env.invalid_actions,
        truncated=truncated,
        usage=dict(getattr(agent, "usage", {}) or {}),
        timings={"episode_seconds": time.perf_counter() - started, "agent_seconds": model_seconds},
        error=error,
        metadata=dict(task.metadata) if task is not None else {},
    )


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

    def play(task: Task, env: gym.Env) -> Trajectory:
        return rollout(env, make_agent(task), task=task, seed=seed, tool_view=tool_view)

    if workers <= 1:
        env = make_env()
        for task in tasks:
            yield play(task, env)
        return
    local = threading.local()

    def play_in_thread(task: Task) -> Trajectory:
        if not hasattr(local, "env"):
            local.env = make_env()
        return play(task, local.env)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending = [pool.submit(play_in_thread, task) for task in tasks]
        for future in as_completed(pending):
            yield future.result()
