"""Coherent intents: the audit rules for calls a user would not make (a ticket acted on after it was
closed, following or mentioning oneself, a support request filled with another domain's result, a turn
taking back the previous one), each on a real sample made by `funreason synthesize --seed 0` before
phase 1 avoided them (tests/data/audit/), and phase 1 now choosing goals the audit keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from funreason_envs.errors import SampleRejected
from funreason_envs.session import Session
from funreason_envs.synthesis.audit import AUDIT_RULES, audit_sample, evidence_for
from funreason_envs.synthesis.coherence import Fed, fed_problem, state_problem, undo_pairs
from funreason_envs.synthesis.kits import bfcl_kit_domains, kit_for
from funreason_envs.synthesis.pipeline import SampleBuilder
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.run import roles_factory
from funreason_envs.synthesis.settings import Settings

DATA = Path(__file__).parent / "data" / "audit"
TEXT_RULES = {"clarification_words", "tool_semantics"}  # about the user's words, which phase 2 writes


def load(name: str) -> Sample:
    return Sample.model_validate_json((DATA / f"{name}.json").read_text())


def findings(sample: Sample, rule: str) -> list[str]:
    return AUDIT_RULES[rule](evidence_for(sample))


@pytest.mark.parametrize(
    ("fixture", "rule", "expected"),
    [
        # close -> resolve -> edit: turn 1 resolves the ticket turn 0 closed
        ("senseless_call_closed_ticket", "senseless_call", "resolve_ticket acts on ticket 2, which is"),
        ("senseless_call_reopen", "senseless_call", "moves resolved ticket 56 back to 'In Progress'"),
        ("senseless_call_follow_self", "senseless_call", "follow_user follows the user's own account"),
        ("senseless_call_mention_again", "senseless_call", "names someone post 0 already mentions"),
        # a price alert for four stocks passed on to travel support about a flight
        ("thin_flow", "thin_flow", "message is filled with notify_price_change"),
        ("undo_previous_turn", "undo_previous_turn", "lockDoors undoes the previous turn's lockDoors"),
    ],
)  # fmt: skip
def test_each_coherence_rule_rejects_its_real_offender(fixture, rule, expected):
    sample = load(fixture)
    assert any(expected in problem for problem in findings(sample, rule)), findings(sample, rule)
    assert rule in audit_sample(sample)


def test_a_stated_reason_lets_a_reversal_and_a_cross_domain_text_pass():
    sample = load("undo_previous_turn")
    sample.turns[2].stated_reason = "the user forgot the dog is still in the back"
    assert findings(sample, "undo_previous_turn") == []
    thin = load("thin_flow")
    thin.turns[1].stated_reason = "the traveller trades on the road and wants support to know"
    assert findings(thin, "thin_flow") == []


def test_open_tickets_and_other_accounts_make_sense():
    sample = load("senseless_call_closed_ticket")  # turn 0: log out, log in, create ticket 2, close it
    session = Session.for_task(sample.task)
    (queue,) = [i for i in session.instances if type(i).name == "ticket"]
    kit = kit_for("ticket")
    *create, close = sample.task.turn_calls(0)
    session.execute(create)
    assert state_problem("resolve_ticket", {"ticket_id": 2, "resolution": "x"}, queue, kit, set()) is None
    session.execute([close])
    assert state_problem("resolve_ticket", {"ticket_id": 2, "resolution": "x"}, queue, kit, set()) == (
        "resolve_ticket acts on ticket 2, which is closed"
    )
    follow = load("senseless_call_follow_self")
    (posting,) = [i for i in Session.for_task(follow.task).instances if type(i).name == "posting"]
    other = "someone_else" if posting.username != "someone_else" else "another_one"
    assert (
        state_problem("follow_user", {"username_to_follow": other}, posting, kit_for("posting"), set())
        is None
    )
    mine = {"username_to_follow": posting.username}
    assert state_problem("follow_user", mine, posting, kit_for("posting"), set()) is not None


def test_a_login_is_repeated_only_after_the_conversation_logged_in():
    sample = load("no_effect")  # the message user USR001 is logged in from the start
    (message,) = [i for i in Session.for_task(sample.task).instances if type(i).name == "message"]
    kit = kit_for("message")
    assert message.current_user == "USR001"
    assert (
        state_problem("message_login", {"user_id": "USR001"}, message, kit, set()) is None
    )  # the user did not know
    again = state_problem("message_login", {"user_id": "USR001"}, message, kit, {"message_login"})
    assert again == "message_login logs in again, as the same user"
    assert state_problem("message_login", {"user_id": "USR002"}, message, kit, {"message_login"}) is None


def test_fed_values_that_print_a_result_or_change_unit_are_refused():
    alert = Fed("notify_price_change", {"stocks": ["F"], "threshold": 0.2}, "trading")
    travel = kit_for("travel")
    assert "into a travel request" in fed_problem(
        "contact_customer_support", "travel", {"booking_id": "b", "message": "x"}, {"message": alert}, travel
    )
    own = Fed("book_flight", {}, "travel")
    assert (
        fed_problem("contact_customer_support", "travel", {"message": "x"}, {"message": own}, travel) is None
    )
    rate = Fed(
        "compute_exchange_rate", {"base_currency": "USD", "target_currency": "EUR", "value": 5}, "travel"
    )
    assert "in USD" in fed_problem(
        "set_budget_limit", "travel", {"budget_limit": 4.6}, {"budget_limit": rate}, travel
    )
    shown = Fed("cat", {"file_name": "a.txt"}, "file_system")
    assert "prints an earlier result" in fed_problem(
        "echo", "file_system", {"content": "hi"}, {"content": shown}, kit_for("file_system")
    )


def test_a_conversion_takes_an_amount_in_the_currency_it_is_in():
    """A card balance is in US dollars, a converted amount in its target currency: converting either as
    another currency, or into the currency it is already in, is refused (a reviewer found a balance
    converted as yuan, and pesos converted into pesos)."""
    travel = kit_for("travel")
    balance = Fed("get_credit_card_balance", {"card_id": "card_1"}, "travel")
    convert = "compute_exchange_rate"
    as_yuan = {"base_currency": "RMB", "target_currency": "EUR", "value": 20700}
    assert "in USD for RMB" in fed_problem(convert, "travel", as_yuan, {"value": balance}, travel)
    as_dollars = {"base_currency": "USD", "target_currency": "EUR", "value": 20700}
    assert fed_problem(convert, "travel", as_dollars, {"value": balance}, travel) is None
    pesos = Fed(convert, {"base_currency": "USD", "target_currency": "MXN", "value": 5}, "travel")
    assert "in MXN for USD" in fed_problem(convert, "travel", as_dollars, {"value": pesos}, travel)
    instance = Session.for_domains(["travel"], {}).instances[0]
    assert travel.senseless is not None
    same = {"base_currency": "MXN", "target_currency": "MXN", "value": 5}
    assert "converts MXN into MXN" in travel.senseless(convert, same, instance)
    assert travel.senseless(convert, as_dollars, instance) is None


def test_the_typed_domains_undo_pairs_are_known():
    """The shop, the bank and the calendar have actions that take one another back (a reviewer found a
    cart filled and emptied, a meeting moved and then cancelled, reported as no undo at all)."""
    calls = [
        ("add_to_cart", {"sku": "KET-01"}),
        ("remove_from_cart", {"sku": "KET-01"}),
        ("checkout", {"payment_method_id": "PM1", "address": "4 Quay Road"}),
        ("cancel_shop_order", {"order_id": "O1"}),  # the order checkout made
        ("reschedule_event", {"event_id": "E2", "day": "2026-12-09"}),
        ("cancel_event", {"event_id": "E2"}),
        ("freeze_card", {"card_id": "C1"}),
        ("unfreeze_card", {"card_id": "C2"}),  # another card: no undo
    ]
    assert undo_pairs(calls) == [(0, 1), (2, 3), (4, 5)]


def test_phase_one_chooses_goals_the_audit_keeps():
    """Samples of a seed nobody tuned on: the audit finds nothing phase 1 could have avoided (only the
    user-text rules remain), and at least 85% of them pass outright (about 61% did before)."""
    settings = Settings(seed=23, domains=tuple(bfcl_kit_domains()))
    factory = roles_factory("template", settings)
    kept, rules, walked = 0, set(), 0
    for index in range(40):
        try:
            sample = SampleBuilder(index, settings, factory).build()
        except SampleRejected as rejection:  # phase 1 found no walk: nothing to audit
            assert rejection.reason == "phase1_no_walk", rejection
            continue
        walked += 1
        found = audit_sample(sample)
        kept += not found
        rules |= set(found)
    assert rules <= TEXT_RULES, rules
    assert walked >= 36 and kept >= 0.85 * walked, (walked, kept)
