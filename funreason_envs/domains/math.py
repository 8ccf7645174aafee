"""The math domain: stateless arithmetic, statistics and unit conversions (BFCL's MathAPI).

Results and error messages follow bfcl-eval 2026.3.23. `logarithm` (mpmath) and `square_root`
(`decimal`) work at a precision the caller picks; their results are not JSON numbers, so the model
sees them printed by Python (`{'result': mpf('2.0')}`), as in bfcl-eval. The precision is set on a
local context only: unlike bfcl-eval, this domain never changes the libraries' global precision.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import mpmath

from funreason_envs.domains.base import Domain
from funreason_envs.limits import MAX_PRECISION, MAX_RESULT_DIGITS, digits_exceed

Result = dict[str, Any]

# How many metres one unit is; the reverse factors are the reciprocals (BFCL multiplies by both).
METRES_PER_UNIT: Mapping[str, float] = {"km": 1000, "m": 1, "cm": 0.01, "mm": 0.001, "um": 1e-6, "nm": 1e-9}
UNITS_PER_METRE: Mapping[str, float] = {unit: 1 / factor for unit, factor in METRES_PER_UNIT.items()}
# (from, to) -> multiplier; the temperature pairs also shift by 32 degrees.
IMPERIAL_FACTORS: Mapping[tuple[str, str], float] = {
    ("cm", "in"): 0.393701,
    ("in", "cm"): 2.54,
    ("m", "ft"): 3.28084,
    ("ft", "m"): 0.3048,
    ("m", "yd"): 1.09361,
    ("yd", "m"): 0.9144,
    ("km", "miles"): 0.621371,
    ("miles", "km"): 1.60934,
    ("kg", "lb"): 2.20462,
    ("lb", "kg"): 0.453592,
    ("celsius", "fahrenheit"): 1.8,
    ("fahrenheit", "celsius"): 5 / 9,
}
NOT_NUMBERS = "Both inputs must be numbers"
LIST_NOT_NUMBERS = "All elements in the list must be numbers"
TOO_LARGE = "Conversion resulted in a value too large to represent"
RESULT_TOO_LONG = f"The result would have more than {MAX_RESULT_DIGITS} digits"
PRECISION_TOO_HIGH = f"Precision may be at most {MAX_PRECISION} digits"


def _is_plain_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _power_too_long(base: Any, exponent: Any) -> bool:
    """Whether an integer power would exceed `MAX_RESULT_DIGITS` digits (decided before computing it)."""
    if not (_is_plain_int(base) and _is_plain_int(exponent)) or exponent <= 0 or abs(base) <= 1:
        return False
    return exponent > MAX_RESULT_DIGITS / math.log10(abs(base))  # int vs float: exact, never overflows


def _precision_too_high(precision: Any) -> bool:
    return isinstance(precision, (int, float)) and precision > MAX_PRECISION


@dataclass(frozen=True, slots=True, repr=False)
class PrintedNumber:
    """An mpmath number together with its text at the precision it was computed with.

    mpmath prints a number with as many digits as the precision in force *when printing*. bfcl-eval
    leaves mpmath's global precision at the requested value, so its result is printed at that
    precision; this keeps the same text without touching the global.
    """

    value: Any
    text: str

    def __repr__(self) -> str:
        return self.text


_contexts = threading.local()


def _mpmath_context(precision: int) -> Any:
    """A private mpmath context at `precision`, one per thread and precision: mpmath's global precision
    is shared by every thread, so episodes stepping in parallel threads would print at each other's."""
    cache = _contexts.__dict__.setdefault("by_precision", {})
    with suppress(KeyError, TypeError):  # a precision that is not hashable is not cached
        return cache[precision]
    context = mpmath.MPContext()
    context.dps = precision  # bfcl-eval's errors for a bad precision come from here
    with suppress(TypeError):
        cache[precision] = context
    return context


def _shared_number(number: Any) -> Any:
    """The same number (bits unrounded) as an mpf/mpc of mpmath's global context, which pickles."""
    if hasattr(number, "_mpc_"):
        return mpmath.mp.make_mpc(number._mpc_)
    return mpmath.mp.make_mpf(number._mpf_)


def _logarithm(value: Any, base: Any, precision: Any) -> PrintedNumber:
    """log(value) / log(base) at `precision` digits, with its text; raises what mpmath raises."""
    context = _mpmath_context(precision)
    ratio = context.log(value) / context.log(base)
    return PrintedNumber(_shared_number(ratio), repr(ratio))


PLAIN_NUMBERS = frozenset({int, float})
# a pure function of its (typed) arguments, costlier than any other tool, and the result is immutable
_remembered_logarithm = lru_cache(maxsize=1024, typed=True)(_logarithm)


