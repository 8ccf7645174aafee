"""The vehicle domain: every tool's success and failure results, config keys, the seeded RNG,
BFCL's quirks and the long-context payloads."""

from __future__ import annotations

import json
import pickle

import pytest

from funreason_envs.domains import vehicle as vehicle_module
from funreason_envs.domains.vehicle import (
    LONG_CONTEXT_CAR_METADATA,
    LONG_CONTEXT_PARKING_GUIDE,
    LONG_CONTEXT_TOWNS,
    LONG_CONTEXT_WEATHER,
    Vehicle,
)
from funreason_envs.executor import ToolRouter
from funreason_envs.jsonutil import copy_json
from tests.support.oracle import public_state, require_bfcl
from tests.support.session_checks import Transcript
from tests.support.session_checks import result as one
from tests.support.session_checks import results as run

LOCKED = {"driver": "locked", "passenger": "locked", "rear_left": "locked", "rear_right": "locked"}
ALL_DOORS = "['driver', 'passenger', 'rear_left', 'rear_right']"


def bfcl_vehicle(config: dict | None = None, long_context: bool = False):
    """bfcl-eval's own VehicleControlAPI, loaded as its executor loads it (the oracle)."""
    require_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.func_source_code.vehicle_control import VehicleControlAPI

    theirs = VehicleControlAPI()
    theirs._load_scenario(copy_json(config or {}), long_context=long_context)
    return theirs


def ready_car(**config) -> Vehicle:
    """Doors locked and brake fully pressed: ready for startEngine('START')."""
    car = Vehicle({"doorStatus": dict(LOCKED), "fuelLevel": 10.0, **config})
    one(car, "pressBrakePedal(pedalPosition=1.0)")
    return car


# -- engine and fuel ---------------------------------------------------------------------------


def test_start_engine_checks_doors_then_brake_then_mode():
    car = Vehicle({"doorStatus": {**LOCKED, "passenger": "unlocked", "rear_right": "unlocked"}})
    assert one(car, "startEngine(ignitionMode='START')") == (
        '{"error": "All doors must be locked before starting the engine. '
        'Here are the unlocked doors: passenger, rear_right"}'
    )
    one(car, f"lockDoors(unlock=False, door={ALL_DOORS})")
    assert one(car, "startEngine('START')") == (
        '{"error": "Brake pedal needs to be pressed when starting the engine."}'
    )
    one(car, "pressBrakePedal(pedalPosition=0.5)")
    assert (
        one(car, "startEngine('START')")
        == '{"error": "Must press the brake fully before starting the engine."}'
    )
    one(car, "pressBrakePedal(pedalPosition=1)")
    assert one(car, "startEngine(ignitionMode='IGNITE')") == '{"error": "Invalid ignition mode."}'
    assert car.engine_state == "stopped"
    assert one(car, "startEngine(ignitionMode='START')") == (
        '{"engineState": "running", "fuelLevel": 0.0, "batteryVoltage": 12.6}'
    )
    assert car.engine_state == "running"


def test_stop_stops_the_engine_yet_reports_an_error_as_bfcl_does():
    car = ready_car(engineState="running")
    assert one(car, "startEngine(ignitionMode='STOP')") == '{"error": "Invalid ignition mode."}'
    assert car.engine_state == "stopped"
    unlocked = Vehicle({"engineState": "running"})  # the doors check fails, but the engine stops first
    assert one(unlocked, "startEngine('STOP')").startswith('{"error": "All doors must be locked')
    assert unlocked.engine_state == "stopped"


def test_start_engine_refuses_a_negative_fuel_level():
    car = ready_car(fuelLevel=-1.0)
    assert one(car, "startEngine('START')") == '{"error": "Fuel tank is empty."}'


