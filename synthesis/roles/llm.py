"""The four roles played by a language model behind one small interface (`ChatModel.complete`).

Prompts live in `synthesis/prompts/*.md`. The reasoner is a text-mode agent: tools are listed in its
system prompt and calls are read from `<tool_call>` blocks (or Python call lists) in what it writes,
so any chat model works, served (`openai:URL`) or local (`hf:PATH`). A model's tooling or querying
output that breaks the rules (not JSON; a query that states a looked-up value or omits a known one)
is retried once and then replaced by the template backend's, so a sample is never lost to formatting.
"""

from __future__ import annotations

import json
import random
from functools import cache
from importlib import resources
from string import Template
from typing import Any, Protocol

from funreason_envs.agents.parsing import parse_model_text
from funreason_envs.synthesis.record import AdvancedTool
from funreason_envs.synthesis.roles.base import TurnBrief
from funreason_envs.synthesis.roles.template import TemplateRoles

STYLES = (
    "Sound busy and a little informal.",
    "Be polite and add one sentence of background that does not change the task.",
    "Be brief and direct.",
    "Mention why you need it, in a few words.",
)


class ChatModel(Protocol):
    """The one thing the roles need from a model: a reply to a list of chat messages."""

    def complete(self, messages: list[dict[str, Any]]) -> str: ...


@cache
def prompt(name: str) -> Template:
    """A role prompt from `synthesis/prompts/<name>.md`, with `$placeholders`."""
    package = __name__.rsplit(".", 2)[0]  # funreason_envs.synthesis
    return Template(resources.files(package).joinpath("prompts", f"{name}.md").read_text(encoding="utf-8"))


class LLMRoles:
    """Tooling, querying, reasoning and critiquing by a chat model; templates as the safety net."""

    def __init__(self, model: ChatModel, rng: random.Random, name: str = "llm") -> None:
        self.model = model
        self.rng = rng
        self.name = name
        self.fallback = TemplateRoles(rng, mistake_rate=0.0)
        self.fallbacks = 0

    def tooling(self, brief: TurnBrief) -> AdvancedTool:
        template = self.fallback.tooling(brief)
        text = prompt("tooling").substitute(trace=_trace(brief))
        for _ in range(2):
            try:
                data = json.loads(_json_part(self.model.complete([{"role": "user", "content": text}])))
                return AdvancedTool(
                    name=str(data["name"]),
                    description=str(data["description"]),
                    inputs=template.inputs,  # the values the user knows are facts of the trace
                    output=str(data.get("output", template.output)),
                    steps=template.steps,
                )
            except (ValueError, KeyError, TypeError):
                continue
        self.fallbacks += 1
        return template

    def querying(self, brief: TurnBrief) -> str:
        if brief.kind in ("vague", "held_out_reveal"):
            return self.fallback.querying(brief)  # these turns need exact wording
        must = _known_values(brief)
        never = _looked_up_values(brief)
        text = prompt("querying").substitute(
            must=", ".join(must) or "(none)",
            never=", ".join(never) or "(none)",
            style=self.rng.choice(STYLES),
            tool=brief.advanced_tool.model_dump_json(indent=2) if brief.advanced_tool else "",
        )
        for _ in range(2):
            query = self.model.complete([{"role": "user", "content": text}]).strip().strip('"')
            if query and all(value in query for value in must) and not any(value in query for value in never):
                return query
        self.fallbacks += 1
        return self.fallback.querying(brief)

    def reasoner(self, brief: TurnBrief, attempt: int) -> TextReasoner:
        hints = "".join(f"\nHint {number}: {hint}" for number, hint in enumerate(brief.hints, 1))
        system = prompt("reasoning").substitute(
            tools=json.dumps([tool["function"] for tool in brief.tools], indent=1),
            advanced=brief.advanced_tool.model_dump_json(indent=1) if brief.advanced_tool else "",
            hints=f"\nHints from earlier attempts:{hints}" if hints else "",
        )
        return TextReasoner(self.model, system, brief.history)

    def critiquing(self, brief: TurnBrief, transcript: list[dict[str, Any]], problem: str) -> str:
        text = prompt("critiquing").substitute(
            query=brief.query,
            truth=_trace(brief),
            attempt=json.dumps(transcript, indent=1)[:6000],
            problem=problem,
        )
        hint = self.model.complete([{"role": "user", "content": text}]).strip()
        return hint or self.fallback.critiquing(brief, transcript, problem)


