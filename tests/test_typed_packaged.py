"""The three packaged typed domains (workspace, retail, banking): spec files equal to their classes, at
least twelve tools each, policies that refuse calls for a reason and leave the state alone, data flows
into the BFCL domains, and task sets of 50 multi-turn tasks (with missing-parameter and held-out-tool
turns) that replay at 100% and that a random agent nearly never passes. The shared contract, graph,
session, kit, fuzz and hostile-input suites cover them through the registry like every domain."""

from __future__ import annotations

import json
import random
from importlib import resources

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funreason_envs.calls import ToolCall
from funreason_envs.cli import main
from funreason_envs.domains import domain_class
from funreason_envs.executor import ToolRouter
from funreason_envs.graph import ApiGraph
from funreason_envs.schema import sample_value
from funreason_envs.specs import load_domain_spec
from funreason_envs.synthesis.kits import kit_for
from funreason_envs.tasks import Task, load_tasks

TYPED = {
    "banking": "funreason_envs.domains.banking:Banking",
    "retail": "funreason_envs.domains.retail:Retail",
    "workspace": "funreason_envs.domains.workspace:Workspace",
}
TASK_SETS = ",".join(f"funreason:{name}" for name in TYPED)
SIGN_IN = {"banking": "bank_login", "retail": "shop_login"}  # domains whose tools need a session


def test_the_spec_files_are_the_classes_exported(capsys):
    folder = resources.files("funreason_envs.api_specs")
    assert main(["spec-export", *TYPED.values(), "--out-dir", str(folder), "--check"]) == 0
    for name in TYPED:
        cls = domain_class(name)
        assert load_domain_spec(name) == cls.typed_spec()
        assert len(cls.typed_spec().tools) >= 12


def run(name: str, action: str, config: dict | None = None) -> tuple[list[dict], dict, dict]:
    """Run calls on a fresh instance, signed in where the domain has accounts: (results as JSON, state
    before, state after)."""
    config = dict(config or {})
    if name in SIGN_IN:
        config.setdefault("signed_in", True)
    instance = domain_class(name)(config)
    before = instance.state_dict()
    results = [json.loads(result.content) for result in ToolRouter([instance]).run(action)]
    return results, before, instance.state_dict()


def test_nothing_private_works_before_signing_in():
    results, _, _ = run(
        "banking",
        "[list_bank_accounts(), bank_login('alex.rivera', 'short'), bank_login('alex.rivera', 'long-enough'),"
        " list_bank_accounts()]",
        {"signed_in": False},
    )
    assert results[0] == {"error": "not signed in; sign in to online banking first"}
    assert results[1] == {"error": "the password is too short; it has at least 8 characters"}
    assert results[2] == {"signed_in": True, "customer": "alex.rivera"} and "accounts" in results[3]
    results, _, _ = run(
        "retail",
        "[add_to_cart('KET-01'), list_orders(), shop_login('sam.okafor@example.com', 'blue-Kettle-77')]",
        {"signed_in": False},
    )
    assert "cart" in results[0] and results[2]["signed_in"]  # browsing and the cart need no account
    assert results[1] == {"error": "not signed in; sign in to the shop account first"}


def test_banking_policies():
    results, _, after = run(
        "banking",
        "[send_payment('CHK-1001', 'P1', 2000.0), confirm_transfer('T1'),"
        " send_payment('CHK-1001', 'P1', 600.0)]",
    )
    assert results[0] == {"transfer_id": "T1", "status": "awaiting_confirmation"}
    assert results[1]["status"] == "completed" and after["accounts"]["CHK-1001"]["balance"] == 140.35
    assert results[2] == {"error": "insufficient funds: the balance is 140.35 dollars"}
    config = {"accounts": {"A": {"name": "Main", "balance": 5000.0, "daily_limit": 500.0}}}
    results, _, after = run(
        "banking",
        "[send_payment('A', 'P1', 400.0), confirm_transfer('T1'), send_payment('A', 'P1', 200.0)]",
        config,
    )
    assert results[2] == {"error": "over the daily limit: 100.00 dollars can still be sent today"}
    results, _, after = run("banking", "[freeze_card('C1', 'stolen'), unfreeze_card('C1')]")
    assert results[1]["error"].startswith("card C1 was reported stolen") and after["cards"]["C1"]["frozen"]
    results, _, after = run(
        "banking", "[add_payee('Kenji Mori', '40021877'), add_payee('Kenji Mori', 'x1234567')]"
    )
    assert results == [
        {"error": "account number 40021877 is already saved as payee P1"},
        {"error": "account number 'x1234567' must be 8 to 12 digits"},
    ]
    assert list(after["payees"]) == ["P1"]


