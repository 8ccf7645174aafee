"""Turns that ran exactly the ground truth's calls share its recorded states (`Session.record_calls`,
`end_turn(like=...)`); every other turn takes its own, and what is shared is always what taking it
would give."""

from __future__ import annotations

import gc
import json
import pickle

import gymnasium as gym
import pytest

import funreason_envs  # noqa: F401  (registers the envs)
from funreason_envs import checker
from funreason_envs.calls import ToolCall
from funreason_envs.checker import check_responses, execute_ground_truth
from funreason_envs.errors import SessionError
from funreason_envs.session import Session, class_of, prototypes_of
from funreason_envs.tasks import Task, load_tasks
from funreason_envs.tasks.bfcl import CATEGORIES


def _task(task_id: str) -> Task:
    category = task_id.rsplit("_", 1)[0]
    return next(task for task in load_tasks(f"bfcl:{category}") if task.id == task_id).model_copy()


def _recording(task: Task) -> Session:
    session = Session.for_task(task, lenient=True, reuse_states=True)
    session.record_calls()
    return session


def _taken(task: Task, turns: list[list[ToolCall]]) -> list[str]:
    """Each turn's state as a session that shares nothing takes it (key order included)."""
    session = Session.for_task(task, lenient=True)
    states = []
    for calls in turns:
        session.execute(calls)
        states.append(json.dumps(session.end_turn().state))
    return states


def _domain_of(task: Task, call: ToolCall) -> str:
    return next(name for name in task.domains if call.name in class_of(name).tool_table())


def test_a_turn_that_ran_the_ground_truths_calls_shares_its_states():
    task = _task("multi_turn_base_41")
    ground = execute_ground_truth(task, record_calls=True)
    session = _recording(task)
    turns = [task.turn_calls(index) for index in range(len(task.turns))]
    for index, calls in enumerate(turns):
        session.execute(calls)
        outcome = session.end_turn(like=ground[index])
        assert all(outcome.state[name] is ground[index].state[name] for name in task.domains)
    assert [json.dumps(outcome.state) for outcome in session.outcomes] == _taken(task, turns)


def test_calls_interleaved_differently_across_instances_still_share_each_instances_state():
    task = _task("multi_turn_base_41")
    ground = execute_ground_truth(task, record_calls=True)
    first = task.turn_calls(0)
    assert [_domain_of(task, call) for call in first] == ["file_system"] * 2 + ["message"] * 3
    reordered = [call for call in first if _domain_of(task, call) == "message"] + [
        call for call in first if _domain_of(task, call) == "file_system"
    ]
    session = _recording(task)
    session.execute(reordered)
    outcome = session.end_turn(like=ground[0])
    assert outcome.state["file_system"] is ground[0].state["file_system"]
    assert outcome.state["message"] is ground[0].state["message"]


def test_an_instance_that_ran_other_calls_takes_its_own_state_and_the_rest_still_share():
    task = _task("multi_turn_base_41")
    ground = execute_ground_truth(task, record_calls=True)
    turns = [task.turn_calls(index) for index in range(len(task.turns))]
    turns[0] = [*turns[0], ToolCall("send_message", {"receiver_id": "USR002", "message": "extra"})]
    session = _recording(task)
    for index, calls in enumerate(turns):
        session.execute(calls)
        outcome = session.end_turn(like=ground[index])
        assert outcome.state["message"] is not ground[index].state["message"]  # diverged for good
        if any(_domain_of(task, call) == "file_system" for call in turns[index]) or index == 0:
            assert outcome.state["file_system"] is ground[index].state["file_system"]
    assert [json.dumps(outcome.state) for outcome in session.outcomes] == _taken(task, turns)
    assert "extra" in json.dumps(session.outcomes[0].state["message"])


def test_an_argument_of_another_type_is_another_call_and_the_state_shows_the_type_the_model_gave():
    task = Task(
        id="typed",
        domains=["trading"],
        initial_config={"trading": {"authenticated": True}},
        turns=[[{"role": "user", "content": "buy"}]],
        ground_truth=[
            [
                {
                    "name": "place_order",
                    "arguments": {"order_type": "Buy", "symbol": "AAPL", "price": 150.0, "amount": 10},
                }
            ]
        ],
    )
    ground = execute_ground_truth(task, record_calls=True)
    session = _recording(task)
    session.execute(
        [ToolCall("place_order", {"order_type": "Buy", "symbol": "AAPL", "price": 150.0, "amount": 10.0})]
    )
    outcome = session.end_turn(like=ground[0])
    assert outcome.state == ground[0].state  # equal, as BFCL's state check compares them
    assert outcome.state["trading"] is not ground[0].state["trading"]
    placed = [outcome.state["trading"]["orders"], ground[0].state["trading"]["orders"]]
    assert [list(orders.values())[-1]["amount"] for orders in placed] == [10.0, 10]
    assert [type(list(orders.values())[-1]["amount"]) for orders in placed] == [float, int]


