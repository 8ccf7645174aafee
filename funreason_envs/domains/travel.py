"""The travel domain: sign-in, credit cards, fares and bookings, budget and insurance (BFCL's TravelAPI).

Behaviour, messages, result shapes and random draws follow bfcl-eval 2026.3.23, quirks included where a
model can observe them: `register_credit_card` compares the card number with the card ids, booking is
refused when a card's balance is below the budget limit, and exchange rates only exist to and from USD.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from datetime import date
from functools import cache, lru_cache
from typing import Any

from funreason_envs.domains.base import Domain, SeededRandom, config_value, read_datetime
from funreason_envs.domains.filler import filler_names
from funreason_envs.jsonutil import copy_json, prerendered

DEFAULT_SEED = 141053
Record = dict[str, Any]

# Base economy fares in USD, one origin per line, in BFCL's route order (the long-context fare list keeps it).
_FARE_TABLE = """
SFO: LAX 200, JFK 500, ORD 400, BOS 450, RMS 300, SBK 350, MPC 370, SVP 320, SHD 330, SSV 340, OKD 360,
     WLB 310, CRH 380, ATV 390, PHV 420, GFD 430, CIA 700
LAX: SFO 100, JFK 600, ORD 500, BOS 550, RMS 310, SBK 320, MPC 330, SVP 340, SHD 350, SSV 360, OKD 370,
     WLB 380, CRH 390, ATV 400, PHV 410, GFD 420, HND 430
JFK: ORD 300, BOS 250, RMS 450, SBK 460, MPC 470, SVP 480, SHD 490, SSV 500, OKD 510, WLB 520, CRH 530,
     ATV 540, PHV 550, GFD 560, LAX 570, HND 800, PVG 950, PEK 1000
ORD: LAX 180, BOS 200, RMS 350, SBK 360, MPC 370, SVP 380, SHD 390, SSV 400, OKD 410, WLB 420, CRH 430,
     ATV 440, PHV 450, GFD 460
BOS: RMS 400, SBK 410, MPC 420, SVP 430, SHD 440, SSV 450, OKD 460, WLB 470, CRH 480, ATV 490, PHV 500,
     GFD 510
RMS: BOS 200, JFK 210, SBK 220, MPC 230, SVP 240, SHD 250, SSV 260, OKD 270, WLB 280, CRH 290, ATV 300,
     PHV 310, GFD 320, LAX 330
