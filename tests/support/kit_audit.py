"""Audits of a synthesis kit used by the math and message kit tests: the phrasebook against the spec,
and synthesized samples against what a user can know (values they must state, values they must not).

Each helper returns what it found, so a test states its own expectation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from funreason_envs.domains import domain_class
from funreason_envs.executor import ToolRouter
from funreason_envs.synthesis.kits import kit_for
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.report import build_report
from funreason_envs.synthesis.run import synthesize
from funreason_envs.synthesis.settings import Settings
from tests.support.oracle import bfcl_execute

# A turn whose calls are answered in the next turn: that turn's user text is part of the request.
LEADING_KINDS = ("vague", "held_out_wait")


def small_run(domains: str, out: Path, num: int, seed: int = 0) -> tuple[list[Sample], dict[str, Any]]:
    """Synthesize `num` samples with the template backend; the samples and the report."""
    folder = synthesize(num, Settings(seed=seed, domains=tuple(domains.split(","))), out, progress=False)
    samples = [Sample.model_validate(row) for row in folder.samples]
    return samples, build_report(folder.samples, folder.rejections, num)


def _scalars(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from _scalars(item)
    elif value is not None and not isinstance(value, bool):
        yield value


def spoken_patterns(value: Any) -> list[re.Pattern[str]]:
    """How a query can state a scalar: a number in any of its usual spellings, or the text itself
    (none for text too short to tell apart, such as '' or '.')."""
    if isinstance(value, (int, float)):
        spellings = {repr(value), str(value)}
        if float(value).is_integer():
            spellings.add(str(int(value)))
        return [re.compile(rf"(?<![\d.-]){re.escape(text)}(?!\.?\d)") for text in spellings]
    text = str(value)
    return [re.compile(re.escape(text))] if sum(char.isalnum() for char in text) >= 2 else []


def _user_text(sample: Sample, index: int) -> str:
    """What the user said for turn `index`: its query, after a vague or held-out turn that led to it."""
    record = sample.turns[index]
    earlier = sample.turns[index - 1] if index else None
    lead = earlier.query if earlier is not None and earlier.kind in LEADING_KINDS else ""
    return f"{lead} {record.query}"


def _literals(sample: Sample, index: int, said_only: bool = False) -> list[tuple[str, str, Any]]:
    """(tool, parameter, value) of the turn's arguments that no earlier result supplied; `said_only`
    keeps, of a prerequisite the user left implicit, only the strings they alone know (credentials,
    names): its other settings are for the assistant to infer."""
    record = sample.turns[index]
    flowed = {(flow.target_call, flow.argument) for flow in record.flows}
    implicit = set(record.implicit_calls or ()) if said_only else set()
    implied = {tool for domain in sample.domains for tool in kit_for(domain).phrases.implied}
    return [
        (call.name, param, value)
        for position, call in enumerate(sample.task.ground_truth[index])
        for param, value in call.arguments.items()
        if (position, param) not in flowed
        and (position not in implicit or (isinstance(value, str) and call.name not in implied))
    ]


def sourced_values_in_queries(samples: list[Sample]) -> list[str]:
    """Turns whose user text states a value that only an earlier result showed.

    A value the user also stated themselves, in this turn or before, does not count (the largest of
    a list the user typed is one of its numbers).
    """
    found = []
    for sample in samples:
        stated: set[Any] = set()
        for index, record in enumerate(sample.turns):
            literals = _literals(sample, index)
            stated.update(value for _, _, argument in literals for value in _scalars(argument))
            text = _user_text(sample, index)
            for flow in record.flows:
                for value in _scalars(flow.value):
                    if value in stated:
                        continue
                    if any(pattern.search(text) for pattern in spoken_patterns(value)):
                        found.append(f"{sample.id} turn {index}: {value!r} in {text!r}")
    return found


def unstated_values(samples: list[Sample]) -> list[str]:
    """Arguments the user had to give that their text never states (directly or through display words)."""
    missing = []
    for sample in samples:
        display: dict[str, Any] = {}
        for domain in sample.domains:
            display.update(kit_for(domain).phrases.display)
        for index, record in enumerate(sample.turns):
            if record.kind in LEADING_KINDS:
                continue
            text = _user_text(sample, index)
            for tool, param, argument in _literals(sample, index, said_only=True):
                words = display.get(f"{tool}.{param}", {})
                for value in _scalars(argument):
                    if str(value) in words:
                        patterns = [re.compile(re.escape(words[str(value)]))]
                    else:
                        patterns = spoken_patterns(value)
                    if patterns and not any(pattern.search(text) for pattern in patterns):
                        missing.append(f"{sample.id} turn {index}: {tool}.{param}={value!r} in {text!r}")
    return missing


def bfcl_replay_differences(samples: list[Sample]) -> list[str]:
    """Replay each sample's ground truth from its scenario here and in bfcl-eval; every turn whose result
    strings or public state differ (so scenarios are configs bfcl-eval itself accepts and runs alike)."""
    differences = []
    for sample in samples:
        classes = {name: domain_class(name).bfcl_class for name in sample.domains}
        entry = {
            "id": sample.id,
            "initial_config": {classes[name]: sample.task.initial_config[name] for name in sample.domains},
            "involved_classes": list(classes.values()),
        }
        turns = [[call.to_call().to_python() for call in calls] for calls in sample.task.ground_truth]
        theirs = bfcl_execute(entry, turns, long_context=False)
        instances = [domain_class(name)(sample.task.initial_config[name]) for name in sample.domains]
        router = ToolRouter(instances)
        for index, (calls, (their_results, their_state)) in enumerate(zip(turns, theirs, strict=True)):
            ours = [router.run(call)[0].content for call in calls]
            if ours != their_results:
                differences.append(f"{sample.id} turn {index}: {ours} != {their_results}")
            if {type(i).bfcl_class: i.state_dict() for i in instances} != their_state:
                differences.append(f"{sample.id} turn {index}: public state differs")
    return differences