def test_nothing_is_shared_with_another_task_object_or_once_the_instances_were_handed_out():
    task = _task("multi_turn_base_41")
    ground = execute_ground_truth(task, record_calls=True)
    other = _recording(task.model_copy())  # an equal task, but not the one the truth ran from
    other.execute(task.turn_calls(0))
    assert other.end_turn(like=ground[0]).state["message"] is not ground[0].state["message"]

    session = _recording(task)
    session.execute(task.turn_calls(0))
    (message,) = [instance for instance in session.instances if type(instance).name == "message"]
    message.inbox.append({"USR002": "changed directly"})
    outcome = session.end_turn(like=ground[0])
    assert outcome.state["message"] is not ground[0].state["message"]
    assert "changed directly" in json.dumps(outcome.state["message"])


def test_recording_calls_is_refused_where_it_could_not_prove_anything():
    task = _task("multi_turn_base_41")
    with pytest.raises(SessionError, match="for_task"):
        Session.for_domains(task.domains, task.initial_config).record_calls()
    late = Session.for_task(task, lenient=True)
    late.execute(task.turn_calls(0))
    with pytest.raises(SessionError, match="no call has run"):
        late.record_calls()
    handed_out = Session.for_task(task, lenient=True)
    handed_out.instances  # noqa: B018  (the caller may now change them)
    with pytest.raises(SessionError):
        handed_out.record_calls()


def test_multiturn_episodes_record_the_states_their_calls_left_whether_or_not_they_follow_the_truth():
    """Every 25th BFCL task, played through the env: the ground truth as given, then with each turn's
    last call dropped from the second turn on; each turn's state in the trajectory is what a session
    sharing nothing takes after the same calls."""
    tasks = [task for category in CATEGORIES for task in load_tasks(f"bfcl:{category}")[::25]]
    env = gym.make("FunReason/MultiTurn-v0", tasks=tasks)
    for task in tasks:
        for deviate in (False, True):
            turns = [task.turn_calls(index) for index in range(len(task.turns))]
            if deviate:
                turns = [calls[:-1] if index and calls else calls for index, calls in enumerate(turns)]
            env.reset(options={"task": task.id})
            for calls in turns:
                if calls:
                    message = {"role": "assistant", "content": None, "tool_calls": []}
                    for number, call in enumerate(calls):
                        message["tool_calls"].append({**call.to_openai(), "id": f"c{number}"})
                    env.step(message)
                env.step({"role": "assistant", "content": "Done."})
            trajectory = env.unwrapped.trajectory()
            assert [json.dumps(turn.state) for turn in trajectory.turns] == _taken(task, turns), task.id


def test_what_is_kept_per_task_goes_with_the_task_though_its_outcomes_name_their_origin():
    """Outcomes say which task they started from without holding it: the ground-truth run kept per task
    (whose outcomes record their calls) must not keep its task alive."""
    task = _task("multi_turn_base_41")
    response = [[[call.to_python() for call in task.turn_calls(index)]] for index in range(len(task.turns))]
    before = (len(checker._ground_truth), len(prototypes_of))
    for _ in range(3):
        assert check_responses(task, response).passed
    assert checker._ground_truth.get(task) is not None
    assert (len(checker._ground_truth), len(prototypes_of)) == (before[0] + 1, before[1] + 1)
    del task
    gc.collect()
    assert (len(checker._ground_truth), len(prototypes_of)) == before


def test_an_outcome_pickles_without_its_origin_and_shares_nothing_after():
    task = _task("multi_turn_base_41")
    ground = execute_ground_truth(task, record_calls=True)
    copied = pickle.loads(pickle.dumps(ground[0]))
    assert copied == ground[0] and copied.origin is None and copied.histories == ground[0].histories
    session = _recording(task)
    session.execute(task.turn_calls(0))
    assert session.end_turn(like=copied).state["message"] is not copied.state["message"]


def test_a_recording_session_pickles_and_goes_on_taking_states_that_are_right():
    task = _task("multi_turn_base_41")
    ground = execute_ground_truth(task, record_calls=True)
    turns = [task.turn_calls(index) for index in range(len(task.turns))]
    session = _recording(task)
    session.execute(turns[0])
    session.end_turn(like=ground[0])
    restored = pickle.loads(pickle.dumps(session))
    assert restored.router.histories == session.router.histories
    for index, calls in enumerate(turns[1:], 1):
        restored.execute(calls)
        restored.end_turn(like=ground[index])  # the truth is another task object's now: nothing shared
    assert [json.dumps(outcome.state) for outcome in restored.outcomes] == _taken(task, turns)
    env = gym.make("FunReason/MultiTurn-v0", tasks=[task])
    env.reset(options={"task": task.id})
    env.step({"role": "assistant", "content": "Done."})
    copied = pickle.loads(pickle.dumps(env.unwrapped))
    assert copied.state_dict() == env.unwrapped.state_dict()
