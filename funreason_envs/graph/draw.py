"""Draw the graph as a PNG with matplotlib (the optional `viz` extra, imported lazily).

Two panels side by side: data (which tool's result feeds which tool's parameter, through resource
ovals) and state (which tool brings about the condition another requires, through yellow tags).
Tools are boxes coloured by domain; solid blue arrows carry data, dashed orange ones sure state
effects, dotted ones effects a tool may have. Left out of the picture (but in the JSON and GraphML
exports): `revokes`, and values or states that link no two tools (such as names only a user states).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import networkx as nx

from funreason_envs.errors import ConfigError
from funreason_envs.graph.api_graph import ApiGraph
from funreason_envs.graph.layout import Layout, layout, panel

DOMAIN_COLOURS = ("#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6", "#fb9a99", "#ffff99", "#8dd3c7", "#d9d9d9")
DATA_BLUE = "#1f5fa8"
STATE_ORANGE = "#d95f02"
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "produces": {"color": DATA_BLUE, "linestyle": "-", "linewidth": 1.2},
    "consumes": {"color": DATA_BLUE, "linestyle": "-", "linewidth": 1.2},
    "provides": {"color": STATE_ORANGE, "linestyle": "--", "linewidth": 1.3},
    "requires": {"color": STATE_ORANGE, "linestyle": "--", "linewidth": 1.3},
    "may_provide": {"color": "#e6a86b", "linestyle": ":", "linewidth": 1.4},
}
PANELS = (
    ("Data: a result's values feed a parameter", ("produces", "consumes")),
    ("State: a call brings about what another requires", ("provides", "may_provide", "requires")),
)
LEGEND = (
    ("tool produces / parameter consumes a value", "produces"),
    ("tool provides / requires a state", "provides"),
    ("tool may bring a state about", "may_provide"),
)
COLUMN_INCHES = 2.0
ROW_INCHES = 0.5
DPI = 150


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ConfigError(
            "drawing a PNG needs matplotlib: pip install 'funreason-envs[viz]' "
            "(or choose --format json or graphml)"
        ) from None
    return plt


def draw_png(graph: ApiGraph, path: str | Path) -> None:
    """Render the graph's data and state panels to a PNG file at `path`."""
    plt = _pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    cuts = [(title, panel(graph.annotations, kinds)) for title, kinds in PANELS]
    laid = [(title, cut, layout(cut, graph.domains)) for title, cut in cuts if cut]
    spans = [_span(plan) for _, _, plan in laid]
    widths = [right - left + 1 for left, right, _ in spans]
    height = max(bottom for _, _, bottom in spans) + 1
    for (_, _, plan), (_, _, bottom) in zip(laid, spans, strict=True):
        _stretch(plan, (height - 1) / max(bottom, 1))  # shorter panels get more room between rows
    figure, axes_list = plt.subplots(
        1,
        len(laid),
        figsize=(max(9.0, sum(widths) * COLUMN_INCHES), max(5.0, height * ROW_INCHES + 1.8)),
        gridspec_kw={"width_ratios": widths},
        squeeze=False,
    )
    colours = {domain: DOMAIN_COLOURS[i % len(DOMAIN_COLOURS)] for i, domain in enumerate(graph.domains)}
    for axes, (title, cut, plan), (left, right, _) in zip(axes_list[0], laid, spans, strict=True):
        axes.set_xlim(left - 0.7, right + 0.7)
        axes.set_ylim(height, -1.0)
        axes.axis("off")
        axes.set_title(title, fontsize=12)
        _draw_panel(axes, cut, plan, colours)
    drawn = {
        cut.nodes[node]["name"] for _, cut, _ in laid for node in cut if cut.nodes[node]["kind"] == "tool"
    }
    shown = [domain for domain in graph.domains if any(graph.tools[name].domain == domain for name in drawn)]
    handles = [Line2D([0], [0], **EDGE_STYLES[kind], label=text) for text, kind in LEGEND]
    handles += [Patch(facecolor=colours[d], edgecolor="#333333", label=f"tool: {d}") for d in shown]
    handles += [
        Patch(facecolor="white", edgecolor=DATA_BLUE, label="resource (a value)"),
        Patch(facecolor="#fff3c4", edgecolor=STATE_ORANGE, label="condition (a state)"),
    ]
    note = _unlinked_note(graph, drawn)
    bottom = 0.03 if note else 0.0
    figure.legend(
        handles=handles, loc="lower center", bbox_to_anchor=(0.5, bottom), ncol=4, frameon=False, fontsize=9
    )
    if note:
        figure.text(0.5, 0.005, note, ha="center", va="bottom", fontsize=9, style="italic")
    title = f"Environment-API graph: {', '.join(graph.domains)} ({len(graph.tools)} tools)"
    figure.suptitle(title, fontsize=14)
    figure.tight_layout(rect=(0, 0.07 + bottom, 1, 0.97))
    figure.savefig(path, dpi=DPI, format="png")  # exactly `path`: no suffix is added
    plt.close(figure)


