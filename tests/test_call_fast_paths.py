"""The per-call shortcuts give what the plain paths give: one routine that runs every call and builds its
result slot by slot, results whose static parts are rendered once, and pure tool computations
remembered per argument."""

from __future__ import annotations

import json
import math
import pickle
from datetime import timedelta
from typing import Any

import pytest

from funreason_envs.calls import ToolCall
from funreason_envs.domains.math import Math, _logarithm
from funreason_envs.domains.trading import (
    CLOCK,
    SECONDS_PER_DAY,
    STAMP_FORMAT,
    Trading,
    _long_watchlist,
    _stamp,
)
from funreason_envs.domains.travel import Travel, _multiplier, fare_multiplier
from funreason_envs.domains.vehicle import Vehicle
from funreason_envs.executor import ToolResult
from funreason_envs.jsonutil import RenderedDict, prerendered, serialize_result, with_rendered_tail
from funreason_envs.session import Session


class _Odd(float):
    def __repr__(self) -> str:
        return "odd"


def _circular() -> dict[str, Any]:
    value: dict[str, Any] = {}
    value["self"] = value
    return value


RESULT_VALUES = [
    {"a": 1, "b": [1.5, None, True], "c": {"d": "é"}},
    {"error": "no such thing"},
    {},
    {1: "int key", None: "none key"},
    {"object": object()},
    {"subclass": _Odd(1.25)},
    {"nan": float("nan")},
    {"big": 10**5000},  # no text: the call fails, the step goes on
    _circular(),
    RenderedDict({"a": 1}, '{"a": 1}'),
    ["a", 1],
    "text",
    None,
    3.5,
]


def _plain_result(call: ToolCall, value: Any) -> ToolResult:
    """What running a tool that returned `value` gives, computed the plain way."""
    status = "error" if type(value) is dict and "error" in value else "ok"
    try:
        return ToolResult(call, serialize_result(value), status, value)
    except Exception as exc:
        return ToolResult(call, f"Error during execution: the result cannot be shown: {exc}", "error")


def _same(ran: ToolResult, expected: ToolResult) -> bool:
    return (ran.call, ran.content, ran.status) == (expected.call, expected.content, expected.status) and (
        ran.value is expected.value
    )


@pytest.mark.parametrize("index", range(len(RESULT_VALUES)))
def test_a_call_runs_to_the_result_the_plain_construction_gives(index: int):
    value = RESULT_VALUES[index]
    router = Session.for_domains(["math"], {}).router
    call = ToolCall("mean", {"numbers": [1]}, "c1")
    ran = router._run(call, 0, lambda instance, **arguments: value)
    assert type(ran) is ToolResult and _same(ran, _plain_result(call, value))
    assert router.take_touched() == {0}


def test_a_failing_tool_gives_the_error_result():
    router = Session.for_domains(["math"], {}).router

    def failing(instance: Any, **arguments: Any) -> Any:
        raise KeyError("gone")

    call = ToolCall("mean")
    assert router._run(call, 0, failing) == ToolResult(call, "Error during execution: 'gone'", "error")


CALL_TEXTS = [
    "pwd()",
    "cd(folder='document')",
    "[mkdir(dir_name='a'), cd(folder='a'), pwd()]",
    "cat(file_name=3)",
    "no_such_tool()",
    "send_message(receiver_id='USR002', message='x')",
    "mean(numbers=[1, 2])",
    '{"name": "mean", "arguments": {"numbers": [3]}, "id": "given"}',
    "[ls(), no_such_tool(), pwd()]",
]


@pytest.mark.parametrize("visible", [None, {"pwd", "ls", "mean", "mkdir"}])
@pytest.mark.parametrize("lenient", [False, True])
def test_call_text_runs_one_and_several_calls_as_parsed_calls_execute(
    lenient: bool, visible: set[str] | None
):
    domains = ["file_system", "message", "math"]
    fast = Session.for_domains(domains, {}, lenient=lenient)
    plain = Session.for_domains(domains, {}, lenient=lenient)
    for text in CALL_TEXTS:
        ran = fast.run(text, visible)
        executed = plain.execute(plain.parse(text), visible)
        assert all(type(result) is ToolResult and type(result.call) is ToolCall for result in ran)
        assert [pickle.loads(pickle.dumps(result.call)) for result in ran] == [r.call for r in executed]
        assert [(r.call, r.content, r.status, r.value) for r in ran] == [
            (r.call, r.content, r.status, r.value) for r in executed
        ]
    assert fast.results == plain.results and fast.state() == plain.state()


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        ([], ("A", "B")),
        (["NVDA"], ("A", "B")),
        (["it's", 'say "x"', "é\n", ""], ("A",)),
        (["NVDA"], ()),
        ([], ()),
        ([1, "x"], ("A",)),  # not all strings: the plain list
        ("ab", ("A",)),  # any iterable head, as `[*head, *tail]` takes it
    ],
)
def test_a_list_with_a_rendered_tail_is_the_list_and_prints_as_it(head: Any, tail: tuple[str, ...]):
    listed = with_rendered_tail(head, tail, ", ".join(map(repr, tail)))
    assert listed == [*head, *tail] and isinstance(listed, list)
    assert serialize_result(listed) == str([*head, *tail])


