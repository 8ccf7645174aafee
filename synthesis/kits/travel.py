"""Synthesis kit for travel: varied accounts (signed in or not), and what a traveller would say.

Scenarios hold one to three funded cards, up to two past bookings on routes the service flies, a budget
limit or none, and either a token the user holds (and states, as BFCL's users do) or no sign-in yet, so
authenticate_travel comes first. Ids the user had before the session carry a prefix ("card_", "bk_");
ids and tokens the service makes during the session reach later calls only as data flows. Listing
tools (cards, bookings) have no `refer` phrase: the ids they show are ones the user already knows and
states, so a listing never stands between the user and an id. Cities and stated airport codes are
disjoint sets, and stated amounts never look like fares, so a looked-up value is never also stated.
Most travel goals take one or two steps (users state airports, card ids and their token, as in BFCL),
and a value already used in a turn cannot flow into a second call of that turn, so acting turns average
about 1.65 calls.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from funreason_envs.domains.base import Domain
from funreason_envs.domains.travel import CITY_AIRPORTS, ROUTE_FARES, Travel, fare_multiplier
from funreason_envs.synthesis.kits import DomainKit, Phrasebook, ValueMaker, load_phrasebook, people
from funreason_envs.synthesis.kits.grammar import Grammar, sentence

LOGGED_IN_SHARE = 0.5
# Scenario ids carry these prefixes; ids the service makes during a session are plain digits.
BOOKING_PREFIX = "bk_"
CARD_PREFIX = "card_"
FIRST_NAMES = (
    "Michael",
    "Evelyn",
    "Theodore",
    "Priya",
    "Samuel",
    "Lara",
    "Ethan",
    "Mei",
    "Carlos",
    "Nadia",
    *people.FIRST_NAMES,
)
LAST_NAMES = (
    "Thompson",
    "Montgomery",
    "Collins",
    "Raman",
    "Fisher",
    "Croft",
    "Hawke",
    "Lin",
    "Ortega",
    *people.LAST_NAMES,
)
# Cities a user names and codes a user states are kept apart, so a code found through a city never
# also appears literally in the same request. Every city's airport flies to every stated code.
CITIES = ("Rivermist", "San Francisco", "Los Angeles", "New York", "Chicago", "Boston")
AIRPORT_CODES = ("SBK", "MPC", "SVP", "SHD", "SSV", "OKD", "WLB", "CRH", "ATV", "PHV", "GFD")
TRAVEL_CLASSES = ("economy", "economy", "business", "first")
SCOPES = ("read_write", "read write", "booking", "full_access")
# Amounts a user states end in 5: fares (and invoices) are whole tens and scenario balances whole
# fifties, so a stated amount never repeats one the assistant looked up in the same request.
AMOUNTS = (125.0, 375.0, 745.0, 1125.0, 1875.0, 2495.0, 3275.0, 4995.0, 7525.0, 15995.0)
BUDGETS = (None, None, 1000.0, 2000.0, 3000.0, 5000.0)
CURRENCIES = ("EUR", "GBP", "JPY", "RMB", "CAD", "AUD", "INR", "MXN")
INSURANCE_TYPES = ("comprehensive", "travel", "cancellation")
INSURANCE_COSTS = (45.0, 65.0, 85.0, 99.0, 125.0, 145.0, 185.0, 235.0)
# What a traveller writes to customer support: a problem with part of a trip, and what they want done.
SUPPORT_GRAMMAR: Grammar = {
    "message": ("{problem} {want}", "{problem}", "{want}", "{problem} {context} {want}"),
    "problem": (
        "My checked bag did not arrive.",
        "The confirmation email never reached me.",
        "My name is misspelled on the ticket.",
        "I was charged twice for the same flight.",
        "The app shows my seat as unassigned.",
        "My connecting flight is now too tight to make.",
        "The refund for my cancelled trip has not come through.",
        "I can't add my frequent flyer number online.",
    ),
    "context": (
        "I'm travelling with {company}.",
        "This is my first trip abroad.",
        "I've already called twice.",
        "The trip is for a family wedding.",
    ),
    "company": ("two small children", "my elderly father", "a guide dog", "my colleagues"),
    "want": (
        "Can I get a {seat} seat on this flight?",
        "I need to travel a day {shift}, what are my options?",
        "Please add a {meal} meal to this booking.",
        "Could someone call me back today?",
        "Please send the receipt again.",
        "Can I bring {item} on board?",
    ),
    "seat": ("window", "aisle", "front-row", "bulkhead"),
    "shift": ("earlier", "later"),
    "meal": ("vegetarian", "gluten-free", "vegan", "kosher", "children's"),
    "item": ("a folding bike", "a cello", "a second carry-on", "my sewing machine"),
}


def _route(rng: random.Random) -> tuple[str, str]:
    known = set(AIRPORT_CODES) | {CITY_AIRPORTS[city] for city in CITIES}
    return rng.choice([route for route in ROUTE_FARES if set(route) <= known])


def _date(rng: random.Random, year: int) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _cards(rng: random.Random, holder: str, count: int) -> dict[str, dict[str, Any]]:
    cards: dict[str, dict[str, Any]] = {}
    while len(cards) < count:
        cards[f"{CARD_PREFIX}{rng.randint(1000, 9999)}"] = {
            "card_number": "".join(rng.choices(string.digits, k=16)),
            "expiration_date": f"{rng.randint(1, 12):02d}/{rng.randint(2027, 2031)}",
            "cardholder_name": holder,
            "card_verification_number": rng.randint(100, 999),
            "balance": float(rng.randrange(3000, 25000, 50)),
        }
    return cards


def _bookings(rng: random.Random, card_ids: list[str], count: int) -> dict[str, dict[str, Any]]:
    """Past bookings as book_flight records them, priced by the service's own fare rule."""
    bookings: dict[str, dict[str, Any]] = {}
    while len(bookings) < count:
        travel_from, travel_to = _route(rng)
        travel_date, travel_class = _date(rng, 2026), rng.choice(TRAVEL_CLASSES)
        bookings[f"{BOOKING_PREFIX}{rng.randint(10000, 99999)}"] = {
            "card_id": rng.choice(card_ids),
            "travel_date": travel_date,
            "travel_from": travel_from,
            "travel_to": travel_to,
            "travel_class": travel_class,
            "travel_cost": float(
                ROUTE_FARES[(travel_from, travel_to)] * fare_multiplier(travel_date, travel_class)
            ),
            "transaction_id": str(rng.randint(10_000_000, 99_999_999)),
        }
    return bookings


