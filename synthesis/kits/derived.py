"""The synthesis kit of a typed domain, derived from its class: no hand-written phrasebook needed.

Scenarios come from the class's `scenario(rng)`; values a user states come from the `examples` (or
`enum`) of the parameters that consume each user-supplied resource; goals are worded from the tool
descriptions (or the `say=` templates of `@tool`), and every produced resource gets a `refer` phrase so
later calls can point back at it ("the account id you got when you were asked to open an account").
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from functools import cache
from itertools import combinations
from typing import Any

from funreason_envs.domains.base import Domain
from funreason_envs.domains.typed import TOOL_MARK, ToolInfo, TypedDomain
from funreason_envs.specs import DomainSpec, ToolSpec
from funreason_envs.synthesis.kits import DomainKit, Phrasebook, ToolPhrases, ValueMaker
from funreason_envs.synthesis.language import spec_action, words

MAX_OPTIONAL_COMBINATIONS = 3  # up to 8 templates per tool; past that, none or all optional arguments


@cache
def derived_kit(cls: type[TypedDomain]) -> DomainKit:
    """The kit of a typed domain, built once per class."""
    spec = cls.typed_spec()
    tools = {}
    for spec_tool in spec.tools:
        info: ToolInfo = getattr(getattr(cls, spec_tool.name), TOOL_MARK)
        made = [resource for resource, _ in info.produces]
        refer = {resource: info.refer.get(resource) or refer_phrase(spec_tool, resource) for resource in made}
        wording = (info.say or intents(spec_tool)) if info.goal else ()  # no intent: a look-up, never a goal
        tools[spec_tool.name] = ToolPhrases(intent=wording, refer=refer, done=info.done)
    title = spec.title.lower()
    owned = tuple(name for name in tools if getattr(getattr(cls, name), TOOL_MARK).owned)
    phrases = Phrasebook(
        tools,
        persona=f"someone using the {title} service",
        backstories=tuple(cls.backstories),
        owned=owned,
    )
    return DomainKit(
        domain=spec.domain,
        scenario=cls.scenario,
        values=user_values(spec),
        phrases=phrases,
        known=None if cls.known_resources is None else _knows(frozenset(cls.known_resources)),
    )


def _knows(kinds: frozenset[str]) -> Callable[[Domain], list[Any]]:
    """What a user knows from the start: the state's values of these resource types only."""

    def known(domain: Domain) -> list[Any]:
        offered = domain.available_resources()
        return [value for kind in sorted(kinds) for value in offered.get(kind, ())]

    return known


def intents(tool: ToolSpec) -> tuple[str, ...]:
    """Goal templates worded from the spec: the description's first clause, then the arguments by name;
    one per set of optional arguments a call may give (all of them past three optional ones)."""
    action = spec_action(tool.description) or f"use {words(tool.name)}"
    required = [param for param in tool.parameter_names if param in tool.required]
    optional = [param for param in tool.parameter_names if param not in tool.required]
    chosen = (
        [list(combo) for size in range(len(optional) + 1) for combo in combinations(optional, size)]
        if len(optional) <= MAX_OPTIONAL_COMBINATIONS
        else [[], optional]
    )
    templates = []
    for extra in chosen:
        given = [f"{_noun(param)} {{{param}}}" for param in tool.parameter_names if param in required + extra]
        if not given:
            templates.append(action)
            continue
        joined = given[0] if len(given) == 1 else ", ".join(given[:-1]) + " and " + given[-1]
        templates.append(f"{action}, with {joined}")
    return tuple(templates)


def _noun(param: str) -> str:
    spoken = re.sub(r"\s+id$", "", words(param)).strip()
    return spoken if len(spoken) > 1 else "number"


def refer_phrase(tool: ToolSpec, resource: str) -> str:
    """How a user points at a value `tool` returned, naming the tool's required arguments."""
    action = spec_action(tool.description) or f"use {words(tool.name)}"
    given = [f"{words(param)} {{{param}}}" for param in tool.parameter_names if param in tool.required]
    suffix = f" (with {', '.join(given)})" if given else ""
    return f"the {words(resource)} you got when asked to {action}{suffix}"


def user_values(spec: DomainSpec) -> dict[str, ValueMaker]:
    """Resource type -> a maker drawing from the examples of the parameters that consume it, for the
    resources a user may state."""
    pools: dict[str, list[Any]] = {}
    for spec_tool in spec.tools:
        for param, kinds in spec_tool.consumed.items():
            schema = spec_tool.parameters["properties"][param]
            offered = schema.get("examples") or schema.get("enum") or []
            for kind in kinds:
                if kind in spec.user_supplied:
                    pool = pools.setdefault(kind, [])
                    pool.extend(value for value in offered if value not in pool and value is not None)
    return {kind: _chooser(tuple(pool)) for kind, pool in pools.items() if pool}


def _chooser(pool: tuple[Any, ...]) -> ValueMaker:
    def choose(rng: random.Random, domains: Mapping[str, Domain]) -> Any:
        return rng.choice(pool)

    return choose
