"""Build one multi-turn sample with the three FunReason-MT phases, turn after turn, state carried over.

Per user turn: phase 1 (explore.py) picks goals and walks the Environment-API graph toward them,
executing every call in a sandbox; phase 2 (hard_query.py) turns the trace into an advanced tool and
a hard query; phase 3 (guided.py) has the reasoning role answer the query from the turn's starting
state until an attempt passes the check (or the sample is rejected). Optional BFCL-like turns: a
vague query followed by the user's clarification, and a tool held out until a later turn.
Everything random flows from `Random(f"{seed}:{index}")`, so a sample depends only on its index.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache, cached_property
from typing import Any

from funreason_envs.checker import TurnOutcome
from funreason_envs.domains import domain_class
from funreason_envs.domains.registry import registry_version
from funreason_envs.errors import SampleRejected
from funreason_envs.graph import ApiGraph
from funreason_envs.jsonutil import copy_json
from funreason_envs.synthesis.arguments import ArgumentSampler
from funreason_envs.synthesis.explore import Explorer
from funreason_envs.synthesis.goals import GoalChooser
from funreason_envs.synthesis.guided import guided_chain
from funreason_envs.synthesis.hard_query import WAITING_KINDS, QueryWriter
from funreason_envs.synthesis.kits import kit_for
from funreason_envs.synthesis.language import Speaker
from funreason_envs.synthesis.persona import draw_persona
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.roles.base import Roles, TurnBrief
from funreason_envs.synthesis.sandbox import Sandbox
from funreason_envs.synthesis.settings import Settings, sample_draw
from funreason_envs.synthesis.trace import Step, StepLog
from funreason_envs.synthesis.turn_record import FinishedTurn, turn_record
from funreason_envs.tasks import NEW_TOOLS_NOTICE, GroundTruthCall, Task

SYSTEM_PROMPT = (
    "You are an assistant that works through tools: {titles}. Think step by step about what the user "
    "needs, call tools when they help (several at once when they do not depend on each other), use "
    "earlier results instead of asking for them, ask when something essential is missing, and answer "
    "briefly once the request is done."
)


def graph_for(domains: tuple[str, ...]) -> ApiGraph:
    """The graph of some domains, built once per set of registered domains."""
    return _graph_for(domains, registry_version())


@cache
def _graph_for(domains: tuple[str, ...], _version: int) -> ApiGraph:
    return ApiGraph.from_domains(list(domains))


class SampleBuilder:
    """Makes sample number `index` of a run: draws its domains, scenario and persona, then its turns."""

    def __init__(
        self, index: int, settings: Settings, roles_factory: Callable[[random.Random], Roles]
    ) -> None:
        self.index = index
        self.settings = settings
        self.rng, self.domains = sample_draw(settings, index)
        rng = self.rng
        kits = {name: kit_for(name) for name in self.domains}
        self.initial_config = {name: kits[name].scenario(rng) for name in self.domains}
        self.sandbox = Sandbox(self.domains, self.initial_config)
        graph = graph_for(tuple(self.domains))
        self.log = StepLog()
        # wording draws from its own stream, so editing a phrasebook never changes which calls are made
        words = random.Random(f"{settings.seed}:{index}:words")
        self.speaker = speaker = Speaker(kits, self.log.steps, words)
        arguments = ArgumentSampler(kits, self.sandbox.by_id, graph.user_supplied, rng)
        self.roles = roles_factory(rng)
        titles = {name: domain_class(name).spec().title for name in self.domains}
        self.system_prompt = SYSTEM_PROMPT.format(titles=", ".join(titles.values()))
        speaker.persona = draw_persona(kits, titles, words, self.initial_config)
        speaker.typo_rate = settings.typo_rate
        goals = GoalChooser(graph, kits, self.log, rng)
        self.explorer = Explorer(graph, self.sandbox, self.log, arguments, goals, settings, rng)
        self.queries = QueryWriter(kits, speaker, self.roles, self.log, rng, settings.implicit_rate)

    def build(self) -> Sample:
        turns: list[FinishedTurn] = []
        history: list[dict[str, Any]] = [{"role": "system", "content": self.system_prompt}]
        results: list[str] = []
        walks = self.rng.randint(self.settings.min_turns, self.settings.max_turns)
        for walk in range(walks):
            self.explorer.goals.first_walk = walk == 0
            roll = self.rng.random()
            kind = "vague" if roll < self.settings.vague_rate else "normal"
            if kind == "normal" and roll < self.settings.vague_rate + self.settings.held_out_rate:
                kind = "held_out"
            for made in self._make_turns(len(turns), kind, history, results):
                turns.append(made)
                history.append({"role": "user", "content": made.user_message or made.query})
                history.extend(made.messages)
                results.extend(made.tool_results())
        return self._sample(turns, history)

    def _make_turns(
        self, turn: int, kind: str, history: list[dict[str, Any]], results: list[str]
    ) -> list[FinishedTurn]:
        """One user turn, or two (a vague request and its clarification; a request for a tool not yet
        shown and the turn that reveals it) made from one phase-1 walk."""
        steps, goals = self.explorer.explore(turn)
        truth = TurnOutcome([step.result.content for step in steps], self.sandbox.state(), True)
        nothing: TurnOutcome | None = None  # the turn's starting state, read only if a turn waits
        tools = list(self._tool_entries)
        made: list[FinishedTurn] = []
        for brief in self.queries.briefs(turn, kind, steps, goals, tools, history):
            if brief.kind in WAITING_KINDS:
                if nothing is None:
                    nothing = TurnOutcome([], self.sandbox.start_state(), False)
                made.append(self._answer(brief, nothing, results, []))
                continue
            earlier = results + [content for before in made for content in before.tool_results()]
            final = self._answer(brief, truth, earlier, steps)
            if brief.kind == "held_out_reveal":
                final.revealed = [steps[-1].name]
                final.user_message = f"{NEW_TOOLS_NOTICE}\n\nNew tool:\n{steps[-1].spec.to_text()}"
            made.append(final)
        return made

    @cached_property
    def _tool_entries(self) -> list[dict[str, Any]]:
        """The OpenAI entries of the sample's tools, shown to every turn's roles (built once per sample:
        the domains and so their specs do not change between turns; the roles only read them)."""
        return [spec.to_openai() for spec in self.sandbox.specs()]

    def _answer(
        self, brief: TurnBrief, truth: TurnOutcome, earlier: list[str], steps: list[Step]
    ) -> FinishedTurn:
        """Phase 3 for one brief, from the state the turn started in."""
        start = self.sandbox.turn_start
        outcome = guided_chain(brief, self.roles, start, truth, earlier, self.settings.max_attempts)
        if not outcome.passed:
            raise SampleRejected("phase3_failed", f"turn {brief.turn}: {outcome.problem}")
        record = turn_record(brief, outcome, steps, self.log, self.roles)
        return FinishedTurn(brief.query, outcome.messages, steps, record)

    def _sample(self, turns: list[FinishedTurn], messages: list[dict[str, Any]]) -> Sample:
        held_out = {index: made.revealed for index, made in enumerate(turns) if made.revealed}
        task = Task(
            id=f"{self.settings.id_prefix}_{self.index:06d}",
            category="synthesized",
            domains=self.domains,
            initial_config=copy_json(self.initial_config),
            turns=[
                [] if index in held_out else [{"role": "user", "content": made.query}]
                for index, made in enumerate(turns)
            ],
            ground_truth=[
                []
                if made.record.kind in WAITING_KINDS
                else [GroundTruthCall(name=s.name, arguments=copy_json(s.call.arguments)) for s in made.calls]
                for made in turns
            ],
            held_out=held_out,
            system_prompt=self.system_prompt,
        )
        hidden_at_start = {name for names in held_out.values() for name in names}
        return Sample(
            id=task.id,
            seed=self.settings.seed,
            domains=self.domains,
            task=task,
            messages=messages,
            tools=[spec.to_openai() for spec in self.sandbox.specs() if spec.name not in hidden_at_start],
            turns=[made.record for made in turns],
            final_state=self.sandbox.state(),
            persona=self.speaker.persona.describe() if self.speaker.introduced else None,
            metadata={"index": self.index},
        )
