"""Checks shared by the synthesis-kit tests of the posting and ticket domains.

Each helper returns what it found (problems, figures) so a test states its own expectation.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from funreason_envs.calls import ToolCall
from funreason_envs.domains import domain_class
from funreason_envs.executor import ToolResult, ToolRouter
from funreason_envs.graph import ApiGraph, WalkSampler, extract_values
from funreason_envs.synthesis.arguments import ArgumentSampler
from funreason_envs.synthesis.kits import PLACE, kit_for
from funreason_envs.synthesis.language import PLACEHOLDER
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.report import build_report
from funreason_envs.synthesis.run import synthesize
from funreason_envs.synthesis.settings import Settings
from funreason_envs.synthesis.trace import ValuePool
from tests.support.condition_checks import independent_check
from tests.support.oracle import bfcl_execute


def small_run(domain: str, out: Path, num: int = 10, seed: int = 0) -> tuple[list[Sample], dict[str, Any]]:
    """Synthesize `num` samples of one domain with the template backend; the samples and the report."""
    folder = synthesize(num, Settings(seed=seed, domains=(domain,)), out, progress=False)
    samples = [Sample.model_validate(row) for row in folder.samples]
    return samples, build_report(folder.samples, folder.rejections, num)


def spoken_forms(value: Any, id_word: str) -> list[re.Pattern[str]]:
    """How a query could state `value`: quoted or bare text, or an id said as '<id_word> <n>'."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int):
        return [re.compile(rf"\b{id_word} {value}\b"), re.compile(rf"\bid {value}\b")]
    text = str(value)
    return [re.compile(re.escape(text))] if len(text) >= 3 else []


def sourced_values_in_queries(samples: list[Sample], id_word: str) -> tuple[list[str], list[str]]:
    """Turns whose user text states a value the turn took from an earlier result, in two lists:
    values stated nowhere else in the turn (the phrasing gave them away), and values the turn also
    passes literally to another call (the argument sampler drew the same value again from the state)."""
    phrased, repeated = [], []
    for sample in samples:
        for record in sample.turns:
            flowed = {(flow.target_call, flow.argument) for flow in record.flows}
            literal = [
                item
                for index, call in enumerate(sample.task.ground_truth[record.index])
                for param, value in call.arguments.items()
                if (index, param) not in flowed
                for item in _scalars(value)
            ]
            for flow in record.flows:
                if not any(pattern.search(record.query) for pattern in spoken_forms(flow.value, id_word)):
                    continue
                seen = f"{sample.id} turn {record.index}: {flow.value!r} in {record.query!r}"
                also = any(str(flow.value) in str(item) for item in literal)
                (repeated if also else phrased).append(seen)
    return phrased, repeated


def bfcl_load_mismatches(domain: str, configs: list[dict[str, Any]]) -> list[str]:
    """Configs whose public state after loading differs between bfcl-eval's class and ours."""
    cls = domain_class(domain)
    problems = []
    for number, config in enumerate(configs):
        entry = {
            "id": f"load_{number}",
            "initial_config": {cls.bfcl_class: config},
            "involved_classes": [cls.bfcl_class],
        }
        ((_, their_state),) = bfcl_execute(entry, [[]], long_context=False)
        if their_state[cls.bfcl_class] != cls(config).state_dict():
            problems.append(f"config {number}: public state differs after loading")
    return problems


