"""The spec annotations hold together and hold true: every consumed resource can be had, every declared
resource and condition is used, and the file system's probes agree with requires/provides/revokes over
random sessions."""

from __future__ import annotations

import random

import pytest

from funreason_envs.domains.file_system import FileSystem
from funreason_envs.executor import ToolRouter
from funreason_envs.graph import ApiGraph
from funreason_envs.specs import load_domain_spec
from tests.support.condition_checks import random_session
from tests.support.fs_tree import directory, file
from tests.support.graph_helpers import candidate_arguments


@pytest.fixture(scope="module")
def graph() -> ApiGraph:
    return ApiGraph.from_domains("all")


def test_every_consumed_resource_has_a_producer_or_is_user_supplied(graph):
    produced = {p.resource for tool in graph.tools.values() for p in tool.produces}
    orphans = [
        f"{tool.domain}: {tool.name}.{param}: {kind}"
        for tool in graph.tools.values()
        for param, kinds in tool.consumed.items()
        for kind in kinds
        if kind not in produced and kind not in graph.user_supplied
    ]
    assert not orphans, "consumed but never produced nor user-supplied:\n" + "\n".join(orphans)


def test_every_required_condition_has_a_sure_provider(graph):
    provided = {c for tool in graph.tools.values() for c in tool.provides}
    required = {c for tool in graph.tools.values() for c in tool.requires}
    assert required <= provided, f"no tool surely brings about {sorted(required - provided)}"


def test_declared_vocabulary_is_used(graph):
    for spec in graph.specs:
        used_resources = {kind for tool in spec.tools for kinds in tool.consumed.values() for kind in kinds}
        used_resources |= {p.resource for tool in spec.tools for p in tool.produces}
        used_conditions = {
            c
            for tool in spec.tools
            for c in (*tool.requires, *tool.provides, *tool.may_provide, *tool.revokes)
        }
        assert set(spec.resources) == used_resources, spec.domain
        assert set(spec.conditions) == used_conditions, spec.domain


def test_file_system_probes():
    fs = FileSystem({"root": {"ws": directory(docs=directory(**{"a.txt": file()}), empty=directory())}})
    assert fs.conditions() == {"empty_folder_here", "entry_here"}
    assert fs.available_resources() == {
        "file_name": [],
        "directory_name": ["docs", "empty"],
        "path": [".", "./docs", "./empty"],
    }
    ToolRouter([fs]).run("[cd(folder='docs')]")
    assert fs.conditions() == {"file_here", "entry_here"}
    assert fs.available_resources()["file_name"] == ["a.txt"]
    spec = load_domain_spec("file_system")
    assert fs.conditions() <= set(spec.conditions)
    assert set(fs.available_resources()) <= set(spec.resources)
    assert (
        "conditions" not in FileSystem.tool_table() and "available_resources" not in FileSystem.tool_table()
    )


@pytest.mark.parametrize("seed", range(6))
def test_state_annotations_agree_with_the_probes(seed):
    """Over random calls whose annotated parameters take values the state offers: a call whose
    required condition does not hold fails; after a successful call its `provides` hold; a condition
    that held and is not revoked by the call still holds."""
    rng = random.Random(seed)
    fs = FileSystem(
        {
            "root": {
                "ws": directory(
                    a=directory(b=directory(**{"x.txt": file("1\n2")}), c=directory()),
                    **{"top.txt": file("t")},
                )
            }
        }
    )
    checked = random_session(fs, lambda tool: candidate_arguments(tool, [fs], rng)[0], rng, 250)
    assert len(checked) > 50
