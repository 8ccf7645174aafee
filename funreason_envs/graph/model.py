"""Value types of the graph: node ids, why one tool depends on another, and what a tool needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NodeKind = Literal["tool", "resource", "condition"]


def node_id(kind: NodeKind, name: str) -> str:
    """The id of a node in the annotation graph, e.g. `tool:cat` or `resource:file_name`."""
    return f"{kind}:{name}"


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an edge `producer -> consumer` exists in the tool dependency graph.

    `kind` is "data" (the producer's result carries resource `via`, which the consumer takes as `param`)
    or "state" (the producer brings about condition `via`, which the consumer requires). `certain` is
    false when the producer only *may* bring the condition about; `prerequisite` is true when the
    consumer cannot be called without this need met (a required condition, or a required parameter
    whose resource a user cannot state).
    """

    kind: Literal["data", "state"]
    via: str
    param: str | None
    certain: bool
    prerequisite: bool


@dataclass(frozen=True, slots=True)
class Requirement:
    """One need of a tool: a condition, or a resource for a required parameter (any of `options`).

    `providers` surely meet it; `possible_providers` may meet it depending on arguments and state.
    A resource need a user may state directly is `user_supplied` and does not restrict calling.
    """

    kind: Literal["resource", "condition"]
    options: tuple[str, ...]
    param: str | None
    providers: tuple[str, ...]
    possible_providers: tuple[str, ...] = ()
    user_supplied: bool = False

    @property
    def label(self) -> str:
        names = " or ".join(self.options)
        return f"{names} for {self.param}" if self.param else names
