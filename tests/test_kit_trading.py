"""The trading synthesis kit: scenarios are valid and varied BFCL configs, the value makers respect the
stock roles, means-only tools can be referred to, and the small run keeps prices with their own stock.
What every kit is checked for is in test_kits.py."""

from __future__ import annotations

import random
from datetime import datetime

from funreason_envs.domains.trading import Trading
from funreason_envs.executor import ToolRouter
from funreason_envs.synthesis.kits import kit_for
from funreason_envs.synthesis.kits.trading import COMPANY_OF, THRESHOLDS, roles
from tests.support.kit_cases import KIT_CASES, scenarios
from tests.support.oracle import bfcl_execute

KIT = kit_for("trading")
SPEC = Trading.spec()
MEANS_ONLY = KIT_CASES["trading"].means_only


def test_scenarios_are_valid_configs():
    for config in scenarios("trading", 40):
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
    for index, config in enumerate(scenarios("trading", 8)):
        entry = {"id": f"kit_trading_{index}", "initial_config": {"TradingBot": config}}
        entry["involved_classes"] = ["TradingBot"]
        calls = ["get_account_info()", "get_watchlist()", "get_order_history()"]
        ((results, state),) = bfcl_execute(entry, [calls], long_context=False)
        bot = Trading(config)
        assert [result.content for result in ToolRouter([bot]).run(f"[{', '.join(calls)}]")] == results
        assert state["TradingBot"] == bot.state_dict()


def test_scenarios_vary():
    drawn = scenarios("trading", 40)
    assert len({tuple(sorted(config["stocks"])) for config in drawn}) > 30
    assert len({config["account_info"]["balance"] for config in drawn}) == len(drawn)
    assert {config["authenticated"] for config in drawn} == {True, False}
    assert {config["market_status"] for config in drawn} == {"Open", "Closed"}
    assert len({len(config["orders"]) for config in drawn}) >= 4
    assert len({len(config["watch_list"]) for config in drawn}) >= 3
    assert len({roles(c["account_info"]["account_id"], c["stocks"])[0] for c in drawn}) >= 6


def test_stock_roles_keep_looked_up_tickers_apart_from_typed_ones():
    for config in scenarios("trading", 40):
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
    for seed, config in enumerate(scenarios("trading", 20)):
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


def test_means_only_tools_can_be_referred_to():
    """A tool kept only as a means must produce something a later request can point at."""
    for name in MEANS_ONLY:
        produced = {p.resource for p in SPEC.by_name[name].produces}
        assert set(KIT.phrases.tool(name).refer) & produced, f"{name} is a means that nothing can refer to"


def test_every_alert_threshold_has_display_words():
    thresholds = KIT.phrases.display["notify_price_change.threshold"]
    assert {str(value) for value in THRESHOLDS} == set(thresholds)


# -- the small run (tests/test_kits.py checks its figures) ------------------------------------


def test_the_small_run_rejects_only_by_the_label_audit(kit_run):
    run = kit_run("trading")
    assert set(run.report["rejected"]) <= {"audit_failed"}


def test_orders_are_priced_from_their_own_stock(kit_run):
    """A limit price is the ordered stock's quote, or within a few percent of it."""
    samples = kit_run("trading").samples
    orders = 0
    for sample in samples:
        stocks = sample.task.initial_config["trading"]["stocks"]
        for call in (call for turn in sample.task.ground_truth for call in turn):
            if call.name == "place_order":
                orders += 1
                quoted = stocks[call.arguments["symbol"]]["price"]
                assert abs(call.arguments["price"] / quoted - 1) <= 0.03, call
    assert orders >= 3
