"""The ticket domain's graph probes and synthesis kit: valid, varied scenarios that bfcl-eval runs
exactly as we do, a complete phrasebook, probes that agree with the annotations, and verified samples
whose queries say what the user knows and never what an earlier result told the assistant."""

from __future__ import annotations

import json
import random

import pytest

from funreason_envs.domains.ticket import TicketQueue
from funreason_envs.executor import ToolRouter
from funreason_envs.synthesis.kits import kit_domains, kit_for
from tests.support.kit_checks import (
    bfcl_load_mismatches,
    bfcl_mismatches,
    phrasebook_problems,
    small_run,
    sourced_values_in_queries,
    unstated_values,
)

KIT = kit_for("ticket")
# A pure status check changes nothing and feeds nothing, so it is never a user's goal here.
MEANS_ONLY = {"ticket_get_login_status"}
# What the small run below must reach (the figures claimed for this kit on 20 samples).
MIN_CALLS_PER_ACTING_TURN = 1.55
MIN_ACTING_TURNS_WITH_FLOW = 0.3


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return small_run("ticket", tmp_path_factory.mktemp("ticket"), num=20)


def test_kit_is_registered():
    assert "ticket" in kit_domains()
    assert KIT.domain == "ticket"


def test_scenarios_are_valid_configs_and_vary():
    configs = [KIT.scenario(random.Random(seed)) for seed in range(40)]
    for config in configs:
        assert json.loads(json.dumps(config)) == config
        queue = TicketQueue(config)
        ids = [ticket["id"] for ticket in config["ticket_queue"]]
        assert len(set(ids)) == len(ids)
        assert config["ticket_counter"] > max(ids, default=0)
        titles = [ticket["title"] for ticket in config["ticket_queue"]]
        assert len(set(titles)) == len(titles)  # a title names one ticket
        for ticket in config["ticket_queue"]:
            assert 1 <= ticket["priority"] <= 5
            assert ("resolution" in ticket) == (ticket["status"] == "Resolved")
            assert queue.get_ticket(ticket["id"]) == ticket
        if config["current_user"]:
            assert queue.conditions() == {"ticket_logged_in"}
    filled = [json.dumps(config, sort_keys=True) for config in configs if config["ticket_queue"]]
    assert len(set(filled)) == len(filled) >= 20  # only empty queues repeat (a fresh account's state)
    assert {config["current_user"] is None for config in configs} == {True, False}
    sizes = {len(config["ticket_queue"]) for config in configs}
    assert 0 in sizes and max(sizes) >= 4
    statuses = {t["status"] for config in configs for t in config["ticket_queue"]}
    assert {"Open", "Resolved", "Closed"} <= statuses


def test_bfcl_eval_loads_the_scenarios_as_we_do():
    configs = [KIT.scenario(random.Random(seed)) for seed in range(12)]
    assert bfcl_load_mismatches("ticket", configs) == []


def test_bfcl_eval_runs_the_samples_exactly_as_we_do(run):
    samples, _ = run
    assert bfcl_mismatches(samples) == []


def test_every_tool_has_an_intent_or_is_means_only():
    assert phrasebook_problems("ticket", MEANS_ONLY) == []


def test_small_run_verifies_and_meets_the_claimed_figures(run):
    _, report = run
    assert report["written"] == 20
    assert report["acceptance"]["verification"] == 1.0
    assert report["calls_per_acting_turn"]["mean"] >= MIN_CALLS_PER_ACTING_TURN
    assert report["acting_turns_with_data_flow"] >= MIN_ACTING_TURNS_WITH_FLOW
    assert report["coverage"]["tools"]["ticket"]["used"] >= 8


def test_queries_never_state_a_sourced_value(run):
    samples, _ = run
    phrased, _ = sourced_values_in_queries(samples, "ticket")
    assert phrased == []
    assert any(turn.flows for sample in samples for turn in sample.turns)


def test_queries_state_every_value_the_user_must_know(run):
    samples, _ = run
    assert unstated_values(samples) == []


def test_logins_use_the_owner_of_the_queue(run):
    samples, _ = run
    logins = 0
    for sample in samples:
        config = sample.task.initial_config["ticket"]
        owners = {ticket["created_by"] for ticket in config["ticket_queue"]}
        for calls in sample.task.ground_truth:
            for call in calls:
                if call.name == "ticket_login":
                    logins += 1
                    assert not owners or call.arguments["username"] in owners
                    assert call.arguments["password"]
    assert logins >= 3


def test_probe_values():
    queue = TicketQueue({"ticket_queue": [{"id": 7, "title": "t", "status": "Open"}, {"title": "no id"}]})
    assert queue.conditions() == set()
    assert queue.available_resources() == {"ticket_id": [7]}
    router = ToolRouter([queue])
    router.run("ticket_login(username='amy', password='x')")
    assert queue.conditions() == {"ticket_logged_in"}
    router.run("create_ticket(title='New')")
    assert queue.available_resources() == {"ticket_id": [7, 1]}
    router.run("logout()")
    assert queue.conditions() == set()
    assert "conditions" not in TicketQueue.tool_table()
    assert "available_resources" not in TicketQueue.tool_table()


def test_ticket_ids_are_said_as_tickets():
    display = KIT.phrases.display
    assert display["close_ticket.ticket_id"]["12"] == "ticket 12"
    assert display["create_ticket.priority"]["5"] == "level 5"
