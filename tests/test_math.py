"""The math domain: every tool's result strings, every failure, precision handling, and bfcl-eval parity."""

from __future__ import annotations

import decimal
import itertools
import pickle
from collections.abc import Iterator

import mpmath
import pytest

from funreason_envs.domains.math import Math, PrintedNumber
from funreason_envs.executor import ToolRouter
from funreason_envs.jsonutil import serialize_result
from tests.support.oracle import require_bfcl


@pytest.fixture
def router() -> ToolRouter:
    return ToolRouter([Math()])


def run(router: ToolRouter, action: object) -> str:
    (result,) = router.run(action)
    return result.content


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("add(1, 2)", '{"result": 3}'),
        ("subtract(a=1, b=2.5)", '{"result": -1.5}'),
        ("multiply(2, 3.5)", '{"result": 7.0}'),
        ("divide(a=7, b=2)", '{"result": 3.5}'),
        ("power(2, 10)", '{"result": 1024}'),
        ("power(base=-8, exponent=0.5)", "{'result': (1.7319121124709868e-16+2.8284271247461903j)}"),
        ("absolute_value(-3)", '{"result": 3}'),
        ("round_number(3.14159, 2)", '{"result": 3.14}'),
        ("round_number(2.5)", '{"result": 2.0}'),
        ("percentage(part=1, whole=3)", '{"result": 33.33333333333333}'),
        ("mean([37])", '{"result": 37.0}'),
        ("mean(numbers=[227.16, 2.552, 227.11, 227.09])", '{"result": 170.978}'),
        ("standard_deviation([100, 95, 85, 90, 88, 92])", '{"result": 4.85340659285368}'),
        ("min_value([3, -1.5, 2])", '{"result": -1.5}'),
        ("max_value([3, -1.5, 2])", '{"result": 3}'),
        ("sum_values([0.1, 0.2])", '{"result": 0.30000000000000004}'),
        ("si_unit_conversion(3, 'km', 'um')", '{"result": 3000000000.0}'),
        ("si_unit_conversion(value=5, unit_in='mm', unit_out='m')", '{"result": 0.005}'),
        ("imperial_si_conversion(100, 'celsius', 'fahrenheit')", '{"result": 212.0}'),
        ("imperial_si_conversion(212, 'fahrenheit', 'celsius')", '{"result": 100.0}'),
        ("imperial_si_conversion(2, 'miles', 'km')", '{"result": 3.21868}'),
        ("imperial_si_conversion(5, 'parsec', 'parsec')", '{"result": 5}'),
    ],
)
def test_results_as_the_model_sees_them(router, call, expected):
    assert run(router, call) == expected


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("logarithm(value=36.0, base=6.0, precision=4)", "{'result': mpf('2.0')}"),
        ("logarithm(value=20, base=10, precision=2)", "{'result': mpf('1.3027')}"),
        ("logarithm(value=980.0, base=20, precision=10)", "{'result': mpf('2.299121531134')}"),
        ("logarithm(value=-8, base=2, precision=6)", "{'result': mpc(real='3.0', imag='4.53236008')}"),
        ("square_root(number=2, precision=5)", "{'result': Decimal('1.4142')}"),
        ("square_root(16, 3)", "{'result': Decimal('4')}"),
    ],
)
def test_precision_tools_print_at_the_requested_precision(router, call, expected):
    assert run(router, call) == expected


