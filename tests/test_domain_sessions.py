"""Sessions in every registered domain, from the per-domain table in `tests/support/domain_cases.py`:
nothing is random unless the config says so (two fresh instances agree, and the free-play env loads the
same state whatever the reset seed), and a pickled instance carries its state and its random streams."""

from __future__ import annotations

import pytest

from funreason_envs.domains import domain_class, domain_names
from tests.support.domain_cases import SESSION_CASES, Setup
from tests.support.session_checks import pickle_problems, repeat_problems, results


def test_every_domain_has_a_session_case():
    assert set(SESSION_CASES) == set(domain_names())


@pytest.mark.parametrize("domain", sorted(SESSION_CASES))
def test_no_randomness_repeated_sessions_match(domain):
    case = SESSION_CASES[domain]
    assert repeat_problems(domain, Setup(case.config, ()).make_config(), case.script) == []


@pytest.mark.parametrize("domain", sorted(SESSION_CASES))
def test_a_pickled_instance_continues_as_the_original(domain):
    case = SESSION_CASES[domain]
    instance = domain_class(domain)(Setup(case.config, ()).make_config())
    assert all(not text.startswith('{"error"') for text in results(instance, case.script))
    assert pickle_problems(instance, case.probe) == []
