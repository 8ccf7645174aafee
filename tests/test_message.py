"""The message domain: defaults, config keys, seeded ids, every tool's results and failures, BFCL quirks,
and parity with bfcl-eval's MessageAPI over random call sequences."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from funreason_envs.domains.message import Messaging
from funreason_envs.jsonutil import serialize_result
from tests.support.oracle import public_state, require_bfcl
from tests.support.session_checks import Transcript
from tests.support.session_checks import result as run

NOT_LOGGED_IN = '{"error": "No user is currently logged in."}'


@pytest.fixture
def workspace() -> Messaging:
    """Three users, John logged in, an inbox with a repeated message and a multi-key entry."""
    return Messaging(
        {
            "current_user": "USR001",
            "user_count": 3,
            "user_map": {"John": "USR001", "Jane": "USR002", "Alice": "USR003"},
            "inbox": [
                {"USR002": "Meeting at 3 PM"},
                {"USR003": "Please review the FILE."},
                {"USR002": "Meeting at 3 PM"},
                {"USR003": "Lunch?", "USR009": "ignored second key"},
            ],
            "message_count": 4,
        }
    )


def test_default_state_is_bfcls_workspace():
    assert Messaging().state_dict() == {
        "generated_ids": [],
        "user_count": 4,
        "user_map": {"Alice": "USR001", "Bob": "USR002", "Catherine": "USR003", "Daniel": "USR004"},
        "inbox": [
            {"USR002": "My name is Alice. I want to connect."},
            {"USR003": "Could you upload the file?"},
            {"USR004": "Could you upload the file?"},
        ],
        "message_count": 3,
        "current_user": None,
    }


def test_config_keys_set_the_state_without_aliasing_the_config():
    config = {
        "generated_ids": [55555, 11111],
        "user_count": 1,
        "user_map": {"Max": "USR001"},
        "inbox": [{"USR001": ["a list is kept as is"]}],
        "message_count": 9,
        "current_user": "USR001",
        "random_seed": 3,
    }
    original = copy.deepcopy(config)
    domain = Messaging(config)
    assert domain.generated_ids == {11111, 55555}  # a JSON list becomes bfcl-eval's set
    assert domain.state_dict() == {
        **{k: v for k, v in original.items() if k != "random_seed"},
        "generated_ids": [11111, 55555],
    }
    run(domain, "send_message(receiver_id='USR001', message='hi')")
    run(domain, "add_contact(user_name='Kim')")
    assert config == original


def test_message_ids_follow_the_seeded_rng():
    def ids(config: dict[str, Any], count: int) -> list[int]:
        domain = Messaging({"current_user": "USR001", **config})
        return [domain.send_message("USR002", "x")["message_id"]["new_id"] for _ in range(count)]

    assert ids({}, 3) == [67410, 41772, 24547]  # bfcl-eval's ids for its default seed 200191
    assert ids({"random_seed": 7}, 2) == [52445, 29772]
    assert ids({"random_seed": 7}, 2) == ids({"random_seed": 7}, 2)
    # Ids already handed out are skipped: the next draw of the same stream is used instead.
    assert ids({"generated_ids": [67410]}, 2) == [41772, 24547]


def test_users_and_ids(workspace):
    Transcript(workspace).expect(r"""
        list_users() -> {"user_list": ["John", "Jane", "Alice"]}
        get_user_id(user='Jane') -> {"user_id": "USR002"}
        get_user_id('Nobody') -> {"error": "User 'Nobody' not found in the workspace."}
        """)


def test_add_contact_takes_the_next_id_and_refuses_duplicates(workspace):
    assert run(workspace, "add_contact(user_name='Bob')") == (
        '{"added_status": true, "user_id": "USR004", "message": "Contact \'Bob\' added successfully."}'
    )
    assert workspace.user_map["Bob"] == "USR004" and workspace.user_count == 4
    assert run(workspace, "add_contact(user_name='Bob')") == '{"error": "User name \'Bob\' already exists."}'
    assert workspace.user_count == 4


def test_add_contact_with_a_taken_id_fails_but_still_counts():
    domain = Messaging({"user_count": 1, "user_map": {"A": "USR001", "B": "USR002"}})
    assert run(domain, "add_contact('C')") == '{"error": "User ID \'USR002\' already exists."}'
    assert domain.user_count == 2 and "C" not in domain.user_map
    assert run(domain, "add_contact('C')") == (
        '{"added_status": true, "user_id": "USR003", "message": "Contact \'C\' added successfully."}'
    )


def test_login_and_status():
    domain = Messaging()
    Transcript(domain).expect(r"""
        message_get_login_status() -> {"login_status": false}
        message_login(user_id='USR999') -> {"login_status": false, "message": "User ID 'USR999' not found."}
        """)
    assert domain.current_user is None
    assert run(domain, "message_login('USR002')") == (
        '{"login_status": true, "message": "User \'USR002\' logged in successfully."}'
    )
    assert domain.current_user == "USR002"
    assert run(domain, "message_get_login_status()") == '{"login_status": true}'


@pytest.mark.parametrize(
    "call",
    [
        "send_message(receiver_id='USR002', message='hi')",
        "delete_message(receiver_id='USR002')",
        "view_messages_sent()",
        "search_messages(keyword='file')",
        "get_message_stats()",
    ],
)
def test_inbox_tools_need_a_logged_in_user(call):
    domain = Messaging()
    before = domain.state_dict()
    assert run(domain, call) == NOT_LOGGED_IN
    assert domain.state_dict() == before


def test_send_message(workspace):
    result = run(workspace, "send_message(receiver_id='USR003', message='On my way')")
    assert result == (
        '{"sent_status": true, "message_id": {"new_id": 67410}, '
        '"message": "Message sent to \'USR003\' successfully."}'
    )
    assert workspace.inbox[-1] == {"USR003": "On my way"}
    assert workspace.message_count == 5 and workspace.generated_ids == {67410}
    assert (
        run(workspace, "send_message('USR404', 'hello?')") == '{"error": "Receiver ID \'USR404\' not found."}'
    )
    assert len(workspace.inbox) == 5 and workspace.generated_ids == {67410}


def test_delete_message_removes_the_first_equal_entry(workspace):
    assert run(workspace, "delete_message(receiver_id='USR002')") == (
        '{"deleted_status": true, "receiver_id": "USR002", '
        '"message": "Receiver USR002\'s latest message deleted successfully."}'
    )
    # The latest USR002 message equals an earlier one; like bfcl-eval, the earlier copy is the one removed.
    assert workspace.inbox == [
        {"USR003": "Please review the FILE."},
        {"USR002": "Meeting at 3 PM"},
        {"USR003": "Lunch?", "USR009": "ignored second key"},
    ]
    assert workspace.message_count == 4  # bfcl-eval does not decrement it
    assert run(workspace, "delete_message('USR009')") == '{"error": "Receiver ID USR009 not found."}'


def test_view_messages_groups_every_entry_by_receiver(workspace):
    assert run(workspace, "view_messages_sent()") == (
        '{"messages": {"USR002": ["Meeting at 3 PM", "Meeting at 3 PM"], '
        '"USR003": ["Please review the FILE.", "Lunch?"]}}'
    )


def test_search_ignores_case(workspace):
    Transcript(workspace).expect(r"""
        search_messages(keyword='file') -> {"results": [{"receiver_id": "USR003", "message": "Please review the FILE."}]}
        search_messages('nothing like this') -> {"results": []}
        """)  # noqa: E501


def test_search_over_non_text_messages_fails_like_bfcl():
    domain = Messaging({"current_user": "USR001", "inbox": [{"USR002": ["Meeting at 3 PM"]}]})
    assert run(domain, "search_messages('meeting')") == (
        "Error during execution: 'list' object has no attribute 'lower'"
    )


def test_message_stats(workspace):
    assert run(workspace, "get_message_stats()") == '{"stats": {"received_count": 4, "total_contacts": 2}}'


@pytest.mark.parametrize(
    "call",
    ["delete_message('USR002')", "view_messages_sent()", "search_messages('x')", "get_message_stats()"],
)
def test_an_empty_inbox_entry_is_named(call):
    domain = Messaging({"current_user": "USR001", "inbox": [{}]})
    assert run(domain, call) == (
        "Error during execution: an inbox entry is empty; each entry must map a receiver id to a message"
    )


# -- parity with bfcl-eval's MessageAPI over random call sequences ----------------------------

PARITY_CONFIGS = (
    {},
    {"random_seed": 7, "current_user": "USR001"},
    {
        "current_user": "USR001",
        "user_count": 3,
        "user_map": {"A": "USR001", "B": "USR002", "C": "USR004"},
        "inbox": [
            {"USR002": "hi"},
            {"USR003": ["a list"]},
            {"USR002": "hi"},
            {"USR002": {"x": 1}},
            {"USR004": "b", "USR009": "c"},
        ],
    },
    {
        "current_user": "USR001",
        "user_count": 1,
        "message_count": 9,
        "user_map": {"A": "USR001", "B": "USR002", "C": "USR003"},
        "inbox": [{"USR002": "hi"}, {"USR003": "hey HI"}, {"USR002": "hi"}, {"USR003": "Hi"}],
    },
)
NAMES = ("Alice", "Bob", "Zed", "A", "B", "Eve", "")
IDS = ("USR001", "USR002", "USR003", "USR004", "USR005", "USR009", "x")
WORDS = ("hi", "HI", "file", "", "zzz", "connect")


def random_call(rng: random.Random) -> tuple[str, tuple[Any, ...]]:
    tool = rng.choice(sorted(Messaging.tool_table()))
    choices: dict[str, tuple[tuple[str, ...], ...]] = {
        "get_user_id": (NAMES,),
        "add_contact": (NAMES,),
        "message_login": (IDS,),
        "send_message": (IDS, WORDS),
        "delete_message": (IDS,),
        "search_messages": (WORDS,),
    }
    return tool, tuple(rng.choice(options) for options in choices.get(tool, ()))


def outcome(instance: Any, tool: str, arguments: tuple[Any, ...]) -> str:
    try:
        return serialize_result(getattr(instance, tool)(*arguments))
    except Exception as exc:
        return f"Error during execution: {exc}"


def test_random_call_sequences_match_bfcl():
    require_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.func_source_code.message_api import MessageAPI

    rng = random.Random(0)
    mismatches = []
    for trial in range(80):
        config = rng.choice(PARITY_CONFIGS)
        theirs = MessageAPI()
        theirs._load_scenario(copy.deepcopy(config))
        ours = Messaging(config)
        for step in range(25):
            tool, arguments = random_call(rng)
            mine, reference = outcome(ours, tool, arguments), outcome(theirs, tool, arguments)
            if mine != reference or ours.state_dict() != public_state(theirs):
                mismatches.append(f"trial {trial} step {step} {tool}{arguments}: {mine!r} vs {reference!r}")
                break
    assert not mismatches, "\n".join(mismatches[:10])