def test_precision_tools_leave_the_libraries_global_precision_alone(router):
    mp_before, decimal_before = mpmath.mp.prec, decimal.getcontext().prec
    run(router, "logarithm(value=2, base=3, precision=40)")
    run(router, "square_root(number=2, precision=40)")
    assert (mpmath.mp.prec, decimal.getcontext().prec) == (mp_before, decimal_before)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("divide(1, 0)", '{"error": "Cannot divide by zero"}'),
        ("percentage(part=1, whole=0)", '{"error": "Whole value cannot be zero"}'),
        ("mean([])", '{"error": "Cannot calculate mean of an empty list"}'),
        ("standard_deviation([])", '{"error": "Cannot calculate standard deviation of an empty list"}'),
        ("min_value([])", '{"error": "Cannot find minimum of an empty list"}'),
        ("max_value([])", '{"error": "Cannot find maximum of an empty list"}'),
        ("sum_values([])", '{"error": "Cannot calculate sum of an empty list"}'),
        (
            "si_unit_conversion(3, 'km', 'mi')",
            "{\"error\": \"Conversion from 'km' to 'mi' is not supported\"}",
        ),
        (
            "imperial_si_conversion(5, 'kg', 'm')",
            "{\"error\": \"Conversion from 'kg' to 'm' is not supported\"}",
        ),
        (
            "square_root(number=-2, precision=3)",
            '{"error": "Cannot calculate square root of a negative number"}',
        ),
        (
            "square_root(number=2, precision=0)",
            "Error during execution: valid range for prec is [1, MAX_PREC]",
        ),
        ("logarithm(value=5, base=1, precision=5)", '{"error": ""}'),
        ("power(base=10.0, exponent=400)", "Error during execution: (34, 'Numerical result out of range')"),
        (
            "round_number(2.567, 2.0)",
            '{"error": "First input must be a number, second input must be an integer"}',
        ),
    ],
)
def test_failures_through_the_router(router, call, expected):
    assert run(router, call) == expected


@pytest.mark.parametrize("tool", ["si_unit_conversion", "imperial_si_conversion"])
def test_conversion_overflow_is_reported(router, tool):
    arguments = {"value": 10**400, "unit_in": "km", "unit_out": "m"}
    if tool == "imperial_si_conversion":
        arguments.update(unit_in="kg", unit_out="lb")
    assert run(router, {"name": tool, "arguments": arguments}) == (
        '{"error": "Conversion resulted in a value too large to represent"}'
    )


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("add", ("a", 1), "Both inputs must be numbers"),
        ("subtract", ("a", 1), "Both inputs must be numbers"),
        ("multiply", ("a", 1), "Both inputs must be numbers"),
        ("divide", ("a", 1), "Both inputs must be numbers"),
        ("power", ("a", 1), "Both inputs must be numbers"),
        ("percentage", ("a", 2), "Both inputs must be numbers"),
        ("absolute_value", ("a",), "Input must be a number"),
        ("round_number", (1.5, "a"), "First input must be a number, second input must be an integer"),
        ("si_unit_conversion", ("a", "m", "km"), "Value must be a number"),
        ("imperial_si_conversion", ("a", "m", "ft"), "Value must be a number"),
        ("mean", ([1, "a"],), "All elements in the list must be numbers"),
        ("standard_deviation", ([1, "a"],), "All elements in the list must be numbers"),
        ("min_value", ([1, "a"],), "All elements in the list must be numbers"),
        ("max_value", ([1, "a"],), "All elements in the list must be numbers"),
        ("sum_values", ([1, "a"],), "All elements in the list must be numbers"),
        ("square_root", ("a", 3), "Input must be a number or computation resulted in an invalid operation"),
        ("logarithm", ("a", 2, 3), "cannot create mpf from 'a'"),
    ],
)
def test_wrongly_typed_inputs_give_bfcl_errors_when_called_directly(tool, arguments, message):
    # The router refuses these arguments against the spec; a direct call still behaves like bfcl-eval.
    assert getattr(Math(), tool)(*arguments) == {"error": message}


def test_schema_refuses_non_numbers_before_the_tool_runs(router):
    assert run(router, {"name": "mean", "arguments": {"numbers": [1, "a"]}}) == (
        "Error: mean: 'numbers': item 1: expected number, got string 'a'"
    )


def test_stateless_and_bfcl_config_keys_are_ignored():
    calculator = Math({"precision": 3, "base": 2, "value": 8, "complex_value": "1+2j", "numbers": [1]})
    assert calculator.state_dict() == {}
    assert calculator.logarithm(8, 2, 15) == Math().logarithm(8, 2, 15)


