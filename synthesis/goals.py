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
from collections.abc import Callable, Iterable, Mapping
from typing import Any

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
        facts = self._facts
        names = [
            name
            for name in self.graph.tools
            if facts.speakable(name)
            and name not in called
            and name not in failed
            and not (facts.login(name) and name in logged)
            and not (facts.inverses(name) & undone)
            and (not steps or facts.domain(name) in domains or name in fed)
        ]
        if not names:
            raise DeadEnd("no goal fits with the turn so far")
        speakable = self.log.pool.speakable(self.kits)
        earlier = self.log.pool.speakable(self.kits, before_turn=turn)
        weights = []
        for name in names:
            takes = facts.takes(name)
            weight = (1 + facts.needs(name)) / (1 + 3 * self._targeted[name])
            weight *= (4 if name in fed else 1) * (FLOW_TARGET_WEIGHT if takes & speakable else 1)
            weight *= EARLIER_TURN_WEIGHT if takes & earlier else 1
            weight *= PRODUCER_WEIGHT if facts.referable(name) else 1
            weight *= LISTING_WEIGHT if self.first_walk and facts.listing(name) else 1
            weights.append(weight)
        return self.rng.choices(names, weights)[0]

    def reached(self, goals: Iterable[Step]) -> None:
        """Record a turn's goals: they are targeted less from now on, and the next turn does not undo them."""
        names = [step.name for step in goals]
        self._targeted.update(names)
        self._last_goals = set(names)


class ToolFacts:
    """What `GoalChooser` asks of each tool that never changes for a graph and its kits, worked out
    once per run: the answers are kept (filled as asked, so an error surfaces where it always did)."""

    def __init__(self, graph: ApiGraph, kits: Mapping[str, DomainKit]) -> None:
        self.graph = graph
        self.kits = kits
        self._known: dict[tuple[str, str], object] = {}

    def _memo(self, fact: str, name: str, work: Callable[[str], object]) -> Any:
        key = (fact, name)
        if key not in self._known:
            self._known[key] = work(name)
        return self._known[key]

    def speakable(self, name: str) -> bool:
        """A tool a user may ask for: the phrasebook words its goal, or has no entry for it at all (the
        goal is then worded from the spec); an entry without an intent marks a look-up, never a goal."""
        return self._memo("speakable", name, self._speakable)

    def login(self, name: str) -> bool:
        """Whether the tool logs in (done once per conversation)."""
        return self._memo("login", name, lambda n: any(word in n.lower() for word in LOGIN_WORDS))

    def inverses(self, name: str) -> frozenset[str]:
        """The tools whose goal this one would take back (or be taken back by)."""
        return self._memo("inverses", name, _inverses)

    def domain(self, name: str) -> str | None:
        return self._memo("domain", name, lambda n: self.graph.tool(n).domain)

    def needs(self, name: str) -> int:
        return self._memo("needs", name, lambda n: len(self.graph.requirements(n)))

    def takes(self, name: str) -> frozenset[str]:
        """The resource types a tool can take as arguments."""
        return self._memo("takes", name, self._takes)

    def referable(self, name: str) -> bool:
        """Whether a user can point at something this tool returns ("the ticket you just opened"), so
        later turns can build on it."""
        return self._memo("referable", name, self._referable)

    def listing(self, name: str) -> bool:
        """Whether a user can point into what this tool lists by place ("the second item you listed")."""
        return self._memo("listing", name, self._listing)

    def _speakable(self, name: str) -> bool:
        phrases = self.kits[self.graph.tool(name).domain].phrases
        return bool(phrases.tool(name).intent) or name not in phrases.tools

    def _takes(self, name: str) -> frozenset[str]:
        return frozenset(kind for kinds in self.graph.tool(name).consumed.values() for kind in kinds)

    def _referable(self, name: str) -> bool:
        refer = self.kits[self.graph.tool(name).domain].phrases.tool(name).refer
        return any(produced.resource in refer for produced in self.graph.tool(name).produces)

    def _listing(self, name: str) -> bool:
        refer = self.kits[self.graph.tool(name).domain].phrases.tool(name).refer
        return any("{" + PLACE + "}" in phrase for phrase in refer.values())


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