def scenario(rng: random.Random) -> dict[str, Any]:
    """A TravelAPI initial config: the holder's name, cards, bookings, budget, and maybe a held token."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    cards = _cards(rng, f"{first} {last}", rng.choice((1, 1, 1, 2, 3)))
    config: dict[str, Any] = {
        "random_seed": rng.randrange(1_000_000),
        "credit_card_list": cards,
        "booking_record": _bookings(rng, list(cards), rng.choice((0, 0, 1, 1, 2))),
        "user_first_name": first,
        "user_last_name": last,
        "budget_limit": rng.choice(BUDGETS),
    }
    if rng.random() < LOGGED_IN_SHARE:
        config.update(
            access_token="".join(rng.choices(string.ascii_lowercase, k=3))
            + "".join(rng.choices(string.ascii_lowercase + string.digits, k=9)),
            token_type="Bearer",
            token_expires_in=rng.choice((3600, 86400)),
            token_scope=rng.choice(SCOPES),
        )
    return config


def _holder(domains: Mapping[str, Domain]) -> tuple[str, str]:
    """The account holder's first and last name (every kit scenario names one)."""
    travel = domains["travel"]
    assert isinstance(travel, Travel)
    return travel.user_first_name or "", travel.user_last_name or ""


def _currency(rng: random.Random, usd_share: float) -> str:
    return "USD" if rng.random() < usd_share else rng.choice(CURRENCIES)


def _known_id(records: str, prefix: str) -> ValueMaker:
    """A maker of an id the user had before the session (a scenario id, by its prefix) still on record.

    The sampler takes ids from the state first; this covers ids a listing tool has since shown, which
    the sampler no longer takes from the state although the user knew them all along.
    """

    def make(rng: random.Random, domains: Mapping[str, Domain]) -> str | None:
        known = [key for key in getattr(domains["travel"], records) if key.startswith(prefix)]
        return rng.choice(known) if known else None

    return make


def _insurance_cost(rng: random.Random, domains: Mapping[str, Domain]) -> float | None:
    """A premium the budget limit allows (purchase_insurance refuses one above it)."""
    travel = domains["travel"]
    assert isinstance(travel, Travel)
    limit = travel.budget_limit
    allowed = [cost for cost in INSURANCE_COSTS if limit is None or cost <= limit]
    return rng.choice(allowed) if allowed else None