def test_instances_and_high_precision_results_pickle():
    calculator = pickle.loads(pickle.dumps(Math()))
    result = calculator.logarithm(10, 3, 30)["result"]
    assert isinstance(result, PrintedNumber)
    clone = pickle.loads(pickle.dumps(result))
    assert repr(clone) == repr(result) == "mpf('2.0959032742893846042965675220212')"
    assert clone.value == result.value


# -- parity with bfcl-eval's MathAPI over a grid of ordinary and awkward inputs ----------------


@pytest.fixture
def bfcl_math() -> Iterator[object]:
    """bfcl-eval's MathAPI; the global mpmath and decimal precision it changes are restored after."""
    require_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.func_source_code.math_api import MathAPI

    mp_prec = mpmath.mp.prec
    with decimal.localcontext():
        yield MathAPI()
    mpmath.mp.prec = mp_prec


def outcome(instance: object, tool: str, arguments: tuple) -> str:
    try:
        return serialize_result(getattr(instance, tool)(*arguments))
    except Exception as exc:
        return f"Error during execution: {exc}"


NUMBERS = (0, 1, -1, 2.5, -3.7, 1e308, -1e-300, 36.0, 0.1, 7, float("nan"), float("inf"), "a", None)
LISTS = ([], [1], [1, 2, 3], [1.5, -2, 3e10], [0.1] * 7, [1, "a"], [10**400, 1])
METRIC_UNITS = ("km", "m", "cm", "mm", "um", "nm")
UNITS = (*METRIC_UNITS, "in", "ft", "yd", "miles", "kg", "lb", "celsius", "fahrenheit", "x")
PRECISIONS = (-2, 0, 1, 2, 4, 10, 30, 2.5, "x")


def parity_cases() -> Iterator[tuple[str, tuple]]:
    for tool in ("add", "subtract", "multiply", "divide", "percentage", "power"):
        for pair in itertools.product(NUMBERS, repeat=2):
            if tool != "power" or pair[1] != 1e308:
                yield tool, pair
    for number in NUMBERS:
        yield "absolute_value", (number,)
        yield "round_number", (number,)
        for places in (1, -1, 2.0, "a"):
            yield "round_number", (number, places)
        for precision in PRECISIONS:
            yield "square_root", (number, precision)
            for base in (10, 2, 1, 0, -2, 0.5):
                yield "logarithm", (number, base, precision)
    for tool in ("mean", "standard_deviation", "min_value", "max_value", "sum_values"):
        for numbers in LISTS:
            yield tool, (numbers,)
    for tool in ("si_unit_conversion", "imperial_si_conversion"):
        for value in (*NUMBERS[:10], 10**400):
            for unit_in, unit_out in itertools.product(UNITS, repeat=2):
                yield tool, (value, unit_in, unit_out)


def test_every_tool_matches_bfcl_on_a_grid_of_inputs(bfcl_math):
    ours = Math()
    mismatches = [
        f"{tool}{arguments}: {mine!r} != {theirs!r}"
        for tool, arguments in parity_cases()
        if (mine := outcome(ours, tool, arguments)) != (theirs := outcome(bfcl_math, tool, arguments))
    ]
    assert not mismatches, "\n".join(mismatches[:20])


def test_logarithm_precision_is_private_to_each_call_across_threads():
    """Two episodes stepping in threads (eval --workers) must not print at each other's precision."""
    import threading

    from funreason_envs.domains.math import Math

    expected = {p: repr(Math().logarithm(20, 10, p)["result"]) for p in (2, 30)}
    wrong: list[str] = []

    def work(precision: int) -> None:
        math_api = Math()
        for _ in range(3000):
            text = repr(math_api.logarithm(20, 10, precision)["result"])
            if text != expected[precision]:
                wrong.append(text)

    threads = [threading.Thread(target=work, args=(p,)) for p in (2, 30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not wrong, wrong[:3]