class Math(Domain):
    """A calculator: no state, every tool is a pure function of its arguments."""

    def load(self, config: Mapping[str, Any], long_context: bool = False) -> None:
        """Nothing to load: bfcl-eval never loads a scenario into MathAPI and ignores its config keys."""

    # -- arithmetic ------------------------------------------------------------------------------

    def add(self, a: float, b: float) -> Result:
        try:
            return {"result": a + b}
        except TypeError:
            return {"error": NOT_NUMBERS}

    def subtract(self, a: float, b: float) -> Result:
        try:
            return {"result": a - b}
        except TypeError:
            return {"error": NOT_NUMBERS}

    def multiply(self, a: float, b: float) -> Result:
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            return {"error": NOT_NUMBERS}
        return {"result": a * b}

    def divide(self, a: float, b: float) -> Result:
        try:
            if b == 0:
                return {"error": "Cannot divide by zero"}
            return {"result": a / b}
        except TypeError:
            return {"error": NOT_NUMBERS}

    def power(self, base: float, exponent: float) -> Result:
        if _power_too_long(base, exponent):
            return {"error": RESULT_TOO_LONG}
        try:
            return {"result": base**exponent}
        except TypeError:
            return {"error": NOT_NUMBERS}

    def absolute_value(self, number: float) -> Result:
        try:
            return {"result": abs(number)}
        except TypeError:
            return {"error": "Input must be a number"}

    def round_number(self, number: float, decimal_places: int = 0) -> Result:
        # Python would build 10**-decimal_places first (minutes for a huge one); the answer is known.
        if (
            _is_plain_int(number)
            and _is_plain_int(decimal_places)
            and -decimal_places > MAX_RESULT_DIGITS
            and not digits_exceed(number, MAX_RESULT_DIGITS)
        ):
            return {"result": 0}
        try:
            return {"result": round(number, decimal_places)}
        except TypeError:
            return {"error": "First input must be a number, second input must be an integer"}

    def percentage(self, part: float, whole: float) -> Result:
        try:
            if whole == 0:
                return {"error": "Whole value cannot be zero"}
            return {"result": part / whole * 100}
        except TypeError:
            return {"error": NOT_NUMBERS}

    # -- precision-controlled --------------------------------------------------------------------

    def logarithm(self, value: float, base: float, precision: int) -> Result:
        if _precision_too_high(precision):
            return {"error": PRECISION_TOO_HIGH}
        try:
            if type(value) in PLAIN_NUMBERS and type(base) in PLAIN_NUMBERS and type(precision) is int:
                return {"result": _remembered_logarithm(value, base, precision)}
            return {"result": _logarithm(value, base, precision)}
        except Exception as exc:  # bfcl-eval reports any failure of the computation as its message
            return {"error": str(exc)}

    def square_root(self, number: float, precision: int) -> Result:
        try:
            if number < 0:
                return {"error": "Cannot calculate square root of a negative number"}
            if _precision_too_high(precision):
                return {"error": PRECISION_TOO_HIGH}
            context = Context()
            context.prec = precision
            return {"result": Decimal(number).sqrt(context)}
        except (TypeError, InvalidOperation):
            return {"error": "Input must be a number or computation resulted in an invalid operation"}

    # -- lists -----------------------------------------------------------------------------------

    def mean(self, numbers: list[float]) -> Result:
        if not numbers:
            return {"error": "Cannot calculate mean of an empty list"}
        try:
            return {"result": sum(numbers) / len(numbers)}
        except TypeError:
            return {"error": LIST_NOT_NUMBERS}

    def standard_deviation(self, numbers: list[float]) -> Result:
        if not numbers:
            return {"error": "Cannot calculate standard deviation of an empty list"}
        try:
            centre = sum(numbers) / len(numbers)
            variance = sum((x - centre) ** 2 for x in numbers) / len(numbers)
        except TypeError:
            return {"error": LIST_NOT_NUMBERS}
        return {"result": math.sqrt(variance)}

    def min_value(self, numbers: list[float]) -> Result:
        if not numbers:
            return {"error": "Cannot find minimum of an empty list"}
        try:
            return {"result": min(numbers)}
        except TypeError:
            return {"error": LIST_NOT_NUMBERS}

    def max_value(self, numbers: list[float]) -> Result:
        if not numbers:
            return {"error": "Cannot find maximum of an empty list"}
        try:
            return {"result": max(numbers)}
        except TypeError:
            return {"error": LIST_NOT_NUMBERS}

    def sum_values(self, numbers: list[float]) -> Result:
        if not numbers:
            return {"error": "Cannot calculate sum of an empty list"}
        try:
            return {"result": sum(numbers)}
        except TypeError:
            return {"error": LIST_NOT_NUMBERS}

    # -- unit conversions ------------------------------------------------------------------------

    def si_unit_conversion(self, value: float, unit_in: str, unit_out: str) -> Result:
        if not isinstance(value, (int, float)):
            return {"error": "Value must be a number"}
        if unit_in not in METRES_PER_UNIT or unit_out not in UNITS_PER_METRE:
            return {"error": f"Conversion from '{unit_in}' to '{unit_out}' is not supported"}
        try:
            return {"result": value * METRES_PER_UNIT[unit_in] * UNITS_PER_METRE[unit_out]}
        except OverflowError:
            return {"error": TOO_LARGE}

    def imperial_si_conversion(self, value: float, unit_in: str, unit_out: str) -> Result:
        if not isinstance(value, (int, float)):
            return {"error": "Value must be a number"}
        if unit_in == unit_out:
            return {"result": value}
        factor = IMPERIAL_FACTORS.get((unit_in, unit_out))
        if factor is None:
            return {"error": f"Conversion from '{unit_in}' to '{unit_out}' is not supported"}
        try:
            if unit_in == "celsius" and unit_out == "fahrenheit":
                return {"result": value * factor + 32}
            if unit_in == "fahrenheit" and unit_out == "celsius":
                return {"result": (value - 32) * factor}
            return {"result": value * factor}
        except OverflowError:
            return {"error": TOO_LARGE}
