"""Build the two networkx graphs from domain specs.

The annotation graph (`MultiDiGraph`) has tool, resource and condition nodes and one edge per
annotation: tool -produces-> resource -consumes-> tool, condition -requires-> tool, and
tool -provides/may_provide/revokes-> condition. The dependency graph (`DiGraph`) is derived from it:
tools only, an edge `u -> v` whenever something `u` yields is something `v` takes or needs, carrying
every `Reason` for it.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from funreason_envs.errors import ConfigError
from funreason_envs.graph.model import Reason, node_id
from funreason_envs.specs import DomainSpec, ToolSpec

STATE_EFFECTS = ("provides", "may_provide", "revokes")


def check_unique_tools(specs: Sequence[DomainSpec]) -> dict[str, ToolSpec]:
    """Tool name -> spec over all domains; a name defined twice is a configuration error."""
    tools: dict[str, ToolSpec] = {}
    for spec in specs:
        for tool in spec.tools:
            if tool.name in tools:
                raise ConfigError(
                    f"tool {tool.name!r} is defined by both {tools[tool.name].domain!r} and {spec.domain!r}; "
                    "a graph needs tool names that are unique across its domains"
                )
            tools[tool.name] = tool
    return tools


def annotation_graph(specs: Sequence[DomainSpec]) -> nx.MultiDiGraph:
    """Tools, resources and conditions as nodes; every annotation as an edge."""
    graph = nx.MultiDiGraph(domains=",".join(spec.domain for spec in specs))
    supplied = {name for spec in specs for name in spec.user_supplied}
    for spec in specs:
        for kind, vocabulary in (("resource", spec.resources), ("condition", spec.conditions)):
            for name, meaning in vocabulary.items():
                node = node_id(kind, name)
                if node in graph:
                    graph.nodes[node]["domains"] += f",{spec.domain}"
                    continue
                graph.add_node(node, kind=kind, name=name, description=meaning, domains=spec.domain)
                if kind == "resource":
                    graph.nodes[node]["user_supplied"] = name in supplied
    for spec in specs:
        for tool in spec.tools:
            _add_tool(graph, tool)
    return graph


def _add_tool(graph: nx.MultiDiGraph, tool: ToolSpec) -> None:
    here = node_id("tool", tool.name)
    graph.add_node(here, kind="tool", name=tool.name, domain=tool.domain, mutates_state=tool.mutates_state)
    for produced in tool.produces:
        graph.add_edge(here, node_id("resource", produced.resource), kind="produces", at=produced.at)
    for param, types in tool.consumed.items():
        for resource in types:
            graph.add_edge(
                node_id("resource", resource),
                here,
                kind="consumes",
                param=param,
                required=param in tool.required,
            )
    for condition in tool.requires:
        graph.add_edge(node_id("condition", condition), here, kind="requires")
    for effect in STATE_EFFECTS:
        for condition in getattr(tool, effect):
            graph.add_edge(here, node_id("condition", condition), kind=effect)


def dependency_graph(annotations: nx.MultiDiGraph) -> nx.DiGraph:
    """Tool -> tool edges with their reasons, derived from the annotation graph."""
    graph = nx.DiGraph()
    for _, data in annotations.nodes(data=True):
        if data["kind"] == "tool":
            graph.add_node(data["name"], domain=data["domain"])
    for node, data in annotations.nodes(data=True):
        if data["kind"] == "resource":
            _link_resource(graph, annotations, node, data)
        elif data["kind"] == "condition":
            _link_condition(graph, annotations, node, data)
    return graph


def _link_resource(graph: nx.DiGraph, annotations: nx.MultiDiGraph, node: str, data: dict) -> None:
    producers = {annotations.nodes[u]["name"] for u, _ in annotations.in_edges(node)}
    for _, consumer, edge in annotations.out_edges(node, data=True):
        consumer_tool = annotations.nodes[consumer]["name"]
        # A user can state the value, or another accepted type can: then no single producer is a must.
        prerequisite = edge["required"] and not _suppliable(annotations, consumer, edge["param"])
        for producer in sorted(producers):
            reason = Reason("data", data["name"], edge["param"], certain=True, prerequisite=prerequisite)
            _add_reason(graph, producer, consumer_tool, reason)


def _suppliable(annotations: nx.MultiDiGraph, tool_node: str, param: str) -> bool:
    """True when some resource type the parameter accepts may be stated by a user."""
    return any(
        annotations.nodes[resource].get("user_supplied", False)
        for resource, _, edge in annotations.in_edges(tool_node, data=True)
        if edge["kind"] == "consumes" and edge["param"] == param
    )


def _link_condition(graph: nx.DiGraph, annotations: nx.MultiDiGraph, node: str, data: dict) -> None:
    providers = [
        (annotations.nodes[u]["name"], kind == "provides")
        for u, _, kind in annotations.in_edges(node, data="kind")
        if kind in ("provides", "may_provide")
    ]
    for _, consumer, kind in annotations.out_edges(node, data="kind"):
        if kind != "requires":
            continue
        for producer, certain in sorted(providers):
            reason = Reason("state", data["name"], None, certain=certain, prerequisite=True)
            _add_reason(graph, producer, annotations.nodes[consumer]["name"], reason)


def _add_reason(graph: nx.DiGraph, producer: str, consumer: str, reason: Reason) -> None:
    if graph.has_edge(producer, consumer):
        reasons = graph.edges[producer, consumer]["reasons"]
        if reason not in reasons:
            reasons.append(reason)
    else:
        graph.add_edge(producer, consumer, reasons=[reason])