def test_fill_fuel_tank_and_its_failures():
    car = Vehicle({"fuelLevel": 10.5})
    Transcript(car).expect(r"""
        fillFuelTank(fuelAmount=30) -> {"fuelLevel": 40.5}
        fillFuelTank(fuelAmount=-1) -> {"error": "Fuel amount cannot be negative."}
        fillFuelTank(fuelAmount=9.6) -> {"error": "Cannot fill gas above the tank capacity."}
        """)
    assert car.fuelLevel == 40.5
    assert one(car, "fillFuelTank(fuelAmount=9.5)") == '{"fuelLevel": 50.0}'
    below_empty = Vehicle({"fuelLevel": -5.0})
    assert (
        one(below_empty, "fillFuelTank(1.0)")
        == '{"error": "Fuel tank is empty. Min fuel level is 0 gallons."}'
    )


def test_drive_feasibility_uses_twenty_miles_per_gallon():
    car = Vehicle({"fuelLevel": 10.0})
    Transcript(car).expect(r"""
        estimate_drive_feasibility_by_mileage(distance=200.0) -> {"canDrive": true}
        estimate_drive_feasibility_by_mileage(distance=200.5) -> {"canDrive": false}
        """)


# -- doors, lights, climate, status ------------------------------------------------------------


def test_lock_and_unlock_doors_keep_the_count():
    car = Vehicle()
    assert one(car, "lockDoors(unlock=False, door=['driver', 'driver', 'passenger'])") == (
        '{"lockStatus": "locked", "remainingUnlockedDoors": 2}'
    )
    assert (
        one(car, f"lockDoors(False, {ALL_DOORS})") == '{"lockStatus": "locked", "remainingUnlockedDoors": 0}'
    )
    assert one(car, "lockDoors(unlock=True, door=['rear_left'])") == (
        '{"lockStatus": "unlocked", "remainingUnlockedDoors": 1}'
    )
    assert car.doorStatus == {**LOCKED, "rear_left": "unlocked"}


def test_lock_doors_reports_an_unknown_door_after_updating_the_ones_before_it():
    car = Vehicle()
    assert one(car, "lockDoors(unlock=False, door=['driver', 'trunk', 'passenger'])") == (
        '{"error": "Unknown door \'trunk\'. The doors are: driver, passenger, rear_left, rear_right."}'
    )
    assert car.doorStatus["driver"] == "locked" and car.doorStatus["passenger"] == "unlocked"
    assert car.remainingUnlockedDoors == 3
    # bfcl-eval raises a KeyError at the same point, so the checked state matches.
    theirs = bfcl_vehicle()
    with pytest.raises(KeyError):
        theirs.lockDoors(False, ["driver", "trunk", "passenger"])
    assert car.state_dict() == public_state(theirs)


def test_headlights():
    car = Vehicle()
    Transcript(car).expect(r"""
        setHeadlights(mode='on') -> {"headlightStatus": "on"}
        setHeadlights(mode='auto') -> {"headlightStatus": "off"}
        """)
    assert car.headLightStatus == "off"
    assert one(car, "setHeadlights(mode='dim')") == '{"error": "Invalid headlight mode."}'


def test_climate_control_stores_celsius_but_echoes_the_input():
    car = Vehicle()
    call = "adjustClimateControl(temperature=68.0, unit='fahrenheit', fanSpeed=30, mode='heat')"
    assert one(car, call) == '{"currentACTemperature": 68.0, "climateMode": "heat", "humidityLevel": 50.0}'
    assert car.acTemperature == 20.0 and car.fanSpeed == 30 and car.acMode == "heat"
    assert one(car, "adjustClimateControl(22)") == (
        '{"currentACTemperature": 22, "climateMode": "auto", "humidityLevel": 50.0}'
    )
    assert car.fanSpeed == 50  # the default is applied again
    assert one(car, "adjustClimateControl(temperature=20.0, fanSpeed=101)") == (
        '{"error": "Fan speed must be between 0 and 100."}'
    )
    assert car.acTemperature == 22


