"""Exports of the graph (node-link JSON, GraphML, PNG) and the `funreason graph` command."""

from __future__ import annotations

import builtins
import json

import networkx as nx
import pytest

from funreason_envs.cli import main
from funreason_envs.errors import ConfigError
from funreason_envs.graph import ApiGraph
from funreason_envs.graph.draw import _unlinked_note, draw_png
from funreason_envs.graph.export import combined_graph, to_node_link, write_graphml
from funreason_envs.graph.layout import band_of, layout, panel
from funreason_envs.specs import load_domain_spec
from tests.support.graph_helpers import make_spec

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def graph() -> ApiGraph:
    return ApiGraph.from_domains("file_system")


def test_combined_graph_holds_annotations_and_one_edge_per_reason(graph):
    combined = combined_graph(graph)
    reasons = sum(len(r) for *_, r in graph.dependencies.edges(data="reasons"))
    dependency_edges = [d for *_, d in combined.edges(data=True) if d["kind"] in ("data", "state")]
    assert len(dependency_edges) == reasons
    assert combined.number_of_edges() == graph.annotations.number_of_edges() + reasons
    into_cat = [d for u, v, d in combined.edges(data=True) if (u, v) == ("tool:ls", "tool:cat")]
    assert into_cat == [
        {"kind": "data", "via": "file_name", "certain": True, "prerequisite": False, "param": "file_name"}
    ]


def test_node_link_json_round_trips(graph):
    data = json.loads(json.dumps(to_node_link(graph)))
    back = nx.node_link_graph(data, edges="edges")
    combined = combined_graph(graph)
    assert back.is_multigraph() and back.is_directed()
    assert set(back.nodes) == set(combined.nodes)
    assert back.number_of_edges() == combined.number_of_edges()
    assert back.nodes["tool:cat"] == {
        "kind": "tool",
        "name": "cat",
        "domain": "file_system",
        "mutates_state": False,
    }
    assert data["graph"] == {"domains": "file_system"}


def test_graphml_round_trips(graph, tmp_path):
    path = tmp_path / "g.graphml"
    write_graphml(graph, path)
    back = nx.read_graphml(path)
    assert back.number_of_edges() == combined_graph(graph).number_of_edges()
    assert back.nodes["resource:file_name"]["user_supplied"] is True
    kinds = {d["kind"] for *_, d in back.edges(data=True)}
    assert kinds == {
        "produces",
        "consumes",
        "requires",
        "provides",
        "may_provide",
        "revokes",
        "data",
        "state",
    }


def test_png_is_drawn(graph, tmp_path):
    path = tmp_path / "g.png"
    draw_png(graph, path)
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert path.stat().st_size > 50_000  # two panels of labelled nodes, not an empty canvas


def test_png_draws_several_domains_in_bands(tmp_path):
    chat = make_spec(
        "chat",
        [
            {"name": "login", "provides": ["logged_in"]},
            {
                "name": "send",
                "parameters": {
                    "type": "object",
                    "properties": {"body": {"type": "string"}},
                    "required": ["body"],
                },
                "consumes": {"body": "text"},
                "requires": ["logged_in"],
            },
        ],
        resources={"text": "Some text."},
        conditions={"logged_in": "Logged in."},
    )
    graph = ApiGraph([load_domain_spec("file_system"), chat])
    cut = panel(graph.annotations, ("produces", "consumes"))
    plan = layout(cut, graph.domains)
    lowest_fs = max(y for node, (_, y) in plan.at.items() if band_of(cut, node) == "file_system")
    assert plan.at["tool:send"][1] > lowest_fs  # the chat band sits below the file-system band
    # text feeds echo, echo's text feeds send: send sits two tool columns right of text, reached by waypoints
    assert [x for x, _ in plan.routes[("resource:text", "tool:send", 0)]] == [4.0, 5.0]
    draw_png(graph, tmp_path / "two.png")
    assert (tmp_path / "two.png").read_bytes()[:8] == PNG_MAGIC


def test_missing_matplotlib_is_one_clear_error(graph, tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(
        ConfigError, match=r"^drawing a PNG needs matplotlib: pip install 'funreason-envs\[viz\]'"
    ):
        draw_png(graph, tmp_path / "g.png")


@pytest.mark.parametrize("fmt", ["json", "graphml", "png"])
def test_cli_writes_each_format(tmp_path, capsys, fmt):
    out = tmp_path / f"graph.{fmt}"
    assert main(["graph", "--domains", "file_system", "--format", fmt, "--out", str(out)]) == 0
    assert out.stat().st_size > 0
    assert capsys.readouterr().out.startswith(f"wrote {out} ({fmt}): 18 tools, ")


def test_cli_infers_the_format_and_reports_problems(tmp_path, capsys):
    assert main(["graph", "--out", str(tmp_path / "g.json")]) == 0
    assert json.loads((tmp_path / "g.json").read_text())["multigraph"] is True
    assert main(["graph", "--out", str(tmp_path / "g.txt")]) == 2
    assert "cannot tell the format from" in capsys.readouterr().err
    assert main(["graph", "--domains", "nope", "--out", str(tmp_path / "g.json")]) == 2
    assert "unknown domain(s) ['nope']" in capsys.readouterr().err
    assert main(["graph", "--out", str(tmp_path / "missing" / "g.json")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_png_names_the_tools_it_cannot_link(tmp_path):
    idle = make_spec("idle", [{"name": "noop"}, {"name": "wait"}])
    graph = ApiGraph([load_domain_spec("file_system"), idle])
    drawn = set(load_domain_spec("file_system").by_name)
    assert (
        _unlinked_note(graph, drawn)
        == "Not drawn, as no annotation links them to another tool: tools of idle (2)"
    )
    assert _unlinked_note(ApiGraph.from_domains("file_system"), drawn) == ""
    draw_png(graph, tmp_path / "idle.png")
    assert (tmp_path / "idle.png").read_bytes()[:8] == PNG_MAGIC


def test_cli_refuses_outs_it_cannot_write_with_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("")
    for out, expected in [
        ("", "--out is empty"),
        (".", "is a folder"),
        (str(tmp_path), "is a folder"),
        ("afile/x.png", "'afile' is a file, not a folder"),
        ("/proc/nope.png", "cannot write --out '/proc/nope.png'"),
        ("/proc/nope.json", "cannot write --out '/proc/nope.json'"),
    ]:
        assert main(["graph", "--domains", "math", "--format", "json", "--out", out]) == 2, out
        err = capsys.readouterr().err.strip()
        assert expected in err and "\n" not in err and "Traceback" not in err, err
    assert main(["graph", "--domains", "math", "--format", "png", "--out", "/proc/nope.png"]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["afile"]


def test_cli_writes_exactly_the_file_it_names(tmp_path, capsys):
    out = tmp_path / "noext"
    assert main(["graph", "--domains", "math", "--format", "png", "--out", str(out)]) == 0
    assert out.read_bytes()[:8] == PNG_MAGIC and not (tmp_path / "noext.png").exists()
    assert capsys.readouterr().out.startswith(f"wrote {out} (png)")