def _unlinked_note(graph: ApiGraph, drawn: set[str]) -> str:
    """A line naming, per domain, how many tools no annotation links (they are not drawn)."""
    counts: dict[str, int] = {}
    for name, tool in graph.tools.items():
        if name not in drawn:
            counts[tool.domain] = counts.get(tool.domain, 0) + 1
    if not counts:
        return ""
    parts = ", ".join(f"{domain} ({count})" for domain, count in counts.items())
    return f"Not drawn, as no annotation links them to another tool: tools of {parts}"


def _span(plan: Layout) -> tuple[float, float, float]:
    points = [*plan.at.values(), *(xy for route in plan.routes.values() for xy in route)]
    xs = [x for x, _ in points]
    return min(xs), max(xs), max(y for _, y in points)


def _stretch(plan: Layout, scale: float) -> None:
    plan.at = {node: (x, y * scale) for node, (x, y) in plan.at.items()}
    plan.routes = {edge: [(x, y * scale) for x, y in route] for edge, route in plan.routes.items()}


def _draw_panel(axes: Any, cut: nx.MultiDiGraph, plan: Layout, colours: dict[str, str]) -> None:
    labels = {node: _label(axes, cut, node, xy, colours, zorder=3) for node, xy in plan.at.items()}
    for source, target, key, kind in cut.edges(keys=True, data="kind"):
        style = EDGE_STYLES[kind]
        route = plan.routes[(source, target, key)]
        if not route:
            _arrow(axes, labels[source], labels[target], plan.at[source], plan.at[target], style)
            continue
        axes.add_patch(_smooth_path([plan.at[source], *route, plan.at[target]], style))
        (x1, y1), (x2, y2) = route[-1], plan.at[target]
        _arrow(axes, None, labels[target], ((x1 + x2) / 2, (y1 + y2) / 2), (x2, y2), style)  # the head
    for node, xy in plan.at.items():  # again above the arrows, so a line passing behind a label stays hidden
        _label(axes, cut, node, xy, colours, zorder=5)


def _label(
    axes: Any, cut: nx.MultiDiGraph, node: str, xy: tuple[float, float], colours: dict[str, str], zorder: int
) -> Any:
    data = cut.nodes[node]
    text = {"ha": "center", "va": "center", "zorder": zorder}
    if data["kind"] == "tool":
        box = {"boxstyle": "round,pad=0.35", "facecolor": colours[data["domain"]], "edgecolor": "#333333"}
        return axes.text(*xy, data["name"], fontsize=10, weight="bold", bbox=box, **text)
    if data["kind"] == "resource":
        box = {"boxstyle": "round,pad=0.3,rounding_size=0.8", "facecolor": "white", "edgecolor": DATA_BLUE}
        return axes.text(*xy, data["name"], fontsize=9, style="italic", bbox=box, **text)
    box = {"boxstyle": "round4,pad=0.3", "facecolor": "#fff3c4", "edgecolor": STATE_ORANGE}
    return axes.text(*xy, data["name"], fontsize=9, bbox=box, **text)


def _smooth_path(points: list[tuple[float, float]], style: dict) -> Any:
    """A curve through the midpoints between `points`, bending at each inner point; the first and
    last legs are straight (the labels drawn on top hide the parts inside their boxes)."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as CurvePath

    middles = [((x1 + x2) / 2, (y1 + y2) / 2) for (x1, y1), (x2, y2) in itertools.pairwise(points)]
    vertices = [points[0], middles[0]]
    codes = [CurvePath.MOVETO, CurvePath.LINETO]
    for corner, middle in zip(points[1:-1], middles[1:], strict=True):
        vertices += [corner, middle]
        codes += [CurvePath.CURVE3, CurvePath.CURVE3]
    vertices.append(points[-1])
    codes.append(CurvePath.LINETO)
    return PathPatch(CurvePath(vertices, codes), fill=False, zorder=4, **style)


def _arrow(
    axes: Any,
    start: Any,
    end: Any,
    xy_start: tuple[float, float],
    xy_end: tuple[float, float],
    style: dict,
) -> None:
    """A line from one label (or waypoint, when None) to another, clipped at the labels' boxes."""
    bend = 0.35 if start is not None and end is not None and xy_end[0] <= xy_start[0] else 0.0
    axes.annotate(
        "",
        xy=xy_end,
        xytext=xy_start,
        zorder=4,  # after the first labels, whose boxes (placed when drawn) clip the arrows' ends
        arrowprops={
            "arrowstyle": "-|>",
            "mutation_scale": 11,
            "connectionstyle": f"arc3,rad={bend}",
            "patchA": start.get_bbox_patch() if start is not None else None,
            "patchB": end.get_bbox_patch() if end is not None else None,
            "shrinkA": 1 if start is not None else 0,
            "shrinkB": 1 if end is not None else 0,
            **style,
        },
    )
