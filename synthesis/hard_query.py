"""Phase 2: phase 1's trace becomes an advanced tool and a hard query, in the briefs phase 3 answers.

Most turns give one brief. A vague turn gives two: a query that leaves out a value the user must
give, then the user's clarification; a held-out turn asks for a tool not yet shown, then reveals it.
The briefs are yielded one at a time because the second is written after the first was answered.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from funreason_envs.synthesis.kits import DomainKit
from funreason_envs.synthesis.language import Speaker
from funreason_envs.synthesis.roles.base import Roles, TurnBrief
from funreason_envs.synthesis.trace import Step, StepLog
from funreason_envs.synthesis.utterance import clarification, may_be_implicit
from funreason_envs.tasks import NEW_TOOLS_NOTICE

WAITING_KINDS = ("vague", "held_out_wait")  # turns that end before the goal's calls can be made


class QueryWriter:
    """Writes the briefs of each turn: the advanced tool, then the user's query (or two)."""

    def __init__(
        self,
        kits: Mapping[str, DomainKit],
        speaker: Speaker,
        roles: Roles,
        log: StepLog,
        rng: random.Random,
        implicit_rate: float,
    ) -> None:
        self.kits = kits
        self.speaker = speaker
        self.roles = roles
        self.log = log
        self.rng = rng
        self.implicit_rate = implicit_rate

    def briefs(
        self,
        turn: int,
        kind: str,
        steps: list[Step],
        goals: tuple[int, ...],
        tools: list[dict[str, Any]],
        history: list[dict[str, Any]],
    ) -> Iterator[TurnBrief]:
        """The briefs of one user turn of `kind` (normal, vague or held_out), in conversation order."""
        brief = TurnBrief(
            turn,
            steps,
            self.speaker,
            tools=tools,
            history=list(history),
            target_indices=goals,
            stated_prerequisites=self._stated_prerequisites(steps, goals),
        )
        brief.advanced_tool = self.roles.tooling(brief)
        if kind == "vague" and (omit := self._omittable(steps)) is not None:
            vague = replace(brief, kind="vague", omit=omit, hints=[])
            vague.query = self.roles.querying(vague)
            yield vague
            brief = replace(brief, turn=turn + 1, kind="clarification", hints=[])
            brief.query = clarification(self.speaker, steps[omit[0]], omit[1])
            self.log.move(steps, turn + 1)
        elif kind == "held_out" and steps[-1].name not in self.log.names_before(turn):
            # a tool held out until later must not have been shown (used) before
            target = steps[-1].name
            shown = [tool for tool in tools if tool["function"]["name"] != target]
            wait = replace(brief, kind="held_out_wait", tools=shown, hints=[])
            wait.query = self.roles.querying(wait)
            yield wait
            brief = replace(brief, turn=turn + 1, kind="held_out_reveal", hints=[])
            brief.query = NEW_TOOLS_NOTICE
            self.log.move(steps, turn + 1)
        else:
            brief.query = self.roles.querying(brief)
        yield brief

    def _stated_prerequisites(self, steps: list[Step], goals: tuple[int, ...]) -> tuple[int, ...]:
        """The state-changing means-steps the user will ask for; the rest (a share of `implicit_rate`,
        and every look-up) are left for the assistant to infer from the goal."""
        return tuple(
            step.index
            for step in steps
            if step.index not in goals
            and step.spec.mutates_state
            and (
                not may_be_implicit(step, self.kits[step.spec.domain].phrases)
                or self.rng.random() >= self.implicit_rate
            )
        )

    def _omittable(self, steps: list[Step]) -> tuple[int, str] | None:
        """A user-given argument a vague query can leave out (prefer the target's own); its value must
        not be given to another call of the turn, or the query would still state it."""
        for step in reversed(steps):
            elsewhere = [
                repr(value) for other in steps if other is not step for value in other.call.arguments.values()
            ]
            options = [
                param
                for param, value in step.call.arguments.items()
                if param not in step.sources and param in step.spec.required and repr(value) not in elsewhere
            ]
            if options:
                return step.index, self.rng.choice(options)
        return None
