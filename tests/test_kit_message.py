"""The message synthesis kit: varied BFCL-shaped workspaces, login ids a user states or looks up, and a
small run that looks ids up instead of stating them. What every kit is checked for is in test_kits.py."""

from __future__ import annotations

import random
import re

from funreason_envs.domains.message import Messaging
from funreason_envs.executor import ToolRouter
from funreason_envs.synthesis.kits import kit_for
from funreason_envs.synthesis.kits.message import ACCOUNT_HOLDERS, own_id, person

KIT = kit_for("message")
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


def test_logins_are_account_holders_and_look_ups_are_the_others():
    messaging = Messaging(KIT.scenario(random.Random(3)))
    ToolRouter([messaging]).run("add_contact(user_name='Zoe Hart')")
    holders = list(messaging.user_map)[:ACCOUNT_HOLDERS]
    rng = random.Random(0)
    domains = {"message": messaging}
    assert {own_id(rng, domains) for _ in range(50)} == {messaging.user_map[name] for name in holders}
    looked_up = {person(rng, domains) for _ in range(200)}
    assert None in looked_up  # sometimes left open, for a name an earlier user listing showed
    assert looked_up - {None} == set(messaging.user_map) - set(holders)  # a new contact included


def test_queries_state_no_user_id_but_the_users_own(kit_run):
    samples = kit_run("message").samples
    for sample in samples:
        for record, calls in zip(sample.turns, sample.task.ground_truth, strict=True):
            logins = {call.arguments["user_id"] for call in calls if call.name == "message_login"}
            # the only id a user ever says is their own, when logging in
            assert set(USER_ID.findall(record.query)) <= logins or record.kind in ("vague", "held_out_wait")


def test_receivers_always_come_from_earlier_results(kit_run):
    samples = kit_run("message").samples
    checked = 0
    for sample in samples:
        for record, calls in zip(sample.turns, sample.task.ground_truth, strict=True):
            flowed = {(flow.target_call, flow.argument) for flow in record.flows}
            for position, call in enumerate(calls):
                if call.name in ("send_message", "delete_message"):
                    checked += 1
                    assert (position, "receiver_id") in flowed, (sample.id, record.query)
    assert checked >= 5
