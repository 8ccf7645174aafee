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
    parser.add_argument("--out", required=True, help="file to write (exactly this name; no suffix is added)")


def output_file(text: str) -> Path:
    """The file `--out` names, refused with one line if it cannot be one (empty, a folder, no parent)."""
    if not text.strip():
        raise ConfigError("--out is empty; name the file to write, e.g. --out graph.png")
    out = Path(text)
    if out.is_dir():
        example = str(out / "graph.png")
        raise ConfigError(f"--out {text!r} is a folder; name a file inside it, e.g. {example!r}")
    if not out.parent.exists():
        raise ConfigError(f"folder {str(out.parent)!r} does not exist; create it or choose another --out")
    if not out.parent.is_dir():
        raise ConfigError(f"--out {text!r}: {str(out.parent)!r} is a file, not a folder; choose another")
    return out


def run(args: argparse.Namespace) -> int:
    out = output_file(args.out)
    fmt = args.format or out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ConfigError(f"cannot tell the format from {str(out)!r}; pass --format {'|'.join(FORMATS)}")
    graph = ApiGraph.from_domains(args.domains)
    try:
        if fmt == "png":
            from funreason_envs.graph.draw import draw_png

            draw_png(graph, out)
        elif fmt == "json":
            write_json(graph, out)
        else:
            write_graphml(graph, out)
    except OSError as exc:
        raise ConfigError(
            f"cannot write --out {str(out)!r}: {exc.strerror or exc}; choose a place you can write to"
        ) from None
    edges = graph.dependencies.number_of_edges()
    print(f"wrote {out} ({fmt}): {len(graph.tools)} tools, {edges} tool-to-tool dependencies")
    return 0
