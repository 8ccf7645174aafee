"""Every registered domain in the Environment-API graph, from the per-domain tables in
`tests/support/domain_cases.py`: each `produces` path finds values in real results, seeded walks reach
every tool with prerequisites, BFCL's observed flows are data edges, and the graph stays sparse."""

from __future__ import annotations

import re
from typing import Any

import pytest

from funreason_envs.domains import domain_class, domain_names
from funreason_envs.executor import ToolRouter
from funreason_envs.graph import ApiGraph, WalkSampler, extract_values
from tests.support.condition_checks import independent_check
from tests.support.domain_cases import FLOW_CASES, PRODUCE_CASES, WALK_CASES, WALK_SETTINGS

PLACEHOLDER = re.compile(r"<(\w+)>")


def test_every_domain_has_its_cases():
    assert set(PRODUCE_CASES) == set(WALK_CASES) == set(domain_names())


@pytest.mark.parametrize("domain", sorted(PRODUCE_CASES))
def test_produces_paths_find_values_in_real_results(domain):
    cls = domain_class(domain)
    case = PRODUCE_CASES[domain]
    found: dict[tuple[str, str, str], list[Any]] = {}
    for setup in case.setups:
        router = ToolRouter([cls(setup.make_config(), long_context=setup.long_context)])
        earlier: dict[str, Any] = {}
        for text in setup.calls:
            call = PLACEHOLDER.sub(lambda match, seen=earlier: str(seen[match.group(1)]), text)
            (result,) = router.run(call)
            assert result.ok, result.content
            if isinstance(result.value, dict):
                earlier.update(result.value)
            tool = cls.tool_table()[result.call.name].spec
            for produced in tool.produces:
                values = extract_values(result.value, produced.at)
                found.setdefault((tool.name, produced.resource, produced.at), []).extend(values)
    every = {(t.name, p.resource, p.at) for t in cls.spec().tools for p in t.produces}
    assert set(found) == every, "a producing tool is missing from the calls"
    empty = [key for key, values in found.items() if not values and key not in case.may_be_empty]
    assert not empty, f"paths that found nothing: {empty}"
    for key, values in case.expected.items():
        assert found[key] == values, key


@pytest.mark.parametrize("domain", sorted(WALK_CASES))
def test_walks_reach_every_tool_with_prerequisites(domain):
    """Seeded walks, plain and gathering, end at each target with every prerequisite met by earlier steps
    (checked straight from the specs), and never pass through the target before."""
    case = WALK_CASES[domain]
    for domains in case.graphs:
        graph = ApiGraph.from_domains(domains)
        targets = [n for n, tool in graph.tools.items() if tool.domain == domain and graph.prerequisites(n)]
        assert case.must_reach <= set(targets) and len(targets) >= case.min_targets
        for settings in WALK_SETTINGS:
            for seed in range(5):
                sampler = WalkSampler(graph, seed=seed, **settings)
                for target in targets:
                    walk = sampler.walk(target)
                    assert walk.steps[-1] == target and target not in walk.steps[:-1], walk.steps
                    assert len(walk.steps) >= 2  # nothing holds at the start, so something came first
                    assert independent_check(graph, walk.steps) == [], walk.steps


@pytest.mark.parametrize("domain", sorted(FLOW_CASES))
def test_bfcl_flows_of_the_domain_are_data_edges(domain):
    case = FLOW_CASES[domain]
    graph = ApiGraph.from_domains(case.graphs)
    for producer, consumer, param in case.edges:
        reasons = graph.reasons(producer, consumer)
        assert any(r.kind == "data" and r.param == param for r in reasons), (producer, consumer, param)
    for producer, consumer in case.unlinked:
        assert graph.reasons(producer, consumer) == [], (producer, consumer)


@pytest.mark.parametrize("domain", domain_names())
def test_the_graph_of_a_domain_stays_sparse(domain):
    """A tool feeds fewer than 30% of its domain's tools on average: edges say something."""
    graph = ApiGraph.from_domains(domain)
    assert graph.out_degree(domain) < 0.3 * len(domain_class(domain).spec().tools)
