"""The travel domain: every tool's success and failure results, seeded ids, config keys, long context."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from funreason_envs.domains import domain_class
from funreason_envs.domains.travel import (
    AIRPORTS,
    LONG_CONTEXT_BOOKINGS,
    LONG_CONTEXT_CARDS,
    ROUTE_FARES,
    Travel,
)
from funreason_envs.executor import ToolRouter
from funreason_envs.jsonutil import copy_json
from tests.support.session_checks import Transcript
from tests.support.session_checks import result as run

PUBLIC_ATTRIBUTES = {
    "credit_card_list",
    "booking_record",
    "access_token",
    "token_type",
    "token_expires_in",
    "token_scope",
    "user_first_name",
    "user_last_name",
    "budget_limit",
    "long_context",
}


@pytest.fixture
def config() -> dict[str, Any]:
    """A signed-in account with one funded card and one complete booking, in BFCL's config shape."""
    return {
        "credit_card_list": {
            "main": {"card_number": "4111", "cardholder_name": "Ada Byron", "balance": 2000.0},
            "nobalance": {"card_number": "4222"},
        },
        "booking_record": {
            "bk1": {
                "card_id": "main",
                "travel_date": "2024-01-05",
                "travel_from": "SFO",
                "travel_to": "LAX",
                "travel_class": "economy",
                "travel_cost": 200.0,
                "transaction_id": "t-1",
            },
            "partial": {"flight": "LA123", "price": 99.0},
        },
        "access_token": "tok",
        "token_type": "Bearer",
        "token_expires_in": 3600,
        "token_scope": "read_write",
        "user_first_name": "Ada",
        "user_last_name": "Byron",
        "budget_limit": None,
    }


@pytest.fixture
def travel(config) -> Travel:
    return Travel(config)


def decoded(travel: Travel, text: str) -> Any:
    return json.loads(run(travel, text))


# -- loading and state -------------------------------------------------------------------------------------


def test_defaults_and_public_attributes():
    travel = Travel()
    state = travel.state_dict()
    assert set(state) == PUBLIC_ATTRIBUTES
    assert state["credit_card_list"] == {} and state["booking_record"] == {}
    assert state["access_token"] is None and state["budget_limit"] is None
    assert state["long_context"] is False
    assert domain_class("TravelAPI") is Travel


def test_config_is_copied_not_aliased(config):
    snapshot = copy_json(config)
    travel = Travel(config)
    run(travel, "book_flight('tok', 'main', '2024-12-15', 'SFO', 'LAX', 'economy')")
    assert config == snapshot
    assert travel.credit_card_list["main"]["balance"] == 1800.0


def test_unknown_config_keys_are_ignored():
    travel = Travel({"current_location": "Rivermist", "travel_mode": "car", "budget_limit": 50.0})
    assert travel.budget_limit == 50.0
    assert set(travel.state_dict()) == PUBLIC_ATTRIBUTES


def test_default_seed_gives_bfcl_ids(travel):
    # The ids BFCL's ground truth expects from seed 141053 (e.g. access token '251675').
    assert decoded(travel, "authenticate_travel('i', 's', 'r', 'read_write', 'Ada', 'Byron')") == {
        "expires_in": 2,
        "access_token": "251675",
        "token_type": "Bearer",
        "scope": "read_write",
    }
    assert travel.token_scope == "read_write" and travel.token_expires_in == 2


def test_seeded_ids_are_deterministic_and_seed_dependent(config):
    calls = [
        "authenticate_travel('i', 's', 'r', 'read', 'Ada', 'Byron')",
        "register_credit_card(access_token='{token}', card_number='5555', expiration_date='12/2030', "
        "cardholder_name='Ada Byron', card_verification_number=321)",
    ]

    def outcome(seed: int | None) -> list[str]:
        travel = Travel(config if seed is None else {**config, "random_seed": seed})
        token = decoded(travel, calls[0])["access_token"]
        return [token, run(travel, calls[1].format(token=token))]

    assert outcome(None) == outcome(141053) == ["251675", '{"card_id": "391310425148"}']
    assert outcome(7) == outcome(7)
    assert outcome(7) != outcome(None)


