"""What holds at a point of a walk: conditions, resource types at hand, and the tools called so far.

A situation advances either symbolically (a tool's `provides`/`revokes`/`produces` annotations are
taken at their word) or by observation (the domains' state probes say which conditions hold and which
resources the state offers, and the real result says what the call produced).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from funreason_envs.domains.base import Domain
from funreason_envs.graph.extract import extract_values
from funreason_envs.specs import ToolSpec


@dataclass(frozen=True, slots=True)
class Situation:
    """Conditions that hold, resource types with a value at hand, and the tools called, in order."""

    conditions: frozenset[str] = frozenset()
    resources: frozenset[str] = frozenset()
    called: tuple[str, ...] = ()

    @classmethod
    def observe(cls, domains: Iterable[Domain], before: Situation | None = None) -> Situation:
        """The live situation: conditions from the probes; resources the state offers, plus those at hand."""
        domains = list(domains)
        before = before or cls()
        conditions = frozenset().union(*(domain.conditions() for domain in domains))
        offered = {
            kind for domain in domains for kind, values in domain.available_resources().items() if values
        }
        return cls(conditions, before.resources | offered, before.called)

    def after(self, tool: ToolSpec) -> Situation:
        """The situation after a successful call of `tool`, by its annotations alone."""
        conditions = (self.conditions - set(tool.revokes)) | set(tool.provides)
        produced = {produced.resource for produced in tool.produces}
        return Situation(conditions, self.resources | produced, (*self.called, tool.name))

    def after_observed(self, tool: ToolSpec, result: Any, domains: Iterable[Domain]) -> Situation:
        """The situation after a real call of `tool` that returned `result`, re-reading the domains' state."""
        produced = {p.resource for p in tool.produces if extract_values(result, p.at)}
        called = Situation(self.conditions, self.resources | produced, (*self.called, tool.name))
        return Situation.observe(domains, called)
