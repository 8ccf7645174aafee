"""The trading domain: every tool's results and failures, config handling, the seeded clock, long context."""

from __future__ import annotations

import json
import pickle
import time

import pytest

from funreason_envs.domains import trading
from funreason_envs.domains.trading import DEFAULT_STATE, Trading
from funreason_envs.jsonutil import serialize_result
from tests.support.oracle import public_state, require_bfcl
from tests.support.session_checks import Transcript
from tests.support.session_checks import result as one
from tests.support.session_checks import results as run


@pytest.fixture
def bot() -> Trading:
    return Trading({"authenticated": True, "market_status": "Open"})


@pytest.fixture
def guest() -> Trading:
    return Trading()


def bfcl_bot(config: dict, long_context: bool = False):
    require_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.func_source_code.trading_bot import TradingBot

    instance = TradingBot()
    instance._load_scenario(json.loads(json.dumps(config)), long_context=long_context)
    return instance


# -- loading -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("long_context", [False, True])
def test_default_state_equals_bfcl(long_context):
    ours = Trading(long_context=long_context).state_dict()
    assert ours == public_state(bfcl_bot({}, long_context))
    assert set(ours) == {
        "orders",
        "account_info",
        "authenticated",
        "market_status",
        "order_counter",
        "stocks",
        "watch_list",
        "transaction_history",
        "long_context",
    }


def test_config_keys_and_numeric_order_ids_as_bfcl_loads_them():
    config = {
        "orders": {"12345": {"symbol": "AAPL", "price": 210.65, "num_shares": 10, "status": "Completed"}},
        "account_info": {"account_id": 98765, "balance": 30000.0, "binding_card": 1987654321098765},
        "authenticated": True,
        "market_status": "Open",
        "order_counter": 500,
        "stocks": {
            "XTC": {"price": 150.75, "percent_change": 0.1, "volume": 1.0, "MA(5)": 1.0, "MA(20)": 1.0}
        },
        "watch_list": ["NVDA", "XTC"],
        "transaction_history": [{"type": "deposit", "amount": 5.0, "timestamp": "2024-10-27 14:10:53"}],
        "random_seed": 99,
    }
    bot = Trading(config)
    assert list(bot.orders) == [12345]
    assert bot.order_counter == 500 and bot.market_status == "Open" and bot.watch_list == ["NVDA", "XTC"]
    assert bot.state_dict() == public_state(bfcl_bot(config))


def test_non_numeric_order_keys_stay_strings_and_show_in_history():
    bot = Trading({"orders": {"7": {"status": "Open"}, "order_type": "Buy"}, "authenticated": True})
    assert list(bot.orders) == [7, "order_type"]
    assert one(bot, "get_order_history()") == '{"history": [7, "order_type"]}'


def test_config_is_copied_not_aliased():
    config = {"watch_list": ["NVDA"], "account_info": {"balance": 10.0}, "authenticated": True}
    bot = Trading(config)
    one(bot, "add_to_watchlist(stock='AAPL')")
    one(bot, "fund_account(amount=5.0)")
    assert config == {"watch_list": ["NVDA"], "account_info": {"balance": 10.0}, "authenticated": True}
    assert DEFAULT_STATE["watch_list"] == ["NVDA"] and DEFAULT_STATE["transaction_history"] == []


# -- seeded transaction stamps -------------------------------------------------------------------------


def test_default_seed_gives_bfcl_stamps(bot):
    one(bot, "fund_account(amount=500)")
    one(bot, "withdraw_funds(amount=200.5)")
    one(bot, "fund_account(1)")
    assert bot.transaction_history == [
        {"type": "deposit", "amount": 500, "timestamp": "2024-09-02 05:40:15"},
        {"type": "withdrawal", "amount": 200.5, "timestamp": "2024-09-01 12:26:34"},
        {"type": "deposit", "amount": 1, "timestamp": "2024-09-02 04:29:48"},
    ]
    assert bot.account_info["balance"] == 10300.5


def test_random_seed_config_and_determinism():
    stamps = []
    for seed in (7, 7, 8):
        bot = Trading({"authenticated": True, "random_seed": seed})
        one(bot, "fund_account(amount=500)")
        stamps.append(bot.transaction_history[0]["timestamp"])
    assert stamps[0] == stamps[1] == "2024-09-01 22:17:25"
    assert stamps[2] != stamps[0]


