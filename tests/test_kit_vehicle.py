"""The vehicle synthesis kit: scenarios are valid and varied; display words cover the literals the kit
draws; the argument makers fit the car's state; the small run drives the car. What every kit is checked
for is in test_kits.py."""

from __future__ import annotations

import json
import random

from funreason_envs.domains.vehicle import CITY_ZIPCODES, TANK_CAPACITY, Vehicle
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

KIT = kit_for("vehicle")
SPEC = Vehicle.spec()


# Tools without an intent phrase, never a turn's goal: a driver asks for distances, not zip codes
# (the look-up runs as a step toward them), and the second weather service only ever answers 404.
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


# -- the small run (tests/test_kits.py checks its figures) ------------------------------------


def test_the_small_run_drives_distances_doors_and_the_engine(kit_run):
    samples = kit_run("vehicle").samples
    called = {call.name for s in samples for turn in s.task.ground_truth for call in turn}
    assert {"get_zipcode_based_on_city", "estimate_distance", "lockDoors", "startEngine"} <= called
