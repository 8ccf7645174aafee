"""`Session`: the one place an episode's calls run, used by the envs, the checker, synthesis and eval.

A session owns the domain instances of one episode (built once from domains and an initial config,
or from a snapshot), reads actions through the `ToolRouter` (the single dispatch point), executes
them, records every result with the status it really had, closes turns into `TurnOutcome`s, and
reports the public state of all its instances. Snapshots are pickles of the instances, so a sandbox
copy starts exactly where the original stood, private state included.
"""

from __future__ import annotations

import pickle
import weakref
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import Any

from funreason_envs.calls import ToolCall
from funreason_envs.domains import domain_class
from funreason_envs.domains.base import Domain
from funreason_envs.domains.prototype import Prototype
from funreason_envs.domains.registry import registry_version
from funreason_envs.errors import SessionError
from funreason_envs.executor import RouteTable, ToolResult, ToolRouter, route_table
from funreason_envs.jsonutil import copy_json
from funreason_envs.records import TurnOutcome
from funreason_envs.specs import ToolSpec
from funreason_envs.task_memo import TaskMemo
from funreason_envs.tasks.model import Task


class Session:
    """The instances of one episode and the record of the calls made on them.

    `results` holds every call's result in order; `outcomes` one `TurnOutcome` per closed turn.
    `reuse_states`: `state()` keeps each instance's public state and takes it again only once a call
    has run on that instance (or `instances` was handed out, so it may have been changed directly);
    states are then shared between turns' outcomes, which are records to read, never to change.
    A session made by `for_task` can also `record_calls`, so its turns can share the states of another
    session of the same task that ran the same calls (`end_turn(like=...)`).
    """

    def __init__(
        self,
        instances: Sequence[Domain],
        *,
        lenient: bool = False,
        reuse_states: bool = False,
        table: RouteTable | None = None,
    ) -> None:
        """`table`: the route table of the instances' classes, where the caller holds it (`ToolRouter`)."""
        self.router = ToolRouter(instances, lenient=lenient, table=table)
        self.results: list[ToolResult] = []
        self.outcomes: list[TurnOutcome] = []
        self._turn_start = 0
        self.reuse_states = reuse_states
        self._states: list[dict[str, Any] | None] = [None] * len(self.router.instances)
        self._origin: Task | None = None  # the task whose initial state the instances are in, if known
        self._histories_in_outcomes = False

    @classmethod
    def for_domains(
        cls,
        domains: Iterable[str],
        initial_config: Mapping[str, Any],
        long_context: bool = False,
        *,
        lenient: bool = False,
        reuse_states: bool = False,
    ) -> Session:
        """Fresh instances of `domains` (ids or BFCL class names), each from its entry in `initial_config`
        (keyed by either). `lenient`: run mistyped calls as bfcl-eval would (see `ToolRouter`), for BFCL
        scoring."""
        instances = []
        for name in domains:
            domain = class_of(name)
            instances.append(domain(_config_entry(initial_config, name, domain), long_context=long_context))
        return cls(instances, lenient=lenient, reuse_states=reuse_states)

    @classmethod
    def for_task(
        cls, task: Task, *, lenient: bool = False, reuse_states: bool = False, from_config: bool = False
    ) -> Session:
        """Fresh instances in a task's initial state: from the second session of a task object on, clones of
        prototypes built from its config (a task is not changed once made; its prototypes live as long
        as it does). `from_config`: built from the config, not counted as a session of the task (one run
        beside another session of the same task, as the checker runs the ground truth)."""
        kept = None if from_config else prototypes_of.get(task)
        if kept is None:  # the task's first session, or one not counted
            session = cls.for_domains(
                task.domains,
                task.initial_config,
                task.long_context,
                lenient=lenient,
                reuse_states=reuse_states,
            )
        else:
            prototypes, table = kept
            clones = [prototype.clone() for prototype in prototypes]
            session = cls(clones, lenient=lenient, reuse_states=reuse_states, table=table)
        session._origin = task
        return session

    @classmethod
    def from_snapshot(cls, snapshot: bytes) -> Session:
        """A sandbox: new instances exactly as they were when `snapshot()` was taken."""
        return cls(pickle.loads(snapshot))

    # -- what the session holds --------------------------------------------------------------------

    @property
    def instances(self) -> list[Domain]:
        # the caller may change them directly: what is known of them (states, where they started) goes
        self._states = [None] * len(self._states)
        self._origin = None
        return self.router.instances

    @property
    def tool_names(self) -> list[str]:
        return self.router.tool_names

    def specs(self, names: Iterable[str] | None = None) -> list[ToolSpec]:
        return self.router.specs(names)

    def state(self) -> dict[str, dict[str, Any]]:
        """The public state of every instance, keyed by domain id: what state checks compare. Always
        the caller's own copy (kept states are shared only with the outcomes `end_turn` records)."""
        if self.reuse_states:
            return copy_json(self._kept_state())
        names, instances = self.router.domain_names, self.router.instances
        return {name: instance.state_dict() for name, instance in zip(names, instances, strict=True)}

    def _kept_state(self, like: TurnOutcome | None = None) -> dict[str, dict[str, Any]]:
        """The public state, with each instance's kept state retaken only if it may have changed: the
        state `like` recorded where the instance has run exactly the calls `like`'s had (see
        `record_calls`), else taken from the instance."""
        router = self.router
        names = router.domain_names
        states = self._states
        for position in router.take_touched():
            states[position] = None
        histories = router.histories
        expected: dict[str, list[Any]] = {}  # domain id -> the calls `like`'s instance had run
        recorded: dict[str, dict[str, Any]] = {}
        if like is not None and like.histories is not None and self.same_origin_as(like):
            expected, recorded = like.histories, like.state
        state = {}
        for position, instance in enumerate(router.instances):
            taken = states[position]
            if taken is None:
                name = names[position]
                if expected and histories is not None and histories[position] == expected.get(name):
                    taken = recorded[name]
                else:
                    taken = instance.state_dict()
                states[position] = taken
            state[names[position]] = taken
        return state

    def record_calls(self, *, in_outcomes: bool = True) -> list[list[Any]]:
        """Record, from now on, the calls run on each instance (`ToolRouter.histories`), and with
        `in_outcomes` keep them in every turn's outcome. Instances that started in the same state and
        ran exactly the same calls are in the same state (tools are deterministic: their randomness
        comes from seeded generators the instances hold), so a turn can then share the state another
        session of the same task recorded instead of taking it (`end_turn(like=...)`; `like` needs
        them in its outcomes, the session closing its turns like it does not). Only before any call
        runs, on a session `for_task` made. Returns the live histories, one list per instance."""
        if self._origin is None or self.results:
            raise SessionError(
                "record_calls() needs a session made by Session.for_task on which no call has run yet, "
                "with its instances never handed out; call it right after for_task()"
            )
        histories: list[list[Any]] = [[] for _ in self.router.instances]
        self.router.histories = histories
        self._histories_in_outcomes = in_outcomes
        return histories

    def same_origin_as(self, outcome: TurnOutcome) -> bool:
        """Whether `outcome` was recorded by a session of the same task object, both recording calls."""
        return (
            outcome.histories is not None
            and outcome.origin is not None
            and self.router.histories is not None
            and self._origin is not None
            and outcome.origin() is self._origin
        )

    def snapshot(self) -> bytes:
        """The instances as a pickle, for `from_snapshot`."""
        return pickle.dumps(self.router.instances)

    # -- running calls -----------------------------------------------------------------------------

    def parse(self, action: Any, *, scrubbed: bool = False) -> list[ToolCall]:
        """The calls an action holds; raises `CallParseError` when it cannot be read. `scrubbed`: the
        action already went through `scrub_surrogates`."""
        return self.router.parse(action, scrubbed=scrubbed)

    def execute(self, calls: Iterable[ToolCall], visible: Set[str] | None = None) -> list[ToolResult]:
        """Run calls in order and record their results; tools outside `visible` (if given) are refused."""
        results = [self.router.execute(call, visible) for call in calls]
        self.results.extend(results)
        return results

    def execute_prepared(
        self,
        prepared: Sequence[Any],
        visible: Set[str] | None = None,
        *,
        call_ids: Sequence[str | None] | None = None,
    ) -> list[ToolResult]:
        """Run calls the router prepared (`ToolRouter.prepare`, `prepare_call`) in order and record their
        results; `call_ids[i]` is the id of call i where its text gave it none."""
        router = self.router
        if call_ids is None:
            results = [router.execute_prepared(call, visible) for call in prepared]
        else:
            results = [
                router.execute_prepared(call, visible, call_id=call_id)
                for call, call_id in zip(prepared, call_ids, strict=True)
            ]
        self.results.extend(results)
        return results

    def refuse(self, call: ToolCall, problem: str) -> ToolResult:
        """Record a call that could not be read or run as an "invalid" result; nothing changes."""
        result = ToolResult(call, f"Error: {problem}", "invalid")
        self.results.append(result)
        return result

    def run(
        self, action: Any, visible: Set[str] | None = None, *, unreadable: ToolCall | None = None
    ) -> list[ToolResult]:
        """Parse and run an action. A model's text is data: one that cannot be read is recorded as a
        single "invalid" result of `unreadable` (default: a nameless call) carrying the problem, as an
        undecodable call string is in BFCL."""
        try:
            if type(action) is not str:
                calls = self.parse(action)
            else:  # call text: read, resolved and checked once per distinct text
                prepared = self.router.prepare(action)
        except Exception as exc:  # any failure to read is the action's fault, never the caller's
            return [self.refuse(unreadable or ToolCall(""), str(exc))]
        if type(action) is not str:
            return self.execute(calls, visible)
        if len(prepared) == 1:  # the common case, without the list building
            result = self.router.execute_prepared(prepared[0], visible)
            self.results.append(result)
            return [result]
        return self.execute_prepared(prepared, visible)

    # -- turns -------------------------------------------------------------------------------------

    def turn_results(self) -> list[ToolResult]:
        """The results recorded since the last closed turn."""
        return self.results[self._turn_start :]

    def end_turn(self, made_calls: bool | None = None, *, like: TurnOutcome | None = None) -> TurnOutcome:
        """Close the current turn: its result strings, the state now, and whether it made calls
        (by default: whether any result was recorded in it). `like` (with `reuse_states` and
        `record_calls`): an outcome of another session of the same task, e.g. the ground truth's at
        this turn; an instance that has run exactly the calls its instance had run by then shares the
        state `like` recorded for it instead of being converted again."""
        results = [result.content for result in self.turn_results()]
        acted = bool(results) if made_calls is None else made_calls
        if not self.reuse_states:
            outcome = TurnOutcome(results, self.state(), acted)
        elif not self._histories_in_outcomes:
            outcome = TurnOutcome(results, self._kept_state(like), acted)
        else:
            histories = {
                name: [*history]
                for name, history in zip(self.router.domain_names, self.router.histories, strict=True)
            }
            origin = weakref.ref(self._origin) if self._origin is not None else None
            outcome = TurnOutcome(results, self._kept_state(like), acted, origin, histories)
        self.outcomes.append(outcome)
        self._turn_start = len(self.results)
        return outcome


