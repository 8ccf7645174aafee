"""The math domain in the Environment-API graph: result types that keep it sparse, and numbers read in
other domains that feed statistics and logarithms. Paths and flow edges of every domain are checked in
test_graph_domains.py."""

from __future__ import annotations

from funreason_envs.domains.math import Math
from funreason_envs.executor import ToolRouter
from funreason_envs.graph import ApiGraph, Situation, extract_values


def test_arbitrary_precision_results_produce_nothing():
    """logarithm and square_root return mpmath/Decimal numbers (printed, not JSON): no value to pass on."""
    router = ToolRouter([Math()])
    for text in ("logarithm(value=100, base=10, precision=5)", "square_root(number=2, precision=6)"):
        (result,) = router.run(text)
        assert result.ok and extract_values(result.value, "result") == []
        assert not Math.tool_table()[result.call.name].spec.produces


def test_every_tool_is_callable_from_nothing():
    graph = ApiGraph.from_domains("math")
    assert graph.callable_tools(Situation()) == list(graph.tools)
    assert not any(tool.requires for tool in graph.tools.values())


def test_numbers_read_elsewhere_feed_math_without_being_prerequisites():
    """wc's count feeds mean and logarithm as a number (the data edges are in test_graph_domains); a user
    may state the number instead, so the edge is no prerequisite."""
    graph = ApiGraph.from_domains("math,file_system")
    for consumer, param in (("mean", "numbers"), ("logarithm", "value")):
        reasons = graph.reasons("wc", consumer)
        assert any(r.kind == "data" and r.via == "number" and r.param == param for r in reasons)
        assert not any(r.prerequisite for r in reasons)


def test_results_feed_only_what_they_make_sense_for():
    graph = ApiGraph.from_domains("math")
    feeds = {name: set(graph.dependencies.successors(name)) for name in graph.tools}
    assert feeds["round_number"] == feeds["logarithm"] == feeds["square_root"] == set()
    # a rounded, converted, divided or percentage figure is only rounded further
    for name in ("si_unit_conversion", "imperial_si_conversion", "divide", "percentage"):
        assert feeds[name] == {"round_number"}, name
    # a unit conversion never takes another conversion's result: the units would not be known
    assert not {"si_unit_conversion", "imperial_si_conversion"} & (
        feeds["si_unit_conversion"] | feeds["imperial_si_conversion"]
    )
    # chains stay short: sums, products and differences do not feed the steps that made them
    for name in ("add", "multiply", "subtract"):
        assert not {"add", "multiply", "subtract"} & feeds[name], name
    assert {"subtract", "divide", "percentage", "round_number"} <= feeds["max_value"]
    assert graph.out_degree("math") < 0.3 * len(Math.spec().tools)
