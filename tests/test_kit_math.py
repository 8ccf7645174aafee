"""The math synthesis kit: an empty scenario, and value makers that give valid calls (unit pairs drawn
together). Its phrasebook and small run are checked with every kit's in test_kits.py."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from funreason_envs.calls import ToolCall
from funreason_envs.domains.math import Math
from funreason_envs.executor import ToolRouter
from funreason_envs.graph import ApiGraph
from funreason_envs.synthesis.arguments import ArgumentSampler
from funreason_envs.synthesis.kits import kit_for
from funreason_envs.synthesis.kits.math import IMPERIAL_PAIRS, METRIC_PAIRS
from funreason_envs.synthesis.trace import ValuePool

KIT = kit_for("math")


def test_scenarios_are_the_empty_config_the_calculator_ignores():
    """Math has no state (bfcl-eval never loads a MathAPI scenario), so there is nothing to vary."""
    for seed in range(10):
        config = KIT.scenario(random.Random(seed))
        assert config == {}
        assert Math(config).state_dict() == Math().state_dict()


def sampler(seed: int) -> tuple[ArgumentSampler, ToolRouter]:
    math = Math()
    supplied = ApiGraph.from_domains("math").user_supplied
    return ArgumentSampler({"math": KIT}, {"math": math}, supplied, random.Random(seed)), ToolRouter([math])


CONVERSIONS = [("imperial_si_conversion", IMPERIAL_PAIRS), ("si_unit_conversion", METRIC_PAIRS)]


@pytest.mark.parametrize(("tool", "pairs"), CONVERSIONS)
def test_unit_pairs_are_drawn_together_and_supported(tool, pairs):
    """The sampler calls the unit makers one after the other: they must agree on one supported pair."""
    arguments, router = sampler(0)
    spec = Math.spec().tool(tool)
    drawn = Counter()
    for _ in range(150):
        call = arguments.draw(spec, ValuePool()).arguments
        drawn[(call["unit_in"], call["unit_out"])] += 1
        assert router.execute(ToolCall(tool, call)).ok, call
    assert set(drawn) <= set(pairs) and len(drawn) >= len(pairs) - 2


def test_user_stated_numbers_make_every_tool_succeed():
    """With no earlier results, every tool's drawn arguments are valid: positive logarithm and root
    arguments, non-zero divisors and wholes, lists that are not empty."""
    arguments, router = sampler(1)
    for spec in Math.spec().tools:
        for _ in range(40):
            call = arguments.draw(spec, ValuePool()).arguments
            result = router.execute(ToolCall(spec.name, call))
            assert result.ok, (spec.name, call, result.content)