_classes_seen: dict[str, type[Domain]] = {}  # domain id or BFCL class name -> backend class
_classes_version = [-1]  # the registry version they were looked up in


def class_of(name: str) -> type[Domain]:
    """`domain_class(name)`, remembered until the set of registered domains changes (a session is
    built per episode; the registry's lookup merges its tables on every call)."""
    if _classes_version[0] != registry_version():
        _classes_seen.clear()
        _classes_version[0] = registry_version()
    cls = _classes_seen.get(name)
    if cls is None:
        cls = _classes_seen[name] = domain_class(name)
    return cls


def _build_prototypes(task: Task) -> tuple[tuple[Prototype, ...], RouteTable]:
    """A task's prototypes, one per domain in its order, and the route table of their classes."""
    prototypes = []
    for name in task.domains:
        domain = class_of(name)
        prototypes.append(
            Prototype(domain, _config_entry(task.initial_config, name, domain), task.long_context)
        )
    return tuple(prototypes), route_table(tuple(prototype.cls for prototype in prototypes))


def _config_entry(config: Mapping[str, Any], name: str, domain: type[Domain]) -> Mapping[str, Any]:
    """The entry of `domain` (given as `name`) in an initial config keyed by domain id or BFCL class name,
    whichever it uses; empty when it has none."""
    found = config.get(name)
    if found is not None:
        return found
    for key in (domain.name, domain.bfcl_class):
        if key is not None and key in config:
            return config[key]
    return {}


# the prototype of each of a task's domains, in its order (and their route table), built on the task's
# second session
prototypes_of = TaskMemo(_build_prototypes)
