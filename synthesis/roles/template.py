"""The offline, deterministic backend: the four roles written as templates over phase 1's trace.

Queries come from the domain phrasebooks and state only what a user knows; the chain of thought
explains each call from the query and the results before it. To exercise the guided iterative chain
honestly, the reasoner can be told to make a realistic first-attempt mistake (skipping a step that
fetches a value) at a given rate; the critic then names the skipped step and the next attempt is right.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Any

from funreason_envs.calls import ToolCall
from funreason_envs.synthesis.language import third_person, vague_words, words
from funreason_envs.synthesis.record import AdvancedTool
from funreason_envs.synthesis.roles.base import TurnBrief
from funreason_envs.synthesis.trace import Step
from funreason_envs.synthesis.utterance import compose_query

DECLINING_KINDS = ("vague", "held_out_wait")


class TemplateRoles:
    """Tooling, querying, reasoning and critiquing from templates; no model needed."""

    name = "template"

    def __init__(self, rng: random.Random, mistake_rate: float = 0.2) -> None:
        self.rng = rng
        self.mistake_rate = mistake_rate

    # -- phase 2 ---------------------------------------------------------------------------------

    def tooling(self, brief: TurnBrief) -> AdvancedTool:
        targets = brief.targets
        inputs = {
            f"{step.name}.{param}": value
            for step in brief.steps
            for param, value in step.call.arguments.items()
            if param not in step.sources
        }
        goals = " and ".join(step.spec.description.rstrip(".") for step in targets)
        means = [step.name for step in brief.steps if step not in targets]
        description = goals + (
            f", taking care of {', '.join(dict.fromkeys(means))} on the way" if means else ""
        )
        last = brief.target
        outputs = ", ".join(last.spec.returns.get("properties", {})) or "the result"
        name = "_then_".join(step.name for step in targets)
        return AdvancedTool(
            name=f"{name}_end_to_end" if means else name,
            description=description,
            inputs=inputs,
            output=f"what {last.name} returns ({outputs})",
            steps=[step.name for step in brief.steps],
        )

    def querying(self, brief: TurnBrief) -> str:
        return compose_query(brief, self.rng)

    # -- phase 3 ---------------------------------------------------------------------------------

    def reasoner(self, brief: TurnBrief, attempt: int) -> TemplateReasoner:
        skip = None
        if attempt == 0 and self.rng.random() < self.mistake_rate:
            skip = _skippable(brief.steps)
        return TemplateReasoner(brief, skip)

    def critiquing(self, brief: TurnBrief, transcript: list[dict[str, Any]], problem: str) -> str:
        made = Counter(
            call["function"]["name"] for message in transcript for call in message.get("tool_calls") or ()
        )
        needed = Counter(step.name for step in brief.steps)
        for step in brief.steps:
            if made[step.name] < needed[step.name]:
                return (
                    f"The attempt never called {step.name}, but {_purpose(step, brief)}. "
                    "Call it before the steps that depend on it."
                )
        return (
            f"The calls did not reproduce the expected outcome ({problem}). "
            "Check each argument against the request and the earlier results."
        )


class TemplateReasoner:
    """Answers a turn by walking its trace: one assistant step per group of calls that need no new result."""

    def __init__(self, brief: TurnBrief, skip: int | None = None) -> None:
        self.brief = brief
        self.groups = _groups([step for step in brief.steps if step.index != skip])
        self.position = 0

    def reset(self, tools: list[dict[str, Any]], task: Any | None = None) -> None:
        self.position = 0

    def act(self, observation: dict[str, Any]) -> dict[str, Any]:
        brief = self.brief
        if brief.kind in DECLINING_KINDS:
            return self._decline()
        if self.position < len(self.groups):
            group = self.groups[self.position]
            reasoning = self._explain(group, first=self.position == 0)
            self.position += 1
            calls = [ToolCall(step.name, dict(step.call.arguments)) for step in group]
            tool_calls = [
                call.to_openai(f"call_{brief.turn}_{self.position}_{i}") for i, call in enumerate(calls)
            ]
            return {
                "role": "assistant",
                "content": None,
                "reasoning_content": reasoning,
                "tool_calls": tool_calls,
            }
        names = " and ".join(dict.fromkeys(step.name for step in brief.stated))
        reasoning = f"{names} succeeded, so everything the user asked for is done; I'll report the outcome."
        content = " ".join(brief.speaker.done(step) for step in brief.stated)
        return {"role": "assistant", "content": content, "reasoning_content": reasoning}

    def _decline(self) -> dict[str, Any]:
        brief = self.brief
        request = " and then ".join(third_person(brief.speaker.intent(step)) for step in brief.stated)
        if brief.kind == "vague" and brief.omit is not None:
            param = brief.omit[1]
            asked = vague_words(param).replace("the right ", "which ")
            reasoning = (
                f"The user wants me to act, but never says {asked}. "
                "Guessing could change the wrong thing, so I'll ask first."
            )
            content = (
                f"Happy to help. Which {brief.speaker.noun(brief.steps[brief.omit[0]], param)} do you mean?"
            )
        else:
            reasoning = (
                f"The user wants me to {request}. None of my tools can do that, "
                "so I should say so rather than improvise."
            )
            content = "I can't do that with the tools I have right now."
        return {"role": "assistant", "content": content, "reasoning_content": reasoning}

    def _explain(self, group: list[Step], first: bool) -> str:
        brief, speaker = self.brief, self.brief.speaker
        sentences = []
        if first:
            request = " and then ".join(third_person(speaker.intent(step)) for step in brief.stated)
            sentences.append(f"The user wants me to {request}.")
        else:
            for step in group:
                for param, source in step.sources.items():
                    if source.turn == brief.turn:
                        value = step.call.arguments.get(param)
                        sentences.append(
                            f"From the last result, {third_person(speaker.refer(source))} is {value!r}."
                        )
        sentences.extend(_reason_for(step, brief) for step in group)
        return " ".join(dict.fromkeys(sentences))


def _groups(steps: list[Step]) -> list[list[Step]]:
    """Split a turn's calls, in order, wherever a call needs a result from the group in progress."""
    groups: list[list[Step]] = []
    current: list[Step] = []
    for step in steps:
        current_keys = {member.key for member in current}
        if any((source.turn, source.index) in current_keys for source in step.sources.values()):
            groups.append(current)
            current = []
        current.append(step)
    if current:
        groups.append(current)
    return groups


