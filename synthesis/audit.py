"""Label audit: a replayable sample can still teach the wrong thing; these rules catch the known ways.

Each rule reads an `Evidence` (the sample, its ground truth re-executed turn by turn, the user's request
text per turn) and returns problems as sentences; `audit_sample` runs them all. Verification rejects a
sample with any problem and the run report counts rejections per rule (`AUDIT_RULES` names them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from funreason_envs.synthesis.coherence import (
    VOLUME_WORDS,
    declared_unit,
    leaves,
    normal,
    prints,
    produced_unit,
    state_problem,
    thin_flow,
    undo_pairs,
)
from funreason_envs.synthesis.outcomes import result_failed
from funreason_envs.synthesis.record import Sample, TurnRecord
from funreason_envs.synthesis.sandbox import contents

Call = tuple[str, dict[str, Any]]
ACTING_KINDS = ("normal", "clarification", "held_out_reveal")
FAILURE_WORDS = re.compile(
    r"fail|error|couldn't|could not|cannot|can't|unable|didn't|did not|wasn't|was not|isn't|is not|"
    r"unsuccessful|denied|invalid|no such|not found|doesn't|does not|refused|rejected|wrong|problem|"
    r"already|not go through",
    re.IGNORECASE,
)
CURRENCY_WORDS = {
    "USD": r"US dollars?|USD|\$",
    "EUR": r"euros?|EUR|€",
    "GBP": r"British pounds?|pounds?|GBP|£",
    "JPY": r"yen|JPY|¥",
    "CAD": r"Canadian dollars?|CAD",
    "MXN": r"Mexican pesos?|pesos?|MXN",
    "INR": r"rupees?|INR",
    "CNY": r"yuan|CNY|RMB",
    "AUD": r"Australian dollars?|AUD",
}
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
PRINT_WORDS = re.compile(r"\b(print|show|display|tell me|let me see|read out)\b", re.IGNORECASE)
WRITE_WORDS = re.compile(r"\b(write|save|put|store|record|into|in the file|to the file)\b", re.IGNORECASE)


@dataclass
class Evidence:
    """What the rules read: the sample, each turn's ground-truth results and the request's text."""

    sample: Sample
    results: list[list[str]]
    texts: list[str]  # per turn: the user's words since the previous acting turn, this turn's included

    def calls(self, turn: int) -> list[Call]:
        return [(call.name, call.arguments) for call in self.sample.task.ground_truth[turn]]

    def acting(self) -> list[TurnRecord]:
        return [turn for turn in self.sample.turns if turn.kind in ACTING_KINDS]


def changes_state(tool: str, domains: tuple[str, ...]) -> bool:
    """Whether `tool` (of one of `domains`) changes state; unknown tools are assumed to."""
    spec = _tool_specs(domains).get(tool)
    return spec is None or bool(spec.mutates_state)


def failed_call(evidence: Evidence) -> list[str]:
    """A failing ground-truth call is kept only in a turn about that failure whose answer admits it;
    any failed result the next assistant text passes over in silence is told as a success."""
    problems = []
    domains = tuple(evidence.sample.domains)
    for turn in evidence.acting():
        for (name, _), result in zip(evidence.calls(turn.index), evidence.results[turn.index], strict=False):
            if not result_failed(result, changes_state=changes_state(name, domains)):
                continue
            if not turn.expects_failure:
                problems.append(
                    f"turn {turn.index}: {name} fails ({result[:80]}) in a turn not about a failure"
                )
            elif not FAILURE_WORDS.search(_closing_text(evidence.sample, turn.index)):
                problems.append(f"turn {turn.index}: {name} fails but the answer does not say so")
    messages = evidence.sample.messages
    for position, message in enumerate(messages):
        mutating = changes_state(message.get("name", ""), domains)
        if message["role"] != "tool" or not result_failed(
            message.get("content") or "", changes_state=mutating
        ):
            continue
        following = next((m for m in messages[position + 1 :] if m["role"] != "tool"), None)
        if following is None or following["role"] != "assistant":
            continue
        said = f"{following.get('reasoning_content') or ''} {following.get('content') or ''}"
        if not FAILURE_WORDS.search(said):
            problems.append(
                f"message {position}: {message.get('name')} failed and the next text does not say so"
            )
    return problems


def same_turn_undo(evidence: Evidence) -> list[str]:
    """A turn must not undo its own action (follow then unfollow, send then delete...) without a reason."""
    problems = []
    for turn in evidence.acting():
        if turn.stated_reason:
            continue
        calls = evidence.calls(turn.index)
        for first, later in undo_pairs(calls):
            problems.append(f"turn {turn.index}: {calls[later][0]} undoes {calls[first][0]}")
    return problems


def unrelated_goals(evidence: Evidence) -> list[str]:
    """Calls of one turn in different domains must be linked by a data flow (or a stated reason)."""
    problems = []
    domains = _tool_domains(tuple(evidence.sample.domains))
    for turn in evidence.acting():
        calls = evidence.calls(turn.index)
        groups = {index: domains.get(name, name) for index, (name, _) in enumerate(calls)}
        if len(set(groups.values())) < 2 or turn.stated_reason:
            continue
        linked = _Links(set(groups.values()))
        for flow in turn.flows:
            if flow.source_turn == turn.index and flow.source_call in groups and flow.target_call in groups:
                linked.join(groups[flow.source_call], groups[flow.target_call])
        if linked.parts() > 1:
            problems.append(
                f"turn {turn.index}: goals in {', '.join(sorted(set(groups.values())))} are unrelated"
            )
    return problems


def undo_previous_turn(evidence: Evidence) -> list[str]:
    """A turn must not take back what the previous acting turn asked for (unfollow whom it followed,
    unlock what it locked) unless the user says why."""
    problems = []
    goals: list[Call] = []  # the previous acting turn's goal calls
    for turn in evidence.acting():
        calls = evidence.calls(turn.index)
        if not calls:
            continue
        if not turn.stated_reason:
            for first, later in undo_pairs(goals + calls):
                if first < len(goals) <= later:
                    problems.append(
                        f"turn {turn.index}: {calls[later - len(goals)][0]} undoes the previous turn's "
                        f"{goals[first][0]}"
                    )
        goals = [calls[index] for index in _goal_indices(turn, len(calls), len(calls))]
    return problems


def thin_flows(evidence: Evidence) -> list[str]:
    """A text about one domain's own matters (a support request about a booking) is not filled with
    another domain's result (a stock alert): goals joined by such a flow do not belong together."""
    from funreason_envs.synthesis.kits import kit_for

    problems = []
    domains = _kit_tool_domains(tuple(evidence.sample.domains))
    truth = evidence.sample.task.ground_truth
    for turn in evidence.acting():
        if turn.stated_reason:
            continue
        for flow in turn.flows:
            target = truth[turn.index][flow.target_call].name
            source = truth[flow.source_turn][flow.source_call].name
            domain, source_domain = domains.get(target, ""), domains.get(source, "")
            if domain and thin_flow(target, flow.argument, domain, source_domain, kit_for(domain)):
                problems.append(
                    f"turn {turn.index}: {target}.{flow.argument} is filled with {source}'s output"
                )
    return problems


