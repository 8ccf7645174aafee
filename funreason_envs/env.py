"""`ToolEnv`: the Gymnasium core every FunReason environment builds on.

An episode holds fresh domain instances built from an initial config. Each `step` takes an action
in any form `funreason_envs.calls` reads, executes the calls through a `ToolRouter`, and returns the
results as a chat-style observation. Nothing an agent sends can raise out of `step`: unreadable
actions and refused calls become error observations and leave the state untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import gymnasium as gym

from funreason_envs.calls import ToolCall
from funreason_envs.domains import domain_class, resolve_domains
from funreason_envs.domains.base import Domain
from funreason_envs.errors import CallParseError, ConfigError
from funreason_envs.executor import ToolResult, ToolRouter
from funreason_envs.jsonutil import copy_json
from funreason_envs.replies import normalize_reply
from funreason_envs.spaces import MessageSpace, ToolCallSpace

RESET_OPTIONS = frozenset({"initial_config", "long_context", "message"})
RENDER_WIDTH = 240


class ToolEnv(gym.Env[dict[str, Any], Any]):
    """A free-play tool environment over one or more domains.

    Args:
        domains: domain ids (`"file_system"`, `"file_system,math"`, `["trading", "message"]`, `"all"`),
            or bfcl-eval class names.
        initial_config: per-domain initial state, keyed by domain id or bfcl-eval class name, in
            BFCL's `initial_config` shape. Missing domains start from their defaults.
        long_context: build the long-context variants (larger states and results) where a domain has one.
        render_mode: `None` or `"ansi"` (the conversation so far, as text).
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(
        self,
        domains: str | list[str] | tuple[str, ...] = "file_system",
        *,
        initial_config: Mapping[str, Any] | None = None,
        long_context: bool = False,
        render_mode: str | None = None,
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ConfigError(f"render_mode {render_mode!r} is not supported; use None or 'ansi'")
        self.domains = resolve_domains(domains)
        self.initial_config = self._normalise_config(initial_config or {})
        self.long_context = long_context
        self.render_mode = render_mode
        self.observation_space = MessageSpace()
        self.action_space = ToolCallSpace(self._all_specs())
        self.router: ToolRouter | None = None
        self.messages: list[dict[str, Any]] = []
        self.call_log: list[ToolResult] = []
        self.invalid_actions = 0
        self.visible_tools: set[str] | None = None  # None: every tool may be called
        self.hidden_tools: set[str] = set()
        self._step_count = 0

    # -- configuration ---------------------------------------------------------------------------

    def _all_specs(self) -> list[Any]:
        return [tool for name in self.domains for tool in domain_class(name).spec().tools]

    def _normalise_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        """Key a BFCL-style or domain-keyed initial config by domain id; unknown keys are errors."""
        if not isinstance(config, Mapping):
            raise ConfigError(
                f"initial_config must be a mapping of domain to state, got {type(config).__name__}"
            )
        normalised: dict[str, Any] = {}
        for key, value in config.items():
            name = domain_class(key).name
            if not isinstance(value, Mapping):
                raise ConfigError(f"initial_config[{key!r}] must be a mapping, got {type(value).__name__}")
            normalised[name] = value
        return normalised

    def _build_instances(self) -> list[Domain]:
        return [
            domain_class(name)(self.initial_config.get(name, {}), long_context=self.long_context)
            for name in self.domains
        ]

    # -- gymnasium API ---------------------------------------------------------------------------

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Start an episode. Options: `initial_config`, `long_context`, `message` (the opening user text)."""
        super().reset(seed=seed)
        options = dict(options or {})
        unknown = set(options) - self.reset_options()
        if unknown:
            raise ConfigError(
                f"unknown reset option(s) {sorted(unknown)}; accepted: {sorted(self.reset_options())}"
            )
        self._configure(options)
        self.action_space.seed(int(self.np_random.integers(2**31)))
        self.router = ToolRouter(self._build_instances())
        self.messages = []
        self.call_log = []
        self.invalid_actions = 0
        self._step_count = 0
        self._start_episode()
        observation = self._user_observation(self._opening_message(options))
        return observation, self._info()

    def reset_options(self) -> frozenset[str]:
        """The option keys `reset` accepts."""
        return RESET_OPTIONS

    def _configure(self, options: Mapping[str, Any]) -> None:
        """Hook: apply reset options before the episode's instances are built."""
        if "initial_config" in options:
            self.initial_config = self._normalise_config(options["initial_config"] or {})
        if "long_context" in options:
            self.long_context = bool(options["long_context"])

    def _start_episode(self) -> None:
        """Hook: set up episode state once the instances exist. Free play hides nothing."""
        self.set_hidden_tools(set())

    def set_hidden_tools(self, hidden: set[str], *, enforce: bool = False) -> None:
        """Hide tools from `info["tools"]` and the action space; with `enforce`, calling them is refused."""
        assert self.router is not None
        self.hidden_tools = set(hidden)
        shown = [name for name in self.router.tool_names if name not in self.hidden_tools]
        self.visible_tools = set(shown) if enforce and self.hidden_tools else None
        self.action_space.set_tools(self.router.specs(shown))

    def _opening_message(self, options: Mapping[str, Any]) -> str:
        if options.get("message"):
            return str(options["message"])
        titles = ", ".join(domain_class(name).spec().title for name in self.domains)
        return f"You are connected to: {titles}. Use the tools to explore and change the environment."

    def step(self, action: Any) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        if self.router is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        self._step_count += 1
        action, unreadable = normalize_reply(action, self.router.parameter_order)
        if isinstance(action, Mapping) and action.get("role") == "assistant" and not action.get("tool_calls"):
            self.invalid_actions += (
                unreadable is not None
            )  # calls that do not decode end the turn, as in BFCL
            self.messages.append(_assistant_text(action))
            observation, reward, terminated = self._on_reply(action)
            info = self._info()
            info["action_error"] = unreadable
            return observation, reward, terminated, self._truncated(), info
        try:
            calls = self.router.parse(action)
        except CallParseError as exc:
            return self._refuse(action, str(exc))
        except Exception as exc:  # anything else an agent can send is still only a bad action
            return self._refuse(action, f"could not read tool calls: {type(exc).__name__}: {exc}")
        if not calls:
            self.messages.append({"role": "assistant", "content": ""})
            observation, reward, terminated = self._on_reply({"role": "assistant", "content": ""})
            return observation, reward, terminated, self._truncated(), self._info()
        results = self._execute(calls, action)
        if any(result.status == "invalid" for result in results):
            self.invalid_actions += 1
        observation = self._tool_observation(results)
        reward, terminated = self._after_calls(results)
        return observation, reward, terminated, self._truncated(), self._info(results)

    def _execute(self, calls: list[ToolCall], action: Any) -> list[ToolResult]:
        assert self.router is not None
        ids = [call.id or f"call_{self._step_count}_{index}" for index, call in enumerate(calls)]
        calls = [
            ToolCall(call.name, call.arguments, call_id) for call, call_id in zip(calls, ids, strict=True)
        ]
        content = action.get("content") if isinstance(action, Mapping) else None
        message: dict[str, Any] = {
            "role": "assistant",
            "content": content if isinstance(content, str) else None,
            "tool_calls": [call.to_openai() for call in calls],
        }
        reasoning = action.get("reasoning_content") if isinstance(action, Mapping) else None
        if isinstance(reasoning, str) and reasoning:
            message["reasoning_content"] = reasoning
        self.messages.append(message)
        results = [self.router.execute(call, self.visible_tools) for call in calls]
        for result in results:
            self.messages.append(
                {
                    "role": "tool",
                    "tool_call_id": result.call.id,
                    "name": result.call.name,
                    "content": result.content,
                }
            )
        self.call_log.extend(results)
        return results

    def _refuse(self, action: Any, problem: str) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        """An unreadable action: tell the agent what was wrong, change nothing."""
        self.invalid_actions += 1
        self.messages.append({"role": "assistant", "content": _preview(action)})
        text = f"Error: your message could not be read as tool calls: {problem}"
        observation = self._user_observation(text)
        info = self._info()
        info["action_error"] = problem
        return observation, 0.0, False, self._truncated(), info

    def _on_reply(self, message: Mapping[str, Any]) -> tuple[dict[str, Any], float, bool]:
        """Hook: the agent replied with text and no calls. Free play ends the episode."""
        return {"role": "user", "content": "", "tool_results": []}, 0.0, True

    def _after_calls(self, results: list[ToolResult]) -> tuple[float, bool]:
        """Hook: reward and termination after a step with calls. Free play: 0 and not done."""
        return 0.0, False

    def _truncated(self) -> bool:
        return False

    def _user_observation(self, text: str) -> dict[str, Any]:
        self.messages.append({"role": "user", "content": text})
        return {"role": "user", "content": text, "tool_results": []}

    def _tool_observation(self, results: list[ToolResult]) -> dict[str, Any]:
        entries = [
            {"tool_call_id": r.call.id or "", "name": r.call.name, "content": r.content, "status": r.status}
            for r in results
        ]
        return {"role": "tool", "content": "\n".join(r.content for r in results), "tool_results": entries}

    def _info(self, results: list[ToolResult] | None = None) -> dict[str, Any]:
        assert self.router is not None
        names = [name for name in self.router.tool_names if name not in self.hidden_tools]
        return {
            "tools": [spec.to_openai() for spec in self.router.specs(names)],
            "calls": [
                {
                    "id": r.call.id,
                    "name": r.call.name,
                    "arguments": copy_json(r.call.arguments),
                    "content": r.content,
                    "status": r.status,
                }
                for r in results or ()
            ],
            "invalid_actions": self.invalid_actions,
            "action_error": None,
            "step": self._step_count,
        }

    def state_dict(self) -> dict[str, Any]:
        """The public state of every domain in this episode, keyed by domain id."""
        if self.router is None:
            raise gym.error.ResetNeeded("call reset() before state_dict()")
        return {type(instance).name: instance.state_dict() for instance in self.router.instances}

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        return "\n".join(_render_message(message) for message in self.messages) + "\n"


def _assistant_text(action: Mapping[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": action.get("content") or ""}
    reasoning = action.get("reasoning_content")
    if isinstance(reasoning, str) and reasoning:
        message["reasoning_content"] = reasoning
    return message


def _preview(action: Any, limit: int = 2000) -> str:
    """The start of an action's text, for the transcript; never raises."""
    try:
        text = action if isinstance(action, str) else repr(action)
    except Exception:  # e.g. a structure too deep to repr
        text = f"<unprintable {type(action).__name__}>"
    return text if len(text) <= limit else text[:limit] + "..."


def _render_message(message: Mapping[str, Any]) -> str:
    role = message["role"]
    if role == "assistant" and message.get("tool_calls"):
        calls = ", ".join(
            f"{c['function']['name']}({c['function']['arguments']})" for c in message["tool_calls"]
        )
        text = f"assistant -> {calls}"
    elif role == "tool":
        text = f"tool[{message.get('name', '')}]: {message['content']}"
    else:
        text = f"{role}: {message.get('content') or ''}"
    return text if len(text) <= RENDER_WIDTH else text[: RENDER_WIDTH - 3] + "..."
