"""The shortcuts give exactly what the plain paths give: call texts prepared once per distinct text,
results rendered by a shared encoder, random generators seeded on first use, checking in lockstep."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest

from funreason_envs.checker import check_task, execute_ground_truth, execute_responses
from funreason_envs.domains.message import Messaging
from funreason_envs.domains.travel import Travel
from funreason_envs.jsonutil import serialize_result
from funreason_envs.session import Session
from funreason_envs.tasks import Task, load_tasks


def _fresh(lenient: bool = False) -> Session:
    return Session.for_domains(["file_system", "message"], {}, lenient=lenient)


def test_a_repeated_call_text_gets_its_own_arguments_each_time():
    text = "echo(content='hi', file_name=None)"
    first = _fresh().run(text)[0]
    first.call.arguments["content"] = "changed"
    second = _fresh().run(text)[0]
    assert second.call.arguments == {"content": "hi", "file_name": None}
    assert second.content == json.dumps({"terminal_output": "hi"})


def test_a_repeated_call_text_with_nested_arguments_is_copied_deeply():
    text = "mean(numbers=[1, 2, 3])"
    session = Session.for_domains(["math"], {})
    first = session.run(text)[0]
    first.call.arguments["numbers"].append(100)
    assert session.run(text)[0].call.arguments == {"numbers": [1, 2, 3]}


def test_prepared_calls_are_refused_as_the_plain_path_refuses_them():
    mistyped = "cd(folder=3)"
    strict, lenient = _fresh().run(mistyped)[0], _fresh(lenient=True).run(mistyped)[0]
    assert strict.status == "invalid" and strict.content.startswith("Error: cd:")
    assert lenient.status != "invalid"  # BFCL scoring runs what Python would run
    plain = _fresh().execute(_fresh().parse(mistyped))[0]
    assert strict.content == plain.content
    hidden = _fresh().run("ls()", visible={"pwd"})[0]
    assert hidden.status == "invalid" and "not available" in hidden.content
    assert _fresh().run("ls()")[0].status == "ok"  # the same text, visible this time


class _Odd(float):
    def __repr__(self) -> str:
        return "odd"


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, "b": [1.5, None, True], "c": {"d": "é\ud800"}},
        {"nan": float("nan"), "inf": float("inf")},
        {1: "int key", 2.5: "float key", None: "none key", False: "bool key"},
        {"subclass": _Odd(1.25)},
        {(1, 2): "tuple key"},
        {"object": object()},
        {"set": {1, 2}},
    ],
)
def test_results_render_as_json_dumps_does(value: dict[str, Any]):
    try:
        expected = json.dumps(value)
    except (TypeError, ValueError):
        expected = str(value)
    assert serialize_result(value) == expected


def test_a_circular_result_renders_as_json_dumps_falls_back():
    value: dict[str, Any] = {}
    value["self"] = value
    assert serialize_result(value) == str(value)


def test_a_generator_seeded_on_first_use_draws_what_an_eager_one_drew():
    config = {"random_seed": 7}  # bfcl-eval's ids for this seed: 52445, then 29772 (see test_message)
    untouched = Messaging(config)
    restored = pickle.loads(pickle.dumps(untouched))  # a sandbox taken before any draw
    assert restored._new_message_id() == untouched._new_message_id() == 52445
    continued = pickle.loads(pickle.dumps(untouched))  # and one taken after a draw
    assert continued._new_message_id() == untouched._new_message_id() == 29772
    untouched.load({"random_seed": 7})  # a reload starts the new seed's stream again
    untouched.generated_ids.clear()
    assert untouched._new_message_id() == 52445


def test_a_seed_random_refuses_is_refused_at_load():
    with pytest.raises(TypeError):
        Travel({"random_seed": [1, 2]})


def _responses(task: Task, change_turn: int | None = None) -> list[list[list[str]]]:
    turns = []
    for index in range(len(task.turns)):
        calls = [call.to_python() for call in task.turn_calls(index)]
        if index == change_turn and calls:
            calls = calls[:-1]  # the turn's last call left out: state or results differ
        turns.append([calls] if calls else [])
    return turns


@pytest.mark.parametrize("change_turn", [None, 0, 1])
def test_lockstep_checking_gives_the_verdicts_of_checking_against_snapshots(change_turn: int | None):
    reports = []
    for task in load_tasks("demo"):
        model = execute_responses(task, _responses(task, change_turn))
        lockstep = check_task(task, model)
        assert lockstep == check_task(task, model, execute_ground_truth(task))
        reports.append(lockstep)
    assert all(report.passed for report in reports) == (change_turn is None)