def senseless_call(evidence: Evidence) -> list[str]:
    """Calls a user would not ask for on the state they meet: logging in again, acting on a closed
    ticket or reopening a resolved one, following or mentioning oneself (the kits' `senseless`)."""
    from funreason_envs.session import Session
    from funreason_envs.synthesis.kits import kit_for

    task = evidence.sample.task
    domains = _kit_tool_domains(tuple(evidence.sample.domains))
    session = Session.for_task(task, lenient=True)
    problems = []
    called: set[str] = set()
    for turn in range(len(task.turns)):
        for call in task.turn_calls(turn):
            domain = domains.get(call.name)
            instance = next((i for i in session.instances if type(i).name == domain), None)
            if domain and instance is not None:
                problem = state_problem(call.name, dict(call.arguments), instance, kit_for(domain), called)
                if problem:
                    problems.append(f"turn {turn}: {problem}")
            session.execute([call])
            called.add(call.name)
        session.end_turn()
    return problems


def unit_mismatch(evidence: Evidence) -> list[str]:
    """An amount goes in the unit its parameter's spec declares (a limit in USD gets US dollars)."""
    problems = []
    specs = _tool_specs(tuple(evidence.sample.domains))
    truth = evidence.sample.task.ground_truth
    for turn in evidence.acting():
        flows = {(flow.target_call, flow.argument): flow for flow in turn.flows}
        for index, (name, arguments) in enumerate(evidence.calls(turn.index)):
            properties = specs[name].parameters.get("properties", {}) if name in specs else {}
            for param, value in arguments.items():
                unit = declared_unit(properties.get(param, {}).get("description", ""))
                if unit is None or isinstance(value, bool) or not isinstance(value, (int, float)):
                    continue
                flow = flows.get((index, param))
                if flow is not None:
                    source = truth[flow.source_turn][flow.source_call]
                    produced = produced_unit(source.name, source.arguments)
                    if produced is not None and produced != unit:
                        problems.append(
                            f"turn {turn.index}: {name}.{param} is in {unit}; {source.name} gave {produced}"
                        )
                        continue
                stated = _stated_unit(evidence.texts[turn.index], value)
                if stated is not None and stated != unit:
                    problems.append(
                        f"turn {turn.index}: {name}.{param} is in {unit}; the user gave {value} in {stated}"
                    )
    return problems