def test_banking_refusals_leave_the_state_alone():
    results, before, after = run("banking", "[send_payment('CHK-1001', 'P1', 10.0), remove_payee('P1')]")
    assert results[1]["error"].startswith("payment T1 to this payee awaits confirmation")
    assert after["payees"] == before["payees"]
    results, before, after = run("banking", "transfer_between_accounts('CHK-1001', 'SAV-2001', 99999.0)")
    assert results[0]["error"].startswith("insufficient funds") and after == before


def test_retail_policies():
    results, before, after = run(
        "retail",
        "[add_to_cart('SCF-01'), checkout(payment_method_id='PM2', address='12 Elm Street, Springfield'),"
        " request_return('O1001', 'HPH-01', 'damaged'), request_return('O1001', 'HPH-01', 'damaged')]",
    )
    assert results[1] == {"order_id": "O1", "total": 20.0, "status": "placed"}  # 15 + 5 standard shipping
    assert results[2] == {"return_id": "R2", "refund": 89.0, "refunded_to": "PM1"}
    assert results[3] == {"error": "order O1001 had 1 of HPH-01; 1 already returned"}
    assert after["payment_methods"]["PM2"]["balance"] == 20.0
    late = {
        "orders": {
            "O5": {
                "items": {"SCF-01": 1, "KET-01": 1},
                "prices": {"SCF-01": 15.0, "KET-01": 39.0},
                "total": 54.0,
                "payment_method_id": "PM1",
                "address": "4 Quay Road, Portsmouth",
                "status": "delivered",
                "delivered_on": "2026-12-01",
            },
            "O6": {
                "items": {"KET-01": 1},
                "prices": {"KET-01": 39.0},
                "total": 39.0,
                "payment_method_id": "PM1",
                "address": "4 Quay Road, Portsmouth",
                "status": "delivered",
                "delivered_on": "2026-10-01",
            },
        }
    }
    results, before, after = run(
        "retail",
        "[request_return('O5', 'SCF-01', 'does_not_fit'), request_return('O6', 'KET-01', 'damaged'),"
        " request_exchange('O5', 'KET-01', 'LMP-01'), cancel_shop_order('O5')]",
        late,
    )
    assert [result["error"] for result in results] == [
        "SCF-01 was final sale and cannot be returned",
        "order O6 was delivered over 30 days ago; it can no longer be returned",
        "LMP-01 costs 29.00, not 39.00; return and reorder",
        "order O5 is delivered; only orders not yet shipped can be cancelled",
    ]
    assert after == before
    results, _, _ = run("retail", "[add_to_cart('KET-01', 4), add_to_cart('KET-01', 2)]", {"cart": {}})
    assert results[1] == {"error": "only 5 of KET-01 in stock; the cart would need 6"}


def test_workspace_policies():
    results, _, after = run(
        "workspace",
        "[create_event('Budget review', '2026-12-08', '09:15', '10:00'),"
        " create_event('Budget review', '2026-12-08', '13:00', '14:00'),"
        " invite_to_event('E2', 'lena@northwind.example'),"
        " send_email('omar@northwind.example', 'Files', 'Here.', attachment='reports'),"
        " respond_to_invitation('I1', True), reschedule_event('E3', '2026-12-11', '09:00', '10:00')]",
    )
    assert results[0]["error"] == "it overlaps Team standup (E1, 09:00-09:30) on 2026-12-08"
    assert results[1] == {"event_id": "E2"}
    assert (
        results[2]["error"]
        == "lena@northwind.example is busy from 13:00 to 15:00 on 2026-12-08; pick another time"
    )
    assert results[3]["error"].startswith("'reports' is not a file name with an extension")
    assert results[4] == {"invitation_id": "I1", "status": "accepted", "event_id": "E3"}
    assert results[5]["error"] == "E3 is organized by ruth@partner.example; only they can change it"
    assert after["events"]["E2"]["attendees"] == [] and len(after["messages"]) == 1


