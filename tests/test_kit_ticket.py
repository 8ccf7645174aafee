"""The ticket domain's probes and synthesis kit: valid, varied scenarios, logins as the owner of the
queue, and ticket ids said as tickets. What every kit is checked for is in test_kits.py."""

from __future__ import annotations

import json

from funreason_envs.domains.ticket import TicketQueue
from funreason_envs.executor import ToolRouter
from funreason_envs.synthesis.kits import kit_for
from tests.support.kit_cases import scenarios


def test_ticket_ids_are_said_as_tickets():
    display = kit_for("ticket").phrases.display
    assert display["close_ticket.ticket_id"]["12"] == "ticket 12"
    assert display["create_ticket.priority"]["5"] == "level 5"


def test_scenarios_are_valid_configs_and_vary():
    configs = scenarios("ticket", 40)
    for config in configs:
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


def test_logins_use_the_owner_of_the_queue(kit_run):
    samples = kit_run("ticket").samples
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
