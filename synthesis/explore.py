"""Phase 1, exploration: walk the Environment-API graph toward one or two goals with real calls.

Every call runs in the sandbox with arguments drawn from the live state and earlier results. A failed
walk is undone and retried with other goals; a failed second goal leaves the turn with its first.
Calls the goals do not need are pruned once the replay without them shows nothing changes.
What the label audit would reject is avoided here (coherence.py): a call a user would not make, a
goal that fails, changes nothing or repeats a look-up, a turn that undoes itself or the previous turn,
and goals from domains nothing links.
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
from funreason_envs.synthesis.coherence import Call, Fed, fed_problem, state_problem, undo_pairs
from funreason_envs.synthesis.goals import DeadEnd, GoalChooser, belongs
from funreason_envs.synthesis.outcomes import result_failed
from funreason_envs.synthesis.sandbox import Sandbox
from funreason_envs.synthesis.settings import Settings
from funreason_envs.synthesis.trace import Step, StepLog

EXPLORE_TRIES = 14
CALL_TRIES = 3
CONTINUITY_REDRAWS = 16


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
        self._previous_goals: list[Call] = []  # the last turn's goal calls, which a turn must not undo

    def explore(self, turn: int) -> tuple[list[Step], tuple[int, ...]]:
        """The steps of `turn` and the indices of its goal steps; the sandbox's turn starts here."""
        self.sandbox.begin_turn()
        self.arguments.begin_turn(turn)
        problems = []
        failed: set[str] = set()  # goals that failed this turn are not drawn again
        redraws = 0
        while len(problems) < EXPLORE_TRIES:  # failed walks and continuity redraws are counted apart
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
                self._check_turn(turn, steps)
            except (WalkError, DeadEnd) as exc:
                problems.append(f"{target}: {exc}" if target else str(exc))  # no target: none fitted
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
            self._previous_goals = [(steps[index].name, steps[index].call.arguments) for index in goals]
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
            self._check_turn(turn, steps)
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
            drawn, result = self._call(tool, used, goal=name == target)
            step = Step(turn, len(steps), tool, result.call, result, drawn.sources)
            steps.append(step)
            self.log.add(step)
            situation = situation.after_observed(tool, result.value, self.sandbox.instances)
            if name == target:
                return situation
        raise DeadEnd(f"{target} not reached in {self.settings.max_calls_per_turn} calls")

    def _call(self, tool: ToolSpec, used: set[Any], goal: bool = False) -> tuple[Drawn, ToolResult]:
        """Execute `tool` with drawn arguments a user would ask for; a failed call (an error or a false
        status), a goal that changes nothing or repeats an earlier action or look-up, is undone and
        redrawn."""
        problem = "no arguments"
        for _ in range(CALL_TRIES):
            drawn = self.arguments.draw(tool, self.log.pool, used)
            if drawn is None:
                break
            problem = (self.settings.coherent and self._senseless(tool, drawn)) or ""
            if problem:
                continue
            watch = goal and self.settings.coherent
            before = self.sandbox.checkpoint()
            # only a state-changing goal compares the contents before and after it
            contents = self.sandbox.contents() if watch and tool.mutates_state else None
            result = self.sandbox.attempt(ToolCall(tool.name, drawn.arguments), before)
            problem = self._result_problem(tool, result, watch, contents)
            if result.ok and problem:
                self.sandbox.restore(before)
            if problem:
                continue
            used.update(v for v in drawn.arguments.values() if isinstance(v, (str, int, float)))
            self.arguments.said(drawn, tool)
            return drawn, result
        raise DeadEnd(f"{tool.name}: {problem}")

    def _senseless(self, tool: ToolSpec, drawn: Drawn) -> str | None:
        """Why a user would not ask for this call (coherence.py), before it runs."""
        domain = tool.domain or ""
        kit = self.goals.kits.get(domain)
        fed = {}
        for param, source in drawn.sources.items():
            producer = self.log.steps.get((source.turn, source.index))
            if producer is not None:
                fed[param] = Fed(producer.name, dict(producer.call.arguments), producer.spec.domain or "")
        called = {step.name for step in self.log.steps.values()}
        instance = self.sandbox.by_id.get(domain)
        return fed_problem(tool.name, domain, drawn.arguments, fed, kit) or (
            state_problem(tool.name, drawn.arguments, instance, kit, called) if instance is not None else None
        )

    def _result_problem(self, tool: ToolSpec, result: ToolResult, watch: bool, contents: Any) -> str | None:
        """What is wrong with a call that ran: it failed; or, for a watched goal (given the `contents`
        before it when it changes state), it changed nothing, repeats an action already taken (the same
        call again) or repeats the result of the same look-up in an earlier turn."""
        if not result.ok or (
            self.settings.coherent
            and result_failed(result.content, tool.name, changes_state=tool.mutates_state)
        ):
            return result.content[:120]
        if not watch:
            return None
        if tool.mutates_state and self.sandbox.contents() == contents:
            return "changes nothing"
        if tool.mutates_state and any(
            step.name == tool.name and step.call.arguments == result.call.arguments
            for step in self.log.steps.values()
        ):
            return "repeats an earlier action"
        if not tool.mutates_state and any(
            step.name == tool.name
            and step.call.arguments == result.call.arguments
            and step.result.content == result.content
            for step in self.log.steps.values()
        ):
            return "repeats an earlier look-up"
        return None

    def _check_turn(self, turn: int, steps: list[Step]) -> None:
        """Raise `DeadEnd` when the turn so far undoes its own action or the previous turn's goals, or
        joins domains that no data flow links (only with `Settings.coherent`)."""
        if not self.settings.coherent:
            return
        calls: list[Call] = [(step.name, step.call.arguments) for step in steps]
        if undo_pairs(calls):
            raise DeadEnd("the turn undoes its own action")
        previous = self._previous_goals
        if any(first < len(previous) <= later for first, later in undo_pairs(previous + calls)):
            raise DeadEnd("the turn undoes the previous turn")
        part = {step.index: step.spec.domain for step in steps}
        for step in steps:
            for source in step.sources.values():
                if source.turn == turn and source.index in part:
                    joined, into = part[source.index], part[step.index]
                    part = {index: into if domain == joined else domain for index, domain in part.items()}
        if len(set(part.values())) > 1:
            raise DeadEnd("goals from domains no data flow links")

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
