"""`ApiGraph`: the Environment-API graph of a set of domains and the questions asked of it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

import networkx as nx

from funreason_envs.domains.base import Domain
from funreason_envs.domains.registry import combinable_domain_names, domain_names, domain_spec
from funreason_envs.errors import ConfigError
from funreason_envs.graph.build import annotation_graph, check_unique_tools, dependency_graph
from funreason_envs.graph.model import Reason, Requirement
from funreason_envs.graph.situation import Situation
from funreason_envs.specs import DomainSpec, ToolSpec


class ApiGraph:
    """Tools of one or more domains, linked by the data and state their annotations declare.

    `annotations` holds tool, resource and condition nodes; `dependencies` holds tool -> tool edges,
    each with a `reasons` list of `Reason`. Tool names must be unique across the domains.
    """

    def __init__(self, specs: Sequence[DomainSpec]) -> None:
        if not specs:
            raise ConfigError("an API graph needs at least one domain")
        self.specs = tuple(specs)
        self.tools: dict[str, ToolSpec] = check_unique_tools(self.specs)
        self.user_supplied = frozenset(name for spec in self.specs for name in spec.user_supplied)
        self.annotations = annotation_graph(self.specs)
        self.dependencies = dependency_graph(self.annotations)
        self._requirements = {name: self._needs_of(tool) for name, tool in self.tools.items()}

    @classmethod
    def from_domains(cls, domains: str | Iterable[str] = "all") -> ApiGraph:
        """The graph of registered domains: "all" (those that combine), "a,b" or a list of domain ids."""
        known = domain_names()
        names = domains.split(",") if isinstance(domains, str) else list(domains)
        names = [name.strip() for name in names if name.strip()]
        if names == ["all"]:
            names = combinable_domain_names()
        unknown = [name for name in names if name not in known]
        if unknown or not names:
            raise ConfigError(
                f"unknown domain(s) {unknown or names}; choose 'all' or from: {', '.join(known)}"
            )
        return cls([domain_spec(name) for name in dict.fromkeys(names)])

    @property
    def domains(self) -> list[str]:
        return [spec.domain for spec in self.specs]

    def tool(self, name: str) -> ToolSpec:
        spec = self.tools.get(name)
        if spec is None:
            raise ConfigError(f"unknown tool {name!r} in the graph of {', '.join(self.domains)}")
        return spec

    # -- what a tool needs -----------------------------------------------------------------------

    def _providers(self, condition: str, effect: str) -> tuple[str, ...]:
        return tuple(sorted(name for name, tool in self.tools.items() if condition in getattr(tool, effect)))

    @cached_property
    def _producers(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, set[str]] = {}
        for name, tool in self.tools.items():
            for produced in tool.produces:
                found.setdefault(produced.resource, set()).add(name)
        return {resource: tuple(sorted(names)) for resource, names in found.items()}

    def _needs_of(self, tool: ToolSpec) -> tuple[Requirement, ...]:
        needs = [
            Requirement(
                "condition",
                (condition,),
                None,
                self._providers(condition, "provides"),
                self._providers(condition, "may_provide"),
            )
            for condition in tool.requires
        ]
        for param, types in tool.consumed.items():
            if param not in tool.required:
                continue
            providers = sorted({name for kind in types for name in self._producers.get(kind, ())})
            supplied = any(kind in self.user_supplied for kind in types)
            needs.append(Requirement("resource", types, param, tuple(providers), (), supplied))
        return tuple(needs)

    def requirements(self, tool: str) -> tuple[Requirement, ...]:
        """Every need of `tool`: its required conditions and the resources of its required parameters."""
        self.tool(tool)
        return self._requirements[tool]

    def prerequisites(self, tool: str) -> tuple[Requirement, ...]:
        """The needs that must be met before `tool` can be called (user-suppliable resources excluded)."""
        return tuple(need for need in self.requirements(tool) if not need.user_supplied)

    def reasons(self, producer: str, consumer: str) -> list[Reason]:
        """Why `consumer` depends on `producer` ([] when it does not)."""
        if not self.dependencies.has_edge(producer, consumer):
            return []
        return list(self.dependencies.edges[producer, consumer]["reasons"])

    # -- situations ------------------------------------------------------------------------------

    def situation(self, called: Iterable[str] = (), domains: Iterable[Domain] | None = None) -> Situation:
        """The situation after `called`: replayed from the annotations, or read from live `domains`.

        With domains, conditions come from their state probes; resources are what the state offers
        plus what the called tools produce.
        """
        if domains is None:
            situation = Situation()
            for name in called:
                situation = situation.after(self.tool(name))
            return situation
        produced = frozenset(p.resource for name in called for p in self.tool(name).produces)
        return Situation.observe(domains, Situation(frozenset(), produced, tuple(called)))

    def is_met(self, need: Requirement, situation: Situation) -> bool:
        if need.kind == "condition":
            return need.options[0] in situation.conditions
        return need.user_supplied or any(kind in situation.resources for kind in need.options)

    def unmet(self, tool: str, situation: Situation) -> list[Requirement]:
        return [need for need in self.requirements(tool) if not self.is_met(need, situation)]

    def callable_tools(self, situation: Situation) -> list[str]:
        """Tools whose every prerequisite is met in `situation`, in spec order (asked for every step of
        every walk, so it reads the requirements table directly)."""
        is_met = self.is_met
        return [
            name
            for name, needs in self._requirements.items()
            if all(is_met(need, situation) for need in needs)
        ]

    # -- distances -------------------------------------------------------------------------------

    def distance(self, source: str, target: str) -> int | None:
        """Fewest dependency edges from `source` to `target` (0 for the same tool), None if unreachable."""
        self.tool(source)
        self.tool(target)
        try:
            return nx.shortest_path_length(self.dependencies, source, target)
        except nx.NetworkXNoPath:
            return None

    def distances_to(self, target: str) -> dict[str, int]:
        """Tool -> fewest dependency edges to `target`, for every tool that reaches it."""
        self.tool(target)
        return dict(nx.single_target_shortest_path_length(self.dependencies, target))

    def out_degree(self, domain: str) -> float:
        """Mean number of distinct tools each of the domain's tools feeds (any domain's, itself included)."""
        names = [name for name, tool in self.tools.items() if tool.domain == domain]
        if not names:
            raise ConfigError(f"domain {domain!r} is not in this graph ({', '.join(self.domains)})")
        return sum(self.dependencies.out_degree(name) for name in names) / len(names)