def _consumers(step: Step, brief: TurnBrief) -> list[tuple[Step, str]]:
    return [
        (later, param)
        for later in brief.steps
        for param, source in later.sources.items()
        if (source.turn, source.index) == step.key
    ]


def _purpose(step: Step, brief: TurnBrief) -> str:
    consumers = _consumers(step, brief)
    if consumers:
        later, param = consumers[0]
        return f"{later.name} needs its result for {words(param)}"
    if step in brief.stated:
        return "it is what the user asked for"
    return f"it prepares the state for {brief.target.name}"


def _action(step: Step) -> str:
    """The first clause of a tool's description, as a verb phrase ("copy a file or directory ...")."""
    text = re.split(r"[:;(]| - ", step.spec.description, maxsplit=1)[0].strip().rstrip(".,")
    return text[0].lower() + text[1:] if text else step.name


def _reason_for(step: Step, brief: TurnBrief) -> str:
    action = _action(step)
    if step in brief.stated:
        return f"{step.name} does that: it will {action}."
    consumers = _consumers(step, brief)
    if consumers:
        later, param = consumers[0]
        return f"I don't have {later.name}'s {words(param)} argument yet; {step.name} will {action}."
    context = brief.speaker.context(step)
    where = f" ({context})" if context else ""
    return f"First, {step.name}{where}: it will {action}."


def _skippable(steps: list[Step]) -> int | None:
    """A prerequisite whose result a later call uses: leaving it out is a realistic first mistake."""
    producers = {(source.turn, source.index) for step in steps for source in step.sources.values()}
    for step in steps[:-1]:
        if step.key in producers:
            return step.index
    return None