def phrasebook_problems(
    domain: str,
    means_only: set[str] | frozenset[str],
    effectively_required: dict[str, set[str]] | None = None,
    known_bare_gaps: frozenset[str] = frozenset(),
) -> list[str]:
    """Tools without an intent that are not declared means-only, intents that all need an optional
    parameter (unless the tool fails without it: `effectively_required`), and phrases that name
    parameters, result fields, resources or display keys the spec does not have."""
    spec = domain_class(domain).spec()
    phrases = kit_for(domain).phrases
    problems = []
    for tool in spec.tools:
        said = phrases.tool(tool.name)
        if bool(said.intent) == (tool.name in means_only):
            problems.append(f"{tool.name}: intent {'given' if said.intent else 'missing'}")
        names = set(tool.parameter_names)
        fields = set(tool.returns.get("properties", {}))
        # a typed domain's `dict[str, Any]` result declares no fields: the spec cannot check its `done` keys
        open_result = not fields and tool.returns.get("additionalProperties") is True
        for template in (*said.intent, *said.context, *said.refer.values(), said.done):
            keys = PLACEHOLDER.findall(template)
            if template in said.refer.values():  # a `refer` phrase may say where in a listing the value stood
                keys = [k for k in keys if k != PLACE]
            unknown = [k for k in keys if not k.startswith("result.") and k not in names]
            unknown += [
                k
                for k in keys
                if k.startswith("result.") and not open_result and k.split(".")[1] not in fields | {""}
            ]
            if unknown:
                problems.append(f"{tool.name}: {template!r} names {unknown}")
        needed = tool.required | (effectively_required or {}).get(tool.name, set())
        bare = any(set(PLACEHOLDER.findall(t)) <= needed for t in said.intent)
        if said.intent and bare == (tool.name in known_bare_gaps):
            gap = "listed as a gap but has an intent" if bare else "no intent works"
            problems.append(f"{tool.name}: {gap} without the optional parameters")
        produced = {p.resource for p in tool.produces}
        if set(said.refer) - produced:
            problems.append(f"{tool.name}: refers to {sorted(set(said.refer) - produced)} it never produces")
    for key in phrases.display:
        tool_name, _, param = key.partition(".")
        if tool_name not in spec.by_name or param not in spec.by_name[tool_name].parameter_names:
            problems.append(f"display {key}: no such parameter")
    unknown_tools = set(phrases.tools) - set(spec.by_name)
    if unknown_tools:
        problems.append(f"phrases for unknown tools {sorted(unknown_tools)}")
    return problems


def failed(result: ToolResult) -> bool:
    """A call failed: an error result, or (bfcl-eval's quirk in the ticket and trading domains) a list
    holding an error entry, as a dict with an "error" key or a string saying "Error"."""
    if not result.ok:
        return True
    value = result.value
    return isinstance(value, list) and any(
        (isinstance(item, dict) and "error" in item) or (isinstance(item, str) and "error" in item.lower())
        for item in value
    )


@dataclass(frozen=True)
class ProbeQuirks:
    """Where a domain's behaviour, kept as bfcl-eval has it, is finer than per-tool annotations say."""

    # a mutating call refused for a missing condition may report a status and change nothing
    no_op_refusals: bool = False
    # tool -> the optional parameter whose use the tool's `requires` is about
    conditional_requires: dict[str, str] = field(default_factory=dict)
    # produced values are relative to where they were read (names in some folder), so the probes of
    # the current state need not list them
    relative_products: bool = False


