"""The travel synthesis kit: its scenarios are valid, varied BFCL configs; its makers give values the
service accepts; its intents read cleanly when a vague turn leaves a value out; and the small run never
states an id or token the service generated. What every kit is checked for is in test_kits.py."""

from __future__ import annotations

import json
import random
import re
from typing import Any

from funreason_envs.domains.travel import AIRPORTS, CITY_AIRPORTS, ROUTE_FARES, Travel, fare_multiplier
from funreason_envs.synthesis.kits.travel import AIRPORT_CODES, BOOKING_PREFIX, CARD_PREFIX, CITIES, KIT
from funreason_envs.synthesis.language import DANGLING, PLACEHOLDER

# Result fields whose values the service generates: a user can only know them from a tool result.
GENERATED_FIELDS = ("access_token", "card_id", "booking_id", "insurance_id", "transaction_id")


def scenarios(count: int) -> list[dict[str, Any]]:
    return [KIT.scenario(random.Random(seed)) for seed in range(count)]


def test_scenarios_load_as_drawn_and_hold_together():
    for config in scenarios(40):
        travel = Travel(config)
        state = travel.state_dict()
        for key in (
            "credit_card_list",
            "booking_record",
            "user_first_name",
            "user_last_name",
            "budget_limit",
        ):
            assert state[key] == config[key]
        assert state["access_token"] == config.get("access_token")
        assert config["credit_card_list"] and all(
            card.startswith(CARD_PREFIX) for card in config["credit_card_list"]
        )
        for booking_id, booking in config["booking_record"].items():
            assert booking_id.startswith(BOOKING_PREFIX)
            assert booking["card_id"] in config["credit_card_list"]
            route = (booking["travel_from"], booking["travel_to"])
            fare = ROUTE_FARES[route] * fare_multiplier(booking["travel_date"], booking["travel_class"])
            assert booking["travel_cost"] == fare
        holder = f"{config['user_first_name']} {config['user_last_name']}"
        assert all(card["cardholder_name"] == holder for card in config["credit_card_list"].values())
        assert ("travel_logged_in" in travel.conditions()) == ("access_token" in config)


def test_scenarios_vary_across_seeds():
    drawn = scenarios(40)
    assert len({(c["user_first_name"], c["user_last_name"]) for c in drawn}) >= 15
    assert {len(c["credit_card_list"]) for c in drawn} == {1, 2, 3}
    assert {len(c["booking_record"]) for c in drawn} == {0, 1, 2}
    assert len({c["budget_limit"] for c in drawn}) >= 4
    assert {"access_token" in c for c in drawn} == {True, False}  # some start signed in, some do not
    assert len({c["random_seed"] for c in drawn}) == 40
    assert len({json.dumps(c, sort_keys=True) for c in drawn}) == 40


def test_value_makers_give_values_the_service_accepts():
    rng = random.Random(5)
    for config in scenarios(10):
        domains = {"travel": Travel(config)}
        assert KIT.values["airport_code"](rng, domains) in AIRPORTS
        assert CITY_AIRPORTS[KIT.values["city"](rng, domains)] in AIRPORTS
        verify = {
            param: KIT.values[f"verify_traveler_information.{param}"](rng, domains)
            for param in ("first_name", "last_name", "date_of_birth", "passport_number")
        }
        assert domains["travel"].verify_traveler_information(**verify) == {"verification_status": True}
        cost = KIT.values["purchase_insurance.insurance_cost"](rng, domains)
        limit = config["budget_limit"]
        assert cost is not None and (limit is None or cost <= limit)


def test_cities_and_stated_codes_are_disjoint_and_every_city_flies_to_every_code():
    city_airports = {CITY_AIRPORTS[city] for city in CITIES}
    assert city_airports.isdisjoint(AIRPORT_CODES)
    assert all((origin, code) in ROUTE_FARES for origin in city_airports for code in AIRPORT_CODES)


def test_id_makers_name_only_ids_the_user_held_before_the_session():
    rng = random.Random(0)
    domains = {"travel": Travel({"credit_card_list": {"card_1000": {}, "card_2000": {}, "481516234200": {}}})}
    assert {KIT.values["card_id"](rng, domains) for _ in range(30)} == {"card_1000", "card_2000"}
    assert KIT.values["booking_id"](rng, {"travel": Travel({"booking_record": {"5550001": {}}})}) is None


# -- the phrasebook ------------------------------------------------------------------------------------


def test_intents_read_cleanly_when_a_vague_turn_leaves_one_value_out():
    """A vague turn cuts one placeholder and the preposition left hanging before punctuation."""
    spec = Travel.spec()
    stacked = re.compile(r"\b(to|from|on|in|at|with|for|of|by|as)\s+(to|from|on|in|at|with|for|of|by|as)\b")
    for name, phrases in KIT.phrases.tools.items():
        for template in phrases.intent:
            for param in (p for p in spec.by_name[name].required if "{" + p + "}" in template):
                cut = DANGLING.sub("", template.replace("{" + param + "}", "")).strip()
                text = PLACEHOLDER.sub("X", cut)
                assert ",," not in text.replace(" ", "") and not text.endswith(","), (name, param, text)
                full = PLACEHOLDER.sub("X", template)
                assert len(stacked.findall(text)) == len(stacked.findall(full)), (name, param, text)


# -- the small run (tests/test_kits.py checks its figures) ------------------------------------


def generated_values(sample: dict[str, Any]) -> set[str]:
    """Ids and tokens the service generated during the sample, read from its tool messages."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in GENERATED_FIELDS and isinstance(item, str):
                    found.add(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for message in sample["messages"]:
        if message["role"] == "tool" and message["content"].startswith("{"):  # a bare list carries no ids
            walk(json.loads(message["content"]))
    initial = json.dumps(sample["task"]["initial_config"])
    return {value for value in found if value not in initial}


def test_no_query_states_an_id_or_token_the_service_generated(kit_run):
    """Stronger than the flow check: also covers values taken as literals, e.g. a booking made a turn ago."""
    samples = kit_run("travel").rows
    generated = 0
    for sample in samples:
        values = generated_values(sample)
        generated += len(values)
        for turn in sample["turns"]:
            stated = [
                value for value in values if re.search(rf"(?<!\w){re.escape(value)}(?!\w)", turn["query"])
            ]
            assert not stated, (sample["id"], turn["query"], stated)
    assert generated > 30