def test_the_long_watchlist_is_the_plain_list_and_prints_as_it():
    trading = Trading({"authenticated": True, "watch_list": ["NVDA", "it's"]}, long_context=True)
    watchlist = trading.get_watchlist()
    assert watchlist == ["NVDA", "it's", *_long_watchlist()]
    assert serialize_result(watchlist) == str(list(watchlist))


@pytest.mark.parametrize(
    "value",
    [
        {"price": 1.5, "name": 'é"x', "big": "STATIC", "flag": True, "none": None},
        {"big": "STATIC", "nested": {"a": [1, 2.5]}, "nan": float("nan"), "subclass": _Odd(2.0)},
        {"big": "STATIC", "object": object()},  # not JSON: the plain dict
        {"big": "STATIC", "circular": _circular()},
        {"big": "STATIC", "error": "x"},
        {1: "x", "big": "STATIC"},
    ],
)
def test_a_prerendered_result_renders_as_json_dumps_renders_its_plain_dict(value: dict[Any, Any]):
    static = ["one", 2.0, {"three": None}]
    rendered = prerendered({**value, "big": static}, {"big": json.dumps(static)})
    assert rendered == {**value, "big": static}
    expected = _plain_result(ToolCall("x"), dict(rendered)).content
    assert serialize_result(rendered) == expected
    plain_json = all(type(key) is str for key in value) and "error" not in value
    assert (type(rendered) is RenderedDict) == (
        plain_json and "object" not in value and "circular" not in value
    )


@pytest.mark.parametrize(
    ("travel_date", "travel_class"),
    [
        ("2024-11-15", "business"),
        ("2024-11-16", "first"),
        ("", "economy"),
        ("2024-11-15", "nope"),
        (20241115, "first"),
        ("2024", 3),
    ],
)
def test_a_remembered_fare_multiplier_is_the_computed_one(travel_date: Any, travel_class: Any):
    def outcome(function: Any) -> Any:
        try:
            return function(travel_date, travel_class)
        except Exception as exc:
            return type(exc), str(exc)

    assert outcome(fare_multiplier) == outcome(_multiplier)
    assert outcome(fare_multiplier) == outcome(fare_multiplier)  # asked again: remembered


@pytest.mark.parametrize(
    ("value", "base", "precision"),
    [
        (100, 10, 10),
        (100.0, 10, 10),
        (2, 3.5, 30),
        (True, 10, 5),
        (-8, 2, 12),
        (0, 10, 5),
        (8, 2, 5.0),
        (8, 1, 10),
        ("8", 2, 10),
        (8, 2, -1),
        (math.inf, 2, 10),
        (float("nan"), 2, 10),
    ],
)
def test_a_remembered_logarithm_is_the_computed_one(value: Any, base: Any, precision: Any):
    math_domain = Math({})
    first, again = (
        math_domain.logarithm(value, base, precision),
        math_domain.logarithm(value, base, precision),
    )
    try:
        expected: Any = {"result": _logarithm(value, base, precision)}
    except Exception as exc:
        expected = {"error": str(exc)}
    for result in (first, again):
        assert serialize_result(result) == serialize_result(expected)
        assert repr(result) == repr(expected)


def test_long_results_with_static_parts_print_as_their_plain_values():
    vehicle = Vehicle({}, long_context=True)
    travel = Travel({}, long_context=True)
    results = [
        vehicle.activateParkingBrake("engage"),
        vehicle.activateParkingBrake("release"),
        vehicle.activateParkingBrake("sideways"),
        travel.get_flight_cost("SFO", "LAX", "2024-11-15", "business"),
        travel.get_flight_cost("SFO", "LAX", "2024-11-16", "first"),
    ]
    for value in results:
        assert serialize_result(value) == json.dumps(dict(value))
    quote = results[3]["travel_cost_list"]
    quote.append(1.0)  # the caller's own list: the next quote is whole
    assert travel.get_flight_cost("SFO", "LAX", "2024-11-15", "business")["travel_cost_list"] == quote[:-1]


def test_a_remembered_stamp_is_the_clock_moved_on():
    stamps = [_stamp(offset) for offset in (0, 1, 3_600, SECONDS_PER_DAY, 1)]
    expected = [
        (CLOCK + timedelta(seconds=s)).strftime(STAMP_FORMAT) for s in (0, 1, 3_600, SECONDS_PER_DAY, 1)
    ]
    assert stamps == expected


def test_a_prerendered_result_nested_too_deeply_fails_as_json_dumps_fails():
    deep: list[Any] = []
    for _ in range(5_000):
        deep = [deep]
    with pytest.raises(RecursionError):
        json.dumps(deep)
    with pytest.raises(RecursionError):
        prerendered({"big": "x", "deep": deep}, {"big": '"x"'})


def test_a_trading_instance_without_a_stock_table_fails_to_quote_as_before():
    trading = Trading({"authenticated": True})
    del trading.stocks
    result = Session([trading]).run("get_stock_info(symbol='AAPL')")[0]
    assert result.status == "error" and "has no attribute 'stocks'" in result.content
