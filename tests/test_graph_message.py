"""The message domain in the Environment-API graph: its state probes, their agreement with the spec's
requires/provides/revokes over random sessions, and walks that delete only after a login and a send.
Paths, walks and flow edges of every domain are checked in test_graph_domains.py."""

from __future__ import annotations

import random
from typing import Any

import pytest

from funreason_envs.domains.message import Messaging
from funreason_envs.executor import ToolResult, ToolRouter
from funreason_envs.graph import ApiGraph, WalkSampler
from tests.support.condition_checks import random_session
from tests.support.domain_cases import message_workspace

LOGGED_IN = "message_logged_in"
INBOX = "message_inbox_not_empty"


def test_probes_read_the_workspace():
    messaging = Messaging(message_workspace())
    assert messaging.conditions() == {INBOX}
    # names are offered; ids are not: a user knows people by name, ids come from results
    assert messaging.available_resources() == {"message_user_name": ["Ann", "Ben", "Cleo"]}
    assert Messaging(message_workspace(current_user="USR001", inbox=[])).conditions() == {LOGGED_IN}
    spec = Messaging.spec()
    assert messaging.conditions() <= set(spec.conditions)
    assert set(messaging.available_resources()) <= set(spec.resources)
    ids = {"message_user_id", "message_contact_id", "message_receiver_id"}
    assert not ids & set(spec.user_supplied)
    assert "conditions" not in Messaging.tool_table() and "available_resources" not in Messaging.tool_table()


def test_probes_follow_login_sending_and_deleting():
    messaging = Messaging(message_workspace(inbox=[], message_count=0))
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
    messaging = Messaging(message_workspace(current_user=rng.choice([None, "USR002"])))
    checked = random_session(
        messaging, lambda tool: random_arguments(tool.name, messaging, rng), rng, 300, succeeded
    )
    assert len(checked) > 100


@pytest.mark.parametrize("domains", ["message", "message,file_system"])
def test_deleting_a_message_walks_through_a_login_and_a_send(domains):
    """Deleting needs a login, an id and a message in the inbox: from nothing, a send comes first."""
    steps = WalkSampler(ApiGraph.from_domains(domains), seed=0).walk("delete_message").steps
    assert {"message_login", "send_message"} <= set(steps)
