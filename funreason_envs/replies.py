"""Read an assistant reply as a model wrote it into the action forms the envs execute.

A model's message often carries its calls inside `content` (Hermes `<tool_call>` blocks, a Python call list,
JSON) and its reasoning in `<think>` or `reasoning_content`. `normalize_reply` runs the same parser the agents
use (`funreason_envs.agents.parsing`), so an env accepts what a model emits: calls become `tool_calls`,
reasoning moves to `reasoning_content`, and text without calls stays a plain reply (which ends the turn).
Text whose calls cannot be read is a reply too, as bfcl-eval ends a turn whose output does not decode;
the reason is handed back so the env can count and show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from funreason_envs.agents.parsing import (
    THINK_CLOSE,
    THINK_OPEN,
    ParsedText,
    parse_model_text,
    split_reasoning,
)
from funreason_envs.calls import ParameterOrder
from funreason_envs.limits import MAX_CACHE_CHARS, MAX_CACHED_TEXT_CHARS
from funreason_envs.text_cache import TextCache

_PLAIN_REPLIES = TextCache(MAX_CACHE_CHARS // 4, MAX_CACHED_TEXT_CHARS)  # text -> its ParsedText


def normalize_reply(action: Any, parameter_order: ParameterOrder) -> tuple[Any, str | None]:
    """The action with calls and reasoning written in an assistant message's text made explicit, and why
    calls the text clearly holds could not be read (then the action is a plain reply), or None.

    Anything that is not an assistant message (or call text with a `<think>` block) comes back unchanged.
    """
    if type(action) is dict:  # the usual message, read without the general path's checks
        content = action.get("content")
        if content is None:
            return action, None  # no text to read
        if type(content) is str and not action.get("tool_calls") and action.get("role") == "assistant":
            parsed = _PLAIN_REPLIES.get(content)
            if parsed is not None:  # a reply seen before, without calls
                if parsed.reasoning is None and len(action) == 2:  # role and content only
                    return {"role": "assistant", "content": parsed.content or ""}, None  # as `_message`
                return _message(action, parsed.content or "", parsed.reasoning, None), None
    if isinstance(action, str) and (THINK_OPEN in action or THINK_CLOSE in action):
        action = {"role": "assistant", "content": action}
    if not isinstance(action, Mapping) or action.get("role") != "assistant":
        return action, None
    text = message_text(action.get("content"))
    if text is None:
        return action, None
    if action.get("tool_calls"):
        reasoning, rest = split_reasoning(text)
        return _message(action, rest.strip() or None, reasoning, action["tool_calls"]), None
    parsed = _parse_reply(text, parameter_order)
    calls = [{"name": call.name, "arguments": call.arguments} for call in parsed.calls]
    return _message(
        action, parsed.content or ("" if not calls else None), parsed.reasoning, calls
    ), parsed.error


def _parse_reply(text: str, parameter_order: ParameterOrder) -> ParsedText:
    """`parse_model_text`, remembering the replies that hold no calls and no error: the same few texts
    close turns again and again, and what they give does not depend on the parameter order."""
    parsed = _PLAIN_REPLIES.get(text)
    if parsed is None:
        parsed = parse_model_text(text, parameter_order)
        if not parsed.calls and parsed.error is None:
            _PLAIN_REPLIES.put(text, parsed)
    return parsed


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
