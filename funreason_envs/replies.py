"""Read an assistant reply as a model wrote it into the action forms the envs execute.

A model's message often carries its calls inside `content` (Hermes `<tool_call>` blocks, a Python call list,
JSON) and its reasoning in `<think>` or `reasoning_content`. `normalize_reply` runs the same parser the agents
use (`funreason_envs.agents.parsing`), so an env accepts what a model emits: calls become `tool_calls`,
reasoning moves to `reasoning_content`, and text without calls stays a plain reply (which ends the turn).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from funreason_envs.agents.parsing import THINK_CLOSE, THINK_OPEN, parse_model_text, split_reasoning
from funreason_envs.calls import ParameterOrder
from funreason_envs.errors import CallParseError


def normalize_reply(action: Any, parameter_order: ParameterOrder) -> Any:
    """The action with calls and reasoning written in an assistant message's text made explicit.

    Returns anything that is not an assistant message (or call text with a `<think>` block) unchanged.
    Raises `CallParseError` when the text clearly holds calls that cannot be read.
    """
    if isinstance(action, str) and (THINK_OPEN in action or THINK_CLOSE in action):
        action = {"role": "assistant", "content": action}
    if not isinstance(action, Mapping) or action.get("role") != "assistant":
        return action
    text = message_text(action.get("content"))
    if text is None:
        return action
    if action.get("tool_calls"):
        reasoning, rest = split_reasoning(text)
        return _message(action, rest.strip() or None, reasoning, action["tool_calls"])
    parsed = parse_model_text(text, parameter_order)
    if parsed.error:
        raise CallParseError(parsed.error)
    calls = [{"name": call.name, "arguments": call.arguments} for call in parsed.calls]
    return _message(action, parsed.content or ("" if not calls else None), parsed.reasoning, calls)


def message_text(content: Any) -> str | None:
    """The text of a message's `content`: a string, or the text parts of an OpenAI content list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(part, Mapping) for part in content):
        texts = [part.get("text") for part in content if part.get("type") == "text"]
        if all(isinstance(text, str) for text in texts):
            return "".join(texts)
    return None


def _message(
    action: Mapping[str, Any], content: str | None, reasoning: str | None, calls: Any
) -> dict[str, Any]:
    message = {key: value for key, value in action.items() if key not in ("content", "reasoning_content")}
    message["content"] = content
    given = action.get("reasoning_content")
    parts = [part for part in (given if isinstance(given, str) else None, reasoning) if part]
    if parts:
        message["reasoning_content"] = "\n\n".join(parts)
    if calls:
        message["tool_calls"] = calls
    else:
        message.pop("tool_calls", None)
    return message
