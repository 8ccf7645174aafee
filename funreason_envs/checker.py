"""Score multi-turn episodes with bfcl-eval's semantics, as pure functions usable without an env.

After every turn whose ground truth is non-empty: the model must have made a call in that turn, the
public state must equal the state reached by executing the ground truth, and the ground truth's
result strings must be an unordered sub-multiset of all the model's results so far. Turns with empty
ground truth are not checked. Beyond BFCL, and only when asked: a strict mode (acting in a turn where
nothing should be done fails), numeric normalisation, per-turn verdicts with readable state diffs,
and a partial-credit score.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from funreason_envs.domains.base import Domain, attributes_of
from funreason_envs.domains.prototype import frozen_twin
from funreason_envs.jsonutil import SCALARS, to_jsonable
from funreason_envs.records import CheckReport, TurnOutcome, TurnVerdict
from funreason_envs.session import Session
from funreason_envs.task_memo import TaskMemo
from funreason_envs.tasks.model import Task

MAX_DIFF_LINES = 20


@dataclass(frozen=True)
class CheckOptions:
    """Opt-in rules beyond BFCL's."""

    strict: bool = False  # a call in a turn whose ground truth is empty fails that turn
    numeric_tolerance: float | None = (
        None  # compare numbers in states and results with this relative tolerance
    )


def execute_ground_truth(task: Task, *, record_calls: bool = False) -> list[TurnOutcome]:
    """Run a task's ground truth turn by turn on fresh instances, running what bfcl-eval runs.
    `record_calls`: the outcomes carry the calls' histories (`Session.record_calls`), so another
    session of the task can close its turns `like` them."""
    session = Session.for_task(task, lenient=True, reuse_states=True)
    if record_calls:
        session.record_calls()
    for index in range(len(task.turns)):
        session.execute(task.turn_calls(index))
        session.end_turn()
    return session.outcomes


def execute_responses(task: Task, response: Sequence[Sequence[Sequence[str]]]) -> list[TurnOutcome]:
    """Run recorded model outputs (per turn, per step, the decoded call strings) like bfcl-eval does.

    Empty steps are dropped; a call string that cannot be read still yields an error result, as an
    undecodable string does when bfcl-eval evaluates it, and a non-empty step counts as acting. Mistyped
    calls run as they do in bfcl-eval. A caller that needs only the verdict: `check_responses`.
    """
    session = Session.for_task(task, lenient=True, reuse_states=True)
    for turn in response:
        steps = _acting_steps(turn)
        for step in steps:
            for text in step:
                session.run(text)
        session.end_turn(made_calls=bool(steps))
    return session.outcomes


def check_responses(
    task: Task, response: Sequence[Sequence[Sequence[str]]], options: CheckOptions | None = None
) -> CheckReport:
    """`check_task(task, execute_responses(task, response), options=options)`, for a caller that needs
    only the report: the model's responses run turn by turn and their live instances are compared with
    the ground truth's after the same turn (run beside them on a task's first check, copies recorded
    from a run kept for the task on later ones); no state is converted unless a turn's states differ
    (for its diff). Numeric tolerance, and a response whose turn count is not the task's, take the
    plain path."""
    options = options or CheckOptions()
    if options.numeric_tolerance is not None or len(response) != len(task.turns):
        return check_task(task, execute_responses(task, response), options=options)
    recorded = _ground_truth.get(task)
    model = Session.for_task(task, lenient=True)
    made = model.record_calls(in_outcomes=False)
    truth: _LiveTruth | _RecordedTruth = _LiveTruth(task) if recorded is None else _RecordedTruth(recorded)
    live = model.router.instances
    unsettled = set(range(len(live)))  # positions not known equal since last compared
    verdicts: list[TurnVerdict] = []
    all_results: list[str] = []
    for index, turn in enumerate(response):
        steps = _acting_steps(turn)
        turn_results = [result.content for step in steps for text in step for result in model.run(text)]
        outcome = TurnOutcome(turn_results, {}, bool(steps))  # its state is never read here
        truth_results, changed, expected, truth_calls = truth.play(index)
        unsettled |= model.router.take_touched()
        unsettled |= changed
        all_results.extend(turn_results)
        diff: list[str] = []
        if _states_compared(task, index, outcome):
            # an instance that ran the truth's very calls is in its state (`Session.record_calls`)
            if all(
                made[position] == truth_calls[position] or _same_state(expected[position], live[position])
                for position in unsettled
            ):
                unsettled.clear()
            else:
                diff = diff_states(truth.state(index), model.state())
        verdicts.append(_judge(index, task, outcome, truth_results, diff, all_results, options))
    return summarise(verdicts)


