"""Build one multi-turn sample with the three FunReason-MT phases, turn after turn, state carried over.

Per user turn: phase 1 picks a target tool and walks the Environment-API graph toward it, executing
every call for real with arguments drawn from the live state and earlier results; phase 2 turns the
trace into an advanced tool and a hard query; phase 3 has the reasoning role answer the query in a
sandbox until an attempt passes the check (or the sample is rejected). Optional BFCL-like turns: a
vague query followed by the user's clarification, and a tool held out until a later turn.
Everything random flows from `Random(f"{seed}:{index}")`, so a sample depends only on its index.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from funreason_envs.calls import ToolCall
from funreason_envs.checker import TurnOutcome
from funreason_envs.domains import domain_class
from funreason_envs.domains.registry import registry_version
from funreason_envs.errors import SampleRejected
from funreason_envs.executor import ToolResult
from funreason_envs.graph import ApiGraph, Situation, WalkSampler
from funreason_envs.graph.walk import WalkError
from funreason_envs.jsonutil import copy_json
from funreason_envs.session import Session
from funreason_envs.synthesis.arguments import ArgumentSampler
from funreason_envs.synthesis.guided import guided_chain
from funreason_envs.synthesis.kits import DomainKit, kit_for
from funreason_envs.synthesis.language import Speaker
from funreason_envs.synthesis.persona import draw_persona
from funreason_envs.synthesis.record import DataFlow, Sample, TurnRecord
from funreason_envs.synthesis.roles.base import Roles, TurnBrief
from funreason_envs.synthesis.settings import Settings
from funreason_envs.synthesis.trace import Step, ValuePool
from funreason_envs.synthesis.utterance import clarification, may_be_implicit
from funreason_envs.tasks import NEW_TOOLS_NOTICE, GroundTruthCall, Task

EXPLORE_TRIES = 6
CALL_TRIES = 3
FLOW_TARGET_WEIGHT = 10  # how much more likely a goal is when it can take a value an earlier result gave
EARLIER_TURN_WEIGHT = 20  # ... and more again when that result came from an earlier turn
# Goal pairs where the second takes back the first (within a turn, or in the very next turn).
INVERSES = {
    frozenset(pair)
    for pair in (
        ("follow_user", "unfollow_user"), ("send_message", "delete_message"),
        ("book_flight", "cancel_booking"),
        ("place_order", "cancel_order"), ("add_to_watchlist", "remove_stock_from_watchlist"),
        ("mkdir", "rmdir"), ("touch", "rm"), ("pressBrakePedal", "releaseBrakePedal"),
        ("fund_account", "withdraw_funds"), ("trading_login", "trading_logout"), ("ticket_login", "logout"),
        ("create_ticket", "close_ticket"), ("post_tweet", "retweet"),
    )
}  # fmt: skip
LOGIN_WORDS = ("login", "authenticate")
CONTINUITY_REDRAWS = 8
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


@dataclass
class _Turn:
    """A finished user turn, before it becomes part of the sample."""

    query: str
    messages: list[dict[str, Any]]
    calls: list[Step]
    record: TurnRecord
    user_message: str | None = None  # what the conversation shows, when it differs from the task's text
    revealed: list[str] = field(default_factory=list)


class SampleBuilder:
    """Makes sample number `index` of a run."""

    def __init__(
        self, index: int, settings: Settings, roles_factory: Callable[[random.Random], Roles]
    ) -> None:
        self.index = index
        self.settings = settings
        self.rng = random.Random(f"{settings.seed}:{index}")
        count = self.rng.randint(1, min(settings.max_domains, len(settings.domains)))
        self.domains = sorted(self.rng.sample(list(settings.domains), count))
        self.kits: dict[str, DomainKit] = {name: kit_for(name) for name in self.domains}
        self.initial_config = {name: self.kits[name].scenario(self.rng) for name in self.domains}
        self.session = Session.for_domains(self.domains, copy_json(self.initial_config))
        self.by_id = {type(instance).name: instance for instance in self.session.instances}
        self.graph = graph_for(tuple(self.domains))
        self.pool = ValuePool()
        self.steps: dict[tuple[int, int], Step] = {}
        self.speaker = Speaker(self.kits, self.steps, self.rng)
        self.arguments = ArgumentSampler(self.kits, self.by_id, self.graph.user_supplied, self.rng)
        self.roles = roles_factory(self.rng)
        self.situation = Situation.observe(self.session.instances)
        self.targeted: Counter[str] = Counter()
        titles = {name: domain_class(name).spec().title for name in self.domains}
        self.system_prompt = SYSTEM_PROMPT.format(titles=", ".join(titles.values()))
        self.persona = draw_persona(self.kits, titles, self.rng)
        self.speaker.persona = self.persona
        self.speaker.typo_rate = settings.typo_rate
        self.last_goals: set[str] = set()

    # -- the whole sample ------------------------------------------------------------------------

    def build(self) -> Sample:
        turns: list[_Turn] = []
        history: list[dict[str, Any]] = [{"role": "system", "content": self.system_prompt}]
        results: list[str] = []
        for _ in range(self.rng.randint(self.settings.min_turns, self.settings.max_turns)):
            roll = self.rng.random()
            kind = "vague" if roll < self.settings.vague_rate else "normal"
            if kind == "normal" and roll < self.settings.vague_rate + self.settings.held_out_rate:
                kind = "held_out"
            for made in self._make_turns(len(turns), kind, history, results):
                turns.append(made)
                history.append({"role": "user", "content": made.user_message or made.query})
                history.extend(made.messages)
                results.extend(message["content"] for message in made.messages if message["role"] == "tool")
        return self._sample(turns, history)

    def _make_turns(
        self, turn: int, kind: str, history: list[dict[str, Any]], results: list[str]
    ) -> list[_Turn]:
        """One user turn, or two (a vague request and its clarification; a request for a tool not yet
        shown and the turn that reveals it) made from one phase-1 walk."""
        snapshot = self.session.snapshot()
        steps, goals = self._explore(turn, snapshot)
        start_state = Session.from_snapshot(snapshot).state()
        truth = TurnOutcome([step.result.content for step in steps], self.session.state(), True)
        tools = [spec.to_openai() for spec in self.session.specs()]
        stated = self._stated_prerequisites(steps, goals)
        brief = TurnBrief(
            turn,
            steps,
            self.speaker,
            tools=tools,
            history=list(history),
            target_indices=goals,
            stated_prerequisites=stated,
        )
        brief.advanced_tool = self.roles.tooling(brief)
        made: list[_Turn] = []
        nothing = TurnOutcome([], start_state, False)
        if kind == "vague" and (omit := self._omittable(steps)) is not None:
            vague = replace(brief, kind="vague", omit=omit, hints=[])
            vague.query = self.roles.querying(vague)
            made.append(self._answer(vague, snapshot, nothing, results, []))
            brief = replace(brief, turn=turn + 1, kind="clarification", hints=[])
            brief.query = clarification(self.speaker, steps[omit[0]], omit[1], self.rng)
            _renumber(steps, turn + 1, self.steps)
        elif kind == "held_out" and not any(
            s.name == steps[-1].name for k, s in self.steps.items() if k[0] < turn
        ):
            # a tool held out until later must not have been shown (used) before
            target = steps[-1].name
            shown = [tool for tool in tools if tool["function"]["name"] != target]
            wait = replace(brief, kind="held_out_wait", tools=shown, hints=[])
            wait.query = self.roles.querying(wait)
            made.append(self._answer(wait, snapshot, nothing, results, []))
            brief = replace(brief, turn=turn + 1, kind="held_out_reveal", hints=[])
            brief.query = NEW_TOOLS_NOTICE
            _renumber(steps, turn + 1, self.steps)
        else:
            brief.query = self.roles.querying(brief)
        earlier = results + [
            r for m in made for r in (x["content"] for x in m.messages if x["role"] == "tool")
        ]
        final = self._answer(brief, snapshot, truth, earlier, steps)
        if brief.kind == "held_out_reveal":
            final.revealed = [steps[-1].name]
            spec = self.graph.tool(steps[-1].name)
            final.user_message = f"{NEW_TOOLS_NOTICE}\n\nNew tool:\n{spec.to_text()}"
        made.append(final)
        for index in goals:
            self.targeted[steps[index].name] += 1
        self.last_goals = {steps[index].name for index in goals}
        return made

    def _stated_prerequisites(self, steps: list[Step], goals: tuple[int, ...]) -> tuple[int, ...]:
        """The state-changing means-steps the user will ask for; the rest (a share of `implicit_rate`,
        and every look-up) are left for the assistant to infer from the goal."""
        return tuple(
            step.index
            for step in steps
            if step.index not in goals
            and step.spec.mutates_state
            and (
                not may_be_implicit(step, self.kits[step.spec.domain].phrases.implied)
                or self.rng.random() >= self.settings.implicit_rate
            )
        )

    def _answer(
        self, brief: TurnBrief, snapshot: bytes, truth: TurnOutcome, earlier: list[str], steps: list[Step]
    ) -> _Turn:
        outcome = guided_chain(brief, self.roles, snapshot, truth, earlier, self.settings.max_attempts)
        if not outcome.passed:
            raise SampleRejected("phase3_failed", f"turn {brief.turn}: {outcome.problem}")
        goal_indices = {step.index for step in brief.targets}
        fed = {(s.turn, s.index) for step in steps for s in step.sources.values()}
        prerequisites = [
            step.index
            for step in steps
            if step.index not in goal_indices and (step.spec.mutates_state or step.key in fed)
        ]
        stated = {step.index for step in brief.stated}
        record = TurnRecord(
            index=brief.turn,
            kind=brief.kind,  # type: ignore[arg-type]
            target=brief.target.name,
            advanced_tool=brief.advanced_tool,
            query=brief.query,
            attempts=outcome.attempts,
            hints=outcome.hints,
            depth=max((self._depth(step) for step in steps), default=0),
            flows=[
                DataFlow(
                    source_turn=source.turn,
                    source_call=source.index,
                    target_turn=step.turn,
                    target_call=step.index,
                    argument=param,
                    value=step.call.arguments[param],
                )
                for step in steps
                for param, source in step.sources.items()
            ],
            writers=self._writers(brief),
            goal_calls=sorted(goal_indices) if steps else [],
            stated_calls=[index for index in prerequisites if index in stated],
            implicit_calls=[index for index in prerequisites if index not in stated],
        )
        return _Turn(brief.query, outcome.messages, steps, record)

    def _writers(self, brief: TurnBrief) -> dict[str, str]:
        """Which backend wrote each text of the turn (the roles say, when they can fall back)."""
        wrote = {"query": self.roles.name, "reasoning": self.roles.name, "answer": self.roles.name}
        if hasattr(self.roles, "writers"):
            wrote.update(self.roles.writers(brief))
        if brief.kind in ("clarification", "held_out_reveal"):
            wrote["query"] = "template"  # the pipeline writes these user texts itself
        return wrote

    # -- phase 1 ---------------------------------------------------------------------------------

    def _explore(self, turn: int, snapshot: bytes) -> tuple[list[Step], tuple[int, ...]]:
        """Walk toward one or two goals with real calls, then keep only the calls the goals need.

        Returns the steps and the indices of the goal steps. A failed walk is undone and retried
        with other goals; a failed second goal leaves the turn with its first.
        """
        problems = []
        failed: set[str] = set()  # goals that failed this turn are not drawn again
        redraws = 0
        for _ in range(EXPLORE_TRIES + CONTINUITY_REDRAWS):
            situation = Situation.observe(
                self.session.instances, Situation(resources=self.situation.resources)
            )
            if self.rng.random() < self.settings.discover_rate:
                # Count only what earlier results produced as at hand: ids must be looked up first
                # and values a user could state may be fetched (FunReason-MT's logical jumps).
                situation = Situation(situation.conditions, frozenset(self.pool.resource_types()))
            steps: list[Step] = []
            used: set[Any] = set()
            goals: list[int] = []
            target = ""
            try:
                target = self._choose_target(turn, steps, failed)
                situation = self._walk(turn, target, steps, used, situation)
            except (WalkError, _DeadEnd) as exc:
                problems.append(f"{target}: {exc}")
                failed.add(target)
                self._restore(snapshot, turn)
                continue
            goals.append(len(steps) - 1)
            if self.rng.random() < self.settings.second_goal_rate:
                checkpoint, kept, situation_kept = self.session.snapshot(), len(steps), situation
                try:
                    second = self._choose_target(turn, steps, failed)
                    situation = self._walk(turn, second, steps, used, situation)
                    if not _belongs(steps, kept, turn):
                        raise _DeadEnd(f"{second} is unrelated to the turn's first goal")
                    goals.append(len(steps) - 1)
                except (WalkError, _DeadEnd):
                    self._reload(checkpoint)
                    for step in steps[kept:]:
                        self.steps.pop(step.key, None)
                        self.pool.forget_step(step)
                    del steps[kept:]
                    situation = situation_kept
            steps, goals = self._prune(steps, goals, snapshot)
            if self._redraw_for_continuity(turn, steps, redraws):
                redraws += 1
                self._restore(snapshot, turn)
                continue
            self.situation = situation
            return steps, tuple(goals)
        raise SampleRejected("phase1_no_walk", "; ".join(problems[-3:]))

    def _redraw_for_continuity(self, turn: int, steps: list[Step], redraws: int) -> bool:
        """Whether to walk again because this later turn uses nothing an earlier turn produced (so most
        turns build on the conversation, as a user's follow-ups do)."""
        if turn == 0 or redraws >= CONTINUITY_REDRAWS:
            return False
        if any(source.turn < turn for step in steps for source in step.sources.values()):
            return False
        return self.rng.random() < self.settings.continuity

    def _choose_target(self, turn: int, steps: list[Step], failed: set[str]) -> str:
        """A goal tool. Favoured: tools with more needs, tools not targeted yet, tools that can take
        a value an earlier result produced (a data flow the user can point at; more so from an earlier
        turn, so later turns build on earlier ones). A second goal of the same turn belongs with the
        first: same domain or fed by this turn, and never its undo. Never: a login already done in an
        earlier turn, or the undo of the previous turn's goal."""
        called = {step.name for step in steps}
        domains = {step.spec.domain for step in steps}
        logged = {key_step.name for key, key_step in self.steps.items() if key[0] < turn}
        fed = {consumer for name in called for consumer in self.graph.dependencies.successors(name)}
        undone = called | self.last_goals
        names = [
            name
            for name in self.graph.tools
            if self._speakable_goal(name)
            and name not in called
            and name not in failed
            and not (any(word in name.lower() for word in LOGIN_WORDS) and name in logged)
            and not any(frozenset((name, other)) in INVERSES for other in undone)
            and (not steps or self.graph.tool(name).domain in domains or name in fed)
        ]
        if not names:
            raise _DeadEnd("no goal fits with the turn so far")
        speakable = self.pool.speakable(self.kits)
        earlier = self.pool.speakable(self.kits, before_turn=turn)
        weights = []
        for name in names:
            takes = {kind for kinds in self.graph.tool(name).consumed.values() for kind in kinds}
            weight = (1 + len(self.graph.requirements(name))) / (1 + 3 * self.targeted[name])
            weight *= (4 if name in fed else 1) * (FLOW_TARGET_WEIGHT if takes & speakable else 1)
            weight *= EARLIER_TURN_WEIGHT if takes & earlier else 1
            weights.append(weight)
        return self.rng.choices(names, weights)[0]

    def _speakable_goal(self, name: str) -> bool:
        """A tool a user may ask for: the phrasebook words its goal, or has no entry for it at all (the
        goal is then worded from the spec); an entry without an intent marks a look-up, never a goal."""
        phrases = self.kits[self.graph.tool(name).domain].phrases
        return bool(phrases.tool(name).intent) or name not in phrases.tools

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
            self.steps[step.key] = step
            self.pool.add(step)
            situation = situation.after_observed(tool, result.value, self.session.instances)
            if name == target:
                return situation
        raise _DeadEnd(f"{target} not reached in {self.settings.max_calls_per_turn} calls")

    def _prune(self, steps: list[Step], goals: list[int], snapshot: bytes) -> tuple[list[Step], list[int]]:
        """Drop calls the goals do not need: a call that feeds nothing, changes no public state, and
        whose removal leaves every other result and the final state unchanged."""
        keep = list(steps)
        for step in reversed(steps):
            feeding = {
                (s.turn, s.index) for kept in keep for s in kept.sources.values()
            }  # after earlier pruning
            if step.index in goals or step.key in feeding or step.spec.mutates_state:
                continue
            trial = [other for other in keep if other is not step]
            replayed = self._replay(trial, snapshot)
            if replayed is not None:
                keep = trial
                self.steps.pop(step.key, None)
                self.pool.forget_step(step)
                self._adopt(replayed)
        goal_steps = [steps[index] for index in goals]
        renumber = {step.key: position for position, step in enumerate(keep)}
        for step in keep:
            for param, source in list(step.sources.items()):
                if (source.turn, source.index) in renumber:
                    step.sources[param] = type(source)(
                        source.turn, renumber[(source.turn, source.index)], source.resource
                    )
        for step in keep:
            self.steps.pop(step.key, None)
        for position, step in enumerate(keep):
            step.index = position
            self.steps[step.key] = step
        return keep, [keep.index(step) for step in goal_steps]

    def _replay(self, steps: list[Step], snapshot: bytes) -> Session | None:
        """A session that replayed `steps` from the snapshot, if every result and the end state match."""
        trial = Session.from_snapshot(snapshot)
        for step in steps:
            if trial.execute([step.call])[0].content != step.result.content:
                return None
        return trial if trial.state() == self.session.state() else None

    def _adopt(self, session: Session) -> None:
        """Continue from another session (after a replay, its private state follows the kept calls only)."""
        self.session = session
        self.by_id.clear()
        self.by_id.update({type(instance).name: instance for instance in session.instances})

    def _call(self, tool: Any, used: set[Any]) -> tuple[Any, Any]:
        """Execute `tool` with drawn arguments; a failed call is undone and redrawn a few times."""
        problem = "no arguments"
        for _ in range(CALL_TRIES):
            drawn = self.arguments.draw(tool, self.pool, used)
            if drawn is None:
                break
            before = self.session.snapshot()
            [result] = self.session.execute([ToolCall(tool.name, drawn.arguments)])
            # Keep a copy: tools may return live state objects that later calls change.
            result = ToolResult(result.call, result.content, result.status, copy_json(result.value))
            if result.ok:
                used.update(v for v in drawn.arguments.values() if isinstance(v, (str, int, float)))
                self.arguments.said(drawn)
                return drawn, result
            problem = result.content[:120]
            self._reload(before)
        raise _DeadEnd(f"{tool.name}: {problem}")

    def _reload(self, snapshot: bytes) -> None:
        self._adopt(Session.from_snapshot(snapshot))

    def _restore(self, snapshot: bytes, turn: int) -> None:
        self._reload(snapshot)
        for key in [key for key in self.steps if key[0] >= turn]:
            del self.steps[key]
        self.pool.forget_turn(turn)

    # -- BFCL-like turns -------------------------------------------------------------------------

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

    # -- bookkeeping -----------------------------------------------------------------------------

    def _depth(self, step: Step) -> int:
        """Length of the longest chain of data flows ending at this step."""
        deepest = 0
        for source in step.sources.values():
            producer = self.steps.get((source.turn, source.index))
            if producer is not None:
                deepest = max(deepest, self._depth(producer))
        return deepest + 1

    def _sample(self, turns: list[_Turn], messages: list[dict[str, Any]]) -> Sample:
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
                if made.record.kind in ("vague", "held_out_wait")
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
            tools=[spec.to_openai() for spec in self.session.specs() if spec.name not in hidden_at_start],
            turns=[made.record for made in turns],
            final_state=self.session.state(),
            persona=self.persona.describe() if self.speaker.introduced else None,
            metadata={"index": self.index},
        )


class _DeadEnd(Exception):
    """A walk could not continue (no arguments, a failed call, too long)."""


def _belongs(steps: list[Step], first_part: int, turn: int) -> bool:
    """Whether the goal walked to after `steps[:first_part]` belongs with the first: same domain, or it
    takes a value the first part of this turn produced."""
    if steps[-1].spec.domain in {step.spec.domain for step in steps[:first_part]}:
        return True
    return any(
        source.turn == turn and source.index < first_part
        for step in steps[first_part:]
        for source in step.sources.values()
    )


def _renumber(steps: list[Step], turn: int, registry: dict[tuple[int, int], Step]) -> None:
    """Move a turn's steps to a later turn index (a vague or held-out turn came first)."""
    old = steps[0].turn
    for step in steps:
        registry.pop(step.key, None)
        for param, source in list(step.sources.items()):
            if source.turn == old:
                step.sources[param] = type(source)(turn, source.index, source.resource)
        step.turn = turn
        registry[step.key] = step
