"""Phase 1, exploration: walk the Environment-API graph toward one or two goals with real calls.

Every call runs in the sandbox with arguments drawn from the live state and earlier results. A failed
walk is undone and retried with other goals; a failed second goal leaves the turn with its first.
Calls the goals do not need are pruned once the replay without them shows nothing changes.
"""

from __future__ import annotations

import random
from typing import Any

from funreason_envs.calls import ToolCall
from funreason_envs.errors import SampleRejected
from funreason_envs.executor import ToolResult
from funreason_envs.graph import ApiGraph, Situation, WalkSampler
from funreason_envs.graph.walk import WalkError
from funreason_envs.specs import ToolSpec
from funreason_envs.synthesis.arguments import ArgumentSampler, Drawn
from funreason_envs.synthesis.goals import DeadEnd, GoalChooser, belongs
from funreason_envs.synthesis.sandbox import Sandbox
from funreason_envs.synthesis.settings import Settings
from funreason_envs.synthesis.trace import Step, StepLog

EXPLORE_TRIES = 6
CALL_TRIES = 3
CONTINUITY_REDRAWS = 8


class Explorer:
    """Makes phase 1 of each turn; `situation` carries what the user is known to have across turns."""

    def __init__(
        self,
        graph: ApiGraph,
        sandbox: Sandbox,
        log: StepLog,
        arguments: ArgumentSampler,
        goals: GoalChooser,
        settings: Settings,
        rng: random.Random,
    ) -> None:
        self.graph = graph
        self.sandbox = sandbox
        self.log = log
        self.arguments = arguments
        self.goals = goals
        self.settings = settings
        self.rng = rng
        self.situation = Situation.observe(sandbox.instances)

    def explore(self, turn: int) -> tuple[list[Step], tuple[int, ...]]:
        """The steps of `turn` and the indices of its goal steps; the sandbox's turn starts here."""
        self.sandbox.begin_turn()
        problems = []
        failed: set[str] = set()  # goals that failed this turn are not drawn again
        redraws = 0
        for _ in range(EXPLORE_TRIES + CONTINUITY_REDRAWS):
            situation = Situation.observe(
                self.sandbox.instances, Situation(resources=self.situation.resources)
            )
            if self.rng.random() < self.settings.discover_rate:
                # Count only what earlier results produced as at hand: ids must be looked up first
                # and values a user could state may be fetched (FunReason-MT's logical jumps).
                situation = Situation(situation.conditions, frozenset(self.log.pool.resource_types()))
            steps: list[Step] = []
            used: set[Any] = set()
            goals: list[int] = []
            target = ""
            try:
                target = self.goals.choose(turn, steps, failed)
                situation = self._walk(turn, target, steps, used, situation)
            except (WalkError, DeadEnd) as exc:
                problems.append(f"{target}: {exc}")
                failed.add(target)
                self._undo_turn(turn)
                continue
            goals.append(len(steps) - 1)
            if self.rng.random() < self.settings.second_goal_rate:
                situation = self._second_goal(turn, steps, used, situation, goals, failed)
            steps, goals = self._prune(steps, goals)
            if self._redraw_for_continuity(turn, steps, redraws):
                redraws += 1
                self._undo_turn(turn)
                continue
            self.situation = situation
            self.goals.reached(steps[index] for index in goals)
            return steps, tuple(goals)
        raise SampleRejected("phase1_no_walk", "; ".join(problems[-3:]))

    def _second_goal(
        self,
        turn: int,
        steps: list[Step],
        used: set[Any],
        situation: Situation,
        goals: list[int],
        failed: set[str],
    ) -> Situation:
        """Walk on to a second goal that belongs with the first; on failure, take that walk back."""
        checkpoint, kept = self.sandbox.checkpoint(), len(steps)
        try:
            second = self.goals.choose(turn, steps, failed)
            after = self._walk(turn, second, steps, used, situation)
            if not belongs(steps, kept, turn):
                raise DeadEnd(f"{second} is unrelated to the turn's first goal")
        except (WalkError, DeadEnd):
            self.sandbox.restore(checkpoint)
            for step in steps[kept:]:
                self.log.forget(step)
            del steps[kept:]
            return situation
        goals.append(len(steps) - 1)
        return after

    def _redraw_for_continuity(self, turn: int, steps: list[Step], redraws: int) -> bool:
        """Whether to walk again because this later turn uses nothing an earlier turn produced (so most
        turns build on the conversation, as a user's follow-ups do)."""
        if turn == 0 or redraws >= CONTINUITY_REDRAWS:
            return False
        if any(source.turn < turn for step in steps for source in step.sources.values()):
            return False
        return self.rng.random() < self.settings.continuity

    def _walk(
        self, turn: int, target: str, steps: list[Step], used: set[Any], situation: Situation
    ) -> Situation:
        """Append real calls to `steps` until `target` has been called; returns the situation after it."""
        sampler = WalkSampler(self.graph, self.rng.randrange(2**32), gather=self.settings.gather)
        wanted = sampler.wanted_resources(target)
        # "called" restarts per goal, so a tool called before is still walked to directly.
        situation = Situation(situation.conditions, situation.resources)
        budget = len(steps) + self.settings.max_calls_per_turn
        while len(steps) < budget:
            name = sampler.choose(target, situation, wanted=wanted, hopeful=True)
            tool = self.graph.tool(name)
            drawn, result = self._call(tool, used)
            step = Step(turn, len(steps), tool, result.call, result, drawn.sources)
            steps.append(step)
            self.log.add(step)
            situation = situation.after_observed(tool, result.value, self.sandbox.instances)
            if name == target:
                return situation
        raise DeadEnd(f"{target} not reached in {self.settings.max_calls_per_turn} calls")

    def _call(self, tool: ToolSpec, used: set[Any]) -> tuple[Drawn, ToolResult]:
        """Execute `tool` with drawn arguments; a failed call is undone and redrawn a few times."""
        problem = "no arguments"
        for _ in range(CALL_TRIES):
            drawn = self.arguments.draw(tool, self.log.pool, used)
            if drawn is None:
                break
            result = self.sandbox.attempt(ToolCall(tool.name, drawn.arguments))
            if result.ok:
                used.update(v for v in drawn.arguments.values() if isinstance(v, (str, int, float)))
                self.arguments.said(drawn)
                return drawn, result
            problem = result.content[:120]
        raise DeadEnd(f"{tool.name}: {problem}")

    def _prune(self, steps: list[Step], goals: list[int]) -> tuple[list[Step], list[int]]:
        """Drop calls the goals do not need: a call that feeds nothing, changes no public state, and
        whose removal leaves every other result and the final state unchanged."""
        keep = list(steps)
        for step in reversed(steps):
            feeding = {(s.turn, s.index) for kept in keep for s in kept.sources.values()}
            if step.index in goals or step.key in feeding or step.spec.mutates_state:
                continue
            trial = [other for other in keep if other is not step]
            if self.sandbox.replays(trial):
                keep = trial
                self.log.forget(step)
        goal_steps = [steps[index] for index in goals]
        self.log.reindex(keep)
        return keep, [keep.index(step) for step in goal_steps]

    def _undo_turn(self, turn: int) -> None:
        self.sandbox.restore()
        self.log.forget_turn(turn)
