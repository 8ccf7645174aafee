"""The Environment-API graph: its nodes and edges with reasons, requirements, callable tools in
symbolic and live situations, distances, and seeded walks that respect every prerequisite."""

from __future__ import annotations

import pickle
import random

import pytest

from funreason_envs.calls import ToolCall
from funreason_envs.domains.file_system import FileSystem
from funreason_envs.errors import ConfigError
from funreason_envs.executor import ToolRouter
from funreason_envs.graph import ApiGraph, Reason, Situation, WalkSampler
from funreason_envs.graph.walk import WalkError
from funreason_envs.specs import load_domain_spec
from tests.support.fs_tree import directory, file
from tests.support.graph_helpers import candidate_arguments, make_spec


@pytest.fixture(scope="module")
def graph() -> ApiGraph:
    return ApiGraph.from_domains("file_system")


def test_annotation_graph_has_typed_nodes_and_edges(graph):
    nodes = graph.annotations.nodes
    assert nodes["tool:cat"]["domain"] == "file_system"
    assert nodes["resource:file_name"]["user_supplied"] is True
    assert nodes["resource:number"]["user_supplied"] is False
    assert nodes["condition:file_here"]["kind"] == "condition"
    edges = {(u, v, data["kind"]) for u, v, data in graph.annotations.edges(data=True)}
    assert ("tool:ls", "resource:file_name", "produces") in edges
    assert ("resource:file_name", "tool:cat", "consumes") in edges
    assert ("condition:file_here", "tool:cat", "requires") in edges
    assert ("tool:touch", "condition:file_here", "provides") in edges
    assert ("tool:cd", "condition:file_here", "may_provide") in edges
    assert ("tool:rm", "condition:entry_here", "revokes") in edges


def test_dependency_edges_say_why(graph):
    assert graph.reasons("ls", "cat") == [Reason("data", "file_name", "file_name", True, False)]
    assert graph.reasons("touch", "cat") == [Reason("state", "file_here", None, True, True)]
    assert graph.reasons("cd", "cat") == [Reason("state", "file_here", None, False, True)]
    into_cp = graph.reasons("find", "cp")
    assert {(r.via, r.param) for r in into_cp} == {
        ("file_name", "source"),
        ("directory_name", "source"),
        ("directory_name", "destination"),
    }
    assert graph.reasons("cat", "ls") == []
    assert not graph.dependencies.has_edge("cd", "cat") or all(
        reason.kind == "state" for reason in graph.reasons("cd", "cat")
    )


def test_requirements_and_prerequisites(graph):
    needs = graph.requirements("cat")
    assert [(n.kind, n.options, n.param, n.user_supplied) for n in needs] == [
        ("condition", ("file_here",), None, False),
        ("resource", ("file_name",), "file_name", True),
    ]
    (must,) = graph.prerequisites("cat")
    assert must.providers == ("touch",) and must.possible_providers == ("cd",)
    assert graph.prerequisites("ls") == ()
    (rmdir,) = graph.prerequisites("rmdir")
    assert rmdir.options == ("empty_folder_here",) and rmdir.providers == ("mkdir",)
    with pytest.raises(ConfigError, match="unknown tool 'nope'"):
        graph.prerequisites("nope")


def test_callable_tools_follow_the_called_tools(graph):
    start = graph.callable_tools(graph.situation())
    assert {"ls", "cd", "pwd", "find", "touch", "mkdir", "du"} <= set(start)
    assert not {"cat", "rm", "rmdir", "echo"} & set(start)
    assert "cat" in graph.callable_tools(graph.situation(["touch"]))
    assert "cat" not in graph.callable_tools(graph.situation(["touch", "cd"]))  # cd leaves the file behind
    assert "rmdir" in graph.callable_tools(graph.situation(["mkdir"]))
    assert "rmdir" not in graph.callable_tools(graph.situation(["mkdir", "rmdir"]))


def test_callable_tools_follow_the_live_state(graph):
    fs = FileSystem({"root": {"ws": directory(docs=directory(**{"a.txt": file("x")}), empty=directory())}})
    router = ToolRouter([fs])
    here = graph.callable_tools(graph.situation(domains=[fs]))
    assert "rmdir" in here and "rm" in here and "cat" not in here
    router.run("cd(folder='docs')")
    inside = graph.situation(["cd"], domains=[fs])
    assert inside.conditions == {"file_here", "entry_here"}
    assert {"cat", "tail", "rm"} <= set(graph.callable_tools(inside))
    assert "rmdir" not in graph.callable_tools(inside)


