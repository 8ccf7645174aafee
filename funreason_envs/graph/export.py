"""Write the graph as node-link JSON or GraphML: tool, resource and condition nodes, the annotation
edges between them, and the derived tool -> tool dependency edges (one per reason)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from funreason_envs.graph.api_graph import ApiGraph
from funreason_envs.graph.model import node_id


def combined_graph(graph: ApiGraph) -> nx.MultiDiGraph:
    """The annotation graph plus one `data`/`state` edge per dependency reason between tool nodes."""
    combined = graph.annotations.copy()
    for producer, consumer, reasons in graph.dependencies.edges(data="reasons"):
        for reason in reasons:
            attributes: dict[str, Any] = {
                "kind": reason.kind,
                "via": reason.via,
                "certain": reason.certain,
                "prerequisite": reason.prerequisite,
            }
            if reason.param is not None:
                attributes["param"] = reason.param
            combined.add_edge(node_id("tool", producer), node_id("tool", consumer), **attributes)
    return combined


def to_node_link(graph: ApiGraph) -> dict[str, Any]:
    """networkx's node-link layout (`nx.node_link_graph(data, edges="edges")` reads it back)."""
    combined = combined_graph(graph)
    return {
        "directed": True,
        "multigraph": True,
        "graph": dict(combined.graph),
        "nodes": [{"id": node, **data} for node, data in combined.nodes(data=True)],
        "edges": [
            {"source": source, "target": target, "key": key, **data}
            for source, target, key, data in combined.edges(keys=True, data=True)
        ],
    }


def write_json(graph: ApiGraph, path: str | Path) -> None:
    Path(path).write_text(json.dumps(to_node_link(graph), indent=1) + "\n", encoding="utf-8")


def write_graphml(graph: ApiGraph, path: str | Path) -> None:
    nx.write_graphml(combined_graph(graph), str(path))
