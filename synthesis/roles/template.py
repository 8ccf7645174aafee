"""The offline, deterministic backend: the four roles written as templates over phase 1's trace.

Queries come from the domain phrasebooks and state only what a user knows; the chain of thought
explains each call from the query and the results before it. To exercise the guided iterative chain
honestly, the reasoner can be told to make a realistic first-attempt mistake (skipping a step that
fetches a value) at a given rate; the critic then names the skipped step and the next attempt is right.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from funreason_envs.calls import ToolCall
from funreason_envs.synthesis.answers import answer
from funreason_envs.synthesis.language import words
from funreason_envs.synthesis.outcomes import result_failed
from funreason_envs.synthesis.reasoning import ThoughtWriter, condition_words, consumers, enabled
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
        # the chain of thought's wording is seeded from the generator's state as the sample starts,
        # read without drawing, so the CoT never changes what the run's generator produces
        self.salt = hash(rng.getstate()[1])

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
        return compose_query(brief)

    # -- phase 3 ---------------------------------------------------------------------------------

    def reasoner(self, brief: TurnBrief, attempt: int) -> TemplateReasoner:
        skip = None
        if attempt == 0 and self.rng.random() < self.mistake_rate:
            skip = _skippable(brief.steps)
        return TemplateReasoner(brief, self.rng, skip, self.salt)

    def critiquing(self, brief: TurnBrief, transcript: list[dict[str, Any]], problem: str) -> str:
        made = Counter(
            call["function"]["name"] for message in transcript for call in message.get("tool_calls") or ()
        )
        needed = Counter(step.name for step in brief.steps)
        for step in brief.steps:
            if made[step.name] < needed[step.name]:
                return _missing_hint(step, brief)
        failures = [
            f"{message.get('name')} returned {message['content']}"
            for message in transcript
            if message.get("role") == "tool" and result_failed(message["content"], message.get("name"))
        ]
        noticed = f" Note that {failures[0]}: say that it failed." if failures else ""
        return (
            f"The calls did not reproduce the expected outcome ({problem}). "
            f"Check each argument against the request and the earlier results.{noticed}"
        )


def _missing_hint(step: Step, brief: TurnBrief) -> str:
    """A hint naming what the skipped call was for: a value a later call needs, or a condition."""
    feeds = consumers(step, brief.steps)
    if feeds:
        later, param = feeds[0]
        return (
            f"The {words(param)} argument of {later.name} was not looked up in this attempt; it has to come "
            f"from {step.name}'s result, so call {step.name} before {later.name}."
        )
    link = enabled(step, brief.steps)
    if link is not None:
        later, condition = link
        return (
            f"{later.name} needs {condition_words(step.spec.domain, condition)}, and nothing in the attempt "
            f"made that true; {step.name} does, even if the user did not ask for it."
        )
    return f"The attempt never called {step.name}, which the request needs. Add it in the right place."


class TemplateReasoner:
    """Answers a turn by walking its trace: one assistant step per group of calls that need no new result;
    the chain of thought reads the results that actually came back (see `synthesis.reasoning`)."""

    def __init__(self, brief: TurnBrief, rng: random.Random, skip: int | None = None, salt: int = 0) -> None:
        self.brief = brief
        self.rng = rng
        self.groups = _groups([step for step in brief.steps if step.index != skip])
        self.position = 0
        self.salt = salt
        self.writer = ThoughtWriter(brief, salt)
        self.contents: dict[tuple[int, int], str] = {}

    def reset(self, tools: list[dict[str, Any]], task: Any | None = None) -> None:
        self.position = 0
        self.contents = {}
        self.writer = ThoughtWriter(self.brief, self.salt)

    def act(self, observation: dict[str, Any]) -> dict[str, Any]:
        brief = self.brief
        if brief.kind in DECLINING_KINDS:
            return self._decline()
        done = self._received(observation)
        if self.position < len(self.groups):
            group = self.groups[self.position]
            if self.position == 0:
                reasoning = self.writer.opening(self.groups)
            else:
                reasoning = self.writer.next_step(group, done)
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
        reasoning = self.writer.closing(done)
        content = answer(self._reported(), self.contents, brief.speaker)
        return {"role": "assistant", "content": content, "reasoning_content": reasoning}

    def _received(self, observation: dict[str, Any]) -> list[tuple[Step, str]]:
        """Pair the results that just arrived with the calls of the last group."""
        if self.position == 0:
            return []
        group = self.groups[self.position - 1]
        entries = observation.get("tool_results") or []
        done = []
        for step, entry in zip(group, entries, strict=False):
            self.contents[step.key] = entry.get("content", "")
            done.append((step, self.contents[step.key]))
        return done

    def _reported(self) -> list[Step]:
        """The calls the user hears about: what they asked for, any failure, and unasked changes."""
        called = [step for group in self.groups for step in group]
        return [
            step
            for step in called
            if step in self.brief.stated
            or step in self.brief.targets
            or result_failed(self.contents.get(step.key, ""), step.name, step.spec.mutates_state)
        ]

    def _decline(self) -> dict[str, Any]:
        brief = self.brief
        missing, omitted = None, None
        if brief.kind == "vague" and brief.omit is not None:
            omitted = (brief.steps[brief.omit[0]], brief.omit[1])
            missing = brief.speaker.noun(*omitted)
        reasoning, content = self.writer.declining(missing, omitted)
        return {"role": "assistant", "content": content, "reasoning_content": reasoning}


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


def _skippable(steps: list[Step]) -> int | None:
    """A prerequisite whose result a later call uses: leaving it out is a realistic first mistake."""
    producers = {(source.turn, source.index) for step in steps for source in step.sources.values()}
    for step in steps[:-1]:
        if step.key in producers:
            return step.index
    return None
