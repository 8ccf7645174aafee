"""Positions for drawing part of the annotation graph: domains in bands, dependencies left to right.

A panel is the annotation graph cut down to some edge kinds (data: produces/consumes; state:
provides/may_provide/requires). A tool's column is the longest chain of sure links leading to it
in the panel; a resource or condition sits in the column just before its first taker. An edge that
skips columns gets a waypoint in each. Rows are ordered by the mean height of each node's
neighbours, sweeping left and right, to cut crossings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

SWEEPS = 8
BAND_GAP = 1.5
WAYPOINT = "~"
WAYPOINT_ROOM = 0.4
WAYPOINT_GAP = 0.6
GIVING = ("produces", "provides", "may_provide")
TAKING = ("consumes", "requires")


def panel(annotations: nx.MultiDiGraph, kinds: Sequence[str]) -> nx.MultiDiGraph:
    """The annotation graph cut to edges of `kinds` through resources or conditions that link tools.

    A value or state that no tool gives, or none takes, links nothing (such as a name only a user
    states); it and its edges are left out, and so are tools left without edges.
    """
    cut = nx.MultiDiGraph()
    for middle, kind in annotations.nodes(data="kind"):
        if kind == "tool":
            continue
        given = [(u, m, d) for u, m, d in annotations.in_edges(middle, data=True) if d["kind"] in kinds]
        taken = [(m, v, d) for m, v, d in annotations.out_edges(middle, data=True) if d["kind"] in kinds]
        if not (any(d["kind"] in GIVING for *_, d in given) and any(d["kind"] in TAKING for *_, d in taken)):
            continue
        for source, target, data in given + taken:
            for node in (source, target):
                cut.add_node(node, **annotations.nodes[node])
            cut.add_edge(source, target, **data)
    return cut


def tool_depths(cut: nx.MultiDiGraph) -> dict[str, int]:
    """Tool node -> longest chain of sure links (tool -> value or state -> tool) ending at it."""
    links = nx.DiGraph()
    links.add_nodes_from(node for node, kind in cut.nodes(data="kind") if kind == "tool")
    for middle, kind in cut.nodes(data="kind"):
        if kind == "tool":
            continue
        givers = [u for u, _, k in cut.in_edges(middle, data="kind") if k in ("produces", "provides")]
        takers = [v for _, v, k in cut.out_edges(middle, data="kind") if k in TAKING]
        links.add_edges_from((u, v) for u in givers for v in takers if u != v)
    condensed = nx.condensation(links)
    depth: dict[int, int] = {}
    for component in nx.topological_sort(condensed):
        depth[component] = max((depth[p] + 1 for p in condensed.predecessors(component)), default=0)
    return {tool: depth[condensed.graph["mapping"][tool]] for tool in links}


def columns(cut: nx.MultiDiGraph) -> dict[str, int]:
    """Node -> column: tools on even columns, resources and conditions on odd ones between them."""
    column = {tool: 2 * depth for tool, depth in tool_depths(cut).items()}
    for node, kind in cut.nodes(data="kind"):
        if kind == "tool":
            continue
        takers = [column[v] for _, v, k in cut.out_edges(node, data="kind") if k in TAKING]
        givers = [column[u] for u, _, k in cut.in_edges(node, data="kind") if k in GIVING]
        place = min(takers) - 1 if takers else min(givers, default=0) + 1
        column[node] = max(place, min(givers) + 1) if givers else place
    return column


def band_of(cut: nx.MultiDiGraph, node: str) -> str:
    """The domain a node is drawn with: its tool's domain, or the first domain declaring it."""
    data = cut.nodes[node]
    return data["domain"] if data["kind"] == "tool" else data["domains"].split(",")[0]


@dataclass
class Layout:
    """Where to draw: each node's (x, y), and the waypoints of each edge that skips columns.

    An edge spanning several columns passes through one waypoint per column in between; waypoints
    take rows like nodes do, so such an edge never runs behind another node's label.
    """

    at: dict[str, tuple[float, float]]
    routes: dict[tuple[str, str, int], list[tuple[float, float]]]


def layout(cut: nx.MultiDiGraph, domains: Sequence[str]) -> Layout:
    """Lay the panel out; y grows downwards band by band, in domain order."""
    column = columns(cut)
    band = {node: band_of(cut, node) for node in cut}
    links = nx.Graph()
    links.add_nodes_from(cut)
    chains: dict[tuple[str, str, int], list[str]] = {}
    for source, target, key in cut.edges(keys=True):
        skipped = range(column[source] + 1, column[target])
        waypoints = [f"{WAYPOINT}{source}>{target}:{key}:{col}" for col in skipped]
        for waypoint, col in zip(waypoints, skipped, strict=True):
            column[waypoint] = col
            band[waypoint] = band[target]
        nx.add_path(links, [source, *waypoints, target])
        chains[(source, target, key)] = waypoints
    placed: dict[str, tuple[float, float]] = {}
    top = 0.0
    for domain in domains:
        by_column: dict[int, list[str]] = defaultdict(list)
        for node in sorted(links):
            if band[node] == domain:
                by_column[column[node]].append(node)
        if not by_column:
            continue
        height = max(_stack_height(nodes) for nodes in by_column.values())
        _order_rows(by_column, links, height)
        placed.update(_rows(by_column, height, top))
        top += height + BAND_GAP
    routes = {edge: [placed[waypoint] for waypoint in waypoints] for edge, waypoints in chains.items()}
    return Layout({node: placed[node] for node in cut}, routes)


def _rows(by_column: dict[int, list[str]], height: float, top: float = 0.0) -> dict[str, tuple[float, float]]:
    """Each column's nodes stacked from `top`, centred on the band's height."""
    placed = {}
    for col, nodes in by_column.items():
        for node, y in zip(nodes, _offsets(nodes), strict=True):
            placed[node] = (float(col), top + (height - _stack_height(nodes)) / 2 + y)
    return placed


def _offsets(nodes: list[str]) -> list[float]:
    """Centre heights down a column: a label takes a row, a waypoint less, with a gap between the two
    so a line passing a label never seems to leave it."""
    offsets, y, previous = [], 0.0, None
    for node in nodes:
        waypoint = node.startswith(WAYPOINT)
        room = WAYPOINT_ROOM if waypoint else 1.0
        if previous is not None and previous != waypoint:
            y += WAYPOINT_GAP
        offsets.append(y + room / 2)
        y += room
        previous = waypoint
    return offsets


def _stack_height(nodes: list[str]) -> float:
    offsets = _offsets(nodes)
    last = nodes[-1].startswith(WAYPOINT) if nodes else False
    return offsets[-1] + (WAYPOINT_ROOM if last else 1.0) / 2 if nodes else 0.0


def _order_rows(by_column: dict[int, list[str]], undirected: nx.Graph, height: float) -> None:
    """Reorder each column's nodes in place by the mean height of their neighbours in other columns."""
    ordered = sorted(by_column)
    for sweep in range(SWEEPS):
        for col in ordered if sweep % 2 == 0 else reversed(ordered):
            placed = _rows(by_column, height)
            here = set(by_column[col])

            def mean_y(node: str, placed: dict = placed, here: set = here) -> float:
                near = [placed[n][1] for n in undirected.neighbors(node) if n in placed and n not in here]
                return sum(near) / len(near) if near else placed[node][1]

            by_column[col].sort(key=mean_y)