def clarification_words(evidence: Evidence) -> list[str]:
    """A clarification gives a value the turn uses, in a user's words (no parameter names)."""
    problems = []
    for turn in evidence.sample.turns:
        if turn.kind != "clarification":
            continue
        text = _own_text(evidence.sample, turn.index)
        calls = evidence.calls(turn.index)
        for name, arguments in calls:
            for param in arguments:
                if _identifier_like(param) and re.search(rf"\bthe {re.escape(_words(param))}\b", text, re.I):
                    problems.append(
                        f"turn {turn.index}: the user says the parameter name {param!r} of {name}"
                    )
        given = [v for _, arguments in calls for v in leaves(arguments)]
        used = {normal(v) for v in given}
        # digit runs inside string values: "December 24th 2026" gives 24 and 2026 of '2026-12-24'
        used |= {normal(float(d)) for v in given if isinstance(v, str) for d in re.findall(r"\d+", v)}
        for value in _spoken_values(text):
            if value not in used:
                problems.append(f"turn {turn.index}: the clarification gives {value!r}, which no call uses")
    return problems


def tool_semantics(evidence: Evidence) -> list[str]:
    """Tools used for what they do: echo writes or prints a text the user gave (it does not show a
    file), and mv into an existing folder is a move, not the rename the user asked for."""
    problems = []
    for turn in evidence.acting():
        text = evidence.texts[turn.index]
        fed = {(flow.target_call, flow.argument) for flow in turn.flows}
        results = evidence.results[turn.index]
        for index, (name, arguments) in enumerate(evidence.calls(turn.index)):
            if name == "echo" and not arguments.get("file_name") and (index, "content") in fed:
                problems.append(
                    f"turn {turn.index}: echo prints an earlier result instead of the tool that shows it"
                )
            elif name == "echo" and arguments.get("file_name") and not WRITE_WORDS.search(text):
                problems.append(f"turn {turn.index}: echo writes a file where the user asked to see text")
            elif name == "mv" and re.search(r"\brenam", text, re.I) and index < len(results):
                source, destination = arguments.get("source", ""), arguments.get("destination", "")
                if f"{destination}/{source}" in results[index]:
                    problems.append(
                        f"turn {turn.index}: 'rename' {source!r} moves it into folder {destination!r}"
                    )
    return problems


