"""Every synthesis kit, from the per-domain tables in `tests/support/kit_cases.py`: registered for its
domain, a phrasebook that matches the spec, scenarios bfcl-eval loads as we do, and a small run that
verifies, meets the figures claimed for it, states what the user must know and never what only an
earlier result showed, replays identically in bfcl-eval, and still verifies mixed with other domains."""

from __future__ import annotations

import json

import pytest

from funreason_envs.domains import domain_class
from funreason_envs.synthesis.kits import kit_domains, kit_for
from funreason_envs.synthesis.verify import verify_sample
from tests.support.kit_audit import bfcl_replay_differences
from tests.support.kit_cases import KIT_CASES, figure, make_run, scenarios
from tests.support.kit_checks import bfcl_load_mismatches, phrasebook_problems

RUNS = sorted(name for name, case in KIT_CASES.items() if case.run)
BFCL_DOMAINS = [name for name in kit_domains() if domain_class(name).bfcl_class]
MIXED = [(name, *mixed) for name, case in sorted(KIT_CASES.items()) for mixed in case.mixed]


def test_every_kit_has_its_case():
    assert set(KIT_CASES) == set(kit_domains())


@pytest.mark.parametrize("domain", kit_domains())
def test_kit_is_registered_for_its_domain(domain):
    assert kit_for(domain).domain == domain


@pytest.mark.parametrize("domain", kit_domains())
def test_phrasebook_matches_the_spec(domain):
    case = KIT_CASES[domain]
    problems = phrasebook_problems(domain, case.means_only, case.effectively_required, case.known_bare_gaps)
    assert problems == []


@pytest.mark.parametrize("domain", kit_domains())
def test_scenarios_are_json_configs_that_load_alike_every_time(domain):
    configs = scenarios(domain, 40)
    assert configs == scenarios(domain, 40)  # a scenario depends only on its seed
    cls = domain_class(domain)
    for config in configs:
        assert json.loads(json.dumps(config)) == config
        assert cls(config).state_dict() == cls(json.loads(json.dumps(config))).state_dict()


@pytest.mark.parametrize("domain", BFCL_DOMAINS)
def test_bfcl_eval_loads_the_scenarios_as_we_do(domain):
    assert bfcl_load_mismatches(domain, scenarios(domain, 25)) == []


@pytest.mark.parametrize("domain", RUNS)
def test_small_run_verifies_and_meets_the_claimed_figures(domain, kit_run):
    run = kit_run(domain)
    num, _ = KIT_CASES[domain].run
    assert run.report["written"] == num and len(run.samples) == num
    assert run.report["acceptance"]["verification"] == 1.0
    assert all(verify_sample(sample) == [] for sample in run.samples)
    for path, least in KIT_CASES[domain].minimums.items():
        assert figure(run.report, path) >= least, path


@pytest.mark.parametrize("domain", RUNS)
def test_queries_never_state_a_value_only_an_earlier_result_gave(domain, kit_run):
    flows, stated = KIT_CASES[domain].sourced(kit_run(domain).samples)
    assert stated == []
    assert flows >= KIT_CASES[domain].min_flows


@pytest.mark.parametrize("domain", [name for name in RUNS if KIT_CASES[name].unstated])
def test_queries_state_every_value_the_user_must_know(domain, kit_run):
    assert KIT_CASES[domain].unstated(kit_run(domain).samples) == []


@pytest.mark.parametrize("domain", [name for name in RUNS if KIT_CASES[name].bfcl_replay])
def test_samples_replay_identically_in_bfcl_eval(domain, kit_run):
    """Each sample's ground truth, from its scenario, gives the same result strings and public state
    in bfcl-eval's own executor after every turn."""
    assert bfcl_replay_differences(kit_run(domain).samples) == []


@pytest.mark.parametrize(("domain", "domains", "num", "seed", "joined", "sourced"), MIXED)
def test_mixed_runs_verify(domain, domains, num, seed, joined, sourced, tmp_path):
    run = make_run(tuple(domains.split(",")), num, seed, tmp_path)
    assert run.report["written"] == num and run.report["acceptance"]["verification"] == 1.0
    assert all(verify_sample(sample) == [] for sample in run.samples)
    if joined:
        assert any(len(sample.domains) == 2 for sample in run.samples)
    if sourced:
        assert KIT_CASES[domain].sourced(run.samples)[1] == []
