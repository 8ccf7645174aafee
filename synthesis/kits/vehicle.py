"""Synthesis kit for the vehicle: varied cars (fuel, doors, engine, climate, tyres) and what a driver says.

Literal numbers come from short fixed menus so the phrasebook's `display` words can give them units
("10 gallons", "300 miles"). Toggles (doors, headlights, parking brake) flip what the car shows now,
so a lock request meets a car with unlocked doors, after which the engine can be started.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from typing import Any, cast

from funreason_envs.domains.base import Domain
from funreason_envs.domains.vehicle import (
    CITY_ZIPCODES,
    DISTANCES_KM,
    GALLONS_PER_LITER,
    TANK_CAPACITY,
    Vehicle,
)
from funreason_envs.synthesis.kits import DomainKit, load_phrasebook

DOORS = ("driver", "passenger", "rear_left", "rear_right")
WHEELS = ("frontLeft", "frontRight", "rearLeft", "rearRight")
GALLON_AMOUNTS = (2, 3, 5, 8, 10, 12, 15, 20, 25, 30, 35, 40, 45)
LITER_AMOUNTS = (5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120)
TRIP_MILES = (40, 75, 120, 150, 200, 250, 300, 400, 500, 650, 800, 1000)
CABIN_CELSIUS = (18, 19, 20, 21, 22, 23, 24, 25, 26)
FAN_SPEEDS = (20, 30, 40, 50, 60, 70, 80, 100)
CLIMATE_MODES = ("auto", "cool", "heat", "defrost")
CRUISE_SPEEDS = (40, 45, 50, 55, 60, 65, 70, 75)
FOLLOWING_GAPS = (20, 30, 40, 50, 60, 80, 100)
ADDRESSES = (
    "123 Pine St, San Francisco, CA 94016",
    "2107 Channing Way, Berkeley, CA",
    "88 Harbor Road, Stonebrook, 74532",
    "17 Maple Avenue, Maplecrest, 56108",
    "5 Quarry Lane, Silverpine, 62947",
    "240 Orchard Street, Oakendale, 47329",
    "9 Lakeview Drive, Willowbend, 52013",
)
LOG_LINES = (
    "Tire pressure checked",
    "Oil change due next month",
    "Fuel topped up",
    "Trip to the coast planned",
    "Windshield washer fluid low",
    "Service appointment on Friday",
)
# A city is drawn in proportion to how many roads the distance table knows from it, so that two
# drawn places are often connected.
ROUTES_FROM = Counter(a for a, _ in DISTANCES_KM)
CITY_WEIGHTS = {city: ROUTES_FROM[zipcode] for city, zipcode in CITY_ZIPCODES.items()}
ZIPCODE_WEIGHTS = dict(ROUTES_FROM)


def scenario(rng: random.Random) -> dict[str, Any]:
    """A car in BFCL's VehicleControlAPI config shape, mostly parked with the engine off as in BFCL's
    tasks: doors, fuel (often low), climate, lights, parking brake, tyres and a weather/speed seed."""
    running = rng.random() < 0.1
    pattern = "locked" if running else rng.choices(("unlocked", "locked", "mixed"), (12, 5, 3))[0]
    doors = {door: rng.choice(("locked", "unlocked")) if pattern == "mixed" else pattern for door in DOORS}
    parked = not running and rng.random() < 0.2
    fuel = rng.uniform(0.0, 20.0) if rng.random() < 0.7 else rng.uniform(20.0, 45.0)
    return {
        "fuelLevel": round(fuel, 1),
        "batteryVoltage": round(rng.uniform(12.2, 12.8), 1),
        "engineState": "running" if running else "stopped",
        "doorStatus": doors,
        "acTemperature": float(rng.choice(CABIN_CELSIUS)),
        "fanSpeed": rng.choice(FAN_SPEEDS),
        "acMode": rng.choice(CLIMATE_MODES),
        "humidityLevel": float(rng.randrange(30, 70, 5)),
        "headLightStatus": rng.choice(("on", "off")),
        "parkingBrakeStatus": "engaged" if parked else "released",
        "parkingBrakeForce": 500.0 if parked else 0.0,
        "slopeAngle": float(rng.randint(0, 10)) if parked else 0.0,
        "distanceToNextVehicle": float(rng.choice(FOLLOWING_GAPS)),
        "cruiseStatus": "active" if running and rng.random() < 0.3 else "inactive",
        "destination": rng.choice(("None", "None", *CITY_ZIPCODES)),
        **{f"{wheel}TirePressure": float(rng.randint(26, 36)) for wheel in WHEELS},
        "random_seed": rng.randrange(10**6),
    }


def _car(domains: Mapping[str, Domain]) -> Vehicle:
    return cast(Vehicle, domains["vehicle"])


def _locking(car: Vehicle) -> bool:
    """Lock when some door is unlocked; unlock only a car whose doors are all locked."""
    return any(status == "unlocked" for status in car.doorStatus.values())


def doors_to_change(rng: random.Random, domains: Mapping[str, Domain]) -> list[str]:
    """All doors, or just the unlocked ones, when locking; some doors when unlocking (in car order)."""
    car = _car(domains)
    if _locking(car):
        unlocked = [door for door in DOORS if car.doorStatus.get(door) == "unlocked"]
        return list(DOORS) if rng.random() < 0.5 else unlocked
    chosen = set(rng.sample(DOORS, rng.randint(1, len(DOORS))))
    return [door for door in DOORS if door in chosen]


def gallons_that_fit(rng: random.Random, domains: Mapping[str, Domain]) -> int:
    """An amount the tank has room for (any amount when it is full: that refuel will be refused)."""
    room = TANK_CAPACITY - _car(domains).fuelLevel
    fitting = [amount for amount in GALLON_AMOUNTS if amount <= room]
    return rng.choice(fitting or GALLON_AMOUNTS)


def liters_that_fit(rng: random.Random, domains: Mapping[str, Domain]) -> int:
    """Litres whose gallon equivalent the tank has room for, so they can be put in next."""
    room = (TANK_CAPACITY - _car(domains).fuelLevel) / GALLONS_PER_LITER
    fitting = [amount for amount in LITER_AMOUNTS if amount <= room]
    return rng.choice(fitting or LITER_AMOUNTS[:1])


def _weighted(rng: random.Random, weights: Mapping[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


KIT = DomainKit(
    domain="vehicle",
    scenario=scenario,
    values={
        "city": lambda rng, domains: _weighted(rng, CITY_WEIGHTS),
        "zipcode": lambda rng, domains: _weighted(rng, ZIPCODE_WEIGHTS),
        "distance": lambda rng, domains: rng.choice(TRIP_MILES),
        "address": lambda rng, domains: rng.choice(ADDRESSES),
        "gallons": gallons_that_fit,
        "fuel_level": lambda rng, domains: rng.choice(GALLON_AMOUNTS),
        "liter_to_gallon.liter": liters_that_fit,
        "lockDoors.unlock": lambda rng, domains: not _locking(_car(domains)),
        "lockDoors.door": doors_to_change,
        "pressBrakePedal.pedalPosition": lambda rng, domains: 1.0,
        "startEngine.ignitionMode": lambda rng, domains: "START",
        "activateParkingBrake.mode": lambda rng, domains: (
            "release" if _car(domains).parkingBrakeStatus == "engaged" else "engage"
        ),
        "setHeadlights.mode": lambda rng, domains: (
            "off" if _car(domains).headLightStatus == "on" else rng.choice(("on", "on", "auto"))
        ),
        "setCruiseControl.speed": lambda rng, domains: rng.choice(CRUISE_SPEEDS),
        "setCruiseControl.activate": lambda rng, domains: True,
        "setCruiseControl.distanceToNextVehicle": lambda rng, domains: rng.choice(FOLLOWING_GAPS),
        "adjustClimateControl.temperature": lambda rng, domains: rng.choice(CABIN_CELSIUS),
        "adjustClimateControl.unit": lambda rng, domains: "celsius",
        "adjustClimateControl.fanSpeed": lambda rng, domains: rng.choice(FAN_SPEEDS),
        "adjustClimateControl.mode": lambda rng, domains: rng.choice(CLIMATE_MODES),
        "display_log.messages": lambda rng, domains: rng.sample(LOG_LINES, rng.randint(1, 3)),
    },
    phrases=load_phrasebook("vehicle"),
)
