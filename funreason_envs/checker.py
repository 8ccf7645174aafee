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
from dataclasses import dataclass, field
from typing import Any

from funreason_envs.domains import domain_class
from funreason_envs.executor import ToolRouter
from funreason_envs.tasks.model import Task

MAX_DIFF_LINES = 20


@dataclass
class TurnOutcome:
    """What one turn produced: every result string in call order, the public state after the turn
    (domain id -> `state_dict()`), and whether any call was made in it."""

    results: list[str]
    state: dict[str, dict[str, Any]]
    made_calls: bool


@dataclass(frozen=True)
class CheckOptions:
    """Opt-in rules beyond BFCL's."""

    strict: bool = False  # a call in a turn whose ground truth is empty fails that turn
    numeric_tolerance: float | None = (
        None  # compare numbers in states and results with this relative tolerance
    )


@dataclass
class TurnVerdict:
    turn: int
    checked: bool
    passed: bool
    reason: str | None = None
    missing_results: list[str] = field(default_factory=list)
    state_diff: list[str] = field(default_factory=list)


@dataclass
class CheckReport:
    """The verdict of one episode: BFCL's pass/fail, the first failure, per-turn verdicts, partial credit."""

    passed: bool
    reason: str | None
    turns: list[TurnVerdict]
    score: float


def build_router(task: Task, *, lenient: bool = False) -> ToolRouter:
    """Fresh domain instances for a task's initial state, behind a router (`lenient`: see `ToolRouter`)."""
    instances = [
        domain_class(name)(task.initial_config.get(name, {}), long_context=task.long_context)
        for name in task.domains
    ]
    return ToolRouter(instances, lenient=lenient)


def router_state(router: ToolRouter) -> dict[str, dict[str, Any]]:
    return {type(instance).name: instance.state_dict() for instance in router.instances}


def execute_ground_truth(task: Task) -> list[TurnOutcome]:
    """Run a task's ground truth turn by turn on fresh instances, running what bfcl-eval runs."""
    router = build_router(task, lenient=True)
    outcomes = []
    for index in range(len(task.turns)):
        calls = task.turn_calls(index)
        results = [router.execute(call).content for call in calls]
        outcomes.append(TurnOutcome(results, router_state(router), bool(calls)))
    return outcomes


def execute_responses(task: Task, response: Sequence[Sequence[Sequence[str]]]) -> list[TurnOutcome]:
    """Run recorded model outputs (per turn, per step, the decoded call strings) like bfcl-eval does.

    Empty steps are dropped; a call string that cannot be read still yields an error result, as an
    undecodable string does when bfcl-eval evaluates it. Mistyped calls run as they do in bfcl-eval.
    """
    router = build_router(task, lenient=True)
    outcomes = []
    for turn in response:
        results: list[str] = []
        made_calls = False
        for step in turn:
            if not step or (len(step) == 1 and not step[0]):
                continue
            made_calls = True
            for text in step:
                try:
                    calls = router.parse(text)
                except Exception as exc:  # a model's text is data: any failure becomes an error result
                    results.append(f"Error: {exc}")
                    continue
                results.extend(router.execute(call).content for call in calls)
        outcomes.append(TurnOutcome(results, router_state(router), made_calls))
    return outcomes


def check_task(
    task: Task,
    model_turns: Sequence[TurnOutcome],
    ground: Sequence[TurnOutcome] | None = None,
    options: CheckOptions | None = None,
) -> CheckReport:
    """Score an episode. `ground` may be passed to reuse `execute_ground_truth(task)`."""
    options = options or CheckOptions()
    ground = ground if ground is not None else execute_ground_truth(task)
    if len(model_turns) != len(ground):
        verdicts = [
            TurnVerdict(i, bool(task.ground_truth[i]), False, "force_terminated") for i in range(len(ground))
        ]
        return CheckReport(False, "force_terminated", verdicts, 0.0)
    verdicts: list[TurnVerdict] = []
    all_results: list[str] = []
    for index, (model, truth) in enumerate(zip(model_turns, ground, strict=True)):
        all_results.extend(model.results)
        verdicts.append(check_turn(index, task, model, truth, all_results, options))
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
    if not task.ground_truth[index]:
        if options.strict and model.made_calls:
            return TurnVerdict(index, True, False, "irrelevant_action")
        return TurnVerdict(index, False, True)
    if not model.made_calls:
        return TurnVerdict(index, True, False, "empty_turn_model_response")
    diff = diff_states(truth.state, model.state, options.numeric_tolerance)
    if diff:
        return TurnVerdict(index, True, False, "instance_state_mismatch", state_diff=diff)
    missing = missing_results(truth.results, all_model_results, options.numeric_tolerance)
    if missing:
        return TurnVerdict(index, True, False, "execution_response_mismatch", missing_results=missing)
    return TurnVerdict(index, True, True)


def summarise(verdicts: list[TurnVerdict]) -> CheckReport:
    """Combine turn verdicts: pass iff every checked turn passed; score = share of checked turns passed."""
    checked = [v for v in verdicts if v.checked]
    failed = next((v for v in checked if not v.passed), None)
    score = sum(v.passed for v in checked) / len(checked) if checked else 1.0
    return CheckReport(failed is None, failed.reason if failed else None, verdicts, score)


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