def _credential(prefix: str) -> ValueMaker:
    """A maker of client credentials such as 'client_k3v9x0qa'."""

    def make(rng: random.Random, domains: Mapping[str, Domain]) -> str:
        return prefix + "".join(rng.choices(string.ascii_lowercase + string.digits, k=8))

    return make


def senseless(tool: str, arguments: Mapping[str, Any], domain: Domain) -> str | None:
    """Nobody converts an amount into the currency it is already in."""
    base, target = arguments.get("base_currency"), arguments.get("target_currency")
    if tool == "compute_exchange_rate" and base is not None and base == target:
        return f"compute_exchange_rate converts {base} into {target}"
    return None


def _phrases() -> Phrasebook:
    """The phrasebook, with the holder names spoken as plain words rather than quoted literals."""
    phrases = load_phrasebook("travel")
    names = {name: name for name in FIRST_NAMES + LAST_NAMES}
    spoken = {
        f"{tool}.{param}": names
        for tool, params in (
            ("authenticate_travel", ("user_first_name", "user_last_name")),
            ("verify_traveler_information", ("first_name", "last_name")),
        )
        for param in params
    }
    return replace(phrases, display={**phrases.display, **spoken})


KIT = DomainKit(
    domain="travel",
    scenario=scenario,
    values={
        # resources: values a user states, and ids the user held before the session
        "city": lambda rng, domains: rng.choice(CITIES),
        "airport_code": lambda rng, domains: rng.choice(AIRPORT_CODES),
        "money": lambda rng, domains: rng.choice(AMOUNTS),
        "text": lambda rng, domains: sentence(rng, SUPPORT_GRAMMAR, "message"),
        "booking_id": _known_id("booking_record", BOOKING_PREFIX),
        "card_id": _known_id("credit_card_list", CARD_PREFIX),
        # plain parameters
        "authenticate_travel.client_id": _credential("client_"),
        "authenticate_travel.client_secret": _credential("sec_"),
        "authenticate_travel.refresh_token": _credential("rt_"),
        "authenticate_travel.grant_type": lambda rng, domains: rng.choice(("read_write", "read", "write")),
        "authenticate_travel.user_first_name": lambda rng, domains: _holder(domains)[0],
        "authenticate_travel.user_last_name": lambda rng, domains: _holder(domains)[1],
        "book_flight.travel_date": lambda rng, domains: _date(rng, 2026),
        "book_flight.travel_class": lambda rng, domains: rng.choice(TRAVEL_CLASSES),
        "get_flight_cost.travel_date": lambda rng, domains: _date(rng, 2026),
        "get_flight_cost.travel_class": lambda rng, domains: rng.choice(TRAVEL_CLASSES),
        "compute_exchange_rate.base_currency": lambda rng, domains: _currency(rng, 0.7),
        "compute_exchange_rate.target_currency": lambda rng, domains: _currency(rng, 0.3),
        "purchase_insurance.insurance_type": lambda rng, domains: rng.choice(INSURANCE_TYPES),
        "purchase_insurance.insurance_cost": _insurance_cost,
        "register_credit_card.card_number": lambda rng, domains: "".join(rng.choices(string.digits, k=16)),
        "register_credit_card.expiration_date": lambda rng, domains: f"{rng.randint(1, 12):02d}/2029",
        "register_credit_card.cardholder_name": lambda rng, domains: " ".join(_holder(domains)),
        "register_credit_card.card_verification_number": lambda rng, domains: rng.randint(100, 999),
        "verify_traveler_information.first_name": lambda rng, domains: _holder(domains)[0],
        "verify_traveler_information.last_name": lambda rng, domains: _holder(domains)[1],
        "verify_traveler_information.date_of_birth": lambda rng, domains: _date(rng, rng.randint(1955, 2000)),
        "verify_traveler_information.passport_number": lambda rng, domains: (
            f"US{rng.randint(1000000, 9999999)}"
        ),
        "get_budget_fiscal_year.lastModifiedAfter": lambda rng, domains: f"{_date(rng, 2024)}T09:30:00",
        "get_budget_fiscal_year.includeRemoved": lambda rng, domains: rng.choice(("true", "false")),
    },
    phrases=_phrases(),
    senseless=senseless,
    topical=("contact_customer_support.message",),
)
