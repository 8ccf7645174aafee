"""`hermes`: conversations rendered as text, the way Qwen2.5/Qwen3 chat templates render tool use.

`<|im_start|>role ... <|im_end|>` blocks; the system block lists the tools as JSON inside
`<tools></tools>` with the templates' instruction text (kept word for word: it is what the models
were trained to read); an assistant block is `<think>\\n...\\n</think>\\n\\n`, its text, then one
`<tool_call>\\n{"name": ..., "arguments": {...}}\\n</tool_call>` per call; consecutive tool results
share one user block, each in `<tool_response>` tags.

A whole-conversation row is `{"text"}` and keeps every turn's thinking (all turns are trained). A
split row is `{"prompt", "completion"}` (TRL's standard prompt-completion type): the prompt is the
conversation before the turn plus its user message, with earlier turns' thinking dropped as Qwen3's
template drops it, and the completion is the turn's assistant blocks and tool results.

A row's `text` (or `completion`) ends with `<|im_end|>`, without the newline the template puts between
blocks: TRL appends the EOS token to text that does not already end with it, which would give the last
block a second end-of-turn token.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

from funreason_envs.synthesis.exports.base import ChatExporter, Row, Variant
from funreason_envs.synthesis.exports.conversation import Message, arguments_of, tools_at
from funreason_envs.synthesis.record import Sample

TOOLS_OPENING = (
    "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
    "You are provided with function signatures within <tools></tools> XML tags:\n<tools>"
)
TOOLS_CLOSING = (
    "\n</tools>\n\nFor each function call, return a json object with function name and arguments within "
    '<tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": '
    "<args-json-object>}\n</tool_call>"
)


class HermesExporter(ChatExporter):
    """Rendered chat text in `hermes.jsonl`."""

    name: ClassVar[str] = "hermes"
    file: ClassVar[str] = "hermes.jsonl"

    def render(self, sample: Sample, variant: Variant) -> list[Row]:
        conversation = variant.conversation
        system = conversation.system.get("content") if conversation.system else None
        if not self.options.split_turns:
            head = render_system(system, tools_at(sample, None))
            messages = [message for turn in conversation.turns for message in turn.messages()]
            body = render_messages(messages, think=True)
            return [{"text": (head + body).removesuffix("\n"), **variant.row_meta(sample)}]
        rows = []
        for index in variant.split_turns():
            turn = conversation.turns[index]
            history = [message for earlier in conversation.turns[:index] for message in earlier.messages()]
            prompt = render_system(system, tools_at(sample, index)) + render_messages(
                [*history, *turn.users], think=False
            )
            steps = [message for step in turn.steps for message in step.messages()]
            completion = render_messages(steps, think=True).removesuffix("\n")
            rows.append({"prompt": prompt, "completion": completion, **variant.row_meta(sample, index)})
        return rows


def render_system(system: str | None, tools: Sequence[dict[str, Any]]) -> str:
    """The system block, with the tool list when there are tools."""
    if not tools:
        return f"<|im_start|>system\n{system}<|im_end|>\n" if system is not None else ""
    listing = "".join("\n" + json.dumps(tool, ensure_ascii=False) for tool in tools)
    prefix = f"{system}\n\n" if system is not None else ""
    return f"<|im_start|>system\n{prefix}{TOOLS_OPENING}{listing}{TOOLS_CLOSING}<|im_end|>\n"


def render_messages(messages: Sequence[Message], *, think: bool) -> str:
    """User, assistant and tool messages as text; assistant thinking only when `think`."""
    parts = []
    for position, message in enumerate(messages):
        role = message["role"]
        content = str(message.get("content") or "")
        if role == "assistant":
            parts.append(_assistant(message, content, think))
        elif role == "tool":
            if position == 0 or messages[position - 1]["role"] != "tool":
                parts.append("<|im_start|>user")
            parts.append(f"\n<tool_response>\n{content}\n</tool_response>")
            if position == len(messages) - 1 or messages[position + 1]["role"] != "tool":
                parts.append("<|im_end|>\n")
        else:
            parts.append(f"<|im_start|>{role}\n{content}<|im_end|>\n")
    return "".join(parts)


def _assistant(message: Message, content: str, think: bool) -> str:
    reasoning = str(message.get("reasoning_content") or "").strip("\n") if think else ""
    text = "<|im_start|>assistant\n"
    if reasoning.strip():
        content = content.lstrip("\n")
        text += f"<think>\n{reasoning}\n</think>\n\n"
    text += content
    for position, call in enumerate(message.get("tool_calls") or []):
        if position > 0 or content:
            text += "\n"
        arguments = json.dumps(arguments_of(call), ensure_ascii=False)
        name = json.dumps(call["function"]["name"], ensure_ascii=False)
        text += f'<tool_call>\n{{"name": {name}, "arguments": {arguments}}}\n</tool_call>'
    return text + "<|im_end|>\n"
