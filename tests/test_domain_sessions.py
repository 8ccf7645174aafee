"""Sessions in every registered domain, from the per-domain table in `tests/support/domain_cases.py`:
nothing is random unless the config says so (two fresh instances agree, and the free-play env loads the
same state whatever the reset seed), a pickled instance carries its state and its random streams, and a
call on an id the state does not hold reports it and changes nothing."""

from __future__ import annotations

import pytest

from funreason_envs.domains import domain_class, domain_names
from tests.support.domain_cases import MISSING_ID_CASES, SESSION_CASES, Setup
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


MISSING_ID_CALLS = [
    (domain, call) for domain, case in sorted(MISSING_ID_CASES.items()) for call in case.calls
]


@pytest.mark.parametrize(("domain", "call"), MISSING_ID_CALLS)
def test_a_call_on_a_missing_id_reports_it_and_changes_nothing(domain, call):
    case = MISSING_ID_CASES[domain]
    instance = domain_class(domain)(Setup(case.config, ()).make_config())
    before = instance.state_dict()
    assert results(instance, call) == [case.error]
    assert instance.state_dict() == before