def test_login_status():
    assert decoded(Travel(), "travel_get_login_status()") == {"status": False}
    assert decoded(Travel({"token_expires_in": 0}), "travel_get_login_status()") == {"status": False}
    assert decoded(Travel({"token_expires_in": 5}), "travel_get_login_status()") == {"status": True}


def test_budget_fiscal_year(travel):
    Transcript(travel).expect(r"""
        get_budget_fiscal_year() -> {"budget_fiscal_year": "2018"}
        get_budget_fiscal_year(lastModifiedAfter='2020-01-01T00:00:00') -> {"budget_fiscal_year": "2018"}
        """)


def test_set_budget_limit(travel):
    assert run(travel, "set_budget_limit('tok', 800)") == '{"budget_limit": 800.0}'
    assert travel.budget_limit == 800.0 and type(travel.budget_limit) is float
    assert run(travel, "set_budget_limit('bad', 5.0)") == '{"error": "Invalid access token"}'
    travel.token_expires_in = 0
    assert run(travel, "set_budget_limit('tok', 5.0)") == '{"error": "Token expired"}'
    assert travel.budget_limit == 800.0


def test_verify_traveler_information(travel):
    verify = "verify_traveler_information(first_name={}, last_name={}, date_of_birth={}, passport_number={})"
    assert decoded(travel, verify.format("'Ada'", "'Byron'", "'1990-02-03'", "'US123'")) == {
        "verification_status": True
    }
    assert run(travel, verify.format("'Bob'", "'Byron'", "'1990-02-03'", "'US123'")) == (
        '{"verification_status": false, "verification_failure": "Cannot book flight information for '
        'another user.Expected Ada Byron, got Bob Byron"}'
    )
    assert decoded(travel, verify.format("'Ada'", "'Byron'", "'03/02/1990'", "'US123'")) == {
        "verification_status": False,
        "verification_failure": "Invalid date of birth format. Please use YYYY-MM-DD.",
    }
    minor = f"'{date.today().year - 10}-01-01'"
    assert decoded(travel, verify.format("'Ada'", "'Byron'", minor, "'US123'")) == {
        "verification_status": False,
        "verification_failure": "Traveler must be at least 18 years old.",
    }
    assert decoded(travel, verify.format("'Ada'", "'Byron'", "'1990-02-03'", "'GB123'")) == {
        "verification_status": False,
        "verification_failure": "Passport must be issued by the United States.",
    }


# -- credit cards ------------------------------------------------------------------------------------------


def test_register_credit_card_and_failures(travel):
    register = "register_credit_card('{}', '{}', '12/2030', 'Ada Byron', 321)"
    card_id = decoded(travel, register.format("tok", "5555"))["card_id"]
    assert len(card_id) == 12 and card_id.isdigit()
    card = travel.credit_card_list[card_id]
    assert card["card_number"] == "5555" and card["card_verification_number"] == 321
    assert 10000 <= card["balance"] <= 99999
    # The number is compared with the card *ids*, so an id used as a number is refused.
    assert run(travel, register.format("tok", "main")) == '{"error": "Card already registered"}'
    assert run(travel, register.format("bad", "6666")) == '{"error": "Invalid access token"}'
    travel.token_expires_in = 0
    assert run(travel, register.format("tok", "6666")) == '{"error": "Token expired"}'
    travel.token_expires_in = None
    assert run(travel, register.format("tok", "6666")) == '{"error": "Token not initialized"}'
    assert len(travel.credit_card_list) == 3


def test_credit_card_balance(travel):
    Transcript(travel).expect(r"""
        get_credit_card_balance('tok', 'main') -> {"card_balance": 2000.0}
        get_credit_card_balance('tok', 'nope') -> {"error": "Card not registered. Here are a list of card_id's: ['main', 'nobalance']"}
        get_credit_card_balance('bad', 'main') -> {"error": "Invalid access token"}
        """)  # noqa: E501
    travel.token_expires_in = 0
    assert run(travel, "get_credit_card_balance('tok', 'main')") == '{"error": "Token expired"}'