class _LiveTruth:
    """A task's ground truth run turn by turn beside the model's responses."""

    def __init__(self, task: Task) -> None:
        self.task = task  # not counted: the model's session alone is the task's use
        self.session = Session.for_task(task, lenient=True, from_config=True)
        self.calls = self.session.record_calls(in_outcomes=False)

    def play(self, index: int) -> tuple[list[str], set[int], Sequence[Domain], Sequence[list[Any]]]:
        """Turn `index`: its result strings, the positions it ran calls on, the instances after it, and
        the calls run on each of them so far (`ToolRouter.histories`)."""
        router = self.session.router
        results = [result.content for result in self.session.execute(self.task.turn_calls(index))]
        return results, router.take_touched(), router.instances, self.calls

    def state(self, index: int) -> dict[str, Any]:
        return self.session.state()


@dataclass(frozen=True)
class _GroundTruth:
    """A task's ground truth, run once: each turn's outcome, read-only copies of the instances after
    it, the positions whose state that turn changed, and the calls each instance had run by then."""

    outcomes: list[TurnOutcome]
    twins: list[tuple[Domain, ...]]
    changed: list[frozenset[int]]
    calls: list[tuple[list[Any], ...]]


class _RecordedTruth:
    """`_LiveTruth`'s answers read from a run kept for the task."""

    def __init__(self, ground: _GroundTruth) -> None:
        self.ground = ground

    def play(self, index: int) -> tuple[list[str], frozenset[int], Sequence[Domain], Sequence[list[Any]]]:
        ground = self.ground
        return ground.outcomes[index].results, ground.changed[index], ground.twins[index], ground.calls[index]

    def state(self, index: int) -> dict[str, Any]:
        return self.ground.outcomes[index].state


def _run_ground_truth(task: Task) -> _GroundTruth:
    session = Session.for_task(task, lenient=True, reuse_states=True)
    histories = session.record_calls(in_outcomes=False)
    instances = session.router.instances
    twins: list[tuple[Domain, ...]] = []
    changed: list[frozenset[int]] = []
    calls: list[tuple[list[Any], ...]] = []
    before = tuple(frozen_twin(instance) for instance in instances)
    for index in range(len(task.turns)):
        session.execute(task.turn_calls(index))
        session.end_turn()
        calls.append(tuple([*history] for history in histories))  # as they stand after this turn
        after = tuple(
            twin if twin.same_state_as(instance) else frozen_twin(instance)
            for twin, instance in zip(before, instances, strict=True)
        )
        twins.append(after)
        changed.append(frozenset(p for p, twin in enumerate(after) if twin is not before[p]))
        before = after
    return _GroundTruth(session.outcomes, twins, changed, calls)


# a task's ground truth, run on its second check and shared read-only by later ones
_ground_truth: TaskMemo[_GroundTruth] = TaskMemo(_run_ground_truth)


def _same_state(expected: Domain, instance: Domain) -> bool:
    """Whether a ground-truth instance (or copy) and a live one have equal public states, comparing the
    live attributes first and the converted states only when those differ."""
    return expected.same_state_as(instance) or _instance_equals(expected, instance.state_dict())


def _acting_steps(turn: Sequence[Sequence[str]]) -> list[Sequence[str]]:
    """A recorded turn's steps without the empty ones (no calls, or one empty string), as bfcl-eval
    drops them."""
    return [step for step in turn if step and not (len(step) == 1 and not step[0])]


def _states_compared(task: Task, index: int, model: TurnOutcome) -> bool:
    """Whether a turn's verdict looks at the states: its ground truth calls something and the model acted."""
    return bool(task.ground_truth[index]) and model.made_calls


