"""The graph against reality: BFCL's ground-truth trajectories, executed here, show which tool results
feed which later arguments; the graph must explain at least 95% of those flows, while staying sparse
(each domain's mean out-degree under 30% of its tool count). Both figures are printed."""

from __future__ import annotations

from collections import Counter

import pytest

from funreason_envs.domains import domain_class
from funreason_envs.executor import ToolRouter
from funreason_envs.graph import ApiGraph
from funreason_envs.graph.flows import ExecutedCall, Flow, coverage, observed_flows
from funreason_envs.jsonutil import copy_json
from tests.support.oracle import CATEGORIES, load_category

MIN_COVERAGE = 0.95
MAX_OUT_DEGREE_SHARE = 0.30
FlowsByCategory = dict[str, tuple[list[Flow], int]]


def ground_truth_flows(category: str) -> tuple[list[Flow], int]:
    """Flows over every entry of a category (executed here), and how many entries that was."""
    flows: list[Flow] = []
    entries = 0
    for entry, turns in load_category(category):
        entries += 1
        config = entry["initial_config"]
        long_context = "long_context" in category
        names = entry["involved_classes"]
        router = ToolRouter(
            [domain_class(name)(config.get(name, {}), long_context=long_context) for name in names]
        )
        executed = []
        for text in (text for turn in turns for text in turn):
            (call,) = router.parse(text)
            result = router.execute(call)
            # a copy, as observed then: tools may return live state that later calls change
            executed.append(ExecutedCall(call.name, call.arguments, copy_json(result.value), result.ok))
        flows.extend(observed_flows(executed))
    return flows, entries


def report(graph: ApiGraph, flows_by_category: FlowsByCategory, title: str) -> tuple[float, list[Flow]]:
    """Print per-category and overall coverage and every kind of flow seen; return the share and misses."""
    lines = []
    every: list[Flow] = []
    for category, (flows, entries) in flows_by_category.items():
        share, _ = coverage(graph, flows)
        lines.append(f"  {category}: {entries} entries, {len(flows)} flows, {share:.1%} covered")
        every.extend(flows)
    share, missed = coverage(graph, every)
    missed_kinds = {(flow.producer, flow.consumer, flow.param) for flow in missed}
    kinds = Counter((flow.producer, flow.consumer, flow.param) for flow in every)
    lines.append(
        f"  all categories: {len(every)} flows of {len(kinds)} kinds (producer -> consumer.parameter)"
    )
    lines.append(f"  observed flows covered by graph edges: {share:.1%} (acceptance >= {MIN_COVERAGE:.0%})")
    for (producer, consumer, param), count in kinds.most_common():
        mark = "MISSED" if (producer, consumer, param) in missed_kinds else "ok"
        lines.append(f"    {count:4d}  {producer} -> {consumer}.{param}  {mark}")
    print(f"\n{title}:\n" + "\n".join(lines))
    return share, missed


@pytest.fixture(scope="module")
def graph() -> ApiGraph:
    return ApiGraph.from_domains("all")


def test_ground_truth_data_flows_are_edges_of_the_graph(graph, capsys):
    flows = {category: ground_truth_flows(category) for category in CATEGORIES}
    for category, (_, entries) in flows.items():
        assert entries == 200, f"{category}: every BFCL entry is executed"
    assert sum(len(found) for found, _ in flows.values()) >= 20, "too few flows to judge the graph"
    with capsys.disabled():
        share, missed = report(graph, flows, "Environment-API graph vs BFCL ground truth")
    assert share >= MIN_COVERAGE, "missed flows:\n" + "\n".join(map(str, missed[:20]))


def test_graph_is_sparse_per_domain(graph, capsys):
    lines = []
    dense = []
    for domain in graph.domains:
        tools = sum(1 for tool in graph.tools.values() if tool.domain == domain)
        degree = graph.out_degree(domain)
        limit = MAX_OUT_DEGREE_SHARE * tools
        lines.append(
            f"  {domain}: mean out-degree {degree:.2f} over {tools} tools (must stay under {limit:.2f})"
        )
        if degree >= limit:
            dense.append(domain)
    with capsys.disabled():
        print("\nEnvironment-API graph out-degree:\n" + "\n".join(lines))
    assert not dense, f"too dense: {dense}"