def repeated_call(evidence: Evidence) -> list[str]:
    """A look-up goal must learn something new: the same read-only call with the same arguments as in
    an earlier turn, answered with the same result, only repeats what the conversation already holds
    (converting the same fuel level again, showing the same order's details again)."""
    problems = []
    domains = tuple(evidence.sample.domains)
    earlier: dict[str, tuple[int, str]] = {}
    for turn in evidence.sample.turns:
        calls = evidence.calls(turn.index)
        results = evidence.results[turn.index]
        for index in _goal_indices(turn, len(calls), len(results)):
            name, arguments = calls[index]
            seen = earlier.get(_call_key(name, arguments))
            if seen is not None and seen[1] == results[index] and not changes_state(name, domains):
                problems.append(f"turn {turn.index}: {name} repeats turn {seen[0]}'s call and result")
        for (name, arguments), result in zip(calls, results, strict=False):
            earlier.setdefault(_call_key(name, arguments), (turn.index, result))
    return problems


def no_effect(evidence: Evidence) -> list[str]:
    """A state-changing goal must change something: cancelling a cancelled order, pressing a pressed
    brake or saving a file's own content back into it leaves the state exactly as it was."""
    domains = tuple(evidence.sample.domains)
    goals = {
        (turn.index, index): name
        for turn in evidence.acting()
        for index in _goal_indices(turn, len(evidence.calls(turn.index)), len(evidence.results[turn.index]))
        if changes_state(name := evidence.calls(turn.index)[index][0], domains)
        and not prints(name, evidence.calls(turn.index)[index][1])
        and not result_failed(evidence.results[turn.index][index], changes_state=True)
    }
    return [
        f"turn {turn}: {goals[(turn, index)]} changes nothing"
        for turn, index in sorted(_no_ops(evidence, set(goals)))
    ]


def _goal_indices(turn: TurnRecord, calls: int, results: int) -> list[int]:
    """The turn's goal calls (every call when the generator did not record them)."""
    goals = turn.goal_calls if turn.goal_calls is not None else range(calls)
    return [index for index in goals if index < min(calls, results)]


