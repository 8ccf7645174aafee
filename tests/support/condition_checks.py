"""Checks the graph and kit tests share: a call's effect on conditions, and a walk replayed from the specs."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from funreason_envs.calls import ToolCall
from funreason_envs.domains.base import Domain
from funreason_envs.executor import ToolResult, ToolRouter
from funreason_envs.graph import ApiGraph
from funreason_envs.specs import ToolSpec


def result_ok(result: ToolResult) -> bool:
    """The default sense of success: the call returned no error."""
    return result.ok


def assert_condition_effects(
    tool: ToolSpec,
    arguments: dict[str, Any],
    result: ToolResult,
    before: set[str],
    after: set[str],
    succeeded: Callable[[ToolResult], bool] = result_ok,
) -> bool:
    """A call missing a required condition must fail; a successful one must bring about its `provides`
    and end nothing it does not declare in `revokes`. Returns whether it succeeded with its needs met."""
    missing = set(tool.requires) - before
    if missing:
        assert not succeeded(result), f"{tool.name}({arguments}) succeeded without {missing}"
        return False
    if not succeeded(result):
        return False
    assert set(tool.provides) <= after, f"{tool.name}({arguments}) did not bring about {tool.provides}"
    lost = before - after - set(tool.revokes)
    assert not lost, f"{tool.name}({arguments}) ended {lost} without declaring it in revokes"
    return True


def random_session(
    instance: Domain,
    make_arguments: Callable[[ToolSpec], dict[str, Any]],
    rng: random.Random,
    calls: int,
    succeeded: Callable[[ToolResult], bool] = result_ok,
) -> list[tuple[str, set[str]]]:
    """Random calls of the instance's tools, each checked with `assert_condition_effects`; returns, per
    call that succeeded with its needs met, the tool and the conditions it brought about."""
    router = ToolRouter([instance])
    tools = list(type(instance).spec().by_name.values())
    checked = []
    for _ in range(calls):
        tool = rng.choice(tools)
        before = instance.conditions()
        arguments = make_arguments(tool)
        result = router.execute(ToolCall(tool.name, arguments))
        after = instance.conditions()
        if assert_condition_effects(tool, arguments, result, before, after, succeeded):
            checked.append((tool.name, after - before))
    return checked


def independent_check(graph: ApiGraph, steps: tuple[str, ...]) -> list[str]:
    """Replay a walk from nothing, straight from the specs: each step's requirements met by earlier steps."""
    conditions: set[str] = set()
    resources: set[str] = set()
    problems = []
    for index, name in enumerate(steps):
        tool = graph.tool(name)
        for condition in tool.requires:
            if condition not in conditions:
                problems.append(f"step {index} {name}: {condition} not met")
        for param, kinds in tool.consumed.items():
            suppliable = any(kind in graph.user_supplied for kind in kinds)
            if param in tool.required and not suppliable and not resources.intersection(kinds):
                problems.append(f"step {index} {name}: no {kinds} for {param}")
        conditions = (conditions - set(tool.revokes)) | set(tool.provides)
        resources |= {produced.resource for produced in tool.produces}
    return problems