@pytest.mark.parametrize(
    ("graphs", "producer", "consumer", "parameter"),
    [
        ("workspace,file_system", "ls", "send_email", "attachment"),
        ("workspace,file_system", "read_email", "echo", "content"),
        ("banking,travel", "get_flight_cost", "send_payment", "amount"),
        ("banking,travel", "get_account_balance", "set_budget_limit", "budget_limit"),
        ("retail,vehicle", "find_nearest_tire_shop", "checkout", "address"),
        ("retail,travel", "get_product", "compute_exchange_rate", "value"),
    ],
)
def test_data_flows_cross_into_the_bfcl_domains(graphs, producer, consumer, parameter):
    reasons = ApiGraph.from_domains(graphs).reasons(producer, consumer)
    assert any(reason.kind == "data" and reason.param == parameter for reason in reasons), reasons


def _turn_kinds(task: Task) -> set[str]:
    """Which special turns a task has: a missing parameter (a turn with a request and no calls, answered
    by a clarification) or a held-out tool (hidden until a later turn)."""
    kinds = {"held_out"} if task.held_out else set()
    for index, calls in enumerate(task.ground_truth[:-1]):
        if not calls and task.turns[index] and index + 1 not in task.held_out:
            kinds.add("missing_parameter")
    return kinds


@pytest.mark.parametrize("name", sorted(TYPED))
def test_task_sets_hold_fifty_multi_turn_tasks_of_every_kind(name):
    tasks = load_tasks(f"funreason:{name}")
    assert len(tasks) == 50 and len({task.id for task in tasks}) == 50
    assert all(name in task.domains and len(task.turns) >= 3 for task in tasks)
    assert {task.category for task in tasks} == {f"funreason:{name}"}
    counts = [_turn_kinds(task) for task in tasks]
    assert sum("missing_parameter" in kinds for kinds in counts) >= 5
    assert sum("held_out" in kinds for kinds in counts) >= 5
    assert any(len(task.domains) == 2 for task in tasks)  # beside the BFCL domain its data flows into


def test_replay_passes_every_task_and_a_random_agent_nearly_none(tmp_path):
    for agent, check in (
        ("replay", lambda accuracy: accuracy == 1.0),
        ("random", lambda accuracy: accuracy <= 0.05),
    ):
        out = tmp_path / agent
        args = [
            "eval",
            "--tasks",
            TASK_SETS,
            "--agent",
            agent,
            "--out",
            str(out),
            "--quiet",
            "--workers",
            "2",
        ]
        assert main(args) == 0
        summary = json.loads((out / "summary.json").read_text())
        assert {name: row["total"] for name, row in summary["categories"].items()} == {
            f"funreason:{name}": 50 for name in TYPED
        }
        assert check(summary["overall_accuracy"]), (agent, summary["overall_accuracy"])


@pytest.mark.parametrize("name", sorted(TYPED))
def test_refused_or_failed_calls_never_change_the_state(name):
    """Fuzz: calls with arguments drawn from each tool's schema (and now and then a wrong value), from
    the kit's scenarios; whatever is refused ("invalid") or fails ("error") leaves the state as it was."""
    cls = domain_class(name)
    tools = list(cls.typed_spec().tools)

    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(seed=st.integers(0, 2**16), picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=12))
    def run_calls(seed: int, picks: list[int]) -> None:
        instance = cls(kit_for(name).scenario(random.Random(seed)))
        router = ToolRouter([instance])
        draw = np.random.default_rng(seed)
        for pick in picks:
            tool = tools[pick % len(tools)]
            arguments = {
                param: sample_value(schema, draw) if pick % 7 else "#garbage#"
                for param, schema in tool.parameters["properties"].items()
                if param in tool.required or draw.random() < 0.5
            }
            before = instance.state_dict()
            result = router.execute(ToolCall(tool.name, arguments))
            if result.status != "ok":
                assert instance.state_dict() == before, (tool.name, arguments, result.content)

    run_calls()
