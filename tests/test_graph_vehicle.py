"""The vehicle's graph annotations hold true: its state probes read the conditions its tools check, the
annotations agree with the probes over random sessions, and live walks reach the tools that need state.
Paths and flow edges of every domain are checked in test_graph_domains.py."""

from __future__ import annotations

import random
from typing import Any

import pytest

from funreason_envs.calls import ToolCall
from funreason_envs.domains.vehicle import Vehicle
from funreason_envs.executor import ToolRouter
from funreason_envs.graph import ApiGraph, WalkSampler
from funreason_envs.specs import ToolSpec
from funreason_envs.synthesis.kits.vehicle import DOORS, scenario
from tests.support.condition_checks import random_session

LOCKED = dict.fromkeys(DOORS, "locked")


@pytest.fixture(scope="module")
def graph() -> ApiGraph:
    return ApiGraph.from_domains("vehicle")


def call(car: Vehicle, text: str) -> Any:
    (result,) = ToolRouter([car]).run(text)
    return result


def test_probes_follow_the_checks_of_start_engine_and_cruise_control():
    car = Vehicle()
    assert car.conditions() == set()
    assert car.available_resources() == {"door_name": list(DOORS)}
    call(car, f"lockDoors(unlock=False, door={list(DOORS)[:3]})")
    assert car.conditions() == set()
    call(car, "lockDoors(unlock=False, door=['rear_right'])")
    assert car.conditions() == {"doors_locked"}
    call(car, "pressBrakePedal(pedalPosition=0.5)")
    assert car.conditions() == {"doors_locked"}  # pressed, but not hard enough to start
    assert not call(car, "startEngine(ignitionMode='START')").ok
    call(car, "pressBrakePedal(pedalPosition=1)")
    assert car.conditions() == {"doors_locked", "brake_pressed"}
    assert call(car, "startEngine(ignitionMode='START')").ok
    assert car.conditions() == {"doors_locked", "brake_pressed", "engine_running"}
    call(car, "releaseBrakePedal()")
    call(car, "lockDoors(unlock=True, door=['driver'])")
    assert car.conditions() == {"engine_running"}
    assert Vehicle({"engineState": "running"}).conditions() == {"engine_running"}
    spec = Vehicle.spec()
    assert car.conditions() <= set(spec.conditions)
    assert set(car.available_resources()) <= set(spec.resources)
    assert not {"conditions", "available_resources"} & set(Vehicle.tool_table())


# Argument choices for the random sessions: sensible values and ones that fail or undo a condition.
CHOICES: dict[str, list[Any]] = {
    "lockDoors.unlock": [True, False, False],
    "lockDoors.door": [list(DOORS), list(DOORS), ["driver"], ["rear_left", "rear_right"], ["boot"]],
    "pressBrakePedal.pedalPosition": [0, 0.3, 0.5, 1.0, 1, 1.0, 1.5],
    "startEngine.ignitionMode": ["START", "START", "STOP"],
    "setCruiseControl.speed": [40, 65, 62, 130],
    "setCruiseControl.activate": [True, False],
    "setCruiseControl.distanceToNextVehicle": [30, 50],
    "adjustClimateControl.temperature": [21, 70],
    "display_log.messages": [["hello"]],
    "estimate_drive_feasibility_by_mileage.distance": [100, 900],
    "gallon_to_liter.gallon": [3],
    "liter_to_gallon.liter": [10],
    "set_navigation.destination": ["Rivermist"],
}


def random_arguments(tool: ToolSpec, rng: random.Random) -> dict[str, Any]:
    """Values for the required parameters (and sometimes the optional ones) from CHOICES or the examples."""
    arguments = {}
    for param, schema in tool.parameters.get("properties", {}).items():
        if param not in tool.required and rng.random() < 0.5:
            continue
        options = CHOICES.get(f"{tool.name}.{param}") or schema.get("examples")
        assert options, f"no test values for {tool.name}.{param}"
        arguments[param] = rng.choice(options)
    return arguments


@pytest.mark.parametrize("seed", range(6))
def test_state_annotations_agree_with_the_probes(seed):
    """A call whose required condition does not hold fails; after a successful call its `provides`
    hold; a condition that held and is not revoked still holds; each `may_provide` does happen."""
    rng = random.Random(seed)
    car = Vehicle(scenario(rng))
    checked = random_session(car, lambda tool: random_arguments(tool, rng), rng, 400)
    assert len(checked) > 150
    for name, gained in checked:
        tool = Vehicle.spec().tool(name)
        assert gained <= set(tool.provides) | set(tool.may_provide), f"{name} brought about {gained}"
    brought_about = {(name, condition) for name, gained in checked for condition in gained}
    assert {("lockDoors", "doors_locked"), ("pressBrakePedal", "brake_pressed")} <= brought_about


def test_starting_the_engine_is_possibly_prepared_by_the_doors_and_the_brake(graph):
    """No tool surely locks every door or presses the brake fully (that depends on the arguments):
    lockDoors and pressBrakePedal may; startEngine's own `provides` only says they still hold after it."""
    needs = {need.options[0]: need for need in graph.prerequisites("startEngine")}
    assert set(needs) == {"doors_locked", "brake_pressed"}
    assert needs["doors_locked"].providers == ("startEngine",)
    assert needs["doors_locked"].possible_providers == ("lockDoors",)
    assert needs["brake_pressed"].possible_providers == ("pressBrakePedal",)
    (running,) = graph.prerequisites("setCruiseControl")
    assert running.options == ("engine_running",) and running.providers == ("startEngine",)


SENSIBLE_CALLS = {
    "lockDoors": {"unlock": False, "door": list(DOORS)},
    "pressBrakePedal": {"pedalPosition": 1.0},
    "startEngine": {"ignitionMode": "START"},
    "setCruiseControl": {"speed": 65, "activate": True, "distanceToNextVehicle": 40},
}


@pytest.mark.parametrize("target", ["startEngine", "setCruiseControl"])
def test_live_walks_reach_the_tools_that_need_state(graph, target):
    """From a parked car with unlocked doors, the sampler (re-reading the probes after each real call)
    walks through the possible providers to the target, which then succeeds."""
    for seed in range(5):
        car = Vehicle({"doorStatus": dict.fromkeys(DOORS, "unlocked"), "fuelLevel": 10.0})
        sampler = WalkSampler(graph, seed=seed)
        situation = graph.situation(domains=[car])
        for _ in range(8):
            name = sampler.choose(target, situation, hopeful=True)
            result = ToolRouter([car]).execute(ToolCall(name, SENSIBLE_CALLS[name]))
            assert result.ok, (name, result.content)
            situation = situation.after_observed(graph.tool(name), result.value, [car])
            if name == target:
                break
        else:
            pytest.fail(f"seed {seed}: no live walk reached {target}: {situation.called}")
        assert set(situation.called) >= {"lockDoors", "pressBrakePedal", "startEngine"}
