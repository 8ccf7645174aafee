"""The travel domain in the Environment-API graph: its state probes, their agreement with the spec's
requires/provides/revokes over random sessions, the long-context booking path, and budget walks through a
sign-in. Paths, walks and flow edges of every domain are checked in test_graph_domains.py."""

from __future__ import annotations

import random
from typing import Any

import pytest

from funreason_envs.domains.travel import Travel
from funreason_envs.executor import ToolRouter
from funreason_envs.graph import ApiGraph, WalkSampler, extract_values
from funreason_envs.specs import ToolSpec
from tests.support.condition_checks import random_session
from tests.support.domain_cases import TRAVEL_BOOKING, TRAVEL_LONG_CONTEXT_ONLY, travel_account

LOGGED_IN = "travel_logged_in"
BOOKED = "travel_booking_on_record"


def test_probes_read_the_account():
    travel = Travel(travel_account())
    assert travel.conditions() == {LOGGED_IN, BOOKED}
    assert travel.available_resources() == {
        "card_id": ["card_1", "card_2"],
        "booking_id": ["5550001"],
        "access_token": ["tok_held"],
    }
    spec = Travel.spec()
    assert travel.conditions() <= set(spec.conditions)
    assert set(travel.available_resources()) <= set(spec.resources)
    assert not {"access_token", "card_id", "booking_id"} & set(spec.user_supplied)
    assert "conditions" not in Travel.tool_table() and "available_resources" not in Travel.tool_table()


def test_probes_follow_sign_in_bookings_and_expiry():
    travel = Travel()
    assert travel.conditions() == set()
    assert travel.available_resources() == {"card_id": [], "booking_id": [], "access_token": []}
    expired = Travel(travel_account(token_expires_in=0, booking_record={}))
    assert expired.conditions() == set() and expired.available_resources()["access_token"] == []
    router = ToolRouter([expired])
    (signed,) = router.run(
        "authenticate_travel(client_id='c', client_secret='s', refresh_token='r', grant_type='read',"
        " user_first_name='Ada', user_last_name='Byron')"
    )
    token = signed.value["access_token"]
    assert expired.conditions() == {LOGGED_IN}
    assert expired.available_resources()["access_token"] == [token]
    (booked,) = router.run(
        f"book_flight(access_token='{token}', card_id='card_1', travel_date='2026-03-05',"
        " travel_from='SFO', travel_to='LAX', travel_class='economy')"
    )
    assert booked.ok and expired.conditions() == {LOGGED_IN, BOOKED}
    assert expired.available_resources()["booking_id"] == [booked.value["booking_id"]]
    router.run(f"cancel_booking(access_token='{token}', booking_id='{booked.value['booking_id']}')")
    assert expired.conditions() == {LOGGED_IN}
    assert expired.available_resources()["booking_id"] == []


def test_long_context_bookings_fill_the_booking_history_path():
    """The one `produces` path empty in a plain session: a long-context booking returns the history."""
    long = Travel(travel_account(), long_context=True)
    (booked,) = ToolRouter([long]).run(TRAVEL_BOOKING)
    assert len(extract_values(booked.value, TRAVEL_LONG_CONTEXT_ONLY[2])) == len(long.booking_record) > 2


@pytest.mark.parametrize("domains", ["travel", "travel,file_system"])
def test_setting_a_budget_walks_through_a_sign_in(domains):
    graph = ApiGraph.from_domains(domains)
    for seed in range(5):
        steps = WalkSampler(graph, seed=seed, gather=0.7, explore=0.2).walk("set_budget_limit").steps
        assert "authenticate_travel" in steps


# -- probe/annotation agreement over random sessions --------------------------------------------------

PLAIN_VALUES: dict[str, list[Any]] = {
    "client_id": ["app"],
    "client_secret": ["secret"],
    "refresh_token": ["refresh"],
    "grant_type": ["read_write"],
    "user_first_name": ["Ada"],
    "user_last_name": ["Byron"],
    "travel_date": ["2026-03-04", "2026-03-05"],
    "travel_class": ["economy", "business", "coach"],
    "base_currency": ["USD", "EUR"],
    "target_currency": ["USD", "GBP"],
    "message": ["Where is my luggage?"],
    "insurance_type": ["travel"],
    "insurance_cost": [50.0, 5000.0],
    "card_number": ["4999", "card_1"],
    "expiration_date": ["01/2030"],
    "cardholder_name": ["Ada Byron"],
    "card_verification_number": [321],
    "first_name": ["Ada"],
    "last_name": ["Byron"],
    "date_of_birth": ["1990-01-01"],
    "passport_number": ["US123"],
}
RESOURCE_VALUES: dict[str, list[Any]] = {
    "airport_code": ["SFO", "LAX", "JFK", "XXX"],
    "city": ["Rivermist", "Atlantis"],
    "money": [120.0, 800.0, 5000.0],
}


def random_arguments(tool: ToolSpec, travel: Travel, rng: random.Random) -> dict[str, Any]:
    """Every parameter set: consumed ones from what the state offers (sometimes a stale value),
    the rest from small tables that hold valid and invalid values."""
    offered = travel.available_resources()
    arguments: dict[str, Any] = {}
    for param in tool.parameter_names:
        kinds = tool.consumed.get(param, ())
        choices = [value for kind in kinds for value in offered.get(kind, []) + RESOURCE_VALUES.get(kind, [])]
        choices = choices or PLAIN_VALUES.get(param, [])
        if (kinds and rng.random() < 0.15) or not choices:
            choices = [f"stale_{rng.randrange(100)}"]
        arguments[param] = rng.choice(choices)
    return arguments


@pytest.mark.parametrize("seed", range(6))
def test_state_annotations_agree_with_the_probes(seed):
    """A call whose required condition does not hold fails; after a successful call its `provides`
    hold; a condition that held and is not revoked by the call still holds."""
    rng = random.Random(seed)
    start = (
        travel_account()
        if seed % 2
        else travel_account(access_token=None, token_expires_in=None, booking_record={})
    )
    travel = Travel(start)
    checked = random_session(travel, lambda tool: random_arguments(tool, travel, rng), rng, 300)
    assert len(checked) > 60
