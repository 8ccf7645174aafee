"""Synthesis kit for math: numbers a person would type, and unit pairs the converters accept.

The calculator has no state, so every scenario is the empty config. Numbers a user states are drawn
per resource type (a difference may be negative, everything else is positive and most have decimals,
so rounding them changes something). Numbers a result produced are never drawn here: the sampler
takes them from earlier results, which is what chains a turn's calls together. A unit conversion
draws its two units together (see `drawn_together`), so the pair is one the converter supports.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from funreason_envs.domains.base import Domain
from funreason_envs.synthesis.kits import DomainKit, ValueMaker, load_phrasebook

# Unit pairs imperial_si_conversion supports, and metric pairs that read like a real question.
IMPERIAL_PAIRS = (
    ("cm", "in"),
    ("in", "cm"),
    ("m", "ft"),
    ("ft", "m"),
    ("m", "yd"),
    ("yd", "m"),
    ("km", "miles"),
    ("miles", "km"),
    ("kg", "lb"),
    ("lb", "kg"),
    ("celsius", "fahrenheit"),
    ("fahrenheit", "celsius"),
)
METRIC_PAIRS = (
    ("km", "m"),
    ("m", "km"),
    ("m", "cm"),
    ("cm", "m"),
    ("cm", "mm"),
    ("mm", "cm"),
    ("mm", "um"),
    ("um", "nm"),
    ("nm", "um"),
    ("km", "cm"),
)
# (low, high, decimal places to choose from): scores, prices, yearly figures, daily readings.
LIST_KINDS = ((50, 100, (0,)), (5, 150, (2,)), (1000, 9000, (0,)), (10, 40, (0, 1)))
LIST_LENGTHS = (3, 3, 4, 4, 5, 6)


def _figure(rng: random.Random, low: float, high: float, decimals: Sequence[int]) -> float:
    """A number between `low` and `high` with as few decimals as people type (an int when it is whole)."""
    value = round(rng.uniform(low, high), rng.choice(decimals))
    return int(value) if value.is_integer() else value


def numbers(rng: random.Random, domains: Mapping[str, Domain]) -> list[float]:
    """A short list of one kind (scores, prices, ...), so its statistics mean something."""
    low, high, decimals = rng.choice(LIST_KINDS)
    return [_figure(rng, low, high, decimals) for _ in range(rng.choice(LIST_LENGTHS))]


def positive(rng: random.Random, domains: Mapping[str, Domain]) -> float:
    """A positive number, with decimals most of the time."""
    return _figure(rng, 1, 900, (0, 1, 2, 2, 3))


def moderate(rng: random.Random, domains: Mapping[str, Domain]) -> float:
    """A figure that also reads well as a temperature, a length or a weight."""
    return _figure(rng, 5, 120, (0, 1, 2))


def signed(rng: random.Random, domains: Mapping[str, Domain]) -> float:
    """A difference someone worked out: negative half of the time."""
    value = _figure(rng, 0.5, 400, (1, 2, 2))
    return -value if rng.random() < 0.5 else value


def drawn_together(
    params: Sequence[str], draw: Callable[[random.Random], dict[str, Any]]
) -> dict[str, ValueMaker]:
    """One maker per parameter, all answering from the same joint `draw`.

    The argument sampler calls a tool's makers one after another in parameter order, with no other
    draw in between. Every maker but the last puts the generator back where it found it, so all of
    them see the same joint draw, and the last one leaves the generator advanced once.
    """

    def maker(param: str, last: bool) -> ValueMaker:
        def make(rng: random.Random, domains: Mapping[str, Domain]) -> Any:
            if last:
                return draw(rng)[param]
            state = rng.getstate()
            values = draw(rng)
            rng.setstate(state)
            return values[param]

        return make

    return {param: maker(param, index == len(params) - 1) for index, param in enumerate(params)}


def unit_pair(pairs: Sequence[tuple[str, str]]) -> Callable[[random.Random], dict[str, Any]]:
    def draw(rng: random.Random) -> dict[str, Any]:
        unit_in, unit_out = rng.choice(pairs)
        return {"unit_in": unit_in, "unit_out": unit_out}

    return draw


def _units(tool: str, pairs: Sequence[tuple[str, str]]) -> dict[str, ValueMaker]:
    makers = drawn_together(("unit_in", "unit_out"), unit_pair(pairs))
    return {f"{tool}.{param}": make for param, make in makers.items()}


KIT = DomainKit(
    domain="math",
    scenario=lambda rng: {},
    values={
        # numbers a user states, by the resource type the parameter takes
        "number": positive,
        "list_statistic": moderate,
        "power_value": positive,
        "measurement": lambda rng, domains: _figure(rng, 1, 500, (1, 2, 3)),
        "difference": signed,
        "computed_value": positive,
        "ratio": lambda rng, domains: _figure(rng, 0.05, 40, (2, 3)),
        "magnitude": positive,
        # plain parameters
        **{f"{tool}.numbers": numbers for tool in ("mean", "max_value", "min_value", "sum_values")},
        "standard_deviation.numbers": numbers,
        "multiply.b": lambda rng, domains: rng.choice((2, 3, 4, 5, 10, 12, 15, 20, 25, 50, 1.5, 0.8)),
        "divide.b": lambda rng, domains: rng.choice((2, 3, 4, 5, 6, 8, 10, 12, 24, 2.5)),
        "power.base": lambda rng, domains: rng.choice((2, 3, 5, 7, 9, 12, 1.05, 1.5, 2.5)),
        "power.exponent": lambda rng, domains: rng.choice((2, 2, 3, 3, 4, 5, 10, 0.5)),
        "logarithm.base": lambda rng, domains: rng.choice((2, 10, 10, 3, 5, 6, 20)),
        "logarithm.precision": lambda rng, domains: rng.choice((4, 5, 6, 8, 10)),
        "square_root.precision": lambda rng, domains: rng.choice((4, 5, 6, 8, 10, 12)),
        "round_number.decimal_places": lambda rng, domains: rng.choice((2, 2, 3)),
        **_units("imperial_si_conversion", IMPERIAL_PAIRS),
        **_units("si_unit_conversion", METRIC_PAIRS),
    },
    phrases=load_phrasebook("math"),
)