def check_task(
    task: Task,
    model_turns: Sequence[TurnOutcome],
    ground: Sequence[TurnOutcome] | None = None,
    options: CheckOptions | None = None,
) -> CheckReport:
    """Score an episode against `ground` (by default the task's ground truth, run beside the verdicts on
    its first check and kept for later ones)."""
    options = options or CheckOptions()
    turns = len(ground) if ground is not None else len(task.turns)
    if len(model_turns) != turns:
        verdicts = [
            TurnVerdict(turn=i, checked=bool(task.ground_truth[i]), passed=False, reason="force_terminated")
            for i in range(turns)
        ]
        return CheckReport(passed=False, reason="force_terminated", turns=verdicts, score=0.0)
    if ground is None:
        recorded = _ground_truth.get(task)
        if recorded is None:  # the task's first check
            return _check_in_lockstep(task, model_turns, options)
        ground = recorded.outcomes
    verdicts: list[TurnVerdict] = []
    all_results: list[str] = []
    for index, (model, truth) in enumerate(zip(model_turns, ground, strict=True)):
        all_results.extend(model.results)
        verdicts.append(check_turn(index, task, model, truth, all_results, options))
    return summarise(verdicts)


def _check_in_lockstep(task: Task, model_turns: Sequence[TurnOutcome], options: CheckOptions) -> CheckReport:
    """`check_task` running the ground truth turn by turn beside the verdicts: a turn's ground-truth
    state is compared live with the model's recorded state, and snapshotted (for the diff) only when
    they differ, instead of after every turn. A domain found equal stays equal while neither side
    touches it (the ground truth runs no call on it, the model's record shares its last state)."""
    session = Session.for_task(task, lenient=True, from_config=True)  # the model's session was the use
    names = session.router.domain_names
    agreed: dict[str, Any] = {}  # domain id -> the recorded state its live ground truth last equalled
    verdicts: list[TurnVerdict] = []
    all_results: list[str] = []
    for index, model in enumerate(model_turns):
        truth_results = [result.content for result in session.execute(task.turn_calls(index))]
        for position in session.router.take_touched():
            agreed.pop(names[position], None)
        all_results.extend(model.results)
        if not _states_compared(task, index, model) or (
            options.numeric_tolerance is None and _live_state_equals(session, model.state, agreed)
        ):
            diff: list[str] = []  # equal, or not looked at: no snapshot
        else:
            diff = diff_states(session.state(), model.state, options.numeric_tolerance)
        verdicts.append(_judge(index, task, model, truth_results, diff, all_results, options))
    return summarise(verdicts)


def check_turn(
    index: int,
    task: Task,
    model: TurnOutcome,
    truth: TurnOutcome,
    all_model_results: list[str],
    options: CheckOptions,
) -> TurnVerdict:
    """One turn's verdict; `all_model_results` holds the model's results up to and including this turn."""
    diff: list[str] | None = None
    if _states_compared(task, index, model):
        diff = diff_states(truth.state, model.state, options.numeric_tolerance)
    return _judge(index, task, model, truth.results, diff, all_model_results, options)


def _judge(
    index: int,
    task: Task,
    model: TurnOutcome,
    truth_results: list[str],
    diff: list[str] | None,
    all_model_results: list[str],
    options: CheckOptions,
) -> TurnVerdict:
    """`check_turn` given the state diff (looked at only for a turn whose ground truth is non-empty and
    in which the model made calls)."""
    if not task.ground_truth[index]:
        if options.strict and model.made_calls:
            return TurnVerdict.of_checked(index, True, False, "irrelevant_action")
        return TurnVerdict.of_checked(index, False, True)
    if not model.made_calls:
        return TurnVerdict.of_checked(index, True, False, "empty_turn_model_response")
    if diff:
        return TurnVerdict.of_checked(index, True, False, "instance_state_mismatch", state_diff=diff)
    # the model's results this turn hold the ground truth's (equal lists): nothing can be missing
    missing = (
        []
        if truth_results == model.results
        else missing_results(truth_results, all_model_results, options.numeric_tolerance)
    )
    if missing:
        return TurnVerdict.of_checked(
            index, True, False, "execution_response_mismatch", missing_results=missing
        )
    return TurnVerdict.of_checked(index, True, True)


