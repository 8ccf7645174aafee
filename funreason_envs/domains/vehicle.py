"""The vehicle domain: a simulated car's doors, engine, brakes, climate, lights and trip helpers
(BFCL's VehicleControlAPI).

Behaviour, messages and result shapes follow bfcl-eval 2026.3.23, quirks included where they change
what a model observes or the checked state: `startEngine('STOP')` stops the engine and then reports an
invalid mode, climate results echo the temperature as given (not converted), and cruise control records
the following distance even when it refuses the speed. Brake forces and the slope angle are private.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from typing import Any

from funreason_envs.domains.base import Domain, SeededRandom
from funreason_envs.domains.filler import filler_text
from funreason_envs.jsonutil import SCALARS, copy_json, prerendered

TANK_CAPACITY = 50
EMPTY_TANK = 0.0
MILES_PER_GALLON = 20.0
FULL_BRAKE_FORCE = 1000
GALLONS_PER_LITER = 0.264172
LITERS_PER_GALLON = 3.78541
DOOR_COUNT = 4

# Public attributes and their defaults (BFCL's data values); each is also the config key except
# `engine_state`, which the config names `engineState`. `remainingUnlockedDoors` is always recounted.
DEFAULT_STATE: dict[str, Any] = {
    "fuelLevel": 0.0,
    "batteryVoltage": 12.6,
    "engine_state": "stopped",
    "remainingUnlockedDoors": 4,
    "doorStatus": {
        "driver": "unlocked",
        "passenger": "unlocked",
        "rear_left": "unlocked",
        "rear_right": "unlocked",
    },
    "acTemperature": 25.0,
    "fanSpeed": 50,
    "acMode": "auto",
    "humidityLevel": 50.0,
    "headLightStatus": "off",
    "parkingBrakeStatus": "released",
    "brakePedalStatus": "released",
    "distanceToNextVehicle": 50.0,
    "cruiseStatus": "inactive",
    "destination": "None",
    "frontLeftTirePressure": 32.0,
    "frontRightTirePressure": 32.0,
    "rearLeftTirePressure": 30.0,
    "rearRightTirePressure": 30.0,
}
DEFAULT_SEED = 141053
CONFIG_KEY_RENAMES = {"engine_state": "engineState"}
# (attribute, config key, default) for each state attribute, in `DEFAULT_STATE`'s order
LOAD_PLAN = tuple(
    (attribute, CONFIG_KEY_RENAMES.get(attribute, attribute), default)
    for attribute, default in DEFAULT_STATE.items()
)

CITY_ZIPCODES = {
    "Rivermist": "83214",
    "Stonebrook": "74532",
    "Maplecrest": "56108",
    "Silverpine": "62947",
    "Shadowridge": "71354",
    "Sunset Valley": "83462",
    "Oakendale": "47329",
    "Willowbend": "52013",
    "Crescent Hollow": "69238",
    "Autumnville": "51479",
    "San Francisco": "94016",
}
UNKNOWN_ZIPCODE = "00000"
NO_ROUTE = "distance not found in database."
_ROUTES_KM = {
    ("83214", "74532"): 750.0,
    ("56108", "62947"): 320.0,
    ("71354", "83462"): 450.0,
    ("47329", "52013"): 290.0,
    ("69238", "51479"): 630.0,
    ("94016", "83214"): 980.0,
    ("94016", "94704"): 600.0,
    ("94704", "08540"): 2550.0,
    ("94016", "08540"): 1950.0,
    ("62947", "47329"): 1053.0,
    ("94016", "62947"): 780.0,
    ("74532", "94016"): 880.0,
}
# Both directions of every route, so a lookup is one tuple key.
DISTANCES_KM = {**_ROUTES_KM, **{(b, a): km for (a, b), km in _ROUTES_KM.items()}}
TIRE_SHOP = "456 Oakwood Avenue, Rivermist, 83214"


# -- long-context filler: BFCL's sizes and shapes, our own generated material -------------------------


def _town_names(count: int, seed: int) -> tuple[str, ...]:
    """`count` distinct invented town names, fixed for a given seed."""
    rng = random.Random(seed)
    heads = ("North", "South", "East", "West", "Upper", "Lower", "Port", "Lake", "Fort")
    roots = (
        "Alder", "Bramble", "Copper", "Dun", "Elder", "Fallow", "Garnet", "Heron", "Ivel", "Jessam",
        "Kestrel", "Larch", "Marrow", "Nettle", "Orwell", "Pebble", "Quill", "Rook", "Sorrel", "Thistle",
        "Umber", "Vesper", "Wren", "Yarrow", "Zephyr", "Calder", "Tansy", "Hollin", "Ash", "Bell",
        "Crane", "Dove", "Fenn", "Gorse", "Holt", "Iris", "Kell", "Lyn", "Moss", "Reed",
    )  # fmt: skip
    tails = ("ford", "ton", "wick", "dale", "moor", "field", "haven", "crest", "by", "stead", "bury", "gate")
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = rng.choice(roots) + rng.choice(tails)
        if rng.random() < 0.2:
            name = f"{rng.choice(heads)} {name}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return tuple(names)


def _weather_history(days: int, seed: int) -> dict[str, dict[str, float | int]]:
    """Per-day weather readings for the past `days` days, keyed "-1_day", "-2_day", ..."""
    rng = random.Random(seed)
    return {
        f"-{day}_day": {
            "windSpeed": round(rng.uniform(0.0, 30.0), 1),
            "humidity": round(rng.uniform(30.0, 95.0), 1),
            "precipitation": round(rng.uniform(0.0, 12.0), 1),
            "uvIndex": rng.randint(0, 10),
            "visibility": round(rng.uniform(2.0, 10.0), 1),
            "airPressure": round(rng.uniform(990.0, 1030.0), 1),
            "dewPoint": round(rng.uniform(-5.0, 20.0), 1),
        }
        for day in range(1, days + 1)
    }


LONG_CONTEXT_CAR_METADATA = filler_text(6503, seed=31)
LONG_CONTEXT_PARKING_GUIDE = filler_text(9710, seed=32)
LONG_CONTEXT_TOWNS = _town_names(826, seed=33)  # a tuple: serialised as a JSON list, never mutated
# Their JSON text, rendered once: most of the text of the long-context results that carry them.
CAR_METADATA_TEXT = json.dumps(LONG_CONTEXT_CAR_METADATA)
PARKING_GUIDE_TEXT = json.dumps(LONG_CONTEXT_PARKING_GUIDE)
TOWNS_TEXT = json.dumps(LONG_CONTEXT_TOWNS)
LONG_CONTEXT_WEATHER = _weather_history(15, seed=34)


class Vehicle(Domain):
    """A car whose controls must be used in a sensible order (lock doors, press the brake, start)."""

    _random = SeededRandom("_random_seed")

    fuelLevel: float
    batteryVoltage: float
    engine_state: str
    remainingUnlockedDoors: int
    doorStatus: dict[str, str]
    acTemperature: float
    fanSpeed: int
    acMode: str
    humidityLevel: float
    headLightStatus: str
    parkingBrakeStatus: str
    brakePedalStatus: str
    distanceToNextVehicle: float
    cruiseStatus: str
    destination: str
    frontLeftTirePressure: float
    frontRightTirePressure: float
    rearLeftTirePressure: float
    rearRightTirePressure: float
    long_context: bool

    def load(self, config: Mapping[str, Any], long_context: bool = False) -> None:
        type(self)._random.reseed(self, config.get("random_seed", DEFAULT_SEED))
        for attribute, key, default in LOAD_PLAN:
            value = config.get(key, default)  # `config_value`, inlined: about 25 attributes per load
            setattr(self, attribute, value if type(value) in SCALARS else copy_json(value))
        # BFCL accepts a `remainingUnlockedDoors` key but overwrites it with a count from `doorStatus`.
        self.remainingUnlockedDoors = DOOR_COUNT - sum(1 for s in self.doorStatus.values() if s == "locked")
        self._parking_brake_force = config.get("parkingBrakeForce", 0.0)
        self._slope_angle = config.get("slopeAngle", 0.0)
        self._brake_pedal_force = config.get("brakePedalForce", 0.0)
        self.long_context = long_context

    # -- state probes for the Environment-API graph ------------------------------------------------

    def conditions(self) -> set[str]:
        held: set[str] = set()
        if self.remainingUnlockedDoors <= 0:
            held.add("doors_locked")
        if self.brakePedalStatus == "pressed" and self._brake_pedal_force == FULL_BRAKE_FORCE:
            held.add("brake_pressed")
        if self.engine_state != "stopped":
            held.add("engine_running")
        return held

    def available_resources(self) -> dict[str, list[Any]]:
        return {"door_name": list(self.doorStatus)}

    # -- engine and fuel -------------------------------------------------------------------------

    def startEngine(self, ignitionMode: str) -> dict[str, Any]:
        if ignitionMode == "STOP":
            self.engine_state = "stopped"
        if self.remainingUnlockedDoors > 0:
            unlocked = ", ".join(door for door, status in self.doorStatus.items() if status == "unlocked")
            return {
                "error": "All doors must be locked before starting the engine. Here are the unlocked doors: "
                + unlocked
            }
        if self.brakePedalStatus != "pressed":
            return {"error": "Brake pedal needs to be pressed when starting the engine."}
        if self._brake_pedal_force != FULL_BRAKE_FORCE:
            return {"error": "Must press the brake fully before starting the engine."}
        if self.fuelLevel < EMPTY_TANK:
            return {"error": "Fuel tank is empty."}
        if ignitionMode != "START":
            return {"error": "Invalid ignition mode."}
        self.engine_state = "running"
        return {"engineState": "running", "fuelLevel": self.fuelLevel, "batteryVoltage": self.batteryVoltage}

    def fillFuelTank(self, fuelAmount: float) -> dict[str, Any]:
        if fuelAmount < 0:
            return {"error": "Fuel amount cannot be negative."}
        total = self.fuelLevel + fuelAmount
        if total > TANK_CAPACITY:
            return {"error": "Cannot fill gas above the tank capacity."}
        if total < EMPTY_TANK:
            return {"error": "Fuel tank is empty. Min fuel level is 0 gallons."}
        self.fuelLevel = total
        return {"fuelLevel": total}

    def estimate_drive_feasibility_by_mileage(self, distance: float) -> dict[str, bool]:
        # `not <` rather than `>=`: a NaN distance then reads as drivable, as in BFCL.
        return {"canDrive": not self.fuelLevel * MILES_PER_GALLON < distance}

    # -- doors, lights, climate ------------------------------------------------------------------

    def lockDoors(self, unlock: bool, door: list[str]) -> dict[str, Any]:
        target, step = ("unlocked", 1) if unlock else ("locked", -1)
        for name in door:
            current = self.doorStatus.get(name)
            if current is None:
                # BFCL fails with a bare KeyError here, after updating the doors listed before this one.
                return {"error": f"Unknown door '{name}'. The doors are: {', '.join(self.doorStatus)}."}
            if current != target:
                self.doorStatus[name] = target
                self.remainingUnlockedDoors += step
        return {"lockStatus": target, "remainingUnlockedDoors": self.remainingUnlockedDoors}

    def setHeadlights(self, mode: str) -> dict[str, str]:
        if mode not in ("on", "off", "auto"):
            return {"error": "Invalid headlight mode."}
        self.headLightStatus = "on" if mode == "on" else "off"
        return {"headlightStatus": self.headLightStatus}

    def adjustClimateControl(
        self, temperature: float, unit: str = "celsius", fanSpeed: int = 50, mode: str = "auto"
    ) -> dict[str, Any]:
        if not 0 <= fanSpeed <= 100:
            return {"error": "Fan speed must be between 0 and 100."}
        self.acTemperature = (temperature - 32) * 5 / 9 if unit == "fahrenheit" else temperature
        self.fanSpeed = fanSpeed
        self.acMode = mode
        return {"currentACTemperature": temperature, "climateMode": mode, "humidityLevel": self.humidityLevel}

    def displayCarStatus(self, option: str) -> dict[str, Any]:
        status: dict[str, Any] = {"metadata": LONG_CONTEXT_CAR_METADATA} if self.long_context else {}
        if option == "fuel":
            status["fuelLevel"] = self.fuelLevel
        elif option == "battery":
            status["batteryVoltage"] = self.batteryVoltage
        elif option == "doors":
            status["doorStatus"] = dict(self.doorStatus)
        elif option == "climate":
            status["currentACTemperature"] = self.acTemperature
            status["fanSpeed"] = self.fanSpeed
            status["climateMode"] = self.acMode
            status["humidityLevel"] = self.humidityLevel
        elif option == "headlights":
            status["headlightStatus"] = self.headLightStatus
        elif option == "parkingBrake":
            status["parkingBrakeStatus"] = self.parkingBrakeStatus
            status["parkingBrakeForce"] = self._parking_brake_force
            status["slopeAngle"] = self._slope_angle
        elif option == "brakePedal":
            status["brakePedalStatus"] = self.brakePedalStatus
            status["brakePedalForce"] = self._brake_pedal_force
        elif option == "engine":
            status["engineState"] = self.engine_state
        else:
            status["error"] = "Invalid option"
        return prerendered(status, {"metadata": CAR_METADATA_TEXT}) if self.long_context else status

    # -- brakes and cruise control ---------------------------------------------------------------

    def activateParkingBrake(self, mode: str) -> dict[str, Any]:
        if mode == "engage":
            self.parkingBrakeStatus, self._parking_brake_force = "engaged", 500.0
        elif mode == "release":
            self.parkingBrakeStatus, self._parking_brake_force = "released", 0.0
        else:
            return {"error": "Invalid mode"}
        self._slope_angle = 10.0  # BFCL sets the same slope whichever way the brake goes
        result = {
            "parkingBrakeStatus": self.parkingBrakeStatus,
            "_parkingBrakeForce": self._parking_brake_force,
            "_slopeAngle": 10.0,
        }
        if self.long_context:
            guided = {"parkingBrakeInstruction": LONG_CONTEXT_PARKING_GUIDE, **result}
            return prerendered(guided, {"parkingBrakeInstruction": PARKING_GUIDE_TEXT})
        return result

    def pressBrakePedal(self, pedalPosition: float) -> dict[str, Any]:
        if not 0 <= pedalPosition <= 1:
            return {"error": "Pedal position must be between 0 and 1."}
        if pedalPosition == 0:
            return self.releaseBrakePedal()
        force = pedalPosition * FULL_BRAKE_FORCE  # kept as computed: an int position stores an int force
        self.brakePedalStatus = "pressed"
        self._brake_pedal_force = force
        return {"brakePedalStatus": "pressed", "brakePedalForce": float(force)}

    def releaseBrakePedal(self) -> dict[str, Any]:
        self.brakePedalStatus = "released"
        self._brake_pedal_force = 0.0
        return {"brakePedalStatus": "released", "brakePedalForce": 0.0}

    def setCruiseControl(self, speed: float, activate: bool, distanceToNextVehicle: float) -> dict[str, Any]:
        distance, speed = float(distanceToNextVehicle), float(speed)
        if self.engine_state == "stopped":
            return {"error": "Start the engine before activating the cruise control."}
        self.distanceToNextVehicle = distance
        if activate and (speed < 0 or speed > 120 or speed % 5 != 0):
            return {"error": "Invalid speed"}
        self.cruiseStatus = "active" if activate else "inactive"
        return {"cruiseStatus": self.cruiseStatus, "currentSpeed": speed, "distanceToNextVehicle": distance}

    def get_current_speed(self) -> dict[str, float]:
        return {"currentSpeed": self._random.uniform(0.0, 120.0)}

    # -- tires -----------------------------------------------------------------------------------

    def check_tire_pressure(self) -> dict[str, Any]:
        pressures = (
            self.frontLeftTirePressure,
            self.frontRightTirePressure,
            self.rearLeftTirePressure,
            self.rearRightTirePressure,
        )
        result = {
            "frontLeftTirePressure": pressures[0],
            "frontRightTirePressure": pressures[1],
            "rearLeftTirePressure": pressures[2],
            "rearRightTirePressure": pressures[3],
            "healthy_tire_pressure": 30 <= sum(pressures) / 4 <= 35,
            "car_info": LONG_CONTEXT_CAR_METADATA if self.long_context else {},
        }
        return prerendered(result, {"car_info": CAR_METADATA_TEXT}) if self.long_context else result

    def find_nearest_tire_shop(self) -> dict[str, str]:
        return {"shopLocation": TIRE_SHOP}

    # -- weather ---------------------------------------------------------------------------------

    def get_outside_temperature_from_google(self) -> dict[str, Any]:
        reading = self._random.uniform(-10.0, 40.0)
        if self.long_context:
            return {**copy_json(LONG_CONTEXT_WEATHER), "outsideTemperature": reading}
        return {"outsideTemperature": reading}

    def get_outside_temperature_from_weather_com(self) -> dict[str, int]:
        return {"error": 404}

    # -- trips and units -------------------------------------------------------------------------

    def get_zipcode_based_on_city(self, city: str) -> dict[str, str]:
        return {"zipcode": CITY_ZIPCODES.get(city, UNKNOWN_ZIPCODE)}

    def estimate_distance(self, cityA: str, cityB: str) -> dict[str, Any]:
        km = DISTANCES_KM.get((cityA, cityB))
        result: dict[str, Any] = {"distance": km} if km is not None else {"error": NO_ROUTE}
        if self.long_context:
            result["intermediaryCities"] = LONG_CONTEXT_TOWNS
            return prerendered(result, {"intermediaryCities": TOWNS_TEXT})
        return result

    def set_navigation(self, destination: str) -> dict[str, str]:
        self.destination = destination
        return {"status": "Navigating to " + destination}

    def liter_to_gallon(self, liter: float) -> dict[str, float]:
        return {"gallon": liter * GALLONS_PER_LITER}

    def gallon_to_liter(self, gallon: float) -> dict[str, float]:
        return {"liter": gallon * LITERS_PER_GALLON}

    def display_log(self, messages: list[str]) -> dict[str, list[str]]:
        return {"log": messages}
