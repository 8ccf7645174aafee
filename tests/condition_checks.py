"""The check every domain's probe/annotation agreement test makes after one random call."""

from __future__ import annotations

from typing import Any

from funreason_envs.executor import ToolResult
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