def test_distances(graph):
    assert graph.distance("ls", "cat") == 1
    assert graph.distance("cat", "echo") == 1
    assert graph.distance("ls", "echo") == 1  # ls names the file echo writes to
    assert graph.distance("pwd", "echo") == 2
    assert graph.distance("cat", "ls") is None
    assert graph.distance("cat", "cat") == 0
    assert graph.distances_to("rmdir") == {"rmdir": 0, "cd": 1, "find": 1, "ls": 1, "mkdir": 1, "pwd": 1}


def test_graphs_join_domains_through_shared_resources():
    chat = make_spec(
        "chat",
        [{"name": "send", "parameters": {"type": "object", "properties": {"body": {"type": "string"}}}}],
        resources={"text": "Some text."},
    )
    send = chat.tools[0].model_copy(update={"consumes": {"body": "text"}})
    chat = chat.model_copy(update={"tools": (send,)})
    graph = ApiGraph([load_domain_spec("file_system"), chat])
    assert graph.reasons("cat", "send") == [Reason("data", "text", "body", True, False)]
    assert graph.domains == ["file_system", "chat"]
    assert graph.annotations.nodes["resource:text"]["domains"] == "file_system,chat"


def test_duplicate_tools_and_unknown_domains_are_refused():
    twin = make_spec("twin", [{"name": "ls"}])
    with pytest.raises(ConfigError, match="tool 'ls' is defined by both 'file_system' and 'twin'"):
        ApiGraph([load_domain_spec("file_system"), twin])
    with pytest.raises(ConfigError, match=r"unknown domain\(s\) \['nope'\]"):
        ApiGraph.from_domains("file_system,nope")
    assert ApiGraph.from_domains(["file_system"]).domains == ["file_system"]


def test_walks_are_deterministic_per_seed(graph):
    def walks(seed: int) -> list[tuple[str, ...]]:
        sampler = WalkSampler(graph, seed=seed, gather=0.5, explore=0.3)
        return [sampler.walk(target).steps for target in graph.tools for _ in range(3)]

    assert walks(7) == walks(7)
    assert walks(7) != walks(8)


def test_gathering_fetches_user_suppliable_values(graph):
    steps = WalkSampler(graph, seed=0, gather=1.0).walk("cat").steps
    assert {"ls", "find"} & set(steps[:-1]) and "touch" in steps


def test_walk_reports_an_unreachable_target():
    spec = make_spec(
        "locked",
        [{"name": "open_door", "requires": ["has_key"]}, {"name": "look"}],
        conditions={"has_key": "The key is in hand."},
    )
    sampler = WalkSampler(ApiGraph([spec]), seed=0)
    with pytest.raises(WalkError, match="'open_door' needs has_key, and no callable tool brings that closer"):
        sampler.walk("open_door")
    walk = sampler.walk("open_door", start=Situation(conditions=frozenset({"has_key"})))
    assert walk.steps == ("open_door",)


def test_after_the_target_the_sampler_wanders(graph):
    sampler = WalkSampler(graph, seed=3)
    situation = graph.situation(["touch", "cat"])
    picks = {sampler.choose("cat", situation) for _ in range(40)}
    assert len(picks) > 3 and picks <= set(graph.callable_tools(situation))


@pytest.mark.parametrize("target", ["cat", "tail", "wc", "rm", "rmdir", "mv", "echo", "diff"])
def test_live_walks_execute_for_real(graph, target):
    """Choose with the live state, call with values the state offers: once the sampler picks the
    target, its conditions hold, so some offered arguments make it succeed."""
    config = {
        "root": {
            "ws": directory(
                projects=directory(notes=directory(**{"todo.txt": file("a\nb"), "old.txt": file("b\na")})),
                archive=directory(),
            )
        }
    }
    for seed in range(4):
        fs = FileSystem(config)
        sampler = WalkSampler(graph, seed=seed)
        rng = random.Random(seed)
        situation = graph.situation(domains=[fs])
        for _ in range(12):
            name = sampler.choose(target, situation, hopeful=True)
            tool = graph.tool(name)
            if name == target:
                outcomes = [
                    run_on_copy(fs, name, arguments) for arguments in candidate_arguments(tool, [fs], rng)
                ]
                assert any(outcomes), f"seed {seed}: every offered argument set failed for {target}"
                break
            result = ToolRouter([fs]).execute(ToolCall(name, candidate_arguments(tool, [fs], rng)[0]))
            situation = situation.after_observed(tool, result.value, [fs])
        else:
            pytest.fail(f"seed {seed}: no live walk reached {target}: {situation.called}")


def run_on_copy(fs: FileSystem, name: str, arguments: dict) -> bool:
    copy = pickle.loads(pickle.dumps(fs))
    return ToolRouter([copy]).execute(ToolCall(name, arguments)).ok
