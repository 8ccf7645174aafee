"""The message synthesis kit: varied BFCL-shaped workspaces that bfcl-eval loads alike, login ids a user
states or looks up, a phrasebook that matches the spec, and a small run that verifies, looks ids up
instead of stating them, and replays identically in bfcl-eval."""

from __future__ import annotations

import random
import re

import pytest

from funreason_envs.domains.message import Messaging
from funreason_envs.executor import ToolRouter
from funreason_envs.synthesis.kits import kit_for
from funreason_envs.synthesis.kits.message import ACCOUNT_HOLDERS, own_id, person
from tests.kit_audit import (
    bfcl_replay_differences,
    small_run,
    sourced_values_in_queries,
    unstated_values,
)
from tests.kit_checks import phrasebook_problems
from tests.oracle import bfcl_execute

KIT = kit_for("message")
# get_user_id is means-only: people ask to message, delete or log in by name; the id look-up is the
# implicit step (as a goal on its own it made one-call turns that led nowhere).
MEANS_ONLY = {"get_user_id"}
# What a 20-sample run (seed 0) must reach (it gives 2.10 calls per acting turn and 68% of acting turns
# with a flow, fewer than before since logins are not repeated and a turn never deletes what it just
# sent); 100 samples (seed 3) give 2.40 calls per acting turn and 75% of acting turns with a data flow.
MIN_CALLS_PER_ACTING_TURN = 2.0
MIN_ACTING_TURNS_WITH_FLOW = 0.6
USER_ID = re.compile(r"USR\d{3}")


def scenarios(count: int) -> list[dict]:
    return [KIT.scenario(random.Random(seed)) for seed in range(count)]


def test_scenarios_are_valid_varied_workspaces():
    configs = scenarios(40)
    for config in configs:
        ids = list(config["user_map"].values())
        assert ids == [f"USR{number:03d}" for number in range(1, len(ids) + 1)]
        assert config["user_count"] == len(ids) and config["message_count"] == len(config["inbox"])
        receivers = [receiver for entry in config["inbox"] for receiver in entry]
        # account holders log in and write; the others receive
        assert set(receivers) <= set(ids[ACCOUNT_HOLDERS:])
        assert config["current_user"] in (None, *ids[:ACCOUNT_HOLDERS])
        assert Messaging(config).state_dict()["user_map"] == config["user_map"]
    assert len({repr(config) for config in configs}) == len(configs)
    logged_in = sum(config["current_user"] is not None for config in configs)
    assert 0 < logged_in < len(configs)
    assert {len(config["inbox"]) for config in configs} >= {0, 1, 3, 5}


def test_bfcl_eval_loads_the_scenarios_as_we_do():
    for number, config in enumerate(scenarios(12)):
        entry = {
            "id": f"load_{number}",
            "initial_config": {"MessageAPI": config},
            "involved_classes": ["MessageAPI"],
        }
        ((_, theirs),) = bfcl_execute(entry, [[]], long_context=False)
        assert theirs["MessageAPI"] == Messaging(config).state_dict(), number


def test_phrasebook_matches_the_spec():
    assert phrasebook_problems("message", MEANS_ONLY) == []


def test_logins_are_account_holders_and_look_ups_are_the_others():
    messaging = Messaging(KIT.scenario(random.Random(3)))
    ToolRouter([messaging]).run("add_contact(user_name='Zoe Hart')")
    holders = list(messaging.user_map)[:ACCOUNT_HOLDERS]
    rng = random.Random(0)
    domains = {"message": messaging}
    assert {own_id(rng, domains) for _ in range(50)} == {messaging.user_map[name] for name in holders}
    looked_up = {person(rng, domains) for _ in range(200)}
    assert looked_up == set(messaging.user_map) - set(holders)  # a new contact included


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return small_run("message", tmp_path_factory.mktemp("message"), 20)


def test_small_run_verifies_and_chains_calls(run):
    _, report = run
    assert report["written"] == 20 and report["acceptance"]["verification"] == 1.0
    assert report["calls_per_acting_turn"]["mean"] >= MIN_CALLS_PER_ACTING_TURN
    assert report["acting_turns_with_data_flow"] >= MIN_ACTING_TURNS_WITH_FLOW


def test_queries_state_no_looked_up_id_and_every_user_value(run):
    samples, _ = run
    assert sourced_values_in_queries(samples) == []
    assert unstated_values(samples) == []
    for sample in samples:
        for record, calls in zip(sample.turns, sample.task.ground_truth, strict=True):
            logins = {call.arguments["user_id"] for call in calls if call.name == "message_login"}
            # the only id a user ever says is their own, when logging in
            assert set(USER_ID.findall(record.query)) <= logins or record.kind in ("vague", "held_out_wait")


def test_receivers_always_come_from_earlier_results(run):
    samples, _ = run
    checked = 0
    for sample in samples:
        for record, calls in zip(sample.turns, sample.task.ground_truth, strict=True):
            flowed = {(flow.target_call, flow.argument) for flow in record.flows}
            for position, call in enumerate(calls):
                if call.name in ("send_message", "delete_message"):
                    checked += 1
                    assert (position, "receiver_id") in flowed, (sample.id, record.query)
    assert checked >= 5


def test_samples_replay_identically_in_bfcl_eval(run):
    samples, _ = run
    assert bfcl_replay_differences(samples) == []


def test_mixed_with_file_system_runs_verify(tmp_path):
    samples, report = small_run("message,file_system", tmp_path, 6, seed=1)
    assert report["written"] == 6 and report["acceptance"]["verification"] == 1.0
    assert sourced_values_in_queries(samples) == []
