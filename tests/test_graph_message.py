"""The message domain in the Environment-API graph: its state probes, their agreement with the spec's
requires/provides/revokes over random sessions, the edges BFCL's flows need, and walks to every tool."""

from __future__ import annotations

import random
from typing import Any

import pytest

from funreason_envs.calls import ToolCall
from funreason_envs.domains.message import Messaging
from funreason_envs.executor import ToolResult, ToolRouter
from funreason_envs.graph import ApiGraph, WalkSampler, extract_values
from tests.support.condition_checks import independent_check

LOGGED_IN = "message_logged_in"
INBOX = "message_inbox_not_empty"


def workspace(**overrides: Any) -> dict[str, Any]:
    """Three users, two inbox messages, nobody logged in (BFCL's config shape)."""
    config = {
        "user_count": 3,
        "user_map": {"Ann": "USR001", "Ben": "USR002", "Cleo": "USR003"},
        "inbox": [{"USR002": "Lunch at noon?"}, {"USR003": "The budget is ready."}],
        "message_count": 2,
        "current_user": None,
    }
    return {**config, **overrides}


def test_probes_read_the_workspace():
    messaging = Messaging(workspace())
    assert messaging.conditions() == {INBOX}
    # names are offered; ids are not: a user knows people by name, ids come from results
    assert messaging.available_resources() == {"message_user_name": ["Ann", "Ben", "Cleo"]}
    assert Messaging(workspace(current_user="USR001", inbox=[])).conditions() == {LOGGED_IN}
    spec = Messaging.spec()
    assert messaging.conditions() <= set(spec.conditions)
    assert set(messaging.available_resources()) <= set(spec.resources)
    ids = {"message_user_id", "message_contact_id", "message_receiver_id"}
    assert not ids & set(spec.user_supplied)
    assert "conditions" not in Messaging.tool_table() and "available_resources" not in Messaging.tool_table()


def test_probes_follow_login_sending_and_deleting():
    messaging = Messaging(workspace(inbox=[], message_count=0))
    assert messaging.conditions() == set()
    router = ToolRouter([messaging])
    router.run("message_login(user_id='USR001')")
    assert messaging.conditions() == {LOGGED_IN}
    router.run("add_contact(user_name='Dora')")
    assert messaging.available_resources()["message_user_name"][-1] == "Dora"
    router.run("send_message(receiver_id='USR004', message='Hi Dora')")
    assert messaging.conditions() == {LOGGED_IN, INBOX}
    router.run("delete_message(receiver_id='USR004')")
    assert messaging.conditions() == {LOGGED_IN}


def succeeded(result: ToolResult) -> bool:
    """A call that did what it was asked: a failed login reports `login_status: False`, not an error."""
    return result.ok and not (isinstance(result.value, dict) and result.value.get("login_status") is False)


def random_arguments(name: str, messaging: Messaging, rng: random.Random) -> dict[str, Any]:
    """Arguments for `name`: known and unknown names and ids, keywords that do and do not match."""
    names = [*messaging.user_map, "Nobody"]
    ids = [*messaging.user_map.values(), "USR999"]
    spec = Messaging.spec().tool(name)
    choices = {
        "user": names,
        "user_name": [*names, f"New{rng.randrange(100)}"],
        "user_id": ids,
        "receiver_id": ids,
        "keyword": ["lunch", "budget", "zzz"],
        "message": ["Hello there"],
    }
    return {param: rng.choice(choices[param]) for param in spec.parameter_names}