def _live_state_equals(session: Session, recorded: dict[str, Any], agreed: dict[str, Any]) -> bool:
    """Whether the session's public state equals a recorded one, compared on the live attributes
    (C-level `==`), converting an attribute only where that comparison alone cannot say "equal" (sets,
    tuples, non-string keys). False when unsure: the caller then snapshots and diffs. `agreed` (domain
    id -> recorded state found equal and not touched since) is skipped and updated."""
    names, instances = session.router.domain_names, session.router.instances
    if len(recorded) != len(names):
        return False
    for name, instance in zip(names, instances, strict=True):
        expected = recorded.get(name)
        if expected is None:
            return False
        if agreed.get(name) is expected:
            continue
        if not _instance_equals(instance, expected):
            return False
        agreed[name] = expected
    return True


def _instance_equals(instance: Domain, expected: dict[str, Any]) -> bool:
    if type(instance).state_dict is not Domain.state_dict:  # a domain with its own public view
        return instance.state_dict() == expected
    public = [(key, value) for key, value in attributes_of(instance).items() if key[:1] != "_"]
    if len(public) != len(expected):
        return False
    for key, value in public:
        if key not in expected:
            return False
        other = expected[key]
        if value != other and (type(value) in SCALARS or to_jsonable(value) != other):
            return False
    return True


def summarise(verdicts: list[TurnVerdict]) -> CheckReport:
    """Combine turn verdicts: pass iff every checked turn passed; score = share of checked turns passed."""
    checked = [v for v in verdicts if v.checked]
    failed = next((v for v in checked if not v.passed), None)
    score = sum(v.passed for v in checked) / len(checked) if checked else 1.0
    reason = failed.reason if failed else None
    return CheckReport.of_verdicts(failed is None, reason, list(verdicts), float(score))  # a list of its own


def missing_results(
    expected: Iterable[str], actual: Iterable[str], tolerance: float | None = None
) -> list[str]:
    """Expected result strings not found (counted with multiplicity, in any order) among `actual`."""
    if tolerance is not None:
        expected = [_normalise_result(text, tolerance) for text in expected]
        actual = [_normalise_result(text, tolerance) for text in actual]
    available = Counter(actual)
    missing = []
    for text in expected:
        if available[text] > 0:
            available[text] -= 1
        else:
            missing.append(text)
    return missing


def diff_states(expected: Any, actual: Any, tolerance: float | None = None, path: str = "") -> list[str]:
    """Readable differences between two public states (at most `MAX_DIFF_LINES` lines)."""
    if tolerance is None and expected == actual:
        return []
    lines: list[str] = []
    _diff(expected, actual, tolerance, path, lines)
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"... and {len(lines) - MAX_DIFF_LINES} more differences"]
    return lines


def _diff(expected: Any, actual: Any, tolerance: float | None, path: str, lines: list[str]) -> None:
    if len(lines) > MAX_DIFF_LINES:
        return
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in [*expected, *(key for key in actual if key not in expected)]:
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                lines.append(f"{where}: missing (expected {_short(expected[key])})")
            elif key not in expected:
                lines.append(f"{where}: unexpected {_short(actual[key])}")
            else:
                _diff(expected[key], actual[key], tolerance, where, lines)
        return
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for position, (left, right) in enumerate(zip(expected, actual, strict=True)):
            _diff(left, right, tolerance, f"{path}[{position}]", lines)
        return
    if not _equal(expected, actual, tolerance):
        lines.append(f"{path or '<state>'}: expected {_short(expected)}, got {_short(actual)}")


def _equal(left: Any, right: Any, tolerance: float | None) -> bool:
    if tolerance is not None and _is_number(left) and _is_number(right):
        return math.isclose(left, right, rel_tol=tolerance, abs_tol=tolerance)
    return bool(left == right)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _normalise_result(text: str, tolerance: float) -> str:
    """A result string with its numbers rounded to the tolerance's precision, for numeric normalisation."""
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return text
    digits = max(0, round(-math.log10(tolerance)))

    def rounded(item: Any) -> Any:
        if _is_number(item):
            return round(float(item), digits)
        if isinstance(item, dict):
            return {key: rounded(sub) for key, sub in item.items()}
        if isinstance(item, list):
            return [rounded(sub) for sub in item]
        return item

    return json.dumps(rounded(value))