SBK: MPC 200, SVP 210, SHD 220, SSV 230, OKD 240, WLB 250, CRH 260, ATV 270, PHV 280, GFD 290
MPC: SVP 210, SHD 220, SSV 230, OKD 240, WLB 250, CRH 260, ATV 270, PHV 280, GFD 290
SVP: SHD 230, SSV 240, OKD 250, WLB 260, CRH 270, ATV 280, PHV 290, GFD 300
SHD: SSV 220, OKD 230, WLB 240, CRH 250, ATV 260, PHV 270, GFD 280
SSV: OKD 240, WLB 250, CRH 260, ATV 270, PHV 280, GFD 290
OKD: WLB 230, CRH 240, ATV 250, PHV 260, GFD 270
WLB: CRH 250, ATV 260, PHV 270, GFD 280
CRH: ATV 240, PHV 250, GFD 260, SFO 270, RMS 280, HKG 290, JFK 300
ATV: PHV 230, GFD 240
PHV: GFD 220
LHR: CDG 100
OKD: LAX 220
"""


def _parse_fares(table: str) -> dict[tuple[str, str], int]:
    """(origin, destination) -> fare, in table order; an indented line continues the origin above."""
    fares: dict[tuple[str, str], int] = {}
    origin = ""
    for line in table.strip().splitlines():
        if not line.startswith(" "):
            origin, _, line = line.partition(":")
        for item in line.split(","):
            if item.strip():
                destination, fare = item.split()
                fares[(origin, destination)] = int(fare)
    return fares


ROUTE_FARES = _parse_fares(_FARE_TABLE)
CLASS_FACTORS = {"economy": 1, "business": 2, "first": 5}
# bfcl-eval formats a set here, whose order changes from process to process; we fix one order.
INVALID_CLASS_ERROR = "Invalid travel class. Must be one of {'economy', 'business', 'first'}"
AIRPORTS = (
    "RMS", "SBK", "MPC", "SVP", "SHD", "CDG", "LHR", "SSV", "OKD", "WLB", "PEK", "HND",
    "HKG", "CIA", "CRH", "ATV", "PHV", "GFD", "SFO", "LAX", "JFK", "ORD", "BOS",
)  # fmt: skip
KNOWN_AIRPORTS = frozenset(AIRPORTS)
CITY_AIRPORTS = {
    "Rivermist": "RMS",
    "Stonebrook": "SBK",
    "Maplecrest": "MPC",
    "Silverpine": "SVP",
    "Shadowridge": "SHD",
    "London": "LHR",
    "Paris": "CDG",
    "Sunset Valley": "SSV",
    "Oakendale": "OKD",
    "Willowbend": "WLB",
    "Crescent Hollow": "CRH",
    "Autumnville": "ATV",
    "Pinehaven": "PHV",
    "Greenfield": "GFD",
    "San Francisco": "SFO",
    "Los Angeles": "LAX",
    "New York": "JFK",
    "Chicago": "ORD",
    "Boston": "BOS",
    "Beijing": "PEK",
    "Hong Kong": "HKG",
    "Rome": "CIA",
    "Tokyo": "HND",
}
# Units of each currency per US dollar; every conversion goes to or from USD.
USD_RATES = {
    "RMB": 7,
    "EUR": 0.8,
    "JPY": 110,
    "GBP": 0.7,
    "CAD": 1.3,
    "AUD": 1.4,
    "INR": 70,
    "RUB": 60,
    "BRL": 3.8,
    "MXN": 20,
}
SUPPORT_REPLY = (
    "Thank you for contacting customer support. Your message has been received and we will get back "
    "to you shortly."
)


def route_fare(travel_from: str, travel_to: str) -> int:
    """The base fare of a route; `ValueError` when there is no such route."""
    fare = ROUTE_FARES.get((travel_from, travel_to))
    if fare is None:
        raise ValueError("No available route for the given airports.")
    return fare


def fare_multiplier(travel_date: str, travel_class: str) -> int:
    """Class factor times the date factor (2 when the date's digits add up to an even number);
    remembered per pair of strings (a pure function, asked on every quote and booking)."""
    if type(travel_date) is str and type(travel_class) is str:
        return _remembered_multiplier(travel_date, travel_class)
    return _multiplier(travel_date, travel_class)


def _multiplier(travel_date: str, travel_class: str) -> int:
    factor = CLASS_FACTORS.get(travel_class)
    if factor is None:
        raise ValueError("Invalid travel class. Options are: economy, business, first.")
    digit_sum = sum(int(character) for character in travel_date if character.isdigit())
    return factor * (2 if digit_sum % 2 == 0 else 1)


_remembered_multiplier = lru_cache(maxsize=4096)(_multiplier)


@cache
def _all_fares(multiplier: int) -> tuple[float, ...]:
    """Every route's fare times `multiplier`, in table order (a long-context fare quote), computed once
    per multiplier (a handful exist)."""
    return tuple(float(base * multiplier) for base in ROUTE_FARES.values())


@cache
def _all_fares_text(multiplier: int) -> str:
    """The JSON text of `_all_fares(multiplier)`, rendered once per multiplier (a handful exist)."""
    return json.dumps(list(_all_fares(multiplier)))


# -- long-context filler: our own cards and bookings, the same counts and shapes as BFCL's --------------

FILLER_SEED = 2718
FILLER_CARD_COUNT = 22
FILLER_BOOKING_COUNT = 16
FILLER_BOOKED_CARDS = 8  # the bookings cycle through the first eight filler cards
FILLER_FIRST_NAMES = ("Avery", "Noor", "Tomas", "Ines", "Kenji", "Marta", "Felix", "Priya", "Oren", "Lucia")
FILLER_LAST_NAMES = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Alvarez", "Novak", "Brennan", "Haddad")


def _filler_cards(seed: int) -> dict[str, Record]:
    rng = random.Random(seed + 1)  # a stream apart from the one that draws the card numbers
    cards: dict[str, Record] = {}
    for number in filler_names(FILLER_CARD_COUNT, seed, digits=16):
        cards[number] = {
            "card_number": number,
            "expiration_date": f"{rng.randint(1, 12):02d}/{rng.randint(24, 31)}",
            "cardholder_name": f"{rng.choice(FILLER_FIRST_NAMES)} {rng.choice(FILLER_LAST_NAMES)}",
            "card_verification_number": rng.randint(100, 999),
            "balance": float(rng.randrange(4000, 9000, 50)),
        }
    return cards


def _filler_bookings(seed: int, card_ids: list[str]) -> dict[str, Record]:
    rng = random.Random(seed + 1)
    routes = list(ROUTE_FARES)
    bookings: dict[str, Record] = {}
    for index, booking_id in enumerate(filler_names(FILLER_BOOKING_COUNT, seed, prefix="booking_", digits=4)):
        travel_from, travel_to = rng.choice(routes)
        travel_class = rng.choice(list(CLASS_FACTORS))
        travel_date = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        bookings[booking_id] = {
            "card_id": card_ids[index % FILLER_BOOKED_CARDS],
            "travel_date": travel_date,
            "travel_from": travel_from,
            "travel_to": travel_to,
            "travel_class": travel_class,
            "travel_cost": float(
                route_fare(travel_from, travel_to) * fare_multiplier(travel_date, travel_class)
            ),
            "transaction_id": str(rng.randint(10_000_000, 99_999_999)),
        }
    return bookings


LONG_CONTEXT_CARDS = _filler_cards(FILLER_SEED)
LONG_CONTEXT_BOOKINGS = _filler_bookings(FILLER_SEED + 2, list(LONG_CONTEXT_CARDS))


def _add_missing(target: dict[str, Record], extra: Mapping[str, Record]) -> None:
    """Copy in the entries of `extra` whose keys `target` lacks (the config's own entries win)."""
    for key, value in extra.items():
        if key not in target:
            target[key] = copy_json(value)


class Travel(Domain):
    """A travel-booking account: a token from `authenticate_travel` unlocks cards, bookings and insurance."""

    _random = SeededRandom("_random_seed")

    credit_card_list: dict[str, Record]
    booking_record: dict[str, Record]
    access_token: str | None
    token_type: str | None
    token_expires_in: int | None
    token_scope: str | None
    user_first_name: str | None
    user_last_name: str | None
    budget_limit: float | None
    long_context: bool

    def load(self, config: Mapping[str, Any], long_context: bool = False) -> None:
        type(self)._random.reseed(self, config.get("random_seed", DEFAULT_SEED))
        self.credit_card_list = config_value(config, "credit_card_list", {})
        self.booking_record = config_value(config, "booking_record", {})
        self.access_token = config_value(config, "access_token", None)
        self.token_type = config_value(config, "token_type", None)
        self.token_expires_in = config_value(config, "token_expires_in", None)
        self.token_scope = config_value(config, "token_scope", None)
        self.user_first_name = config_value(config, "user_first_name", None)
        self.user_last_name = config_value(config, "user_last_name", None)
        self.budget_limit = config_value(config, "budget_limit", None)
        self.long_context = long_context
        if long_context:
            _add_missing(self.credit_card_list, LONG_CONTEXT_CARDS)
            _add_missing(self.booking_record, LONG_CONTEXT_BOOKINGS)

    # -- state probes for the Environment-API graph ----------------------------------------------------

    def conditions(self) -> set[str]:
        held: set[str] = set()
        if self._logged_in():
            held.add("travel_logged_in")
        if self.booking_record:
            held.add("travel_booking_on_record")
        return held

    def available_resources(self) -> dict[str, list[Any]]:
        return {
            "card_id": list(self.credit_card_list),
            "booking_id": list(self.booking_record),
            "access_token": [self.access_token] if self._logged_in() else [],
        }

    def _logged_in(self) -> bool:
        """A token is held and has not expired (what travel_get_login_status reports, plus the token)."""
        return self.access_token is not None and self.token_expires_in not in (None, 0)

    def _token_error(self, access_token: str) -> str | None:
        """Why `access_token` may not be used, or None when it may."""
        if self.token_expires_in == 0:
            return "Token expired"
        if access_token != self.access_token:
            return "Invalid access token"
        return None

    # -- account -----------------------------------------------------------------------------------------

    def authenticate_travel(
        self,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        grant_type: str,
        user_first_name: str,
        user_last_name: str,
    ) -> dict[str, Any]:
        self.token_expires_in = 2
        self.access_token = str(self._random.randint(100_000, 999_999))
        self.token_type = "Bearer"
        self.token_scope = grant_type
        self.user_first_name = user_first_name
        self.user_last_name = user_last_name
        return {
            "expires_in": 2,
            "access_token": self.access_token,
            "token_type": "Bearer",
            "scope": grant_type,
        }

    def travel_get_login_status(self) -> dict[str, bool]:
        return {"status": not (self.token_expires_in is None or self.token_expires_in == 0)}

    def get_budget_fiscal_year(
        self, lastModifiedAfter: str | None = None, includeRemoved: str | None = None
    ) -> dict[str, str]:
        return {"budget_fiscal_year": "2018"}

    def set_budget_limit(self, access_token: str, budget_limit: float) -> dict[str, Any]:
        problem = self._token_error(access_token)
        if problem is not None:
            return {"error": problem}
        self.budget_limit = float(budget_limit)
        return {"budget_limit": self.budget_limit}

    def verify_traveler_information(
        self, first_name: str, last_name: str, date_of_birth: str, passport_number: str
    ) -> dict[str, Any]:
        if first_name != self.user_first_name or last_name != self.user_last_name:
            return {
                "verification_status": False,
                "verification_failure": "Cannot book flight information for another user."
                f"Expected {self.user_first_name} {self.user_last_name}, got {first_name} {last_name}",
            }
        try:
            born = read_datetime(date_of_birth, "%Y-%m-%d")
        except ValueError:
            return {
                "verification_status": False,
                "verification_failure": "Invalid date of birth format. Please use YYYY-MM-DD.",
            }
        today = date.today()  # bfcl-eval uses the real date too
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if age < 18:
            return {
                "verification_status": False,
                "verification_failure": "Traveler must be at least 18 years old.",
            }
        if not passport_number.startswith("US"):
            return {
                "verification_status": False,
                "verification_failure": "Passport must be issued by the United States.",
            }
        return {"verification_status": True}

    # -- credit cards -------------------------------------------------------------------------------------

    def register_credit_card(
        self,
        access_token: str,
        card_number: str,
        expiration_date: str,
        cardholder_name: str,
        card_verification_number: int,
    ) -> dict[str, str]:
        if self.token_expires_in is None:
            return {"error": "Token not initialized"}
        problem = self._token_error(access_token)
        if problem is not None:
            return {"error": problem}
        if card_number in self.credit_card_list:  # compared with the card ids, as bfcl-eval does
            return {"error": "Card already registered"}
        card_id = str(self._random.randint(100_000_000_000, 999_999_999_999))
        self.credit_card_list[card_id] = {
            "card_number": card_number,
            "expiration_date": expiration_date,
            "cardholder_name": cardholder_name,
            "card_verification_number": card_verification_number,
            "balance": self._random.randint(10_000, 99_999),
        }
        return {"card_id": card_id}

    def get_all_credit_cards(self) -> dict[str, Any]:
        return {"credit_card_list": self.credit_card_list}

    def get_credit_card_balance(self, access_token: str, card_id: str) -> dict[str, Any]:
        problem = self._token_error(access_token)
        if problem is not None:
            return {"error": problem}
        if card_id not in self.credit_card_list:
            known = str(list(self.credit_card_list))
            return {"error": f"Card not registered. Here are a list of card_id's: {known}"}
        return {"card_balance": self.credit_card_list[card_id]["balance"]}

    # -- flights ------------------------------------------------------------------------------------------

    def list_all_airports(self) -> list[str]:
        return list(AIRPORTS)

    def get_nearest_airport_by_city(self, location: str) -> dict[str, str]:
        return {"nearest_airport": CITY_AIRPORTS.get(location, "Unknown")}

    def get_flight_cost(
        self, travel_from: str, travel_to: str, travel_date: str, travel_class: str
    ) -> dict[str, list[float]]:
        fare = route_fare(travel_from, travel_to)
        multiplier = fare_multiplier(travel_date, travel_class)
        if self.long_context:  # every route's fare for that class and date, in table order
            fares = {"travel_cost_list": list(_all_fares(multiplier))}
            return prerendered(fares, {"travel_cost_list": _all_fares_text(multiplier)})
        return {"travel_cost_list": [float(fare * multiplier)]}

    def book_flight(
        self,
        access_token: str,
        card_id: str,
        travel_date: str,
        travel_from: str,
        travel_to: str,
        travel_class: str,
    ) -> dict[str, Any]:
        problem = self._booking_problem(
            access_token, card_id, travel_date, travel_from, travel_to, travel_class
        )
        if problem is not None:
            return {"booking_status": False, "error": problem}
        try:
            cost = float(route_fare(travel_from, travel_to) * fare_multiplier(travel_date, travel_class))
        except ValueError as exc:
            return {"booking_status": False, "error": str(exc)}
        card = self.credit_card_list[card_id]
        if card["balance"] < cost:
            return {"booking_status": False, "error": "Insufficient funds"}
        if self.budget_limit is not None and card["balance"] < self.budget_limit:
            return {"booking_status": False, "error": "Balance is less than budget limit"}
        card["balance"] -= cost
        booking_id = str(self._random.randint(1_000_000, 9_999_999))
        transaction_id = str(self._random.randint(10_000_000, 99_999_999))
        self.booking_record[booking_id] = {
            "card_id": card_id,
            "travel_date": travel_date,
            "travel_from": travel_from,
            "travel_to": travel_to,
            "travel_class": travel_class,
            "travel_cost": cost,
            "transaction_id": transaction_id,
        }
        return {
            "booking_id": booking_id,
            "transaction_id": transaction_id,
            "booking_status": True,
            "booking_history": self.booking_record if self.long_context else {},
        }

    def _booking_problem(
        self,
        access_token: str,
        card_id: str,
        travel_date: str,
        travel_from: str,
        travel_to: str,
        travel_class: str,
    ) -> str | None:
        """The first reason, in bfcl-eval's order of checks, a booking request is refused."""
        problem = self._token_error(access_token)
        if problem is not None:
            return problem
        if card_id not in self.credit_card_list:
            return "Card not registered"
        if "balance" not in self.credit_card_list[card_id]:
            return "Balance not found"
        if travel_from not in KNOWN_AIRPORTS:
            return f"Invalid departure airport code: {travel_from}"
        if travel_to not in KNOWN_AIRPORTS:
            return f"Invalid destination airport code: {travel_to}"
        try:
            read_datetime(travel_date, "%Y-%m-%d")
        except ValueError:
            return "Invalid date format. Use YYYY-MM-DD."
        if travel_class not in CLASS_FACTORS:
            return INVALID_CLASS_ERROR
        return None

    # -- bookings -----------------------------------------------------------------------------------------

    def retrieve_invoice(
        self, access_token: str, booking_id: str | None = None, insurance_id: str | None = None
    ) -> dict[str, Any]:
        problem = self._token_error(access_token)
        if problem is not None:
            return {"error": problem}
        if booking_id not in self.booking_record:
            return {"error": "Booking not found"}
        booking = self.booking_record[booking_id]
        invoice = {"booking_id": booking_id}
        for field in (
            "travel_date",
            "travel_from",
            "travel_to",
            "travel_class",
            "travel_cost",
            "transaction_id",
        ):
            invoice[field] = booking[field]
        return {"invoice": invoice}

    def get_booking_history(self, access_token: str) -> dict[str, Any]:
        problem = self._token_error(access_token)
        if problem is not None:
            return {"error": problem}
        return {"booking_history": copy_json(self.booking_record)}

    def cancel_booking(self, access_token: str, booking_id: str) -> dict[str, Any]:
        problem = self._token_error(access_token)
        if problem is not None:
            return {"cancel_status": False, "error": problem}
        if booking_id not in self.booking_record:
            return {"cancel_status": False, "error": "Booking not found"}
        booking = self.booking_record[booking_id]
        card_id, cost = booking["card_id"], booking["travel_cost"]
        self.credit_card_list[card_id]["balance"] += cost
        del self.booking_record[booking_id]
        return {"cancel_status": True}

    def purchase_insurance(
        self,
        access_token: str,
        insurance_type: str,
        booking_id: str,
        insurance_cost: float,
        card_id: str,
    ) -> dict[str, Any]:
        problem = self._insurance_problem(access_token, booking_id, insurance_cost, card_id)
        if problem is not None:
            return {"insurance_status": False, "error": problem}
        self.credit_card_list[card_id]["balance"] -= insurance_cost
        return {"insurance_id": str(self._random.randint(100_000_000, 999_999_999)), "insurance_status": True}

    def _insurance_problem(
        self, access_token: str, booking_id: str, insurance_cost: float, card_id: str
    ) -> str | None:
        """The first reason, in bfcl-eval's order of checks, an insurance purchase is refused."""
        problem = self._token_error(access_token)
        if problem is not None:
            return problem
        if self.budget_limit is not None and self.budget_limit < insurance_cost:
            return "Exceeded budget limit"
        if booking_id not in self.booking_record:
            return "Booking not found"
        if card_id not in self.credit_card_list:
            return "Credit card not registered"
        return None

    def contact_customer_support(self, booking_id: str, message: str) -> dict[str, str]:
        if booking_id not in self.booking_record:
            return {"error": "Booking not found"}
        return {"customer_support_message": SUPPORT_REPLY}

    # -- money ---------------------------------------------------------------------------------------------

    def compute_exchange_rate(
        self, base_currency: str, target_currency: str, value: float
    ) -> dict[str, float]:
        if base_currency == "USD" and target_currency in USD_RATES:
            return {"exchanged_value": float(value * USD_RATES[target_currency])}
        if target_currency == "USD" and base_currency in USD_RATES:
            return {"exchanged_value": round(value / USD_RATES[base_currency], 2)}
        raise ValueError("No available exchange rate for the given currencies.")