def test_display_car_status_for_every_option():
    car = Vehicle({"parkingBrakeForce": 15.3, "slopeAngle": 5.0, "fuelLevel": 42.0})
    expected = {
        "fuel": '{"fuelLevel": 42.0}',
        "battery": '{"batteryVoltage": 12.6}',
        "doors": '{"doorStatus": {"driver": "unlocked", "passenger": "unlocked", "rear_left": "unlocked", '
        '"rear_right": "unlocked"}}',
        "climate": '{"currentACTemperature": 25.0, "fanSpeed": 50, "climateMode": "auto", '
        '"humidityLevel": 50.0}',
        "headlights": '{"headlightStatus": "off"}',
        "parkingBrake": '{"parkingBrakeStatus": "released", "parkingBrakeForce": 15.3, "slopeAngle": 5.0}',
        "brakePedal": '{"brakePedalStatus": "released", "brakePedalForce": 0.0}',
        "engine": '{"engineState": "stopped"}',
        "tyres": '{"error": "Invalid option"}',
    }
    for option, text in expected.items():
        assert one(car, f"displayCarStatus(option={option!r})") == text


def test_door_status_result_is_not_the_live_state():
    car = Vehicle()
    result = ToolRouter([car]).run("displayCarStatus('doors')")[0].value
    result["doorStatus"]["driver"] = "locked"
    assert car.doorStatus["driver"] == "unlocked"


# -- brakes and cruise control -----------------------------------------------------------------


def test_parking_brake():
    car = Vehicle()
    Transcript(car).expect(r"""
        activateParkingBrake(mode='engage') -> {"parkingBrakeStatus": "engaged", "_parkingBrakeForce": 500.0, "_slopeAngle": 10.0}
        activateParkingBrake(mode='release') -> {"parkingBrakeStatus": "released", "_parkingBrakeForce": 0.0, "_slopeAngle": 10.0}
        displayCarStatus('parkingBrake') -> {"parkingBrakeStatus": "released", "parkingBrakeForce": 0.0, "slopeAngle": 10.0}
        activateParkingBrake(mode='hold') -> {"error": "Invalid mode"}
        """)  # noqa: E501


def test_brake_pedal_press_release_and_range():
    car = Vehicle()
    Transcript(car).expect(r"""
        pressBrakePedal(pedalPosition=0.25) -> {"brakePedalStatus": "pressed", "brakePedalForce": 250.0}
        pressBrakePedal(pedalPosition=0) -> {"brakePedalStatus": "released", "brakePedalForce": 0.0}
        """)
    assert car.brakePedalStatus == "released"
    Transcript(car).expect(r"""
        pressBrakePedal(pedalPosition=1.5) -> {"error": "Pedal position must be between 0 and 1."}
        pressBrakePedal(pedalPosition=-0.1) -> {"error": "Pedal position must be between 0 and 1."}
        """)
    one(car, "pressBrakePedal(pedalPosition=1)")
    # An integer position keeps an integer force, which the status shows without a decimal point.
    Transcript(car).expect(r"""
        displayCarStatus('brakePedal') -> {"brakePedalStatus": "pressed", "brakePedalForce": 1000}
        releaseBrakePedal() -> {"brakePedalStatus": "released", "brakePedalForce": 0.0}
        """)
    assert car.brakePedalStatus == "released"


def test_cruise_control_needs_the_engine_and_a_valid_speed():
    car = Vehicle({"distanceToNextVehicle": 30.0})
    assert one(car, "setCruiseControl(speed=65, activate=True, distanceToNextVehicle=100)") == (
        '{"error": "Start the engine before activating the cruise control."}'
    )
    assert car.distanceToNextVehicle == 30.0
    car = Vehicle({"engineState": "running"})
    assert one(car, "setCruiseControl(speed=63, activate=True, distanceToNextVehicle=80)") == (
        '{"error": "Invalid speed"}'
    )
    assert car.distanceToNextVehicle == 80.0 and car.cruiseStatus == "inactive"  # the gap is kept anyway
    Transcript(car).expect(r"""
        setCruiseControl(speed=125, activate=True, distanceToNextVehicle=80) -> {"error": "Invalid speed"}
        setCruiseControl(65, True, 100) -> {"cruiseStatus": "active", "currentSpeed": 65.0, "distanceToNextVehicle": 100.0}
        setCruiseControl(speed=63, activate=False, distanceToNextVehicle=40.0) -> {"cruiseStatus": "inactive", "currentSpeed": 63.0, "distanceToNextVehicle": 40.0}
        """)  # noqa: E501
    assert car.cruiseStatus == "inactive" and car.distanceToNextVehicle == 40.0