def test_stamps_do_not_depend_on_the_local_time_zone(monkeypatch):
    seen = []
    for zone in ("UTC", "America/Los_Angeles", "Asia/Tokyo"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        bot = Trading({"authenticated": True})
        one(bot, "fund_account(amount=1.0)")
        seen.append(bot.transaction_history[0]["timestamp"])
    monkeypatch.undo()
    time.tzset()
    assert seen == ["2024-09-02 05:40:15"] * 3


def test_login_logout_and_status(guest):
    Transcript(guest).expect(r"""
        trading_get_login_status() -> {"status": false}
        trading_logout() -> {"status": "No user is currently logged in"}
        trading_login(username='ann', password='pw') -> {"status": "Logged in successfully"}
        trading_login('ann', 'pw') -> {"status": "Already logged in"}
        trading_get_login_status() -> {"status": true}
        trading_logout() -> {"status": "Logged out successfully"}
        """)
    assert guest.authenticated is False


def test_every_login_guard(guest):
    assert run(
        guest,
        "[place_order(order_type='Buy', symbol='AAPL', price=1.0, amount=1), fund_account(amount=1.0),"
        " withdraw_funds(amount=1.0), get_account_info(), remove_stock_from_watchlist(symbol='NVDA'),"
        " get_watchlist(), get_order_history(), get_transaction_history()]",
    ) == [
        '{"error": "User not authenticated. Please log in to place an order."}',
        '{"error": "User not authenticated. Please log in to fund the account."}',
        '{"error": "User not authenticated. Please log in to make a transaction."}',
        '{"error": "User not authenticated. Please log in to view account information."}',
        '{"error": "User not authenticated. Please log in to modify the watchlist."}',
        "['Error: User not authenticated. Please log in to view the watchlist.']",
        "[{'error': 'User not authenticated. Please log in to view order history.'}]",
        "[{'error': 'User not authenticated. Please log in to view transaction history.'}]",
    ]


# -- market data ---------------------------------------------------------------------------------------


def test_clock_and_symbol_lookup(guest):
    Transcript(guest).expect(r"""
        get_current_time() -> {"current_time": "10:30 AM"}
        get_symbol_by_name(name='Quasar Ltd.') -> {"symbol": "QUAS"}
        get_symbol_by_name(name='Gorilla') -> {"symbol": "GORI"}
        get_symbol_by_name(name='apple') -> {"symbol": "Stock not found"}
        """)


def test_stock_info_and_unknown_symbol(guest):
    Transcript(guest).expect(r"""
        get_stock_info('ZETA') -> {"price": 22.09, "percent_change": -0.05, "volume": 0.789, "MA(5)": 22.12, "MA(20)": 22.34}
        get_stock_info(symbol='XYZ') -> {"error": "Stock with symbol 'XYZ' not found."}
        """)  # noqa: E501


def test_sectors_filter_and_price_alerts(guest):
    Transcript(guest).expect(r"""
        get_available_stocks(sector='Automobile') -> {"stock_list": ["TSLA", "F", "GM"]}
        get_available_stocks(sector='Energy') -> {"stock_list": []}
        filter_stocks_by_price(stocks=['AAPL', 'GOOG', 'NEPT', 'F'], min_price=88.34, max_price=300) -> {"filtered_stocks": ["AAPL", "NEPT"]}
        filter_stocks_by_price(stocks=['F', 'ZETA'], min_price=0, max_price=30) -> {"filtered_stocks": ["F", "ZETA"]}
        notify_price_change(stocks=['NVDA', 'TSLA', 'QUAS', 'NOPE'], threshold=0.12) -> {"notification": "Stocks NVDA, TSLA have significant price changes."}
        notify_price_change(stocks=['QUAS'], threshold=1) -> {"notification": "No significant price changes in the selected stocks."}
        """)  # noqa: E501


# -- orders --------------------------------------------------------------------------------------------


def test_place_order_reports_pending_but_stores_open(bot):
    assert one(bot, "place_order('Buy', 'AAPL', 150, 3)") == (
        '{"order_id": 12446, "order_type": "Buy", "status": "Pending", "price": 150.0, "amount": 3}'
    )
    assert bot.orders[12446] == {
        "id": 12446,
        "order_type": "Buy",
        "symbol": "AAPL",
        "price": 150.0,
        "amount": 3,
        "status": "Open",
    }
    assert bot.order_counter == 12447
    assert bot.account_info["balance"] == 10000.0  # buying does not debit the balance
    assert one(bot, "get_order_details(order_id=12446)") == (
        '{"id": 12446, "order_type": "Buy", "symbol": "AAPL", "price": 150.0, "amount": 3, "status": "Open"}'
    )


def test_place_order_failures(bot):
    assert run(
        bot,
        "[place_order(order_type='Buy', symbol='XYZ', price=1.0, amount=1),"
        " place_order(order_type='Buy', symbol='AAPL', price=0.0, amount=1),"
        " place_order(order_type='Sell', symbol='AAPL', price=5.0, amount=-2),"
        " place_order(order_type='buy', symbol='GOOG', price=2840.34, amount=4)]",
    ) == [
        '{"error": "Invalid stock symbol: XYZ"}',
        '{"error": "Price and amount must be positive values."}',
        '{"error": "Price and amount must be positive values."}',
        '{"error": "Insufficient funds: required $11361.36 but only $10000.00 available."}',
    ]
    assert one(bot, "place_order(order_type='Sell', symbol='GOOG', price=2840.34, amount=400)").startswith(
        '{"order_id": 12446'
    )


def test_order_details_and_cancel_failures(bot):
    Transcript(bot).expect(r"""
        get_order_details(order_id=99) -> {"error": "Order with ID 99 not found.Here is the list of orders_id: [12345, 12446]"}
        cancel_order(order_id=99) -> {"error": "Order with ID 99 not found."}
        cancel_order(order_id=12345) -> {"error": "Can't cancel order 12345. Order is already completed."}
        cancel_order(12446) -> {"order_id": 12446, "status": "Cancelled"}
        """)  # noqa: E501
    assert bot.orders[12446]["status"] == "Cancelled"


def test_order_history_lists_ids(bot):
    one(bot, "place_order(order_type='Sell', symbol='TSLA', price=600.0, amount=1)")
    assert one(bot, "get_order_history()") == '{"history": [12345, 12446]}'  # 12446 was overwritten


# -- account -------------------------------------------------------------------------------------------


def test_account_info_and_funding_failures(bot):
    Transcript(bot).expect(r"""
        get_account_info() -> {"account_id": 12345, "balance": 10000.0, "binding_card": 1974202140965533}
        fund_account(amount=0) -> {"error": "Funding amount must be positive."}
        fund_account(amount=25.5) -> {"status": "Account funded successfully", "new_balance": 10025.5}
        withdraw_funds(amount=-1) -> {"error": "Transaction amount must be positive."}
        withdraw_funds(amount=20000) -> {"error": "Insufficient funds for withdrawal."}
        withdraw_funds(amount=25.5) -> {"status": "Withdrawal successful", "new_balance": 10000.0}
        """)


def test_withdrawal_needs_an_open_market():
    bot = Trading({"authenticated": True})
    assert (
        one(bot, "withdraw_funds(amount=1.0)")
        == '{"error": "Market is closed. Transactions are not allowed."}'
    )
    assert bot.transaction_history == []


def test_transaction_history_filters_by_date_and_rejects_bad_dates():
    bot = Trading({"authenticated": True, "market_status": "Open", "random_seed": 7})
    one(bot, "fund_account(amount=500)")
    record = '{"type": "deposit", "amount": 500, "timestamp": "2024-09-01 22:17:25"}'
    assert one(bot, "get_transaction_history()") == f'{{"transaction_history": [{record}]}}'
    assert one(bot, "get_transaction_history('2024-09-01', '2024-09-02')") == (
        f'{{"transaction_history": [{record}]}}'
    )
    Transcript(bot).expect(r"""
        get_transaction_history(end_date='2024-09-01') -> {"transaction_history": []}
        get_transaction_history(start_date='2024/01/01') -> Error during execution: time data '2024/01/01' does not match format '%Y-%m-%d'
        get_transaction_history(end_date='2024-01-01x') -> Error during execution: unconverted data remains: x
        """)  # noqa: E501


# -- watchlist -----------------------------------------------------------------------------------------


def test_watchlist_add_get_remove(bot):
    Transcript(bot).expect(r"""
        add_to_watchlist(stock='AAPL') -> {"watchlist": ["NVDA", "AAPL"]}
        add_to_watchlist(stock='AAPL') -> {"watchlist": ["NVDA", "AAPL"]}
        add_to_watchlist(stock='XYZ') -> {"watchlist": ["NVDA", "AAPL"]}
        get_watchlist() -> {"watchlist": ["NVDA", "AAPL"]}
        remove_stock_from_watchlist(symbol='NVDA') -> {"status": "Stock NVDA removed from watchlist successfully."}
        remove_stock_from_watchlist(symbol='NVDA') -> {"error": "Stock NVDA not found in watchlist."}
        """)  # noqa: E501
    assert bot.watch_list == ["AAPL"]


def test_add_to_watchlist_needs_no_login(guest):
    assert one(guest, "add_to_watchlist(stock='TSLA')") == '{"watchlist": ["NVDA", "TSLA"]}'


# -- long context --------------------------------------------------------------------------------------


@pytest.fixture
def long_bot() -> Trading:
    return Trading({"authenticated": True}, long_context=True)


def test_long_context_quotes_carry_long_moving_averages(long_bot):
    quote = json.loads(one(long_bot, "get_stock_info(symbol='AAPL')"))
    assert quote["price"] == 227.16
    assert len(quote["MA(5)"]) == len(quote["MA(20)"]) == 2000
    assert quote["MA(5)"] != quote["MA(20)"]
    assert long_bot.stocks["AAPL"]["MA(5)"] == 227.11  # the state is untouched


def test_long_context_order_details_add_symbol_metadata(long_bot):
    order = json.loads(one(long_bot, "get_order_details(order_id=12446)"))
    assert order["status"] == "Pending" and "metadata" not in long_bot.orders[12446]
    sections = order["metadata"]
    assert list(sections) == [key for key, _, _ in trading.LONG_ORDER_SECTIONS]
    for key, mentions, _ in trading.LONG_ORDER_SECTIONS:
        assert sections[key].count(" GOOG ") == mentions
    assert 6000 < sum(len(text) for text in sections.values()) < 8000


def test_long_context_watchlist_is_a_bare_list(long_bot):
    text = one(long_bot, "get_watchlist()")
    assert text.startswith("['NVDA', ")
    symbols = long_bot.get_watchlist()
    assert len(symbols) == 1 + 1001 and symbols[0] == "NVDA"
    assert not set(symbols[1:]) & trading.KNOWN_SYMBOLS
    assert long_bot.watch_list == ["NVDA"]


def test_long_context_lists_grow_by_bfcl_counts_and_stay_stable(long_bot):
    history = json.loads(one(long_bot, "get_transaction_history()"))["transaction_history"]
    assert len(history) == 1000 and {record["type"] for record in history} == {"deposit", "withdrawal"}
    assert all(len(record["timestamp"]) == 26 for record in history)
    for _ in range(2):
        tech = json.loads(one(long_bot, "get_available_stocks(sector='Technology')"))["stock_list"]
        assert len(tech) == 1004 and tech[:8] == ["AAPL", "GOOG", "MSFT", "NVDA"] * 2
    cars = json.loads(one(long_bot, "get_available_stocks(sector='Automobile')"))["stock_list"]
    assert len(cars) == 1003
    assert one(long_bot, "get_available_stocks(sector='Energy')") == '{"stock_list": []}'
    assert trading.SECTOR_SYMBOLS["Technology"] == ("AAPL", "GOOG", "MSFT", "NVDA")


def test_long_context_filler_is_deterministic():
    first = Trading({"authenticated": True}, long_context=True)
    second = pickle.loads(pickle.dumps(Trading({"authenticated": True}, long_context=True)))
    for call in ("get_watchlist()", "get_stock_info('NVDA')", "get_order_details(12345)"):
        assert one(first, call) == one(second, call)


def test_long_context_quotes_render_exactly_as_json_dumps():
    stocks = {"AAA": {"price": 1.5, "MA(5)": 1, "note": "é", "MA(20)": 2}}
    bot = Trading({"stocks": stocks}, long_context=True)
    for symbol in ["AAA", "NVDA", "none"]:
        bot_default = Trading(long_context=True)
        for value in (bot.get_stock_info(symbol), bot_default.get_stock_info(symbol)):
            assert serialize_result(value) == json.dumps(dict(value))
            assert pickle.loads(pickle.dumps(value)) == value
    odd = Trading({"stocks": {"K": {1: 2}}}, long_context=True).get_stock_info("K")  # non-string key
    assert type(odd) is dict and serialize_result(odd) == json.dumps(odd)