def probe_disagreements(
    domain: str, seed: int, calls: int = 80, quirks: ProbeQuirks = ProbeQuirks()
) -> tuple[int, list[str]]:
    """Random calls, arguments drawn by the kit and the state as synthesis draws them, from a kit
    scenario: a call whose required condition does not hold must fail; a successful call brings
    about its `provides`, ends no condition outside `revokes`, and every value it produces of a
    resource the probe lists is listed afterwards. Returns (successful calls checked, problems)."""
    rng = random.Random(seed)
    kit = kit_for(domain)
    instance = domain_class(domain)(kit.scenario(rng))
    router = ToolRouter([instance])
    graph = ApiGraph.from_domains(domain)
    sampler = ArgumentSampler({domain: kit}, {domain: instance}, graph.user_supplied, rng)
    # the probes judge the annotations against the state: every value it holds may be drawn, also the
    # ids a kit keeps from its users (they look those up in a conversation)
    sampler.know(instance.available_resources())
    tools = list(graph.tools.values())
    checked = 0
    problems = []
    for _ in range(calls):
        tool = rng.choice(tools)
        before, state_before = instance.conditions(), instance.state_dict()
        drawn = sampler.draw(tool, ValuePool())
        arguments = drawn.arguments if drawn else {}
        result = router.execute(ToolCall(tool.name, arguments))
        after = instance.conditions()
        missing = set(tool.requires) - before
        conditional = quirks.conditional_requires.get(tool.name)
        if missing and (conditional is None or conditional in arguments):
            no_op = quirks.no_op_refusals and tool.mutates_state and instance.state_dict() == state_before
            if not failed(result) and not no_op:
                problems.append(f"{tool.name} succeeded without {missing}")
            continue
        if failed(result):
            continue
        checked += 1
        if not set(tool.provides) <= after:
            problems.append(f"{tool.name} did not bring about {tool.provides}")
        if before - after - set(tool.revokes):
            problems.append(f"{tool.name} ended {before - after - set(tool.revokes)} without revoking it")
        if quirks.relative_products:
            continue
        offered = instance.available_resources()
        for produced in tool.produces:
            values = extract_values(result.value, produced.at)
            if produced.resource in offered and not set(values) <= set(offered[produced.resource]):
                problems.append(f"{tool.name} produced {produced.resource} {values} the probe does not list")
    return checked, problems


def walk_problems(domain: str, seeds: int = 5) -> tuple[int, list[str]]:
    """Seeded walks (plain, and gathering with detours) to every tool of the domain with prerequisites:
    each walk must end at its target with every prerequisite met earlier, checked step by step here."""
    graph = ApiGraph.from_domains(domain)
    targets = [name for name in graph.tools if graph.prerequisites(name)]
    problems = []
    for settings in ({}, {"gather": 0.7, "explore": 0.3}):
        for seed in range(seeds):
            sampler = WalkSampler(graph, seed=seed, **settings)
            for target in targets:
                walk = sampler.walk(target)
                if walk.steps[-1] != target or target in walk.steps[:-1]:
                    problems.append(f"{target}: walk {walk.steps}")
                problems.extend(independent_check(graph, walk.steps))
    return len(targets), problems


def says_each_scalar(tool: str, param: str, value: Any, text: str) -> bool:
    """Every scalar inside the argument appears in the text (a whole number as a whole word)."""
    return all(
        re.search(rf"\b{item}\b" if isinstance(item, int) else re.escape(str(item)), text)
        for item in _scalars(value)
    )


def unstated_values(
    samples: list[Sample], says: Callable[[str, str, Any, str], bool] = says_each_scalar
) -> list[str]:
    """Arguments a user must know (not taken from an earlier result) that the user never said in the
    turn's request: its own text, plus the text before it when it answers a question or a wait.
    `says(tool, parameter, value, text)` decides whether the text states the value. The settings of a
    prerequisite the user left implicit (the brake's pedal position) are the assistant's to infer; of
    its strings, only those of a tool the kit marks `implied` are: credentials must still be said."""
    missing = []
    for sample in samples:
        for position, record in enumerate(sample.turns):
            if record.kind in ("vague", "held_out_wait"):
                continue
            said = record.query
            if position and sample.turns[position - 1].kind in ("vague", "held_out_wait"):
                said = sample.turns[position - 1].query + " " + said
            flowed = {(flow.target_call, flow.argument) for flow in record.flows}
            implicit = set(record.implicit_calls or ())
            implied = {tool for domain in sample.domains for tool in kit_for(domain).phrases.implied}
            for index, call in enumerate(sample.task.ground_truth[record.index]):
                for param, value in call.arguments.items():
                    if index in implicit and (call.name in implied or not isinstance(value, str)):
                        continue
                    if (index, param) not in flowed and not says(call.name, param, value, said):
                        missing.append(f"{sample.id} turn {record.index}: {call.name}.{param}={value!r}")
    return missing


def _scalars(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [item for part in value.values() for item in _scalars(part)]
    if isinstance(value, list):
        return [item for part in value for item in _scalars(part)]
    return [] if value is None or isinstance(value, bool) else [value]
