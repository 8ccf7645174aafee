"""Executed ground-truth calls and the pool of values their results produced.

Phase 1 records every call it executes as a `Step`. Each argument that was taken from an earlier
result remembers its `Source`, which is what makes a data flow: the hard query must not state that
value, and the chain of thought must explain where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from funreason_envs.calls import ToolCall
from funreason_envs.executor import ToolResult
from funreason_envs.graph import extract_values
from funreason_envs.specs import ToolSpec


@dataclass(frozen=True)
class Source:
    """Where an argument value came from: step `(turn, index)` produced it as `resource`; `place` is
    (position, count) when the user points at it by its place in a listing ("the second item")."""

    turn: int
    index: int
    resource: str
    place: tuple[int, int] | None = None


@dataclass
class Step:
    """One executed ground-truth call."""

    turn: int
    index: int
    spec: ToolSpec
    call: ToolCall
    result: ToolResult
    sources: dict[str, Source] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.call.name

    @property
    def key(self) -> tuple[int, int]:
        return (self.turn, self.index)


@dataclass(frozen=True)
class Offer:
    """A value some step's result produced, usable as an argument elsewhere."""

    value: Any
    step: Step
    resource: str
    unique: bool  # the producer's result held exactly one value of this resource
    place: tuple[int, int] = (0, 1)  # (position, count) among the values the producer returned


class ValuePool:
    """Values produced by results so far, by resource type, newest first."""

    def __init__(self) -> None:
        self._offers: dict[str, list[Offer]] = {}

    def add(self, step: Step) -> None:
        if not step.result.ok:
            return
        for produced in step.spec.produces:
            values = [value for value in extract_values(step.result.value, produced.at) if value != ""]
            for position, value in enumerate(values):
                place = (position, len(values))
                offer = Offer(value, step, produced.resource, unique=len(values) == 1, place=place)
                self._offers.setdefault(produced.resource, []).insert(0, offer)

    def offers(self, resource: str) -> list[Offer]:
        return list(self._offers.get(resource, ()))

    def latest_of(self, step: Step) -> bool:
        """Whether no later step that produced values called the same tool as `step`."""
        return not any(
            offer.step.name == step.name and offer.step.key > step.key
            for offers in self._offers.values()
            for offer in offers
        )

    def resource_types(self) -> set[str]:
        """Resource types some earlier result produced."""
        return {resource for resource, offers in self._offers.items() if offers}

    def speakable(self, kits: Any, before_turn: int | None = None) -> set[str]:
        """Resource types with an offer a user could point at (its producer's kit can refer to it),
        optionally only among offers made before turn `before_turn`."""
        return {
            resource
            for resource, offers in self._offers.items()
            if any(
                resource in kits[o.step.spec.domain].phrases.tool(o.step.name).refer
                and (before_turn is None or o.step.turn < before_turn)
                for o in offers
            )
        }

    def forget_step(self, step: Step) -> None:
        """Drop what one step produced (its call was taken back)."""
        for resource, offers in self._offers.items():
            self._offers[resource] = [offer for offer in offers if offer.step is not step]

    def forget_turn(self, turn: int) -> None:
        """Drop what steps of `turn` and later produced (their calls were undone)."""
        for resource, offers in self._offers.items():
            self._offers[resource] = [offer for offer in offers if offer.step.turn < turn]


class StepLog:
    """Every ground-truth call of the conversation so far, by `(turn, index)`, and the values they produced.

    `steps` is one dict for the whole sample (the speaker reads it to word references); calls taken
    back are forgotten here and in the pool together.
    """

    def __init__(self) -> None:
        self.steps: dict[tuple[int, int], Step] = {}
        self.pool = ValuePool()

    def add(self, step: Step) -> None:
        self.steps[step.key] = step
        self.pool.add(step)

    def forget(self, step: Step) -> None:
        """Drop one step (its call was taken back)."""
        self.steps.pop(step.key, None)
        self.pool.forget_step(step)

    def forget_turn(self, turn: int) -> None:
        """Drop the steps of `turn` and later (their calls were undone)."""
        for key in [key for key in self.steps if key[0] >= turn]:
            del self.steps[key]
        self.pool.forget_turn(turn)

    def names_before(self, turn: int) -> set[str]:
        """The tools called in turns before `turn`."""
        return {step.name for key, step in self.steps.items() if key[0] < turn}

    def reindex(self, kept: list[Step]) -> None:
        """Number a turn's kept steps 0, 1, ... in order (some were pruned), with the sources that
        point at them."""
        position_of = {step.key: position for position, step in enumerate(kept)}
        for step in kept:
            for param, source in list(step.sources.items()):
                if (source.turn, source.index) in position_of:
                    step.sources[param] = replace(source, index=position_of[(source.turn, source.index)])
        for step in kept:
            self.steps.pop(step.key, None)
        for position, step in enumerate(kept):
            step.index = position
            self.steps[step.key] = step

    def move(self, steps: list[Step], turn: int) -> None:
        """Move a turn's steps to a later turn index (a vague or held-out turn came first)."""
        old = steps[0].turn
        for step in steps:
            self.steps.pop(step.key, None)
            for param, source in list(step.sources.items()):
                if source.turn == old:
                    step.sources[param] = replace(source, turn=turn)
            step.turn = turn
            self.steps[step.key] = step

    def depth(self, step: Step) -> int:
        """Length of the longest chain of data flows ending at this step."""
        deepest = 0
        for source in step.sources.values():
            producer = self.steps.get((source.turn, source.index))
            if producer is not None:
                deepest = max(deepest, self.depth(producer))
        return deepest + 1