def test_get_all_credit_cards(travel):
    assert decoded(travel, "get_all_credit_cards()")["credit_card_list"] == travel.credit_card_list


# -- flights -----------------------------------------------------------------------------------------------


def test_airports_and_cities(travel):
    listed = run(travel, "list_all_airports()")
    assert listed == str(list(AIRPORTS)) and listed.startswith("['RMS', 'SBK'")
    assert len(AIRPORTS) == 23
    Transcript(travel).expect(r"""
        get_nearest_airport_by_city('Crescent Hollow') -> {"nearest_airport": "CRH"}
        get_nearest_airport_by_city('Atlantis') -> {"nearest_airport": "Unknown"}
        """)


@pytest.mark.parametrize(
    ("route", "day", "travel_class", "cost"),
    [
        ("'SFO', 'LAX'", "2024-12-15", "economy", 200.0),  # the date's digits add up to 17: odd, x1
        ("'SFO', 'LAX'", "2024-12-16", "economy", 400.0),  # 18: even, x2
        ("'SFO', 'LAX'", "2024-12-16", "business", 800.0),
        ("'SFO', 'LAX'", "2024-12-16", "first", 2000.0),
        ("'OKD', 'LAX'", "2024-12-17", "business", 440.0),
    ],
)
def test_flight_cost_rule(travel, route, day, travel_class, cost):
    assert decoded(travel, f"get_flight_cost({route}, '{day}', '{travel_class}')") == {
        "travel_cost_list": [cost]
    }


def test_flight_cost_failures_are_execution_errors(travel):
    Transcript(travel).expect(r"""
        get_flight_cost('LAX', 'LHR', '2024-12-15', 'economy') -> Error during execution: No available route for the given airports.
        get_flight_cost('SFO', 'LAX', '2024-12-15', 'coach') -> Error during execution: Invalid travel class. Options are: economy, business, first.
        """)  # noqa: E501


def test_book_flight_charges_card_and_records_booking(travel):
    result = decoded(travel, "book_flight('tok', 'main', '2024-12-15', 'SFO', 'LAX', 'business')")
    assert result == {
        "booking_id": "3426812",
        "transaction_id": "45451592",
        "booking_status": True,
        "booking_history": {},
    }
    assert travel.credit_card_list["main"]["balance"] == 1600.0
    assert travel.booking_record["3426812"] == {
        "card_id": "main",
        "travel_date": "2024-12-15",
        "travel_from": "SFO",
        "travel_to": "LAX",
        "travel_class": "business",
        "travel_cost": 400.0,
        "transaction_id": "45451592",
    }


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ("'bad', 'main', '2024-12-15', 'SFO', 'LAX', 'economy'", "Invalid access token"),
        ("'tok', 'nope', '2024-12-15', 'SFO', 'LAX', 'economy'", "Card not registered"),
        ("'tok', 'nobalance', '2024-12-15', 'SFO', 'LAX', 'economy'", "Balance not found"),
        ("'tok', 'main', '2024-12-15', 'XXX', 'LAX', 'economy'", "Invalid departure airport code: XXX"),
        ("'tok', 'main', '2024-12-15', 'SFO', 'YYY', 'economy'", "Invalid destination airport code: YYY"),
        ("'tok', 'main', '15/12/2024', 'SFO', 'LAX', 'economy'", "Invalid date format. Use YYYY-MM-DD."),
        (
            "'tok', 'main', '2024-12-15', 'SFO', 'LAX', 'coach'",
            "Invalid travel class. Must be one of {'economy', 'business', 'first'}",
        ),
        (
            "'tok', 'main', '2024-12-15', 'LAX', 'LHR', 'economy'",
            "No available route for the given airports.",
        ),
        ("'tok', 'main', '2024-12-15', 'SFO', 'CIA', 'first'", "Insufficient funds"),
    ],
)
def test_book_flight_failures(travel, arguments, error):
    before = travel.state_dict()
    assert decoded(travel, f"book_flight({arguments})") == {"booking_status": False, "error": error}
    assert travel.state_dict() == before


