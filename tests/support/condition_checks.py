"""Checks the graph and kit tests share: a call's effect on conditions, and a walk replayed from the specs."""

from __future__ import annotations

from typing import Any

from funreason_envs.executor import ToolResult
from funreason_envs.graph import ApiGraph
from funreason_envs.specs import ToolSpec


def assert_condition_effects(
    tool: ToolSpec, arguments: dict[str, Any], result: ToolResult, before: set[str], after: set[str]
) -> bool:
    """A call missing a required condition must fail; a successful one must bring about its `provides`
    and end nothing it does not declare in `revokes`. Returns whether it succeeded with its needs met."""
    missing = set(tool.requires) - before
    if missing:
        assert not result.ok, f"{tool.name}({arguments}) succeeded without {missing}"
        return False
    if not result.ok:
        return False
    assert set(tool.provides) <= after, f"{tool.name}({arguments}) did not bring about {tool.provides}"
    lost = before - after - set(tool.revokes)
    assert not lost, f"{tool.name}({arguments}) ended {lost} without declaring it in revokes"
    return True


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