class TextReasoner:
    """A text-mode agent over a `ChatModel`: the earlier conversation, then this turn's query."""

    def __init__(self, model: ChatModel, system: str, history: list[dict[str, Any]]) -> None:
        self.model = model
        self.system = system
        self.history = [m for m in history if m["role"] != "system"]
        self.messages: list[dict[str, Any]] = []

    def reset(self, tools: list[dict[str, Any]], task: Any | None = None) -> None:
        self.messages = [{"role": "system", "content": self.system}, *_as_text(self.history)]

    def act(self, observation: dict[str, Any]) -> dict[str, Any]:
        if observation["role"] == "user":
            self.messages.append({"role": "user", "content": observation["content"]})
        else:
            blocks = "\n".join(
                f"<tool_response>\n{r['content']}\n</tool_response>" for r in observation["tool_results"]
            )
            self.messages.append({"role": "user", "content": blocks})
        text = self.model.complete(self.messages)
        self.messages.append({"role": "assistant", "content": text})
        parsed = parse_model_text(text)
        message: dict[str, Any] = {"role": "assistant", "content": parsed.content or None}
        if parsed.reasoning:
            message["reasoning_content"] = parsed.reasoning
        if parsed.calls:
            message["tool_calls"] = [call.to_openai(f"call_{i}") for i, call in enumerate(parsed.calls)]
        return message


def _trace(brief: TurnBrief) -> str:
    lines = []
    for step in brief.steps:
        origin = {param: f"from call {source.index + 1}" for param, source in step.sources.items()}
        note = f"  (arguments {origin})" if origin else ""
        lines.append(f"{step.index + 1}. {step.call.to_python()}{note}\n   -> {step.result.content[:400]}")
    return "\n".join(lines)


def _known_values(brief: TurnBrief) -> list[str]:
    return list(
        dict.fromkeys(
            str(value)
            for step in brief.steps
            for param, value in step.call.arguments.items()
            if param not in step.sources
            and isinstance(value, (str, int, float))
            and not isinstance(value, bool)
        )
    )


def _looked_up_values(brief: TurnBrief) -> list[str]:
    known = set(_known_values(brief))
    return list(
        dict.fromkeys(
            str(step.call.arguments[param])
            for step in brief.steps
            for param in step.sources
            if str(step.call.arguments[param]) not in known and len(str(step.call.arguments[param])) > 2
        )
    )


def _json_part(text: str) -> str:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object in the reply")
    return text[start : end + 1]


def _as_text(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Earlier turns in the text protocol: calls as `<tool_call>` blocks, results as `<tool_response>`."""
    messages: list[dict[str, Any]] = []
    for message in history:
        if message["role"] == "assistant":
            blocks = [_call_block(call["function"]) for call in message.get("tool_calls") or ()]
            text = "\n".join([message.get("content") or "", *blocks]).strip()
            messages.append({"role": "assistant", "content": text})
        elif message["role"] == "tool":
            messages.append(
                {"role": "user", "content": f"<tool_response>\n{message['content']}\n</tool_response>"}
            )
        else:
            messages.append({"role": message["role"], "content": message.get("content") or ""})
    return messages


def _call_block(function: dict[str, Any]) -> str:
    body = json.dumps({"name": function["name"], "arguments": json.loads(function["arguments"])})
    return f"<tool_call>\n{body}\n</tool_call>"
