"""The trading synthesis kit: scenarios are valid and varied BFCL configs, every tool can be spoken
about, the value makers respect the stock roles, and small runs verify, meet the claimed figures, keep
prices with their own stock and never state a value that came from an earlier result."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime
from typing import Any

import pytest

from funreason_envs.checker import execute_ground_truth
from funreason_envs.domains.trading import Trading
from funreason_envs.executor import ToolRouter
from funreason_envs.synthesis.kits import kit_for
from funreason_envs.synthesis.kits.trading import COMPANY_OF, THRESHOLDS, roles
from funreason_envs.synthesis.pipeline import Settings
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.report import build_report
from funreason_envs.synthesis.run import synthesize
from funreason_envs.synthesis.verify import verify_sample
from tests.oracle import bfcl_execute

KIT = kit_for("trading")
SPEC = Trading.spec()
# Tools without an intent: never a goal of their own, only a step toward one (a user wants what a
# ticker lets them do, not the ticker).
MEANS_ONLY = {"get_symbol_by_name"}
PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")
# What a 20-sample run must reach; 1,000 samples give 1.74 calls per acting turn and 23% of acting
# turns with a data flow. Most trading tools take nothing a result produces (order history, watchlist,
# account details, the clock, deposits, alerts and filters over lists), which bounds the second figure.
RUN_SIZE = 20
MIN_CALLS_PER_ACTING_TURN = 1.6
MIN_ACTING_TURNS_WITH_FLOW = 0.18


def scenarios(count: int = 40) -> list[dict[str, Any]]:
    return [KIT.scenario(random.Random(seed)) for seed in range(count)]


# -- scenarios -----------------------------------------------------------------------------------------


def test_scenarios_are_valid_configs():
    for config in scenarios():
        assert json.loads(json.dumps(config)) == config
        bot = Trading(config)
        listed = set(config["stocks"])
        ids = [order["id"] for order in bot.orders.values()]
        assert list(bot.orders) == ids and all(str(i) in config["orders"] for i in ids)
        assert config["order_counter"] > max(ids, default=0), "a new order would overwrite an old one"
        assert {order["symbol"] for order in bot.orders.values()} <= listed
        assert set(config["watch_list"]) <= listed
        assert config["account_info"]["balance"] > 0
        for record in config["transaction_history"]:
            datetime.strptime(record["timestamp"], "%Y-%m-%d %H:%M:%S")
        logged_in = Trading({**config, "authenticated": True})
        assert "transaction_history" in logged_in.get_transaction_history()  # every stamp parses


def test_scenarios_load_the_same_in_bfcl_eval():
    for index, config in enumerate(scenarios(8)):
        entry = {"id": f"kit_trading_{index}", "initial_config": {"TradingBot": config}}
        entry["involved_classes"] = ["TradingBot"]
        calls = ["get_account_info()", "get_watchlist()", "get_order_history()"]
        ((results, state),) = bfcl_execute(entry, [calls], long_context=False)
        bot = Trading(config)
        assert [result.content for result in ToolRouter([bot]).run(f"[{', '.join(calls)}]")] == results
        assert state["TradingBot"] == bot.state_dict()


def test_scenarios_vary():
    drawn = scenarios()
    assert len({tuple(sorted(config["stocks"])) for config in drawn}) > 30
    assert len({config["account_info"]["balance"] for config in drawn}) == len(drawn)
    assert {config["authenticated"] for config in drawn} == {True, False}
    assert {config["market_status"] for config in drawn} == {"Open", "Closed"}
    assert len({len(config["orders"]) for config in drawn}) >= 4
    assert len({len(config["watch_list"]) for config in drawn}) >= 3
    assert len({roles(c["account_info"]["account_id"], c["stocks"])[0] for c in drawn}) >= 6


def test_stock_roles_keep_looked_up_tickers_apart_from_typed_ones():
    for config in scenarios():
        focus, named = roles(config["account_info"]["account_id"], config["stocks"])
        assert focus in config["stocks"] and focus in COMPANY_OF
        assert named and focus not in named and set(named) <= set(config["stocks"]) & set(COMPANY_OF)
        assert set(config["watch_list"]) <= set(named)


# -- values --------------------------------------------------------------------------------------------


def test_value_keys_name_real_resources_and_parameters():
    tools = SPEC.by_name
    for key in KIT.values:
        if "." in key:
            tool, param = key.split(".")
            assert param in tools[tool].parameter_names, key
        else:
            assert key in SPEC.user_supplied, f"{key} is not a user-supplied resource"


def test_value_makers_follow_the_roles_and_the_account():
    for seed, config in enumerate(scenarios(20)):
        rng = random.Random(seed)
        domains = {"trading": Trading(config)}
        focus, named = roles(config["account_info"]["account_id"], config["stocks"])
        balance = config["account_info"]["balance"]
        assert KIT.values["get_stock_info.symbol"](rng, domains) == focus
        assert KIT.values["place_order.symbol"](rng, domains) == focus
        assert KIT.values["stock_symbol"](rng, domains) in named
        name = KIT.values["company_name"](rng, domains)
        assert Trading(config).get_symbol_by_name(name)["symbol"] in named
        for key in ("filter_stocks_by_price.stocks", "notify_price_change.stocks"):
            stocks = KIT.values[key](rng, domains)
            assert len(stocks) >= 2 and set(stocks) <= set(config["stocks"]) - set(named)
        price = config["stocks"][focus]["price"]
        assert abs(KIT.values["stock_price"](rng, domains) / price - 1) <= 0.03
        assert KIT.values["filter_stocks_by_price.min_price"](rng, domains) <= price
        assert KIT.values["filter_stocks_by_price.max_price"](rng, domains) >= price
        shares = KIT.values["place_order.amount"](rng, domains)
        assert shares * price * 1.03 <= balance or shares == 2
        assert KIT.values["cash_amount"](rng, domains) <= balance
        login = [
            KIT.values[f"trading_login.{key}"](random.Random(), domains) for key in ("username", "password")
        ]
        assert login == [KIT.values[f"trading_login.{key}"](rng, domains) for key in ("username", "password")]


# -- phrasebook ----------------------------------------------------------------------------------------


def test_every_tool_has_an_intent_or_is_deliberately_means_only():
    for tool in SPEC.tools:
        phrases = KIT.phrases.tool(tool.name)
        assert bool(phrases.intent) != (tool.name in MEANS_ONLY), tool.name
    for name in MEANS_ONLY:
        produced = {p.resource for p in SPEC.by_name[name].produces}
        assert set(KIT.phrases.tool(name).refer) & produced, f"{name} is a means that nothing can refer to"


def test_templates_use_real_parameters_and_results():
    for tool in SPEC.tools:
        phrases = KIT.phrases.tool(tool.name)
        templates = [*phrases.intent, *phrases.context, *phrases.refer.values(), phrases.done]
        for template in templates:
            for key in PLACEHOLDER.findall(template):
                if key.startswith("result."):
                    assert key.split(".")[1] in tool.returns.get("properties", {}), (tool.name, key)
                else:
                    assert key in tool.parameter_names, (tool.name, key)
        produced = {p.resource for p in tool.produces}
        assert set(phrases.refer) <= produced, tool.name
        optional = set(tool.parameter_names) - tool.required
        if optional and phrases.intent:
            bare = [t for t in phrases.intent if not set(PLACEHOLDER.findall(t)) & optional]
            assert bare, f"{tool.name}: no intent without its optional parameters"
    for key in KIT.phrases.display:
        tool, param = key.split(".")
        assert param in SPEC.by_name[tool].parameter_names, key
    thresholds = KIT.phrases.display["notify_price_change.threshold"]
    assert {str(value) for value in THRESHOLDS} == set(thresholds)


# -- small runs ----------------------------------------------------------------------------------------


def run(domains: tuple[str, ...], count: int, seed: int, folder: str) -> tuple[list[Sample], dict[str, Any]]:
    settings = Settings(seed=seed, domains=domains)
    made = synthesize(count, settings, folder, progress=False)
    report = build_report(made.samples, made.rejections, count)
    return [Sample.model_validate(row) for row in made.samples], report


@pytest.fixture(scope="module")
def trading_run(tmp_path_factory) -> tuple[list[Sample], dict[str, Any]]:
    return run(("trading",), RUN_SIZE, 0, str(tmp_path_factory.mktemp("trading")))


def spoken_forms(value: Any) -> set[str]:
    forms = {str(value)}
    if isinstance(value, float):
        forms.add(f"{value:.2f}")
    return forms


def test_a_small_run_verifies_and_meets_the_claimed_figures(trading_run):
    samples, report = trading_run
    assert len(samples) == RUN_SIZE and set(report["rejected"]) <= {"audit_failed"}  # audit only
    assert all(verify_sample(sample) == [] for sample in samples)
    assert report["acceptance"]["verification"] == 1.0
    assert report["calls_per_acting_turn"]["mean"] >= MIN_CALLS_PER_ACTING_TURN
    assert report["acting_turns_with_data_flow"] >= MIN_ACTING_TURNS_WITH_FLOW
    assert report["turns_per_trajectory"]["mean"] >= 3


def test_no_query_states_a_value_that_came_from_an_earlier_result(trading_run):
    samples, _ = trading_run
    flows = 0
    for sample in samples:
        for turn in sample.turns:
            for flow in turn.flows:
                flows += 1
                assert not any(form in turn.query for form in spoken_forms(flow.value)), (turn.query, flow)
    assert flows >= 12


def test_orders_are_priced_from_their_own_stock(trading_run):
    """A limit price is the ordered stock's quote, or within a few percent of it."""
    samples, _ = trading_run
    orders = 0
    for sample in samples:
        stocks = sample.task.initial_config["trading"]["stocks"]
        for call in (call for turn in sample.task.ground_truth for call in turn):
            if call.name == "place_order":
                orders += 1
                quoted = stocks[call.arguments["symbol"]]["price"]
                assert abs(call.arguments["price"] / quoted - 1) <= 0.03, call
    assert orders >= 3


def test_ground_truth_runs_the_same_in_bfcl_eval(trading_run):
    samples, _ = trading_run
    for sample in samples[:4]:
        task = sample.task
        entry = {
            "id": task.id,
            "initial_config": {"TradingBot": task.initial_config["trading"]},
            "involved_classes": ["TradingBot"],
        }
        turns = [[call.to_call().to_python() for call in turn] for turn in task.ground_truth]
        theirs = bfcl_execute(entry, turns, long_context=False)
        ours = execute_ground_truth(task)
        for (results, state), outcome in zip(theirs, ours, strict=True):
            assert results == outcome.results
            assert state["TradingBot"] == outcome.state["trading"]


def test_mixed_with_the_file_system_kit(tmp_path):
    samples, report = run(("trading", "file_system"), 4, 2, str(tmp_path))
    assert report["acceptance"]["verification"] == 1.0
    assert any(len(sample.domains) == 2 for sample in samples)
    assert all(verify_sample(sample) == [] for sample in samples)
