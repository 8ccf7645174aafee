"""The math synthesis kit: scenarios, value makers that give valid calls, a phrasebook that matches the
spec, and a small run that verifies, chains its calls and keeps computed values out of the queries."""

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
from tests.support.kit_audit import (
    bfcl_replay_differences,
    small_run,
    sourced_values_in_queries,
    unstated_values,
)
from tests.support.kit_checks import phrasebook_problems

KIT = kit_for("math")
# What a 10-sample run (seed 0) must reach; 60 samples give 2.18 calls per acting turn and 84% of all
# turns (92% of acting turns) with a data flow.
MIN_CALLS_PER_ACTING_TURN = 1.9
MIN_ACTING_TURNS_WITH_FLOW = 0.8


def test_scenarios_are_the_empty_config_the_calculator_ignores():
    """Math has no state (bfcl-eval never loads a MathAPI scenario), so there is nothing to vary."""
    for seed in range(10):
        config = KIT.scenario(random.Random(seed))
        assert config == {}
        assert Math(config).state_dict() == Math().state_dict()


def test_phrasebook_matches_the_spec_and_every_tool_is_a_goal():
    assert phrasebook_problems("math", means_only=set()) == []


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


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return small_run("math", tmp_path_factory.mktemp("math"), 10)


def test_small_run_verifies_and_chains_calls(run):
    _, report = run
    assert report["written"] == 10 and report["acceptance"]["verification"] == 1.0
    assert report["calls_per_acting_turn"]["mean"] >= MIN_CALLS_PER_ACTING_TURN
    assert report["acting_turns_with_data_flow"] >= MIN_ACTING_TURNS_WITH_FLOW
    assert report["cross_turn_flows"] > 0
    assert report["coverage"]["tools"]["math"]["used"] >= 15


def test_queries_never_state_a_computed_value_and_always_state_the_inputs(run):
    samples, _ = run
    assert sum(len(record.flows) for sample in samples for record in sample.turns) >= 20
    assert sourced_values_in_queries(samples) == []
    assert unstated_values(samples) == []


def test_samples_replay_identically_in_bfcl_eval(run):
    samples, _ = run
    assert bfcl_replay_differences(samples) == []


def test_mixed_with_message_and_file_system_runs_verify(tmp_path):
    for domains in ("math,message", "math,file_system"):
        samples, report = small_run(domains, tmp_path / domains, 6, seed=1)
        assert report["written"] == 6 and report["acceptance"]["verification"] == 1.0, domains
        assert sourced_values_in_queries(samples) == [], domains
