"""The vehicle synthesis kit: scenarios are valid, varied BFCL configs; the phrasebook covers the tools
and the literals the kit draws; the argument makers fit the car's state; and a small run verifies fully,
states what the user must know and never what an earlier result told."""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest

from funreason_envs.checker import execute_ground_truth
from funreason_envs.domains.vehicle import CITY_ZIPCODES, TANK_CAPACITY, Vehicle
from funreason_envs.jsonutil import copy_json
from funreason_envs.synthesis.kits import kit_for
from funreason_envs.synthesis.kits.vehicle import (
    DOORS,
    FOLLOWING_GAPS,
    GALLON_AMOUNTS,
    LITER_AMOUNTS,
    TRIP_MILES,
    ZIPCODE_WEIGHTS,
    doors_to_change,
    gallons_that_fit,
    liters_that_fit,
    scenario,
)
from funreason_envs.synthesis.language import PLACEHOLDER, speak_value
from funreason_envs.synthesis.pipeline import SampleBuilder, Settings
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.report import build_report
from funreason_envs.synthesis.run import roles_factory
from funreason_envs.synthesis.verify import verify_sample
from tests.oracle import bfcl_execute, public_state, require_bfcl

KIT = kit_for("vehicle")
SPEC = Vehicle.spec()
# Tools without an intent phrase, never a turn's goal: a driver asks for distances, not zip codes
# (the look-up runs as a step toward them), and the second weather service only ever answers 404.
MEANS_ONLY = {"get_zipcode_based_on_city", "get_outside_temperature_from_weather_com"}


def bfcl_public_state(config: dict[str, Any]) -> dict[str, Any]:
    """bfcl-eval's own VehicleControlAPI loaded with `config`, as its executor loads it (the oracle)."""
    require_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.func_source_code.vehicle_control import VehicleControlAPI

    theirs = VehicleControlAPI()
    theirs._load_scenario(copy_json(config))
    return public_state(theirs)


# -- scenarios ---------------------------------------------------------------------------------


def test_scenarios_load_as_bfcl_loads_them():
    for seed in range(25):
        config = scenario(random.Random(seed))
        assert Vehicle(copy_json(config)).state_dict() == bfcl_public_state(config), seed


def test_scenarios_are_valid_and_varied():
    configs = [scenario(random.Random(seed)) for seed in range(200)]
    for config in configs:
        assert list(config["doorStatus"]) == list(DOORS)
        assert set(config["doorStatus"].values()) <= {"locked", "unlocked"}
        assert 0 <= config["fuelLevel"] <= TANK_CAPACITY
        assert config["destination"] == "None" or config["destination"] in CITY_ZIPCODES
        if config["engineState"] == "running":  # a running car was locked and is not parked
            assert set(config["doorStatus"].values()) == {"locked"}
            assert config["parkingBrakeStatus"] == "released"
    assert len({json.dumps(config, sort_keys=True) for config in configs}) == len(configs)
    assert {c["engineState"] for c in configs} == {"running", "stopped"}
    door_patterns = {tuple(sorted(set(c["doorStatus"].values()))) for c in configs}
    assert door_patterns == {("unlocked",), ("locked",), ("locked", "unlocked")}
    assert {c["parkingBrakeStatus"] for c in configs} == {"engaged", "released"}
    assert len({c["fuelLevel"] for c in configs}) > 100
    assert len({c["random_seed"] for c in configs}) == len(configs)


# -- phrasebook --------------------------------------------------------------------------------


def test_every_tool_has_an_intent_or_is_deliberately_means_only():
    phrased = {name for name, phrases in KIT.phrases.tools.items() if phrases.intent}
    assert phrased | MEANS_ONLY == set(SPEC.by_name)
    assert not phrased & MEANS_ONLY


def test_templates_name_real_parameters_results_and_resources():
    for name, phrases in KIT.phrases.tools.items():
        tool = SPEC.by_name[name]
        params = set(tool.parameters.get("properties", {}))
        results = set(tool.returns.get("properties", {})) | {""}
        templates = [*phrases.intent, *phrases.context, *phrases.refer.values(), phrases.done]
        for template in templates:
            for key in PLACEHOLDER.findall(template):
                if key.startswith("result."):
                    assert key.removeprefix("result.") in results, (name, template)
                else:
                    assert key in params, (name, template)
        assert set(phrases.refer) <= {p.resource for p in tool.produces}, name
    for key in KIT.phrases.display:
        name, param = key.split(".")
        assert param in SPEC.by_name[name].parameters["properties"], key


def test_every_literal_the_kit_draws_has_display_words():
    """The menus behind the makers are what the display words cover, so numbers are said with units."""
    display = KIT.phrases.display
    menus = {
        "fillFuelTank.fuelAmount": GALLON_AMOUNTS,
        "gallon_to_liter.gallon": GALLON_AMOUNTS,
        "liter_to_gallon.liter": LITER_AMOUNTS,
        "estimate_drive_feasibility_by_mileage.distance": TRIP_MILES,
        "setCruiseControl.distanceToNextVehicle": FOLLOWING_GAPS,
        "estimate_distance.cityA": ZIPCODE_WEIGHTS,
        "estimate_distance.cityB": ZIPCODE_WEIGHTS,
    }
    for key, menu in menus.items():
        assert {str(value) for value in menu} <= set(display[key]), key
    rng = random.Random(0)
    for _ in range(200):
        car = Vehicle(scenario(rng))
        assert str(doors_to_change(rng, {"vehicle": car})) in display["lockDoors.door"]


# -- argument makers ---------------------------------------------------------------------------


