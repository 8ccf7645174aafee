"""Reading values out of results (`at` paths) and finding data flows in executed trajectories."""

from __future__ import annotations

import pytest

from funreason_envs.graph import ApiGraph, extract_values
from funreason_envs.graph.flows import ExecutedCall, Flow, coverage, is_trivial, observed_flows

RESULT = {
    "orders": [{"id": 7, "tags": ["a", "b"]}, {"id": 9, "tags": ["b"]}],
    "by_user": {"USR1": {"name": "Ann"}, "USR2": {"name": "Bo"}},
    "path": "./docs/old/a.txt",
    "text": "one\n\ntwo\n",
    "flag": True,
}


@pytest.mark.parametrize(
    ("at", "values"),
    [
        ("orders[].id", [7, 9]),
        ("orders[].tags[]", ["a", "b"]),
        ("by_user{}", ["USR1", "USR2"]),
        ("path|parts", ["docs", "old", "a.txt"]),
        ("text|lines", ["one", "two"]),
        ("path", ["./docs/old/a.txt"]),
        ("flag", []),
        ("missing.key", []),
        ("orders", []),
    ],
)
def test_extract_values(at, values):
    assert extract_values(RESULT, at) == values


def test_extract_values_from_bare_results():
    assert extract_values(["x", "y", "x"], "[]") == ["x", "y"]
    assert extract_values({"a": 1}, "{}") == ["a"]
    assert extract_values("plain", "") == ["plain"]
    assert extract_values(None, "a") == []
    assert extract_values({"error": "no"}, "file_content") == []


@pytest.mark.parametrize(
    ("value", "trivial"),
    [
        (None, True),
        (True, True),
        (3, True),
        (-10, True),
        (10.0, True),
        (11, False),
        (2.5, False),
        ("l", True),
        ("..", True),
        ("./", True),
        ("ab", False),
        ("report.txt", False),
    ],
)
def test_trivial_values(value, trivial):
    assert is_trivial(value) is trivial


def test_flows_take_the_most_recent_producer_and_skip_failures():
    calls = [
        ExecutedCall("ls", {}, {"current_directory_content": ["docs", "a.txt"]}),
        ExecutedCall("find", {"name": "a"}, {"matches": ["./docs/a.txt"]}),
        ExecutedCall("cat", {"file_name": "missing.txt"}, {"error": "cat: 'missing.txt': nope"}, ok=False),
        ExecutedCall("cat", {"file_name": "a.txt"}, {"file_content": "alpha\nbeta"}),
        ExecutedCall("cd", {"folder": "docs"}, {"current_working_directory": "docs"}),
        ExecutedCall("echo", {"content": "beta", "file_name": "missing.txt"}, None),
        ExecutedCall("tail", {"file_name": "a.txt", "lines": 2}, {"last_lines": "beta"}),
    ]
    assert observed_flows(calls) == [
        Flow("find", "cat", "file_name", "a.txt"),
        Flow("find", "cd", "folder", "docs"),
        Flow("cat", "echo", "content", "beta"),
        Flow("find", "tail", "file_name", "a.txt"),
    ]


def test_flows_look_inside_list_and_dict_arguments():
    calls = [
        ExecutedCall("get", {}, {"values": [12.5, 40]}),
        ExecutedCall("mean", {"numbers": [12.5, 40, 3]}, {"result": 17}),
        ExecutedCall("edit", {"updates": {"title": "x", "score": 17}}, {}),
    ]
    assert observed_flows(calls) == [
        Flow("get", "mean", "numbers", 12.5),
        Flow("get", "mean", "numbers", 40),
        Flow("mean", "edit", "updates", 17),
    ]


def test_coverage_needs_a_data_edge_into_the_same_parameter():
    graph = ApiGraph.from_domains("file_system")
    explained = Flow("ls", "cat", "file_name", "a.txt")
    wrong_param = Flow("ls", "echo", "content", "a.txt")  # ls feeds echo's file_name, not its content
    no_edge = Flow("cat", "ls", "a", "x")
    share, missed = coverage(graph, [explained, wrong_param, no_edge])
    assert share == pytest.approx(1 / 3)
    assert missed == [wrong_param, no_edge]
    assert coverage(graph, []) == (1.0, [])
