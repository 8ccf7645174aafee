"""Phase 1's choice of goals: which tool a user turn is about.

Favoured: tools with more needs, tools not targeted yet, tools that can take a value an earlier
result produced (a data flow the user can point at; more so from an earlier turn, so later turns
build on earlier ones), tools whose result a later turn can point at. Never: a goal that undoes
another of the turn or the previous turn's, or a login already done in an earlier turn. Goals that
would not make sense once walked to are refused by the explorer (coherence.py).
"""

from __future__ import annotations

import random
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from funreason_envs.graph import ApiGraph
from funreason_envs.synthesis.coherence import INVERSE_TOOLS, LOGIN_WORDS
from funreason_envs.synthesis.kits import PLACE, DomainKit
from funreason_envs.synthesis.trace import Step, StepLog

FLOW_TARGET_WEIGHT = 10  # how much more likely a goal is when it can take a value an earlier result gave
EARLIER_TURN_WEIGHT = 20  # ... and more again when that result came from an earlier turn
PRODUCER_WEIGHT = 5  # how much more likely a goal is when later turns can point at what it returns
# ... and more again for a listing a later turn can point into by place (not in the last turn)
LISTING_WEIGHT = 12
# Goal pairs where the second takes back the first (within a turn, or in the very next turn).
INVERSES = {frozenset(pair) for pair in INVERSE_TOOLS} | {
    frozenset(pair)
    for pair in (
        ("trading_login", "trading_logout"), ("ticket_login", "logout"), ("post_tweet", "retweet"),
    )
}  # fmt: skip


class DeadEnd(Exception):
    """A walk could not continue (no goal fits, no arguments, a failed call, too long)."""


class GoalChooser:
    """Draws goal tools, remembering how often each was targeted and the previous turn's goals."""

    def __init__(
        self, graph: ApiGraph, kits: Mapping[str, DomainKit], log: StepLog, rng: random.Random
    ) -> None:
        self.graph = graph
        self.kits = kits
        self.log = log
        self.rng = rng
        self._targeted: Counter[str] = Counter()
        self._last_goals: set[str] = set()
        self.first_walk = True  # the conversation's first walk, whose results every later turn can use
        self._facts = tool_facts(graph, kits)

    def choose(self, turn: int, steps: list[Step], failed: set[str]) -> str:
        """A goal for `turn` after `steps` (a second goal belongs with the first: same domain or fed by
        this turn, and never its undo); raises `DeadEnd` when none fits."""
        called = {step.name for step in steps}
        domains = {step.spec.domain for step in steps}
        logged = self.log.names_before(turn)
        fed = {consumer for name in called for consumer in self.graph.dependencies.successors(name)}
        undone = called | self._last_goals
        table = self._facts.table()
        names = [
            name
            for name, fact in table.items()
            if fact.speakable
            and name not in called
            and name not in failed
            and not (fact.login and name in logged)
            and not (fact.inverses & undone)
            and (not steps or fact.domain in domains or name in fed)
        ]
        if not names:
            raise DeadEnd("no goal fits with the turn so far")
        speakable = self.log.pool.speakable(self.kits)
        earlier = self.log.pool.speakable(self.kits, before_turn=turn)
        weights = []
        for name in names:
            fact = table[name]
            weight = (1 + fact.needs) / (1 + 3 * self._targeted[name])
            weight *= (4 if name in fed else 1) * (FLOW_TARGET_WEIGHT if fact.takes & speakable else 1)
            weight *= EARLIER_TURN_WEIGHT if fact.takes & earlier else 1
            weight *= PRODUCER_WEIGHT if fact.referable else 1
            weight *= LISTING_WEIGHT if self.first_walk and fact.listing else 1
            weights.append(weight)
        return self.rng.choices(names, weights)[0]

    def reached(self, goals: Iterable[Step]) -> None:
        """Record a turn's goals: they are targeted less from now on, and the next turn does not undo them."""
        names = [step.name for step in goals]
        self._targeted.update(names)
        self._last_goals = set(names)


class ToolFact(NamedTuple):
    """What goal choice asks of one tool, none of which changes during a run."""

    speakable: bool  # the phrasebook words its goal, or has no entry for it (worded from the spec)
    login: bool  # logs in: done once per conversation
    inverses: frozenset[str]  # tools whose goal this one takes back (or is taken back by)
    domain: str | None
    needs: int  # how many requirements it has
    takes: frozenset[str]  # resource types it can take as arguments
    referable: bool  # a user can point at what it returns ("the ticket you just opened")
    listing: bool  # a user can point into what it lists by place ("the second item you listed")


class ToolFacts:
    """The `ToolFact` of every tool of a graph with its kits, worked out once (on the first goal
    choice, in the graph's tool order, so a kit missing for a domain fails where it always did)."""

    def __init__(self, graph: ApiGraph, kits: Mapping[str, DomainKit]) -> None:
        self.graph = graph
        self.kits = kits
        self._table: dict[str, ToolFact] | None = None

    def table(self) -> dict[str, ToolFact]:
        if self._table is None:
            speakable = {name: self._speakable(name) for name in self.graph.tools}
            self._table = {name: self._fact(name, speakable[name]) for name in self.graph.tools}
        return self._table

    def _fact(self, name: str, speakable: bool) -> ToolFact:
        tool = self.graph.tool(name)
        refer = self.kits[tool.domain].phrases.tool(name).refer
        return ToolFact(
            speakable=speakable,
            login=any(word in name.lower() for word in LOGIN_WORDS),
            inverses=_inverses(name),
            domain=tool.domain,
            needs=len(self.graph.requirements(name)),
            takes=frozenset(kind for kinds in tool.consumed.values() for kind in kinds),
            referable=any(produced.resource in refer for produced in tool.produces),
            listing=any("{" + PLACE + "}" in phrase for phrase in refer.values()),
        )

    def _speakable(self, name: str) -> bool:
        """A tool a user may ask for: the phrasebook words its goal, or has no entry for it at all (the
        goal is then worded from the spec); an entry without an intent marks a look-up, never a goal."""
        phrases = self.kits[self.graph.tool(name).domain].phrases
        return bool(phrases.tool(name).intent) or name not in phrases.tools


def _inverses(name: str) -> frozenset[str]:
    partners = (other for pair in INVERSES if name in pair for other in pair)
    return frozenset(other for other in partners if frozenset((name, other)) in INVERSES)


# One `ToolFacts` per graph, while its kits stay the same objects (kits are loaded once per process).
_FACTS: weakref.WeakKeyDictionary[ApiGraph, tuple[tuple[DomainKit, ...], ToolFacts]] = (
    weakref.WeakKeyDictionary()
)


def tool_facts(graph: ApiGraph, kits: Mapping[str, DomainKit]) -> ToolFacts:
    """The shared `ToolFacts` of `graph` with these kits (new ones when the kits are other objects)."""
    held = _FACTS.get(graph)
    current = tuple(kits.values())
    if (
        held is None
        or held[1].kits.keys() != kits.keys()
        or any(a is not b for a, b in zip(held[0], current, strict=True))
    ):
        held = (current, ToolFacts(graph, dict(kits)))
        _FACTS[graph] = held
    return held[1]


def belongs(steps: list[Step], first_part: int, turn: int) -> bool:
    """Whether the goal walked to after `steps[:first_part]` belongs with the first: same domain, or it
    takes a value the first part of this turn produced."""
    if steps[-1].spec.domain in {step.spec.domain for step in steps[:first_part]}:
        return True
    return any(
        source.turn == turn and source.index < first_part
        for step in steps[first_part:]
        for source in step.sources.values()
    )
