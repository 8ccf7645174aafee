"""Helpers shared by the graph tests: extra spec files built in memory, and an argument filler."""

from __future__ import annotations

import itertools
import random
from typing import Any

from funreason_envs.domains.base import Domain
from funreason_envs.specs import DomainSpec, ToolSpec, parse_spec


def make_spec(domain: str, tools: list[dict[str, Any]], **vocabulary: Any) -> DomainSpec:
    """A validated spec from tool dicts that need only a name and annotations."""
    full = [
        {
            "description": f"The {tool['name']} tool.",
            "parameters": {"type": "object", "properties": {}},
            "returns": {"type": "object"},
            "mutates_state": False,
            **tool,
        }
        for tool in tools
    ]
    data = {"domain": domain, "title": domain, "description": f"The {domain} domain.", "tools": full}
    return parse_spec({**data, **vocabulary}, f"{domain}.json")


def candidate_arguments(tool: ToolSpec, domains: list[Domain], rng: random.Random) -> list[dict[str, Any]]:
    """Argument sets for every annotated parameter, each value one the state offers for the parameter's
    types (or a fresh name where it offers none), in a shuffled order."""
    offered: dict[str, list[Any]] = {}
    for domain in domains:
        for kind, values in domain.available_resources().items():
            offered.setdefault(kind, []).extend(values)
    params = list(tool.consumed)
    choices = []
    for param in params:
        values = list(
            dict.fromkeys(value for kind in tool.consumed[param] for value in offered.get(kind, []))
        )
        choices.append(values or [f"new_{rng.randrange(10**6)}"])
    combos = [dict(zip(params, values, strict=True)) for values in itertools.product(*choices)]
    rng.shuffle(combos)
    return combos
