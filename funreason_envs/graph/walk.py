"""Seeded walks toward a target tool that only ever call tools whose prerequisites are met.

The sampler follows FunReason-MT's directed sampler: call the target as soon as it is callable;
otherwise call a callable tool nearest to it, where "near" is measured over the needs still unmet
in the current situation (level 1 meets a need of the target, level 2 a need of a level-1 tool, ...);
ties are broken by the seeded generator. After the target has been called, it wanders at random.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from funreason_envs.errors import FunReasonError
from funreason_envs.graph.api_graph import ApiGraph
from funreason_envs.graph.model import Requirement
from funreason_envs.graph.situation import Situation

DEFAULT_MAX_STEPS = 32


class WalkError(FunReasonError):
    """No dependency-respecting walk reaches the target from the given situation."""


@dataclass(frozen=True, slots=True)
class Walk:
    """Tools in calling order, ending with `target`, and the situation after the last one."""

    target: str
    steps: tuple[str, ...]
    end: Situation


class WalkSampler:
    """Draws walks toward target tools; the same seed gives the same walks.

    Args:
        graph: the graph to walk.
        seed: seeds the generator behind every choice.
        gather: chance that each user-suppliable resource the target takes is fetched by a tool
            that produces it, instead of being left to the user (a FunReason-MT "logical jump").
        explore: chance of a detour (a random callable tool) before the target is callable.
    """

    def __init__(
        self, graph: ApiGraph, seed: int | None = None, *, gather: float = 0.0, explore: float = 0.0
    ):
        self.graph = graph
        self.rng = random.Random(seed)
        self.gather = gather
        self.explore = explore

    def walk(self, target: str, start: Situation | None = None, max_steps: int = DEFAULT_MAX_STEPS) -> Walk:
        """A walk from `start` (default: nothing holds) to `target`, advanced by the annotations."""
        self.graph.tool(target)
        situation = start or Situation()
        wanted = self.wanted_resources(target)
        steps: list[str] = []
        while len(steps) < max_steps:
            name = self.choose(target, situation, wanted=wanted)
            steps.append(name)
            situation = situation.after(self.graph.tool(name))
            if name == target:
                return Walk(target, tuple(steps), situation)
        raise WalkError(f"no walk reaches {target!r} within {max_steps} steps (tried {steps})")

    def wanted_resources(self, target: str) -> tuple[Requirement, ...]:
        """The target's user-suppliable resource needs that this walk will fetch (drawn by `gather`)."""
        return tuple(
            need
            for need in self.graph.requirements(target)
            if need.user_supplied and need.providers and self.rng.random() < self.gather
        )

    def choose(
        self,
        target: str,
        situation: Situation,
        *,
        wanted: Sequence[Requirement] = (),
        hopeful: bool = False,
    ) -> str:
        """The next tool to call in `situation` on the way to `target`.

        `wanted` are extra resource needs of the target to fetch first (see `wanted_resources`).
        `hopeful` also counts tools that only *may* meet a need: right for live walks, where the
        situation is re-observed after each real call, wrong for symbolic ones.
        """
        callable_now = self.graph.callable_tools(situation)
        if not callable_now:
            raise WalkError("no tool is callable in this situation")
        if target in situation.called:
            return self.rng.choice(callable_now)
        pending = [need for need in wanted if not situation.resources.intersection(need.options)]
        if target in callable_now and not pending:
            return target
        if self.explore and self.rng.random() < self.explore:
            return self.rng.choice(callable_now)
        levels = self.need_levels(target, situation, pending, hopeful)
        ranked = [name for name in callable_now if name in levels]
        if not ranked:
            unmet = [need.label for need in self.graph.unmet(target, situation)] + [n.label for n in pending]
            raise WalkError(f"{target!r} needs {', '.join(unmet)}, and no callable tool brings that closer")
        nearest = min(levels[name] for name in ranked)
        return self.rng.choice([name for name in ranked if levels[name] == nearest])

    def need_levels(
        self, target: str, situation: Situation, wanted: Sequence[Requirement], hopeful: bool
    ) -> dict[str, int]:
        """Tool -> how many needs away from `target` it is, over the needs unmet in `situation`."""
        levels: dict[str, int] = {}
        frontier = [(target, [*self.graph.unmet(target, situation), *wanted])]
        depth = 0
        while frontier:
            depth += 1
            following = []
            for _, needs in frontier:
                for need in needs:
                    providers = need.providers + (need.possible_providers if hopeful else ())
                    for name in providers:
                        if name != target and name not in levels:
                            levels[name] = depth
                            following.append((name, self.graph.unmet(name, situation)))
            frontier = following
        return levels