def test_book_flight_expired_token_and_budget_rule(travel):
    travel.budget_limit = 2500.0  # the card balance (2000) is below the limit, whatever the fare
    book = "book_flight('tok', 'main', '2024-12-16', 'SFO', 'LAX', 'economy')"
    assert decoded(travel, book) == {"booking_status": False, "error": "Balance is less than budget limit"}
    travel.token_expires_in = 0
    assert decoded(travel, book) == {"booking_status": False, "error": "Token expired"}


# -- bookings ----------------------------------------------------------------------------------------------


def test_retrieve_invoice(travel):
    assert decoded(travel, "retrieve_invoice('tok', 'bk1')") == {
        "invoice": {
            "booking_id": "bk1",
            "travel_date": "2024-01-05",
            "travel_from": "SFO",
            "travel_to": "LAX",
            "travel_class": "economy",
            "travel_cost": 200.0,
            "transaction_id": "t-1",
        }
    }
    Transcript(travel).expect(r"""
        retrieve_invoice('tok') -> {"error": "Booking not found"}
        retrieve_invoice('bad', 'bk1') -> {"error": "Invalid access token"}
        # A config booking without the invoice fields fails the way bfcl-eval does (a missing key).
        retrieve_invoice('tok', 'partial') -> Error during execution: 'travel_date'
        """)
    travel.token_expires_in = 0
    assert run(travel, "retrieve_invoice('tok', 'bk1')") == '{"error": "Token expired"}'


def test_booking_history_is_a_copy(travel):
    result = ToolRouter([travel]).run("get_booking_history('tok')")[0]
    assert set(result.value["booking_history"]) == {"bk1", "partial"}
    result.value["booking_history"]["bk1"]["travel_cost"] = 0
    assert travel.booking_record["bk1"]["travel_cost"] == 200.0
    assert run(travel, "get_booking_history('bad')") == '{"error": "Invalid access token"}'
    travel.token_expires_in = 0
    assert run(travel, "get_booking_history('tok')") == '{"error": "Token expired"}'


def test_cancel_booking_refunds_the_card(travel):
    assert run(travel, "cancel_booking('tok', 'bk1')") == '{"cancel_status": true}'
    assert "bk1" not in travel.booking_record
    assert travel.credit_card_list["main"]["balance"] == 2200.0
    assert decoded(travel, "cancel_booking('tok', 'bk1')") == {
        "cancel_status": False,
        "error": "Booking not found",
    }
    assert decoded(travel, "cancel_booking('bad', 'partial')") == {
        "cancel_status": False,
        "error": "Invalid access token",
    }
    assert run(travel, "cancel_booking('tok', 'partial')") == "Error during execution: 'card_id'"
    assert "partial" in travel.booking_record
    travel.token_expires_in = 0
    assert decoded(travel, "cancel_booking('tok', 'partial')") == {
        "cancel_status": False,
        "error": "Token expired",
    }


def test_purchase_insurance(travel):
    # Positional order is bfcl-eval's method order: booking_id comes before insurance_cost.
    result = decoded(travel, "purchase_insurance('tok', 'comprehensive', 'bk1', 120.0, 'main')")
    assert result["insurance_status"] is True and len(result["insurance_id"]) == 9
    assert travel.credit_card_list["main"]["balance"] == 1880.0


@pytest.mark.parametrize(
    ("token", "booking", "cost", "card", "budget", "error"),
    [
        ("bad", "bk1", 10.0, "main", None, "Invalid access token"),
        ("tok", "bk1", 600.0, "main", 500.0, "Exceeded budget limit"),
        ("tok", "zzz", 10.0, "main", None, "Booking not found"),
        ("tok", "bk1", 10.0, "zzz", None, "Credit card not registered"),
    ],
)
def test_purchase_insurance_failures(travel, token, booking, cost, card, budget, error):
    travel.budget_limit = budget
    call = f"purchase_insurance('{token}', 'travel', '{booking}', {cost}, '{card}')"
    assert decoded(travel, call) == {"insurance_status": False, "error": error}
    assert travel.credit_card_list["main"]["balance"] == 2000.0


