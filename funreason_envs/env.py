"""`ToolEnv`: the Gymnasium core every FunReason environment builds on.

An episode is a `Session`: fresh domain instances built from an initial config. Each `step` takes an
action in any form `funreason_envs.calls` reads, executes the calls in the session, and returns the
results as a chat-style observation. Nothing an agent sends can raise out of `step`: unreadable
actions and refused calls become error observations and leave the state untouched. Limits on what
one call or action may do are in `funreason_envs.limits`.

Gymnasium's contract is enforced more strictly than its own envs do (they only warn): once a step
returned `terminated` or `truncated` (free play truncates after `max_steps` steps, 100 as registered),
`step` raises `gymnasium.error.ResetNeeded` until `reset`. A `reset` with bad options raises
`ConfigError` and leaves the env as it was, ready for the next reset.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import gymnasium as gym

from funreason_envs.calls import ToolCall
from funreason_envs.domains import domain_class, resolve_domains
from funreason_envs.errors import CallParseError, ConfigError
from funreason_envs.executor import ToolResult
from funreason_envs.frozen import thaw
from funreason_envs.jsonutil import scrub_surrogates
from funreason_envs.limits import MAX_CALLS_PER_STEP
from funreason_envs.records import Observation
from funreason_envs.replies import normalize_reply
from funreason_envs.session import Session, class_of
from funreason_envs.spaces import MessageSpace, ToolCallSpace
from funreason_envs.tasks.model import Task
from funreason_envs.tool_list import ToolList, tool_list
from funreason_envs.trajectory import Trajectory

RESET_OPTIONS = frozenset({"initial_config", "long_context", "message"})
RENDER_WIDTH = 240
KEPT_TOOL_SETS = 256  # visible-tool sets an env remembers (tasks reset to the same few again and again)


class ToolEnv(gym.Env[dict[str, Any], Any]):
    """A free-play tool environment over one or more domains.

    Args:
        domains: domain ids (`"file_system"`, `"file_system,math"`, `["trading", "message"]`, `"all"`),
            or bfcl-eval class names.
        initial_config: per-domain initial state, keyed by domain id or bfcl-eval class name, in
            BFCL's `initial_config` shape. Missing domains start from their defaults.
        long_context: build the long-context variants (larger states and results) where a domain has one.
        max_steps: steps per episode before it is truncated (`None`: no limit). `gym.make` registers 100;
            its `max_episode_steps=` only adds a `TimeLimit` wrapper, which the env itself does not see.
        render_mode: `None` or `"ansi"` (the conversation so far, as text).
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(
        self,
        domains: str | list[str] | tuple[str, ...] = "file_system",
        *,
        initial_config: Mapping[str, Any] | None = None,
        long_context: bool = False,
        max_steps: int | None = None,
        render_mode: str | None = None,
    ) -> None:
        if max_steps is not None and (not isinstance(max_steps, int) or max_steps < 1):
            raise ConfigError(f"max_steps must be a positive integer or None, got {max_steps!r:.40}")
        self.max_steps = max_steps
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ConfigError(f"render_mode {render_mode!r} is not supported; use None or 'ansi'")
        self.domains = resolve_domains(domains)
        self.initial_config = self._normalise_config(initial_config or {})
        self.long_context = long_context
        self.render_mode = render_mode
        self.observation_space = MessageSpace()
        self.action_space = ToolCallSpace(self._all_specs())
        self._session: Session | None = None
        self.messages: list[dict[str, Any]] = []
        self.invalid_actions = 0
        self.visible_tools: set[str] | None = None  # None: every tool may be called
        self.hidden_tools: set[str] = set()
        self._shown_tools: ToolList = ToolList()  # info["tools"]: one shared read-only list
        self._shown_names: tuple[str, ...] | None = None  # the names in it (None: not set yet)
        # (id of a route table's tool names, hidden) -> (those names, shown names, their specs, ToolList)
        self._tool_sets: dict[tuple[int, frozenset[str]], tuple[Any, ...]] = {}
        self._step_count = 0
        self._ended = False

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
            name = class_of(key).name
            if not isinstance(value, Mapping):
                raise ConfigError(f"initial_config[{key!r}] must be a mapping, got {type(value).__name__}")
            normalised[name] = value
        return normalised

    @property
    def session(self) -> Session:
        """The episode's `Session`: its instances and every call's result."""
        if self._session is None:
            raise gym.error.ResetNeeded("call reset() first: there is no episode yet")
        return self._session

    @property
    def task(self) -> Task | None:
        """The task being played; free play plays none."""
        return None

    # -- gymnasium API ---------------------------------------------------------------------------

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Start an episode. Options: `initial_config`, `long_context`, `message` (the opening user text)."""
        super().reset(seed=seed)
        if options is not None and not isinstance(options, Mapping):
            raise ConfigError(f"reset options must be a dict, got {type(options).__name__}")
        options = dict(scrub_surrogates(options or {}))  # reset text enters here: no lone surrogate gets in
        unknown = set(options) - self.reset_options()
        if unknown:
            raise ConfigError(
                f"unknown reset option(s) [{', '.join(sorted(map(repr, unknown)))}]; "
                f"accepted: {sorted(self.reset_options())}"
            )
        saved = dict(vars(self))
        try:
            self._configure(options)
            space_seed = int(self.np_random.integers(2**31))
            if isinstance(self.action_space, ToolCallSpace):
                self.action_space.seed_later(space_seed)
            else:  # a space a user put in its place
                self.action_space.seed(space_seed)
            self._session = self._new_session()
            self.messages = []
            self.invalid_actions = 0
            self._step_count = 0
            self._ended = False
            self._start_episode()
            observation = self._user_observation(self._opening_message(options))
        except Exception as exc:  # a bad option never leaves a half-built episode behind
            vars(self).clear()
            vars(self).update(saved)
            if isinstance(exc, ConfigError):
                raise
            raise ConfigError(f"reset options rejected: {type(exc).__name__}: {exc}") from None
        return observation, self._info()

    def reset_options(self) -> frozenset[str]:
        """The option keys `reset` accepts."""
        return RESET_OPTIONS

    def _configure(self, options: Mapping[str, Any]) -> None:
        """Hook: apply reset options before the episode's instances are built."""
        if "initial_config" in options:
            self.initial_config = self._normalise_config(options["initial_config"] or {})
        if "long_context" in options:
            if not isinstance(options["long_context"], bool):
                raise ConfigError(
                    f"options['long_context'] must be true or false, got {options['long_context']!r:.60}"
                )
            self.long_context = options["long_context"]
        if options.get("message") is not None and not isinstance(options["message"], str):
            raise ConfigError(f"options['message'] must be a string, got {type(options['message']).__name__}")

    def _lenient_calls(self) -> bool:
        """Hook: run mistyped calls as bfcl-eval does (BFCL scoring) instead of refusing them."""
        return False

    def _new_session(self) -> Session:
        """Hook: the episode's session, its instances built from the configured domains and config."""
        return Session.for_domains(
            self.domains,
            self.initial_config,
            self.long_context,
            lenient=self._lenient_calls(),
            reuse_states=True,
        )

    def _start_episode(self) -> None:
        """Hook: set up episode state once the instances exist. Free play hides nothing."""
        self.set_hidden_tools(set())

    def set_hidden_tools(self, hidden: set[str], *, enforce: bool = False) -> None:
        """Hide tools from `info["tools"]` and the action space; with `enforce`, calling them is refused."""
        session = self._session
        if session is None:
            raise gym.error.ResetNeeded("call reset() first: there is no episode yet")
        self.hidden_tools = set(hidden)
        names = session.router.tool_name_tuple  # shared by every router over the same classes
        hidden_key = frozenset(hidden)
        known = self._tool_sets.get((id(names), hidden_key))
        if known is None or known[0] is not names:
            shown = tuple(name for name in names if name not in hidden_key)
            specs = tuple(session.specs(shown))  # the action space keeps it as it is
            known = (names, shown, specs, tool_list(specs))
            if len(self._tool_sets) >= KEPT_TOOL_SETS:
                del self._tool_sets[next(iter(self._tool_sets))]
            self._tool_sets[(id(names), hidden_key)] = known
        _, shown, specs, tools = known
        self.visible_tools = set(shown) if enforce and self.hidden_tools else None
        if shown is self._shown_names or shown == self._shown_names:
            return  # unchanged: info["tools"] stays the same object, compiled checkers are kept
        self._shown_names = shown
        self.action_space.set_tools(specs)
        self._shown_tools = tools

    def _opening_message(self, options: Mapping[str, Any]) -> str:
        if options.get("message"):
            return str(options["message"])
        titles = ", ".join(domain_class(name).spec().title for name in self.domains)
        return f"You are connected to: {titles}. Use the tools to explore and change the environment."

    def step(self, action: Any) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        if self._session is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        if self._ended:
            raise gym.error.ResetNeeded("the episode has ended (terminated or truncated); call reset()")
        result = self._step(scrub_surrogates(action))  # text enters here: no lone surrogate gets in
        self._ended = result[2] or result[3]
        return result

    def _step(self, action: Any) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        self._step_count += 1
        action, unreadable = normalize_reply(action, self._session.router.parameter_order)
        if _is_mapping(action) and action.get("role") == "assistant" and not action.get("tool_calls"):
            content = action.get("content")
            if content is not None and type(content) is not str:  # not text, nor text parts: unreadable
                problem = "an assistant message's content must be a string or a list of text parts"
                return self._refuse(action, f"{problem}, got {type(content).__name__}")
            self.invalid_actions += (
                unreadable is not None
            )  # calls that do not decode end the turn, as in BFCL
            self.messages.append(_assistant_text(action))
            observation, reward, terminated = self._on_reply(action)
            info = self._info()
            info["action_error"] = unreadable
            return observation, reward, terminated, self._truncated(), info
        session = self._session
        prepared: Any = None  # calls the router prepared (resolved and checked once per text), if any
        try:
            if type(action) is str:  # call text
                calls = prepared = session.router.prepare(action)
            elif (prepared := self._prepare_message(action)) is not None:
                calls = prepared[0]
            else:
                calls = session.parse(action, scrubbed=True)  # step() scrubbed it
        except CallParseError as exc:
            return self._refuse(action, str(exc))
        except Exception as exc:  # anything else an agent can send is still only a bad action
            return self._refuse(action, f"could not read tool calls: {type(exc).__name__}: {exc}")
        if not calls:
            self.messages.append({"role": "assistant", "content": ""})
            observation, reward, terminated = self._on_reply({"role": "assistant", "content": ""})
            return observation, reward, terminated, self._truncated(), self._info()
        if prepared is None:
            results = self._execute(calls, action)
        elif type(action) is str:
            results = self._execute_prepared(prepared, [call.call.id for call in prepared], action)
        else:
            results = self._execute_prepared(prepared[0], prepared[1], action)
        for result in results:
            if result.status == "invalid":
                self.invalid_actions += 1
                break
        observation = Observation.tool(results)
        reward, terminated = self._after_calls(results)
        return observation, reward, terminated, self._truncated(), self._info(results)

    def _execute(self, calls: list[ToolCall], action: Any) -> list[ToolResult]:
        if not all(call.id for call in calls):  # number the calls the agent left without an id
            calls = [
                call if call.id else ToolCall(call.name, call.arguments, self._call_id(index))
                for index, call in enumerate(calls)
            ]
        self.messages.append(self._assistant_calls(action, [call.to_openai() for call in calls]))
        results = self.session.execute(calls, self.visible_tools)
        self.messages.extend(result.message() for result in results)
        return results

    def _execute_prepared(
        self, prepared: Sequence[Any], ids: Sequence[str | None], action: Any
    ) -> list[ToolResult]:
        """`_execute` of calls the router prepared, with the ids the agent gave (`None`: numbered as
        `_execute` numbers them): the same transcript and results, without reading and checking the
        same call text again."""
        call_ids = ids if all(ids) else [call_id or self._call_id(index) for index, call_id in enumerate(ids)]
        results = self._session.execute_prepared(prepared, self.visible_tools, call_ids=call_ids)
        entries = [  # `to_openai()`, with the argument text written once when the call was prepared
            {
                "id": call_id,
                "type": "function",
                "function": {"name": result.call.name, "arguments": ready.arguments_json},
            }
            if ready.arguments_json is not None
            else result.call.to_openai()
            for ready, result, call_id in zip(prepared, results, call_ids, strict=True)
        ]
        messages = self.messages
        messages.append(self._assistant_calls(action, entries))
        messages.extend([result.message() for result in results])
        return results

    def _call_id(self, index: int) -> str:
        """The id the env gives call `index` of this step when the agent gave it none."""
        return f"call_{self._step_count}_{index}"

    def _prepare_message(self, action: Any) -> tuple[list[Any], list[str | None]] | None:
        """An OpenAI assistant message's calls, prepared by the router, and the ids they came with; None
        for anything but the plain shape (each `tool_calls` entry a dict with a `function` dict holding a
        name and JSON argument text), which `parse` reads."""
        if type(action) is not dict:
            return None
        entries = action.get("tool_calls")
        if type(entries) is not list or not entries or len(entries) > MAX_CALLS_PER_STEP:
            return None
        router = self._session.router
        prepared, ids = [], []
        for entry in entries:
            if type(entry) is not dict or "tool_calls" in entry:
                return None
            function = entry.get("function")
            if type(function) is not dict:
                return None
            name, arguments = function.get("name"), function.get("arguments")
            if type(name) is not str or not name or type(arguments) is not str or not arguments:
                return None
            try:
                prepared.append(router.prepare_call(name, arguments))
            except CallParseError:
                return None  # `parse` words the problem, with where it is
            call_id = entry.get("id")
            ids.append(call_id if type(call_id) is str else None)
        return prepared, ids

    @staticmethod
    def _assistant_calls(action: Any, tool_calls: list[dict[str, Any]]) -> dict[str, Any]:
        """The transcript's assistant message for an action's calls (OpenAI entries, with their ids)."""
        mapping = _is_mapping(action)
        content = action.get("content") if mapping else None
        message: dict[str, Any] = {
            "role": "assistant",
            "content": content if isinstance(content, str) else None,
            "tool_calls": tool_calls,
        }
        reasoning = action.get("reasoning_content") if mapping else None
        if isinstance(reasoning, str) and reasoning:
            message["reasoning_content"] = reasoning
        return message

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
        return Observation.user(""), 0.0, True

    def _after_calls(self, results: list[ToolResult]) -> tuple[float, bool]:
        """Hook: reward and termination after a step with calls. Free play: 0 and not done."""
        return 0.0, False

    def _truncated(self) -> bool:
        """Free play truncates after `max_steps` steps (as Gymnasium's `TimeLimit` would)."""
        return self.max_steps is not None and self._step_count >= self.max_steps

    def _user_observation(self, text: str) -> dict[str, Any]:
        self.messages.append({"role": "user", "content": text})
        return Observation.user(text)

    def _visible_tools(self) -> list[dict[str, Any]]:
        """The visible tools in OpenAI format: the same read-only object until the set changes."""
        if self._session is None:
            raise gym.error.ResetNeeded("call reset() first: there is no episode yet")
        return self._shown_tools

    def _info(self, results: list[ToolResult] | None = None) -> dict[str, Any]:
        return {
            "tools": self._shown_tools,  # `_visible_tools()`: an episode has started
            "calls": [result.record() for result in results] if results else [],
            "invalid_actions": self.invalid_actions,
            "action_error": None,
            "step": self._step_count,
        }

    def state_dict(self) -> dict[str, Any]:
        """The public state of every domain in this episode, keyed by domain id."""
        return self.session.state()

    def trajectory(self, *, error: str | None = None) -> Trajectory:
        """The episode so far as a `Trajectory`: conversation, visible tools, step and invalid-action
        counts (and, for tasks, verdicts and states). `error` says why it stopped early (an agent
        failure); `rollout` adds the agent's side (reward, usage, timings)."""
        return Trajectory(
            id="free_play",
            category="free_play",
            domains=list(self.domains),
            reason="agent_error" if error else None,
            messages=list(self.messages),
            tools=thaw(self._visible_tools()),
            steps=self._step_count,
            invalid_actions=self.invalid_actions,
            truncated=self._truncated(),
            error=error,
        )

    def render(self) -> str | None:
        if self._session is None:
            raise gym.error.ResetNeeded("call reset() before render()")
        if self.render_mode != "ansi":
            return None
        return "\n".join(_render_message(message) for message in self.messages) + "\n"


def _is_mapping(value: Any) -> bool:
    """`isinstance(value, Mapping)`, without the ABC machinery for the plain dicts most actions are."""
    return type(value) is dict or isinstance(value, Mapping)


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