def _no_ops(evidence: Evidence, keys: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of these ground-truth calls (turn, index) leave the state exactly as it was."""
    if not keys:
        return set()
    from funreason_envs.session import Session

    task = evidence.sample.task
    session = Session.for_task(task, lenient=True)
    found = set()
    for turn in range(len(task.turns)):
        for index, call in enumerate(task.turn_calls(turn)):
            before = contents(session.instances) if (turn, index) in keys else None  # private state too
            session.execute([call])
            if before is not None and contents(session.instances) == before:
                found.add((turn, index))
        session.end_turn()
    return found


AUDIT_RULES: dict[str, Callable[[Evidence], list[str]]] = {
    "failed_call": failed_call,
    "same_turn_undo": same_turn_undo,
    "unrelated_goals": unrelated_goals,
    "unit_mismatch": unit_mismatch,
    "clarification_words": clarification_words,
    "tool_semantics": tool_semantics,
    "repeated_call": repeated_call,
    "no_effect": no_effect,
    "senseless_call": senseless_call,
    "thin_flow": thin_flows,
    "undo_previous_turn": undo_previous_turn,
}


def evidence_for(sample: Sample) -> Evidence:
    """Re-execute the ground truth and gather each turn's request text."""
    from funreason_envs.checker import execute_ground_truth

    results = [outcome.results for outcome in execute_ground_truth(sample.task)]
    texts, pending = [], ""
    for index in range(len(sample.task.turns)):
        pending = f"{pending} {_own_text(sample, index)}".strip()
        texts.append(pending)
        if sample.task.ground_truth[index]:
            pending = ""
    return Evidence(sample, results, texts)


def audit_sample(sample: Sample) -> dict[str, list[str]]:
    """Problems per rule (rules without problems left out); empty means the labels pass."""
    evidence = evidence_for(sample)
    found = {name: rule(evidence) for name, rule in AUDIT_RULES.items()}
    return {name: problems for name, problems in found.items() if problems}


class _Links:
    """Union-find over a turn's domains: which are joined by data flows."""

    def __init__(self, items: set[str]) -> None:
        self.parent = {item: item for item in items}

    def root(self, item: str) -> str:
        while self.parent[item] != item:
            item = self.parent[item]
        return item

    def join(self, first: str, second: str) -> None:
        self.parent[self.root(first)] = self.root(second)

    def parts(self) -> int:
        return len({self.root(item) for item in self.parent})


def _closing_text(sample: Sample, turn: int) -> str:
    """The assistant's closing text of user turn `turn` (the last assistant message before the next user)."""
    seen = -1
    closing = ""
    for message in sample.messages:
        if message["role"] == "user":
            seen += 1
        elif message["role"] == "assistant" and seen == turn and not message.get("tool_calls"):
            closing = f"{message.get('reasoning_content') or ''} {message.get('content') or ''}"
    return closing


def _own_text(sample: Sample, turn: int) -> str:
    return " ".join(m.get("content") or "" for m in sample.task.turns[turn] if m.get("role") == "user")


def _call_key(name: str, arguments: dict[str, Any]) -> str:
    return f"{name} {json.dumps(arguments, sort_keys=True, default=str)}"


def _spoken_values(text: str) -> list[str]:
    """Values a clarification states: quoted strings and numbers (normalised)."""
    quoted = re.findall(r"(?<!\w)'([^']+)'(?!\w)|\"([^\"]+)\"", text)
    values = [normal(a or b) for a, b in quoted]
    bare = re.sub(r"(?<!\w)'[^']*'(?!\w)|\"[^\"]*\"", " ", text)
    values += [normal(float(n.replace(",", ""))) for n in re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?", bare)]
    return values


def _identifier_like(param: str) -> bool:
    """A parameter name no user would say: one or two letters, snake_case or camelCase."""
    return len(param) <= 2 or "_" in param or bool(re.search(r"[a-z][A-Z]", param))


def _words(param: str) -> str:
    return re.sub(r"([a-z])([A-Z])", r"\1 \2", param).replace("_", " ").lower()


def _stated_unit(text: str, value: float) -> str | None:
    """The unit the user wrote right after this amount (or, for a currency sign, before it), if any."""
    for literal in {f"{float(value):g}", f"{float(value):,.2f}", f"{float(value):.1f}", str(value)}:
        if literal not in text and not any(char.isalpha() for char in literal):
            continue  # digits and signs must occur verbatim (no case to ignore): skip compiling per value
        number = rf"(?<![\d.]){re.escape(literal)}(?![\d])"
        for unit, pattern in {**CURRENCY_WORDS, **VOLUME_WORDS}.items():
            if re.search(rf"{number}\s*(?:{pattern})(?![a-z])", text, re.IGNORECASE):
                return unit
        for unit, sign in CURRENCY_SIGNS.items():
            if re.search(rf"{re.escape(sign)}\s?{number}", text):
                return unit
    return None


@cache
def _tool_specs(domains: tuple[str, ...]) -> dict[str, Any]:
    from funreason_envs.domains import domain_class

    return {tool.name: tool for name in domains for tool in domain_class(name).spec().tools}


@cache
def _tool_domains(domains: tuple[str, ...]) -> dict[str, str]:
    return {name: spec.domain or "" for name, spec in _tool_specs(domains).items()}


def _kit_tool_domains(domains: tuple[str, ...]) -> dict[str, str]:
    """Tool name -> domain for the domains with a synthesis kit (the agentic ones have none: no kit rules)."""
    from funreason_envs.synthesis.kits import kit_domains

    with_kit = set(kit_domains())
    return {name: domain for name, domain in _tool_domains(domains).items() if domain in with_kit}
