"""The travel domain in the Environment-API graph: its state probes, their agreement with the spec's
requires/provides/revokes over random sessions, the edges BFCL's flows need, and walks to every tool."""

from __future__ import annotations

import random
from typing import Any

import pytest

from funreason_envs.calls import ToolCall
from funreason_envs.domains.travel import Travel
from funreason_envs.executor import ToolRouter
from funreason_envs.graph import ApiGraph, WalkSampler, extract_values
from funreason_envs.specs import ToolSpec
from tests.support.condition_checks import assert_condition_effects, independent_check

LOGGED_IN = "travel_logged_in"
BOOKED = "travel_booking_on_record"


def account(**overrides: Any) -> dict[str, Any]:
    """A signed-in account with two funded cards and one booking, in BFCL's config shape."""
    config = {
        "credit_card_list": {
            "card_1": {"card_number": "4111", "cardholder_name": "Ada Byron", "balance": 9000.0},
            "card_2": {"card_number": "4222", "cardholder_name": "Ada Byron", "balance": 400.0},
        },
        "booking_record": {
            "5550001": {
                "card_id": "card_1",
                "travel_date": "2026-03-04",
                "travel_from": "SFO",
                "travel_to": "LAX",
                "travel_class": "economy",
                "travel_cost": 200.0,
                "transaction_id": "81234567",
            }
        },
        "access_token": "tok_held",
        "token_type": "Bearer",
        "token_expires_in": 3600,
        "token_scope": "read_write",
        "user_first_name": "Ada",
        "user_last_name": "Byron",
        "budget_limit": 1000.0,
    }
    return {**config, **overrides}


def test_probes_read_the_account():
    travel = Travel(account())
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
    expired = Travel(account(token_expires_in=0, booking_record={}))
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


def test_produces_paths_find_values_in_real_results():
    travel = Travel(account())
    router = ToolRouter([travel])
    calls = [
        "get_nearest_airport_by_city(location='Rivermist')",
        "list_all_airports()",
        "get_flight_cost(travel_from='SFO', travel_to='LAX', travel_date='2026-03-05',"
        " travel_class='business')",
        "compute_exchange_rate(base_currency='USD', target_currency='EUR', value=400.0)",
        "get_all_credit_cards()",
        "get_credit_card_balance(access_token='tok_held', card_id='card_2')",
        "get_booking_history(access_token='tok_held')",
        "retrieve_invoice(access_token='tok_held', booking_id='5550001')",
        "register_credit_card(access_token='tok_held', card_number='4333', expiration_date='01/2030',"
        " cardholder_name='Ada Byron', card_verification_number=123)",
        "book_flight(access_token='tok_held', card_id='card_1', travel_date='2026-03-05', travel_from='SFO',"
        " travel_to='LAX', travel_class='economy')",
        "purchase_insurance(access_token='tok_held', insurance_type='travel', booking_id='5550001',"
        " insurance_cost=50.0, card_id='card_1')",
        "authenticate_travel(client_id='c', client_secret='s', refresh_token='r', grant_type='read',"
        " user_first_name='Ada', user_last_name='Byron')",
    ]
    found: dict[tuple[str, str, str], list[Any]] = {}
    for text in calls:
        (result,) = router.run(text)
        assert result.ok, result.content
        tool = Travel.tool_table()[result.call.name].spec
        for produced in tool.produces:
            found[(tool.name, produced.resource, produced.at)] = extract_values(result.value, produced.at)
    every = {(t.name, p.resource, p.at) for t in Travel.spec().tools for p in t.produces}
    assert set(found) == every, "a producing tool is missing from the calls"
    long_context_only = ("book_flight", "booking_id", "booking_history{}")
    empty = [key for key, values in found.items() if not values and key != long_context_only]
    assert not empty, f"paths that found nothing: {empty}"
    assert found[("get_nearest_airport_by_city", "airport_code", "nearest_airport")] == ["RMS"]
    assert found[("get_flight_cost", "money", "travel_cost_list[]")] == [800.0]  # business, even date
    assert found[("get_all_credit_cards", "card_id", "credit_card_list{}")] == ["card_1", "card_2"]
    assert found[("retrieve_invoice", "money", "invoice.travel_cost")] == [200.0]
    long = Travel(account(), long_context=True)
    (booked,) = ToolRouter([long]).run(calls[9])
    assert len(extract_values(booked.value, long_context_only[2])) == len(long.booking_record) > 2


def test_bfcl_flows_of_the_domain_are_data_edges():
    graph = ApiGraph.from_domains("travel")
    expected = [
        ("authenticate_travel", "book_flight", "access_token"),
        ("book_flight", "retrieve_invoice", "booking_id"),
        ("retrieve_invoice", "contact_customer_support", "booking_id"),
        ("compute_exchange_rate", "set_budget_limit", "budget_limit"),
        ("get_flight_cost", "compute_exchange_rate", "value"),
        ("list_all_airports", "get_flight_cost", "travel_to"),
        ("get_nearest_airport_by_city", "book_flight", "travel_from"),
        ("register_credit_card", "purchase_insurance", "card_id"),
        ("purchase_insurance", "retrieve_invoice", "insurance_id"),
    ]
    for producer, consumer, param in expected:
        reasons = graph.reasons(producer, consumer)
        assert any(r.kind == "data" and r.param == param for r in reasons), (producer, consumer, param)
    assert not graph.dependencies.has_edge("get_budget_fiscal_year", "book_flight")
    assert graph.out_degree("travel") < 0.3 * len(Travel.spec().tools)


@pytest.mark.parametrize("domains", ["travel", "travel,file_system"])
def test_walks_reach_every_travel_tool_with_prerequisites(domains):
    graph = ApiGraph.from_domains(domains)
    targets = [
        name for name, tool in graph.tools.items() if tool.domain == "travel" and graph.prerequisites(name)
    ]
    assert {"book_flight", "cancel_booking", "retrieve_invoice", "purchase_insurance"} <= set(targets)
    for seed in range(5):
        sampler = WalkSampler(graph, seed=seed, gather=0.7, explore=0.2)
        for target in targets:
            walk = sampler.walk(target)
            assert walk.steps[-1] == target and len(walk.steps) >= 2
            assert independent_check(graph, walk.steps) == [], walk.steps
    assert "authenticate_travel" in sampler.walk("set_budget_limit").steps


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
    start = account() if seed % 2 else account(access_token=None, token_expires_in=None, booking_record={})
    travel = Travel(start)
    router = ToolRouter([travel])
    tools = list(Travel.spec().by_name.values())
    checked = 0
    for _ in range(300):
        tool = rng.choice(tools)
        before = travel.conditions()
        arguments = random_arguments(tool, travel, rng)
        result = router.execute(ToolCall(tool.name, arguments))
        after = travel.conditions()
        if assert_condition_effects(tool, arguments, result, before, after):
            checked += 1
    assert checked > 60