def test_door_makers_lock_what_is_open_and_unlock_a_locked_car():
    unlock = KIT.values["lockDoors.unlock"]
    rng = random.Random(1)
    half = Vehicle({"doorStatus": {**dict.fromkeys(DOORS, "locked"), "passenger": "unlocked"}})
    for _ in range(20):
        assert unlock(rng, {"vehicle": half}) is False
        assert doors_to_change(rng, {"vehicle": half}) in (["passenger"], list(DOORS))
    locked = Vehicle({"doorStatus": dict.fromkeys(DOORS, "locked")})
    drawn = [doors_to_change(rng, {"vehicle": locked}) for _ in range(40)]
    assert unlock(rng, {"vehicle": locked}) is True
    assert all(doors and doors == [d for d in DOORS if d in doors] for doors in drawn)
    assert len({tuple(doors) for doors in drawn}) > 5


def test_fuel_makers_fit_the_tank():
    rng = random.Random(2)
    for level in (0.0, 12.5, 33.0, 47.0):
        car = {"vehicle": Vehicle({"fuelLevel": level})}
        for _ in range(20):
            assert level + gallons_that_fit(rng, car) <= TANK_CAPACITY
            liters = liters_that_fit(rng, car)
            converted = car["vehicle"].liter_to_gallon(liters)["gallon"]
            assert level + converted <= TANK_CAPACITY or liters == LITER_AMOUNTS[0]


# -- a small run -------------------------------------------------------------------------------


def run_samples(domains: tuple[str, ...], count: int, seed: int = 5) -> list[Sample]:
    settings = Settings(seed=seed, domains=domains)
    return [SampleBuilder(i, settings, roles_factory("template", settings)).build() for i in range(count)]


@pytest.fixture(scope="module")
def samples() -> list[Sample]:
    return run_samples(("vehicle",), 30)


def test_small_run_verifies_and_meets_the_claimed_figures(samples):
    assert all(verify_sample(sample) == [] for sample in samples)
    report = build_report([s.model_dump(mode="json") for s in samples], [], len(samples))
    assert report["calls_per_acting_turn"]["mean"] >= 1.8
    assert report["acting_turns_with_data_flow"] >= 0.25
    assert report["coverage"]["tools"]["vehicle"]["used"] >= 18
    called = {call.name for s in samples for turn in s.task.ground_truth for call in turn}
    assert {"get_zipcode_based_on_city", "estimate_distance", "lockDoors", "startEngine"} <= called


def test_ground_truth_replays_identically_in_bfcl_eval(samples):
    """The synthesized tasks (scenario, calls, seeded readings) run in bfcl-eval's own executor with
    the same result strings and the same public state after every turn."""
    for sample in samples[:10]:
        task = sample.task
        entry = {
            "id": task.id,
            "initial_config": {"VehicleControlAPI": task.initial_config["vehicle"]},
            "involved_classes": ["VehicleControlAPI"],
        }
        turns = [[call.to_call().to_python() for call in turn] for turn in task.ground_truth]
        ours = execute_ground_truth(task)
        for (results, state), outcome in zip(bfcl_execute(entry, turns, False), ours, strict=True):
            assert results == outcome.results, task.id
            assert state["VehicleControlAPI"] == outcome.state["vehicle"], task.id


def test_mixed_with_the_file_system_verifies():
    samples = run_samples(("vehicle", "file_system"), 12, seed=8)
    assert all(verify_sample(sample) == [] for sample in samples)
    assert any(len(sample.domains) == 2 for sample in samples)


def spoken_forms(value: Any) -> set[str]:
    """Ways a number or string could appear in a query."""
    forms = {str(value)}
    if isinstance(value, float):
        forms |= {f"{value:g}", f"{value:.2f}", f"{value:.1f}", str(round(value))}
    return {form for form in forms if len(form) > 1}


def test_queries_never_state_a_value_an_earlier_result_gave(samples):
    flows = [(sample, turn, flow) for sample in samples for turn in sample.turns for flow in turn.flows]
    assert len(flows) > 10
    for sample, turn, flow in flows:
        flowed = {(other.target_call, other.argument) for other in turn.flows}
        stated = {
            form
            for position, call in enumerate(sample.task.ground_truth[turn.index])
            for param, value in call.arguments.items()
            if (position, param) not in flowed
            for form in spoken_forms(value)
        }
        for form in spoken_forms(flow.value) - stated:  # a temperature of 23 is not a fuel level of 23.2
            assert not re.search(rf"(?<![\w.]){re.escape(form)}(?![\w])", turn.query), (turn.query, flow)


def test_queries_state_every_value_the_user_must_know(samples):
    """Each argument that no earlier result gave appears in the request, as a literal or its display words;
    the settings of a prerequisite left implicit (press the brake, lock the doors) are the assistant's."""
    for sample in samples:
        for index, turn in enumerate(sample.turns):
            if turn.kind in ("vague", "held_out_wait"):
                continue
            said = turn.query
            if turn.kind in ("clarification", "held_out_reveal"):
                said = sample.turns[index - 1].query + " " + said
            sourced = {(flow.target_call, flow.argument) for flow in turn.flows}
            implicit = set(turn.implicit_calls or ())
            for position, call in enumerate(sample.task.ground_truth[index]):
                for param, value in call.arguments.items():
                    if (position, param) in sourced:
                        continue
                    if position in implicit and (
                        call.name in KIT.phrases.implied or not isinstance(value, str)
                    ):
                        continue
                    words = KIT.phrases.display.get(f"{call.name}.{param}", {}).get(str(value))
                    spoken = words or speak_value(value)
                    assert spoken.lower() in said.lower(), (said, call.name, param, value)
