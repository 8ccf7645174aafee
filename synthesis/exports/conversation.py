"""A sample's OpenAI-format messages read into turns and steps: the shape every chat exporter walks.

A turn is the user's message(s) and the assistant's answer to them. The answer is a run of steps:
an assistant message, then the `tool` messages answering its calls (none for a text reply). The
reader checks the structure once, so exporters can rely on it, and copies every message it keeps.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from funreason_envs.domains import domain_class
from funreason_envs.errors import ConfigError
from funreason_envs.jsonutil import copy_json
from funreason_envs.synthesis.record import Sample

Message = dict[str, Any]


@dataclass(frozen=True)
class Step:
    """One assistant message and the tool results that answer its calls, in call order."""

    assistant: Message
    results: tuple[Message, ...] = ()

    @property
    def calls(self) -> list[dict[str, Any]]:
        return list(self.assistant.get("tool_calls") or [])

    def messages(self) -> list[Message]:
        return [self.assistant, *self.results]


@dataclass(frozen=True)
class Turn:
    """One user turn: what the user said and the assistant's steps in reply."""

    index: int
    users: tuple[Message, ...]
    steps: tuple[Step, ...]

    def messages(self) -> list[Message]:
        return [*self.users, *(message for step in self.steps for message in step.messages())]

    def user_text(self) -> str:
        return "\n\n".join(str(message.get("content") or "") for message in self.users)


@dataclass(frozen=True)
class Conversation:
    """The system message (if any) and the turns of one sample."""

    system: Message | None
    turns: tuple[Turn, ...]

    def messages(self, upto: int | None = None) -> list[Message]:
        """Every message, or those of the turns before `upto`."""
        turns = self.turns if upto is None else self.turns[:upto]
        head = [self.system] if self.system is not None else []
        return [*head, *(message for turn in turns for message in turn.messages())]

    def with_turn(self, turn: Turn) -> Conversation:
        turns = list(self.turns)
        turns[turn.index] = turn
        return replace(self, turns=tuple(turns))


def read_conversation(sample: Sample) -> Conversation:
    """Split `sample.messages` into turns and steps; a malformed conversation is a `ConfigError`."""
    messages = [copy_json(message) for message in sample.messages]
    where = f"sample {sample.id}"
    system = None
    if messages and messages[0].get("role") == "system":
        system = messages.pop(0)
    turns: list[Turn] = []
    position = 1 if system is not None else 0
    for users, steps in _group(messages, where, position):
        turns.append(Turn(len(turns), tuple(users), tuple(steps)))
    if len(turns) != len(sample.task.turns):
        raise ConfigError(
            f"{where}: the messages hold {len(turns)} user turn(s) but the task has {len(sample.task.turns)}"
        )
    return Conversation(system, tuple(turns))


def _group(
    messages: Sequence[Message], where: str, offset: int
) -> Iterator[tuple[list[Message], list[Step]]]:
    users: list[Message] = []
    steps: list[Step] = []
    index = 0
    while index < len(messages):
        message = messages[index]
        role = message.get("role")
        at = f"{where}: message {index + offset}"
        if role == "user":
            if steps:
                yield users, steps
                users, steps = [], []
            users.append(message)
            index += 1
        elif role == "assistant":
            if not users:
                raise ConfigError(f"{at}: an assistant message before any user message")
            _check_calls(message, at)
            count = len(message.get("tool_calls") or [])
            results = messages[index + 1 : index + 1 + count]
            _check_results(message, results, at)
            steps.append(Step(message, tuple(results)))
            index += 1 + count
        else:
            raise ConfigError(f"{at}: unexpected role {role!r} (a tool message must follow its call)")
    if users and not steps:
        raise ConfigError(f"{where}: the last user turn has no assistant reply")
    if users:
        yield users, steps


def _check_calls(message: Message, at: str) -> None:
    for position, call in enumerate(message.get("tool_calls") or []):
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            raise ConfigError(f"{at}: tool_calls[{position}] needs function.name")
        arguments_of(call, f"{at}: tool_calls[{position}]")


def _check_results(message: Message, results: Sequence[Message], at: str) -> None:
    calls = message.get("tool_calls") or []
    if len(results) < len(calls) or any(result.get("role") != "tool" for result in results):
        raise ConfigError(f"{at}: {len(calls)} call(s) need as many tool messages right after them")
    for call, result in zip(calls, results, strict=True):
        expected = call.get("id")
        if expected and result.get("tool_call_id") not in (None, expected):
            raise ConfigError(
                f"{at}: tool message answers {result.get('tool_call_id')!r}, expected {expected!r}"
            )


def arguments_of(call: dict[str, Any], where: str = "tool call") -> dict[str, Any]:
    """A tool call's arguments as a dict (OpenAI sends them as a JSON string)."""
    raw = call["function"].get("arguments")
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{where}: arguments are not valid JSON: {exc.msg}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: arguments must be a JSON object, got {type(raw).__name__}")
    return raw


def without_reasoning(messages: Sequence[Message]) -> list[Message]:
    """The messages without `reasoning_content`, as Qwen3's template shows turns before the last query."""
    return [{key: value for key, value in m.items() if key != "reasoning_content"} for m in messages]


def tools_at(sample: Sample, turn: int | None) -> list[dict[str, Any]]:
    """The tools the assistant may call in `turn` (held-out tools hidden until revealed); all when None.

    Held-out tools missing from `sample.tools` are taken from their domain's spec.
    """
    tools = [copy_json(tool) for tool in sample.tools]
    known = {tool["function"]["name"] for tool in tools}
    for name in (name for names in sample.task.held_out.values() for name in names):
        if name not in known:
            tools.append(_spec_tool(name, sample.task.domains))
            known.add(name)
    if turn is None:
        return tools
    hidden = sample.task.revealed_by(turn)
    return [tool for tool in tools if tool["function"]["name"] not in hidden]


def _spec_tool(name: str, domains: Sequence[str]) -> dict[str, Any]:
    for domain in domains:
        entry = domain_class(domain).tool_table().get(name)
        if entry is not None:
            return entry.spec.to_openai()
    raise ConfigError(f"held-out tool {name!r} is in none of the task's domains ({', '.join(domains)})")
