"""`openai`: rows of `messages` and `tools` as TRL's SFTTrainer takes them for tool calling.

A row holds the conversation in OpenAI chat format (assistant `tool_calls`, `tool` messages with the
exact results, chain-of-thought in each assistant message's `reasoning_content`, which templates
such as Qwen3's render as thinking) and the tools as JSON schemas. Whole-conversation rows list every
tool the conversation uses, held-out ones included; split rows list those visible in their turn.

Split rows (one per user turn, holding the conversation up to and including it) mark the trained
turn in one of two ways that trainers honour:
- "prompt_completion" (default): TRL's conversational prompt-completion type, `{"prompt",
  "completion", "tools"}`. SFTTrainer's completion-only loss, its default for this type, trains the
  completion: this turn's assistant steps and tool results (add `assistant_only_loss=True`, with a
  template that has generation markers, to leave the tool results untrained).
- "weight": `{"messages", "tools"}` with `weight` 0 on earlier assistant messages and 1 on this
  turn's, as OpenAI's fine-tuning format reads it.
Either way earlier turns lose `reasoning_content`, as Qwen3's template drops thinking before the
last user query, so the trained turn sees the context it will see at inference.

A calling assistant message's content is "" (not null: many templates print it). Tool-call `arguments`
are JSON objects (what TRL's `parse_response` produces and what most chat
templates iterate over); `string_arguments` keeps OpenAI's JSON strings. Loading the rows with HF
`datasets` needs version 4.7 or later (schemas whose `type` is a string in one row and a list in another).
`one_call_per_message` writes parallel calls as consecutive single-call steps, for templates that refuse
more than one call per message (Llama 3.1 and 3.2).
"""

from __future__ import annotations

from typing import ClassVar

from funreason_envs.synthesis.exports.base import ChatExporter, Row, Variant
from funreason_envs.synthesis.exports.conversation import (
    Message,
    arguments_of,
    tools_at,
    without_reasoning,
)
from funreason_envs.synthesis.record import Sample


class OpenAIExporter(ChatExporter):
    """TRL-ready chat rows in `openai.jsonl`."""

    name: ClassVar[str] = "openai"
    file: ClassVar[str] = "openai.jsonl"
    option_keys: ClassVar[tuple[str, ...]] = (
        *ChatExporter.option_keys,
        "openai_loss_marking",
        "string_arguments",
        "one_call_per_message",
    )

    def render(self, sample: Sample, variant: Variant) -> list[Row]:
        return [
            {key: self._adapt(value) for key, value in row.items()} for row in self._rows(sample, variant)
        ]

    def _adapt(self, value: object) -> object:
        """A message list as the options want it; any other column unchanged."""
        if not isinstance(value, list) or not all(
            isinstance(item, dict) and "role" in item for item in value
        ):
            return value
        messages = [_with_text_content(message) for message in value]
        if not self.options.string_arguments:
            messages = [_message_with_object_arguments(message) for message in messages]
        return _one_call_per_message(messages) if self.options.one_call_per_message else messages

    def _rows(self, sample: Sample, variant: Variant) -> list[Row]:
        if not self.options.split_turns:
            messages = variant.conversation.messages()
            return [{"messages": messages, "tools": tools_at(sample, None), **variant.row_meta(sample)}]
        return [self._turn_row(sample, variant, index) for index in variant.split_turns()]

    def _turn_row(self, sample: Sample, variant: Variant, index: int) -> Row:
        conversation = variant.conversation
        history = without_reasoning(conversation.messages(upto=index))
        turn = conversation.turns[index]
        tools = tools_at(sample, index)
        meta = variant.row_meta(sample, index)
        if self.options.openai_loss_marking == "prompt_completion":
            completion = [message for step in turn.steps for message in step.messages()]
            return {"prompt": [*history, *turn.users], "completion": completion, "tools": tools, **meta}
        messages = [*_weighted(history, 0), *_weighted(turn.messages(), 1)]
        return {"messages": messages, "tools": tools, **meta}


def _weighted(messages: list[Message], weight: int) -> list[Message]:
    return [
        {**message, "weight": weight} if message["role"] == "assistant" else message for message in messages
    ]


def _with_text_content(message: Message) -> Message:
    """A calling assistant message's missing content as "": templates read `content` as text."""
    if message["role"] == "assistant" and message.get("content") is None:
        return {**message, "content": ""}
    return message


def _one_call_per_message(messages: list[Message]) -> list[Message]:
    """Parallel calls as consecutive single-call steps, each followed by its result (thinking and text
    stay with the first), for templates that take one call per message (Llama 3.1/3.2)."""
    out: list[Message] = []
    index = 0
    while index < len(messages):
        message = messages[index]
        calls = message.get("tool_calls") or []
        if message["role"] != "assistant" or len(calls) < 2:
            out.append(message)
            index += 1
            continue
        results = messages[index + 1 : index + 1 + len(calls)]
        rest = {key: value for key, value in message.items() if key not in ("reasoning_content", "content")}
        for position, (call, result) in enumerate(zip(calls, results, strict=True)):
            step = {**rest, "content": message["content"] if position == 0 else "", "tool_calls": [call]}
            if position == 0 and "reasoning_content" in message:
                step["reasoning_content"] = message["reasoning_content"]
            out.extend([step, result])
        index += 1 + len(calls)
    return out


def _message_with_object_arguments(message: Message) -> Message:
    if not message.get("tool_calls"):
        return message
    calls = [
        {**call, "function": {**call["function"], "arguments": arguments_of(call)}}
        for call in message["tool_calls"]
    ]
    return {**message, "tool_calls": calls}