# -- tires, weather, trips, units --------------------------------------------------------------


def test_tire_pressure_health_band():
    car = Vehicle()
    assert one(car, "check_tire_pressure()") == (
        '{"frontLeftTirePressure": 32.0, "frontRightTirePressure": 32.0, "rearLeftTirePressure": 30.0, '
        '"rearRightTirePressure": 30.0, "healthy_tire_pressure": true, "car_info": {}}'
    )
    low = Vehicle(
        {"frontRightTirePressure": 22.0, "rearLeftTirePressure": 26.0, "rearRightTirePressure": 26.0}
    )
    assert json.loads(one(low, "check_tire_pressure()"))["healthy_tire_pressure"] is False
    assert one(low, "find_nearest_tire_shop()") == '{"shopLocation": "456 Oakwood Avenue, Rivermist, 83214"}'


def test_weather_services():
    car = Vehicle()
    assert one(car, "get_outside_temperature_from_weather_com()") == '{"error": 404}'
    assert (
        -10.0 <= json.loads(one(car, "get_outside_temperature_from_google()"))["outsideTemperature"] <= 40.0
    )


def test_zipcodes_and_distances():
    car = Vehicle()
    Transcript(car).expect(r"""
        get_zipcode_based_on_city(city='Crescent Hollow') -> {"zipcode": "69238"}
        get_zipcode_based_on_city('Atlantis') -> {"zipcode": "00000"}
        estimate_distance(cityA='83214', cityB='74532') -> {"distance": 750.0}
        estimate_distance(cityA='74532', cityB='83214') -> {"distance": 750.0}
        estimate_distance(cityA='08540', cityB='94704') -> {"distance": 2550.0}
        estimate_distance(cityA='83214', cityB='83214') -> {"error": "distance not found in database."}
        """)


def test_navigation_log_and_unit_conversions():
    car = Vehicle()
    assert one(car, "set_navigation(destination='2107 Channing Way, Berkeley, CA')") == (
        '{"status": "Navigating to 2107 Channing Way, Berkeley, CA"}'
    )
    assert car.destination == "2107 Channing Way, Berkeley, CA"
    Transcript(car).expect(r"""
        display_log(messages=['a', 'b']) -> {"log": ["a", "b"]}
        liter_to_gallon(liter=1) -> {"gallon": 0.264172}
        gallon_to_liter(gallon=1.0) -> {"liter": 3.78541}
        """)


# -- config, state and the RNG -----------------------------------------------------------------


def test_config_keys_including_the_renamed_and_private_ones():
    config = {
        "engineState": "running",
        "engine_state": "ignored",
        "remainingUnlockedDoors": 0,
        "doorStatus": {**LOCKED, "rear_left": "unlocked"},
        "parkingBrakeForce": 100.0,
        "slopeAngle": 20.0,
        "brakePedalForce": 1000.0,
        "brakePedalStatus": "pressed",
        "destination": "Rivermist",
    }
    car = Vehicle(config)
    assert car.engine_state == "running"
    assert car.remainingUnlockedDoors == 1  # recounted from doorStatus, as bfcl-eval does
    Transcript(car).expect(r"""
        displayCarStatus('parkingBrake') -> {"parkingBrakeStatus": "released", "parkingBrakeForce": 100.0, "slopeAngle": 20.0}
        displayCarStatus('brakePedal') -> {"brakePedalStatus": "pressed", "brakePedalForce": 1000.0}
        """)  # noqa: E501
    state = car.state_dict()
    assert not {"parkingBrakeForce", "slopeAngle", "brakePedalForce", "random_seed"} & set(state)
    assert state["destination"] == "Rivermist"


def test_config_is_copied_not_aliased():
    config = {"doorStatus": dict(LOCKED)}
    car = Vehicle(config)
    one(car, "lockDoors(unlock=True, door=['driver'])")
    assert config["doorStatus"]["driver"] == "locked"
    fresh = Vehicle()
    assert fresh.doorStatus["driver"] == "unlocked"  # the module defaults were not touched either
    assert vehicle_module.DEFAULT_STATE["doorStatus"]["driver"] == "unlocked"


