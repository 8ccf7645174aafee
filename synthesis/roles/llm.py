"""The four roles played by a language model behind one small interface (`ChatModel.complete`).

Prompts live in `synthesis/prompts/*.md`. The reasoner is a text-mode agent: tools are listed in its
system prompt and calls are read from `<tool_call>` blocks (or Python call lists) in what it writes,
so any chat model works, served (`openai:URL`) or local (`hf:PATH`). A model's tooling or querying
output that breaks the rules (not JSON; a query that states a looked-up value or omits a known one;
with `judge`, a query the judge finds does not ask for what the calls do) is retried once and then
replaced by the template backend's. Every such replacement is counted per role and reason
(`fallbacks`), and `writers` says which backend wrote each text of a turn.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from functools import cache
from importlib import resources
from string import Template
from typing import Any, Protocol

from funreason_envs.agents.parsing import parse_model_text
from funreason_envs.synthesis.record import AdvancedTool
from funreason_envs.synthesis.roles.base import TurnBrief
from funreason_envs.synthesis.roles.template import TemplateRoles
from funreason_envs.synthesis.roles.values import states_value

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
    """Tooling, querying, reasoning and critiquing by a chat model; templates as the counted safety net."""

    def __init__(self, model: ChatModel, rng: random.Random, name: str = "llm", judge: bool = False) -> None:
        self.model = model
        self.rng = rng
        self.name = name
        self.judge = judge
        self.fallback = TemplateRoles(rng, mistake_rate=0.0)
        self.fallbacks: Counter[tuple[str, str]] = Counter()  # (role, reason) -> times
        self.written: dict[tuple[int, str], str] = {}  # (turn, text) -> backend that wrote it

    def fallback_counts(self) -> dict[str, dict[str, int]]:
        """Rejected or replaced outputs, per role and reason."""
        counts: dict[str, dict[str, int]] = {}
        for (role, reason), times in sorted(self.fallbacks.items()):
            counts.setdefault(role, {})[reason] = times
        return counts

    def writers(self, brief: TurnBrief) -> dict[str, str]:
        """Which backend wrote each text of this turn: tool, query, reasoning, answer, hints."""
        wrote = {"reasoning": self.name, "answer": self.name}
        for text in ("tool", "query", "hints"):
            if (brief.turn, text) in self.written:
                wrote[text] = self.written[brief.turn, text]
        return wrote

    def tooling(self, brief: TurnBrief) -> AdvancedTool:
        template = self.fallback.tooling(brief)
        text = prompt("tooling").substitute(trace=_trace(brief))
        for _ in range(2):
            try:
                data = json.loads(_json_part(self.model.complete([{"role": "user", "content": text}])))
                self.written[brief.turn, "tool"] = self.name
                return AdvancedTool(
                    name=str(data["name"]),
                    description=str(data["description"]),
                    inputs=template.inputs,  # the values the user knows are facts of the trace
                    output=str(data.get("output", template.output)),
                    steps=template.steps,
                )
            except (ValueError, KeyError, TypeError):
                self.fallbacks["tooling", "rejected_malformed_json"] += 1
        return self._fall_back("tooling", "malformed_json", brief, "tool", template)

    def querying(self, brief: TurnBrief) -> str:
        if brief.kind in ("vague", "held_out_reveal"):
            # these turns need wording the pipeline controls exactly
            template = self.fallback.querying(brief)
            return self._fall_back("querying", f"template_for_{brief.kind}", brief, "query", template)
        must = _known_values(brief)
        never = _looked_up_values(brief)
        text = prompt("querying").substitute(
            must=", ".join(str(value) for value, _ in must) or "(none)",
            never=", ".join(never) or "(none)",
            style=self.rng.choice(STYLES),
            tool=_public_tool(brief),
        )
        reason = "empty"
        for _ in range(2):
            query = self.model.complete([{"role": "user", "content": text}]).strip().strip('"')
            reason = _query_problem(query, must, never)
            if reason is None and self.judge:
                reason = self._judged(brief, query)
            if reason is None:
                self.written[brief.turn, "query"] = self.name
                return query
            self.fallbacks["querying", f"rejected_{reason}"] += 1
        return self._fall_back("querying", reason, brief, "query", self.fallback.querying(brief))

    def reasoner(self, brief: TurnBrief, attempt: int) -> TextReasoner:
        hints = "".join(f"\nHint {number}: {hint}" for number, hint in enumerate(brief.hints, 1))
        system = prompt("reasoning").substitute(
            tools=json.dumps([tool["function"] for tool in brief.tools], indent=1),
            hints=f"\nHints from earlier attempts:{hints}" if hints else "",
        )
        return TextReasoner(self.model, system, brief.history)

    def critiquing(self, brief: TurnBrief, transcript: list[dict[str, Any]], problem: str) -> str:
        # the critic is asked after every rejected reasoning attempt: count it under the check's reason
        self.fallbacks["reasoning", f"attempt_rejected_{problem.split(';')[0].strip()}"] += 1
        text = prompt("critiquing").substitute(
            query=brief.query,
            truth=_trace(brief),
            attempt=json.dumps(transcript, indent=1)[:6000],
            problem=problem,
        )
        hint = self.model.complete([{"role": "user", "content": text}]).strip()
        if hint:
            self.written.setdefault((brief.turn, "hints"), self.name)
            return hint
        return self._fall_back(
            "critiquing", "empty", brief, "hints", self.fallback.critiquing(brief, transcript, problem)
        )

    def _judged(self, brief: TurnBrief, query: str) -> str | None:
        """None when the judge finds the query asks for what the calls do, else the rejection reason."""
        text = prompt("judging").substitute(query=query, trace=_trace(brief))
        reply = self.model.complete([{"role": "user", "content": text}])
        try:
            verdict = json.loads(_json_part(reply))
        except ValueError:
            self.fallbacks["judging", "malformed_json"] += 1
            return "judge_unreadable"
        return None if str(verdict.get("verdict", "")).lower() == "yes" else "judge_said_no"

    def _fall_back(self, role: str, reason: str, brief: TurnBrief, text: str, template: Any) -> Any:
        """Count the fallback, note the template as the writer of `text`, and return its output."""
        self.fallbacks[role, reason] += 1
        self.written[brief.turn, text] = self.fallback.name
        return template


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
        origin = {
            param: f"from call {source.index + 1}"
            + (f" of an earlier turn ({step.turn - source.turn} back)" if source.turn < step.turn else "")
            for param, source in step.sources.items()
        }
        note = f"  (arguments {origin})" if origin else ""
        lines.append(f"{step.index + 1}. {step.call.to_python()}{note}\n   -> {step.result.content[:400]}")
    return "\n".join(lines)


def _known_values(brief: TurnBrief) -> list[tuple[Any, dict[str, Any]]]:
    """The values the user knows (not from a result), each with its parameter's schema."""
    seen: dict[str, tuple[Any, dict[str, Any]]] = {}
    for step in brief.steps:
        properties = step.spec.parameters.get("properties", {})
        for param, value in step.call.arguments.items():
            if param in step.sources or isinstance(value, bool) or not isinstance(value, (str, int, float)):
                continue
            seen.setdefault(str(value), (value, properties.get(param, {})))
    return list(seen.values())


def _looked_up_values(brief: TurnBrief) -> list[str]:
    known = {str(value) for value, _ in _known_values(brief)}
    return list(
        dict.fromkeys(
            str(step.call.arguments[param])
            for step in brief.steps
            for param in step.sources
            if str(step.call.arguments[param]) not in known and len(str(step.call.arguments[param])) > 2
        )
    )


def _query_problem(query: str, must: list[tuple[Any, dict[str, Any]]], never: list[str]) -> str | None:
    """Why a model's query is unusable (None when it is fine)."""
    if not query:
        return "empty"
    if not all(states_value(query, value, schema) for value, schema in must):
        return "missing_value"
    if any(value in query for value in never):
        return "states_looked_up_value"
    return None


def _public_tool(brief: TurnBrief) -> str:
    """The advanced tool as the query writer sees it: what it does and takes, not its steps."""
    if brief.advanced_tool is None:
        return ""
    return brief.advanced_tool.model_dump_json(indent=2, exclude={"steps"})


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