@pytest.mark.parametrize("seed", range(6))
def test_state_annotations_agree_with_the_probes(seed):
    """Over random calls: a call whose required condition does not hold fails; after a successful call
    its `provides` hold; a condition that held and is not revoked by the call still holds."""
    rng = random.Random(seed)
    messaging = Messaging(workspace(current_user=rng.choice([None, "USR002"])))
    router = ToolRouter([messaging])
    tools = list(Messaging.spec().by_name.values())
    checked = 0
    for _ in range(300):
        tool = rng.choice(tools)
        before = messaging.conditions()
        result = router.execute(ToolCall(tool.name, random_arguments(tool.name, messaging, rng)))
        after = messaging.conditions()
        if set(tool.requires) - before:
            assert not succeeded(result), f"{tool.name} succeeded without {set(tool.requires) - before}"
            continue
        if succeeded(result):
            checked += 1
            assert set(tool.provides) <= after, f"{result.call} did not bring about {tool.provides}"
            lost = before - after - set(tool.revokes)
            assert not lost, f"{result.call} ended {lost} without declaring it in revokes"
    assert checked > 100


def test_produces_paths_find_values_in_real_results():
    messaging = Messaging(workspace(current_user="USR001"))
    router = ToolRouter([messaging])
    calls = [
        "list_users()",
        "get_user_id(user='Ben')",
        "add_contact(user_name='Dora')",
        "search_messages(keyword='budget')",
        "view_messages_sent()",
    ]
    found: dict[tuple[str, str, str], list[Any]] = {}
    for text in calls:
        (result,) = router.run(text)
        assert result.ok, result.content
        tool = Messaging.tool_table()[result.call.name].spec
        for produced in tool.produces:
            found[(tool.name, produced.resource, produced.at)] = extract_values(result.value, produced.at)
    every = {(t.name, p.resource, p.at) for t in Messaging.spec().tools for p in t.produces}
    assert set(found) == every, "a producing tool is missing from the calls"
    assert found[("list_users", "message_user_name", "user_list[]")] == ["Ann", "Ben", "Cleo"]
    assert found[("get_user_id", "message_user_id", "user_id")] == ["USR002"]
    assert found[("add_contact", "message_contact_id", "user_id")] == ["USR004"]
    assert found[("search_messages", "message_receiver_id", "results[].receiver_id")] == ["USR003"]
    assert found[("view_messages_sent", "message_receiver_id", "messages{}")] == ["USR002", "USR003"]


def test_bfcl_flows_of_the_domain_are_data_edges():
    graph = ApiGraph.from_domains("message,file_system")
    expected = [
        ("add_contact", "send_message", "receiver_id"),
        ("view_messages_sent", "delete_message", "receiver_id"),
        ("get_user_id", "send_message", "receiver_id"),
        ("get_user_id", "delete_message", "receiver_id"),
        ("get_user_id", "message_login", "user_id"),
        ("search_messages", "delete_message", "receiver_id"),
        ("cat", "send_message", "message"),
    ]
    for producer, consumer, param in expected:
        reasons = graph.reasons(producer, consumer)
        assert any(r.kind == "data" and r.param == param for r in reasons), (producer, consumer, param)
    # nobody logs in as a contact just added, or as the receiver of a message
    for producer in ("add_contact", "view_messages_sent", "search_messages"):
        assert not graph.reasons(producer, "message_login")
    assert graph.out_degree("message") < 0.3 * len(Messaging.spec().tools)


@pytest.mark.parametrize("domains", ["message", "message,file_system"])
def test_walks_reach_every_message_tool_with_prerequisites(domains):
    graph = ApiGraph.from_domains(domains)
    targets = [
        name for name, tool in graph.tools.items() if tool.domain == "message" and graph.prerequisites(name)
    ]
    assert {"message_login", "send_message", "delete_message", "search_messages"} <= set(targets)
    for seed in range(5):
        sampler = WalkSampler(graph, seed=seed, gather=0.7, explore=0.2)
        for target in targets:
            walk = sampler.walk(target)
            assert walk.steps[-1] == target
            assert independent_check(graph, walk.steps) == [], walk.steps
    # deleting needs a login, an id and a message in the inbox: a send comes first from nothing
    steps = WalkSampler(graph, seed=0).walk("delete_message").steps
    assert {"message_login", "send_message"} <= set(steps)
