"""Synthesis kit for the trading domain: varied brokerage accounts, and what their owner would say.

Each scenario lists a different set of stocks at different prices and gives the account its own
balance, orders, watchlist and past transactions; about half start logged in and most with the
market open (withdrawals need it, and no tool opens it).

The stocks of an account play fixed roles, so that no query ever states a ticker that a call of the
same turn had to look up: the owner quotes and trades one "focus" stock and names it by ticker (it
is never looked up, so a quote's price always belongs to the stock being ordered); two or three
"named" stocks are the ones the owner calls by company name, watches and looks up; tickers in
price alerts and filters come from the rest.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Mapping
from typing import Any, cast

from funreason_envs.domains.base import Domain
from funreason_envs.domains.trading import COMPANY_SYMBOLS, DEFAULT_STATE, SECTOR_SYMBOLS, Trading
from funreason_envs.synthesis.kits import DomainKit, load_phrasebook, people

# Stocks a scenario may list beyond bfcl-eval's defaults: (price, percent change, volume).
EXTRA_QUOTES = {"AMZN": (178.22, 0.41, 3.871), "F": (11.43, -0.27, 5.102), "GM": (46.85, 0.15, 1.913)}
UNIVERSE = (*DEFAULT_STATE["stocks"], *EXTRA_QUOTES)
# Names a user can say for a ticker; a name ending in '.' would end a sentence twice, so it is left out.
COMPANY_OF = {symbol: name for name, symbol in COMPANY_SYMBOLS.items() if not name.endswith(".")}
NAMED_STOCKS = 3
ORDER_STATUSES = ("Open", "Pending", "Completed", "Cancelled")
SHARE_COUNTS = (2, 3, 5, 8, 10, 12, 15, 20, 25, 40, 50, 75, 100, 150)
DEPOSITS = (100, 250, 300, 500, 750, 1000, 1500, 2000, 2500, 5000)
WITHDRAWALS = (50, 100, 150, 200, 250, 400, 500, 750, 1000, 2000)
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.5)
START_DATES = ("2024-08-01", "2024-08-10", "2024-08-20", "2024-08-25", "2024-09-01")
END_DATES = ("2024-09-02", "2024-09-03", "2024-09-05", "2024-09-15", "2024-09-30")


def roles(account_id: int, listed: Collection[str]) -> tuple[str, list[str]]:
    """The focus stock and the named stocks of an account, fixed by its id and its listing."""
    named = sorted(symbol for symbol in listed if symbol in COMPANY_OF) or sorted(listed)
    shift = account_id % len(named)
    named = named[shift:] + named[:shift]
    return named[0], named[1 : 1 + NAMED_STOCKS]


# -- the initial state -------------------------------------------------------------------------------


def _quote(rng: random.Random, symbol: str) -> dict[str, float]:
    """The default quote of `symbol` moved by up to 15%, with matching moving averages."""
    base = DEFAULT_STATE["stocks"].get(symbol)
    if base is not None:
        price, change, volume = base["price"], base["percent_change"], base["volume"]
    else:
        price, change, volume = EXTRA_QUOTES[symbol]
    price = round(price * rng.uniform(0.85, 1.15), 2)
    return {
        "price": price,
        "percent_change": round(change + rng.uniform(-0.3, 0.3), 2),
        "volume": round(volume * rng.uniform(0.6, 1.4), 3),
        "MA(5)": round(price * rng.uniform(0.98, 1.02), 2),
        "MA(20)": round(price * rng.uniform(0.96, 1.04), 2),
    }


def _orders(rng: random.Random, stocks: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """0-4 past orders keyed by their id (as a JSON string, like BFCL's files), and the next free id."""
    orders: dict[str, Any] = {}
    order_id = rng.randint(10_000, 60_000)
    for _ in range(rng.randint(0, 4)):
        symbol = rng.choice(sorted(stocks))
        orders[str(order_id)] = {
            "id": order_id,
            "order_type": rng.choice(("Buy", "Sell")),
            "symbol": symbol,
            "price": round(stocks[symbol]["price"] * rng.uniform(0.9, 1.05), 2),
            "amount": rng.choice(SHARE_COUNTS),
            "status": rng.choice(ORDER_STATUSES),
        }
        order_id += rng.randint(1, 400)
    return orders, order_id + rng.randint(0, 30)


def _transactions(rng: random.Random) -> list[dict[str, Any]]:
    """0-3 deposits and withdrawals from August 2024, oldest first."""
    days = sorted(rng.sample(range(1, 31), rng.randint(0, 3)))
    return [
        {
            "type": rng.choice(("deposit", "withdrawal")),
            "amount": float(rng.choice(DEPOSITS)),
            "timestamp": f"2024-08-{day:02d} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:00",
        }
        for day in days
    ]


def scenario(rng: random.Random) -> dict[str, Any]:
    """A brokerage account in BFCL's TradingBot initial-config shape."""
    listed = rng.sample(UNIVERSE, rng.randint(6, len(UNIVERSE)))
    stocks = {symbol: _quote(rng, symbol) for symbol in listed}
    account_id = rng.randint(10_000, 99_999)
    _, named = roles(account_id, listed)
    orders, counter = _orders(rng, stocks)
    return {
        "orders": orders,
        "account_info": {
            "account_id": account_id,
            "balance": round(rng.uniform(3_000, 60_000), 2),
            "binding_card": rng.randint(4_000_000_000_000_000, 4_999_999_999_999_999),
        },
        "authenticated": rng.random() < 0.5,
        "market_status": "Open" if rng.random() < 0.75 else "Closed",
        "order_counter": counter,
        "stocks": stocks,
        "watch_list": rng.sample(named, min(len(named), rng.choice((0, 1, 1, 1, 2, 2, 3)))),
        "transaction_history": _transactions(rng),
        "random_seed": rng.randint(1, 999_999),
    }


# -- values the owner states -------------------------------------------------------------------------


def _bot(domains: Mapping[str, Domain]) -> Trading:
    return cast(Trading, domains["trading"])


def _roles(domains: Mapping[str, Domain]) -> tuple[str, list[str]]:
    bot = _bot(domains)
    return roles(int(bot.account_info.get("account_id", 0)), bot.stocks)


def focus_symbol(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """The ticker the owner quotes and trades."""
    return _roles(domains)[0]


def company_name(rng: random.Random, domains: Mapping[str, Domain]) -> str | None:
    """The company name of one of the named stocks (so its ticker is looked up, never typed)."""
    _, named = _roles(domains)
    return COMPANY_OF[rng.choice(named)] if named else None


def named_symbol(rng: random.Random, domains: Mapping[str, Domain]) -> str | None:
    """A named stock to start watching: one not on the watchlist yet, if there is one."""
    _, named = _roles(domains)
    fresh = [symbol for symbol in named if symbol not in _bot(domains).watch_list]
    return rng.choice(fresh or named) if named else None


def _focus_price(domains: Mapping[str, Domain]) -> float:
    return float(_bot(domains).stocks[_roles(domains)[0]]["price"])


def limit_price(rng: random.Random, domains: Mapping[str, Domain]) -> float:
    """A limit price within 3% of the focus stock's current price."""
    return round(_focus_price(domains) * rng.uniform(0.97, 1.03), 2)


def share_count(rng: random.Random, domains: Mapping[str, Domain]) -> int:
    """A number of shares the balance could pay for at about the focus stock's price."""
    price = _focus_price(domains) * 1.03
    balance = _bot(domains).account_info.get("balance", 0)
    affordable = [count for count in SHARE_COUNTS if count * price <= balance]
    return rng.choice(affordable or [SHARE_COUNTS[0]])


def withdrawal(rng: random.Random, domains: Mapping[str, Domain]) -> int | None:
    """A round sum the balance covers; None when the account is nearly empty."""
    balance = _bot(domains).account_info.get("balance", 0)
    possible = [amount for amount in WITHDRAWALS if amount <= balance]
    return rng.choice(possible) if possible else None


def _round_price(value: float, up: bool) -> int:
    """`value` rounded to a step a person would use for it (5 for 22.4, 50 for 227.2, 500 for 2840)."""
    step = 10 ** math.floor(math.log10(max(value, 1.0))) // 2 or 1
    return int((math.ceil if up else math.floor)(value / step) * step)


def price_floor(rng: random.Random, domains: Mapping[str, Domain]) -> int:
    """A round lower bound below the focus stock's price."""
    return _round_price(_focus_price(domains) * rng.uniform(0.6, 0.95), up=False)


def price_ceiling(rng: random.Random, domains: Mapping[str, Domain]) -> int:
    """A round upper bound above the focus stock's price."""
    return _round_price(_focus_price(domains) * rng.uniform(1.05, 1.6), up=True)


def market_stocks(rng: random.Random, domains: Mapping[str, Domain]) -> list[str]:
    """2-4 listed tickers for an alert or a filter, none of them a named stock."""
    _, named = _roles(domains)
    others = [symbol for symbol in sorted(_bot(domains).stocks) if symbol not in named]
    return rng.sample(others, min(len(others), rng.randint(2, 4)))


def username(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """The owner's user name: the same one every time for an account."""
    return people.username(_account_rng(domains))


def password(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """The owner's password: the same one every time for an account."""
    rng = _account_rng(domains)
    people.username(rng)  # the password is the account's second draw, after its user name
    return people.password(rng)


def _account_rng(domains: Mapping[str, Domain]) -> random.Random:
    """A generator seeded by the account id, so an account's login is the same in every turn."""
    return random.Random(int(_bot(domains).account_info.get("account_id", 0)))


KIT = DomainKit(
    domain="trading",
    scenario=scenario,
    values={
        "company_name": company_name,
        "sector": lambda rng, domains: rng.choice(sorted(SECTOR_SYMBOLS)),
        "stock_symbol": named_symbol,
        "stock_price": limit_price,
        "cash_amount": withdrawal,
        "get_stock_info.symbol": focus_symbol,
        "place_order.symbol": focus_symbol,
        "place_order.order_type": lambda rng, domains: "Buy" if rng.random() < 0.7 else "Sell",
        "place_order.amount": share_count,
        "trading_login.username": username,
        "trading_login.password": password,
        "fund_account.amount": lambda rng, domains: rng.choice(DEPOSITS),
        "filter_stocks_by_price.stocks": market_stocks,
        "filter_stocks_by_price.min_price": price_floor,
        "filter_stocks_by_price.max_price": price_ceiling,
        "notify_price_change.stocks": market_stocks,
        "notify_price_change.threshold": lambda rng, domains: rng.choice(THRESHOLDS),
        "get_transaction_history.start_date": lambda rng, domains: rng.choice(START_DATES),
        "get_transaction_history.end_date": lambda rng, domains: rng.choice(END_DATES),
    },
    phrases=load_phrasebook("trading"),
)
