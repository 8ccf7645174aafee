"""`funreason graph`: export the Environment-API graph of some domains as PNG, node-link JSON or GraphML."""

from __future__ import annotations

import argparse
from pathlib import Path

from funreason_envs.errors import ConfigError
from funreason_envs.graph import ApiGraph
from funreason_envs.graph.export import write_graphml, write_json

FORMATS = ("png", "json", "graphml")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domains", default="all", help="'all' or comma-separated domain ids (default: all)")
    parser.add_argument("--format", choices=FORMATS, help="output format (default: from --out's suffix)")
    parser.add_argument("--out", required=True, type=Path, help="file to write")


def run(args: argparse.Namespace) -> int:
    fmt = args.format or args.out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ConfigError(f"cannot tell the format from {str(args.out)!r}; pass --format {'|'.join(FORMATS)}")
    if not args.out.parent.is_dir():
        raise ConfigError(
            f"folder {str(args.out.parent)!r} does not exist; create it or choose another --out"
        )
    graph = ApiGraph.from_domains(args.domains)
    if fmt == "png":
        from funreason_envs.graph.draw import draw_png

        draw_png(graph, args.out)
    elif fmt == "json":
        write_json(graph, args.out)
    else:
        write_graphml(graph, args.out)
    edges = graph.dependencies.number_of_edges()
    print(f"wrote {args.out} ({fmt}): {len(graph.tools)} tools, {edges} tool-to-tool dependencies")
    return 0