def test_purchase_insurance_expired_token(travel):
    travel.token_expires_in = 0
    assert decoded(travel, "purchase_insurance('tok', 'travel', 'bk1', 1.0, 'main')") == {
        "insurance_status": False,
        "error": "Token expired",
    }


def test_contact_customer_support(travel):
    reply = decoded(travel, "contact_customer_support('bk1', 'Where is my seat?')")
    assert reply["customer_support_message"].startswith("Thank you for contacting customer support.")
    assert run(travel, "contact_customer_support('zzz', 'hi')") == '{"error": "Booking not found"}'


# -- money -------------------------------------------------------------------------------------------------


def test_exchange_rates(travel):
    Transcript(travel).expect(r"""
        compute_exchange_rate('USD', 'EUR', 100) -> {"exchanged_value": 80.0}
        compute_exchange_rate('USD', 'JPY', 3) -> {"exchanged_value": 330.0}
        compute_exchange_rate('RMB', 'USD', 100) -> {"exchanged_value": 14.29}
        compute_exchange_rate('EUR', 'GBP', 100) -> Error during execution: No available exchange rate for the given currencies.
        """)  # noqa: E501
    assert run(travel, "compute_exchange_rate('USD', 'USD', 1)").startswith("Error during execution")


# -- long context ------------------------------------------------------------------------------------------


def test_long_context_adds_our_cards_and_bookings(config):
    travel = Travel(config, long_context=True)
    assert len(LONG_CONTEXT_CARDS) == 22 and len(LONG_CONTEXT_BOOKINGS) == 16
    assert len(travel.credit_card_list) == 2 + 22 and len(travel.booking_record) == 2 + 16
    assert list(travel.credit_card_list)[:2] == ["main", "nobalance"]  # config entries first
    for booking in LONG_CONTEXT_BOOKINGS.values():
        assert booking["card_id"] in LONG_CONTEXT_CARDS
    assert travel.state_dict()["long_context"] is True


def test_long_context_config_entries_win():
    card_id = next(iter(LONG_CONTEXT_CARDS))
    travel = Travel({"credit_card_list": {card_id: {"balance": 1.0}}}, long_context=True)
    assert travel.credit_card_list[card_id] == {"balance": 1.0}
    assert len(travel.credit_card_list) == 22


def test_long_context_filler_is_deterministic_and_never_mutated(config):
    snapshot = copy_json((LONG_CONTEXT_CARDS, LONG_CONTEXT_BOOKINGS))
    travel = Travel({**config, "access_token": "tok"}, long_context=True)
    booking_id, booking = next(iter(LONG_CONTEXT_BOOKINGS.items()))
    assert run(travel, f"cancel_booking('tok', '{booking_id}')") == '{"cancel_status": true}'
    refunded = travel.credit_card_list[booking["card_id"]]["balance"]
    assert refunded == LONG_CONTEXT_CARDS[booking["card_id"]]["balance"] + booking["travel_cost"]
    assert snapshot == (LONG_CONTEXT_CARDS, LONG_CONTEXT_BOOKINGS)
    assert Travel(config, long_context=True).state_dict() == Travel(config, long_context=True).state_dict()


def test_long_context_result_shapes(config):
    travel = Travel(config, long_context=True)
    costs = decoded(travel, "get_flight_cost('SFO', 'LAX', '2024-12-16', 'business')")["travel_cost_list"]
    assert len(costs) == len(ROUTE_FARES) == 153
    assert costs[0] == 800.0 and costs == [fare * 4.0 for fare in ROUTE_FARES.values()]
    booked = decoded(travel, "book_flight('tok', 'main', '2024-12-16', 'SFO', 'LAX', 'economy')")
    assert booked["booking_status"] is True
    assert booked["booking_history"] == travel.state_dict()["booking_record"]
    assert len(booked["booking_history"]) == 2 + 16 + 1