@pytest.mark.parametrize(
    "config",
    [{}, {"engineState": "running", "doorStatus": dict(LOCKED), "parkingBrakeForce": 3.0, "random_seed": 5}],
)
def test_public_state_is_exactly_bfcls(config):
    for long_context in (False, True):
        theirs = bfcl_vehicle(config, long_context)
        assert Vehicle(config, long_context=long_context).state_dict() == public_state(theirs)


def test_seeded_readings_are_bfcls_and_share_one_generator():
    car = Vehicle()
    Transcript(car).expect(r"""
        get_current_speed() -> {"currentSpeed": 111.92365689097284}
        get_outside_temperature_from_google() -> {"outsideTemperature": 31.29968928699752}
        """)
    seeded = Vehicle({"random_seed": 7})
    Transcript(seeded).expect(r"""
        get_outside_temperature_from_google() -> {"outsideTemperature": 6.191638241658119}
        get_current_speed() -> {"currentSpeed": 18.10190087094023}
        """)


def test_same_seed_same_readings_and_pickling_keeps_the_generator():
    calls = "[get_current_speed(), get_outside_temperature_from_google(), get_current_speed()]"
    first, second = Vehicle({"random_seed": 99}), Vehicle({"random_seed": 99})
    assert run(first, calls) == run(second, calls)
    assert run(first, calls) != run(Vehicle({"random_seed": 100}), calls)
    copy = pickle.loads(pickle.dumps(first))
    assert run(copy, calls) == run(first, calls)


# -- long context ------------------------------------------------------------------------------


def test_long_context_payloads_have_bfcls_shapes_and_sizes():
    car = Vehicle({"fuelLevel": 5.0}, long_context=True)
    status = json.loads(one(car, "displayCarStatus('fuel')"))
    assert list(status) == ["metadata", "fuelLevel"] and status["metadata"] == LONG_CONTEXT_CAR_METADATA
    assert list(json.loads(one(car, "displayCarStatus('nope')"))) == ["metadata", "error"]
    assert json.loads(one(car, "check_tire_pressure()"))["car_info"] == LONG_CONTEXT_CAR_METADATA
    brake = json.loads(one(car, "activateParkingBrake('release')"))
    assert list(brake) == [
        "parkingBrakeInstruction",
        "parkingBrakeStatus",
        "_parkingBrakeForce",
        "_slopeAngle",
    ]
    assert brake["parkingBrakeInstruction"] == LONG_CONTEXT_PARKING_GUIDE
    route = json.loads(one(car, "estimate_distance('83214', '74532')"))
    assert route["distance"] == 750.0 and route["intermediaryCities"] == list(LONG_CONTEXT_TOWNS)
    assert set(json.loads(one(car, "estimate_distance('1', '2')"))) == {"error", "intermediaryCities"}
    weather = json.loads(one(car, "get_outside_temperature_from_google()"))
    assert list(weather) == [f"-{day}_day" for day in range(1, 16)] + ["outsideTemperature"]
    assert len(LONG_CONTEXT_CAR_METADATA) == 6503 and len(LONG_CONTEXT_PARKING_GUIDE) == 9710
    assert len(LONG_CONTEXT_TOWNS) == 826


def test_long_context_draws_the_same_readings_and_never_changes_the_filler():
    plain, padded = Vehicle(), Vehicle(long_context=True)
    before = copy_json(LONG_CONTEXT_WEATHER)
    for _ in range(2):
        reading = json.loads(one(padded, "get_outside_temperature_from_google()"))["outsideTemperature"]
        assert (
            json.loads(one(plain, "get_outside_temperature_from_google()"))["outsideTemperature"] == reading
        )
    result = ToolRouter([padded]).run("get_outside_temperature_from_google()")[0].value
    result["-1_day"]["windSpeed"] = -1.0
    assert before == LONG_CONTEXT_WEATHER and "outsideTemperature" not in LONG_CONTEXT_WEATHER
