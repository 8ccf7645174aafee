"""Any FunReason env as an OpenEnv server, built with `openenv-core`'s own app factory.

    app = create_server("FunReason/MultiTurn-v0", tasks="bfcl:base", max_sessions=64)
    # uvicorn.run(app, host="127.0.0.1", port=8000), or: funreason serve --tasks bfcl:base

Clients speak OpenEnv's protocol: `reset(task=<id>, seed=...)` (free-play envs take `initial_config` and
`message` instead of `task`), then `step({"role": "assistant", "content": ..., "tool_calls": ...})` with
an assistant message as the model wrote it. The observation carries the tool results, the visible tools,
the turn and the verdicts; `reward` and `done` are the env's. Each WebSocket session gets its own env
instance (OpenEnv's `/ws`), so sessions are isolated and run concurrently. OpenEnv's HTTP `/reset` and
`/step` build a fresh instance per request, so HTTP suits one-shot calls (a reset, the schema) only: an
HTTP `/step` answers 409 saying so, and a bad reset option answers 400 with the `ConfigError` message.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import gymnasium as gym

from funreason_envs.errors import ConfigError
from funreason_envs.integrations import require

require("openenv.core.env_server", "openenv")

from fastapi import FastAPI, Request, status  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402
from gymnasium.error import ResetNeeded  # noqa: E402
from openenv.core.env_server.http_server import create_app  # noqa: E402
from openenv.core.env_server.interfaces import Environment  # noqa: E402
from openenv.core.env_server.types import Action, Observation, State  # noqa: E402
from pydantic import Field  # noqa: E402

import funreason_envs  # noqa: E402,F401  (registers the envs)

DEFAULT_ENV = "FunReason/MultiTurn-v0"
HTTP_STEP_REFUSED = (
    "HTTP is one-shot here: each HTTP request gets a fresh env, so HTTP /step has no episode to act in. "
    "Play multi-step episodes over a WebSocket session at /ws (e.g. openenv's GenericEnvClient), "
    "which keeps its env between reset and step."
)


class AssistantMessage(Action):
    """An assistant message, as a model wrote it: calls in `tool_calls` or inside `content`."""

    role: str = Field(default="assistant", description="always 'assistant'")
    content: str | list[dict[str, Any]] | None = Field(default=None, description="the reply text")
    tool_calls: list[dict[str, Any]] | None = Field(default=None, description="OpenAI-style tool calls")
    reasoning_content: str | None = Field(default=None, description="the model's reasoning, if separate")

    def message(self) -> dict[str, Any]:
        return self.model_dump(exclude={"metadata"}, exclude_none=True)


class ToolObservation(Observation):
    """What the env returned: a user turn or the tool results, plus the visible tools and the verdicts."""

    role: str = Field(default="user", description="'user' (a user turn or a refusal) or 'tool'")
    content: str = Field(default="", description="the message text; tool results joined by newlines")
    tool_results: list[dict[str, Any]] = Field(default_factory=list, description="one entry per call")
    tools: list[dict[str, Any]] = Field(default_factory=list, description="visible tools, OpenAI format")
    task_id: str | None = Field(default=None, description="the task played (MultiTurn-v0)")
    turn: int | None = Field(default=None, description="the current user turn (MultiTurn-v0)")
    check: dict[str, Any] | None = Field(default=None, description="per-turn verdicts and the final result")


class FunReasonEnvironment(Environment[AssistantMessage, ToolObservation, State]):
    """One FunReason env instance per session."""

    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self, env_id: str = DEFAULT_ENV, **env_kwargs: Any) -> None:
        super().__init__()
        self.env = gym.make(env_id, **env_kwargs)
        self._state = State()

    def reset(
        self, seed: int | None = None, episode_id: str | None = None, **options: Any
    ) -> ToolObservation:
        observation, info = self.env.reset(seed=seed, options=options or None)
        self._state = State(episode_id=episode_id, step_count=0)
        return self._observation(observation, info, 0.0, False)

    def step(
        self, action: AssistantMessage, timeout_s: float | None = None, **kwargs: Any
    ) -> ToolObservation:
        observation, reward, terminated, truncated, info = self.env.step(action.message())
        self._state.step_count += 1
        return self._observation(observation, info, float(reward), bool(terminated or truncated))

    @property
    def state(self) -> State:
        return self._state

    def close(self) -> None:
        self.env.close()

    @staticmethod
    def _observation(
        observation: dict[str, Any], info: dict[str, Any], reward: float, done: bool
    ) -> ToolObservation:
        return ToolObservation(
            role=observation["role"],
            content=observation["content"],
            tool_results=observation["tool_results"],
            tools=info["tools"],
            task_id=info.get("task_id"),
            turn=info.get("turn"),
            check=info.get("check"),
            reward=reward,
            done=done,
            metadata={"invalid_actions": info["invalid_actions"], "action_error": info["action_error"]},
        )


def environment_factory(env_id: str = DEFAULT_ENV, **env_kwargs: Any) -> Callable[[], FunReasonEnvironment]:
    """A factory of isolated instances of one FunReason env, as `create_app` takes it."""
    if env_id not in gym.registry:  # fail here, not in the first session
        known = ", ".join(name for name in gym.registry if name.startswith("FunReason/"))
        raise ConfigError(f"unknown env {env_id!r}; serve one of: {known}")
    return functools.partial(FunReasonEnvironment, env_id, **env_kwargs)


def create_server(env_id: str = DEFAULT_ENV, *, max_sessions: int = 16, **env_kwargs: Any) -> FastAPI:
    """An OpenEnv FastAPI app (HTTP and WebSocket) serving `env_id` built with `env_kwargs`."""
    factory = environment_factory(env_id, **env_kwargs)
    app = create_app(
        factory, AssistantMessage, ToolObservation, env_name="funreason", max_concurrent_envs=max_sessions
    )
    # FastAPI's handlers answer HTTP requests only; the WebSocket session reports errors in its own messages.
    app.add_exception_handler(ConfigError, _bad_request)
    app.add_exception_handler(ResetNeeded, _http_step_refused)
    return app


async def _bad_request(request: Request, error: Exception) -> JSONResponse:
    """A bad reset option (unknown task, bad initial_config): 400 with the `ConfigError` message."""
    return JSONResponse({"detail": str(error)}, status_code=status.HTTP_400_BAD_REQUEST)


async def _http_step_refused(request: Request, error: Exception) -> JSONResponse:
    """HTTP `/step` on the fresh env each request gets: 409, pointing to the WebSocket session."""
    return JSONResponse({"detail": HTTP_STEP_REFUSED}, status_code=status.HTTP_409_CONFLICT)
