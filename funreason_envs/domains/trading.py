"""The trading domain: a brokerage account with quotes, orders, a watchlist and cash (BFCL's TradingBot).

Results, error texts and state follow bfcl-eval 2026.3.23, including its quirks: a placed order is
reported "Pending" but stored "Open", buying never debits the balance, and a few failures come back
as lists rather than `{"error": ...}` objects. The clock is fixed; deposit and withdrawal stamps come
from a per-instance seeded `random.Random`, drawn exactly as bfcl-eval draws them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any

from funreason_envs.domains.base import Domain, SeededRandom, config_value, read_datetime
from funreason_envs.domains.filler import filler_symbols, filler_text
from funreason_envs.jsonutil import prerendered, with_rendered_tail

# bfcl-eval's frozen "now"; transaction stamps fall within the following day.
CLOCK = datetime(2024, 9, 1, 10, 30)
STAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"
SECONDS_PER_DAY = 86_400
DEFAULT_RANDOM_SEED = 1053520


def _stock(price: float, change: float, volume: float, ma5: float, ma20: float) -> dict[str, float]:
    return {"price": price, "percent_change": change, "volume": volume, "MA(5)": ma5, "MA(20)": ma20}


# The state a scenario starts from when its config leaves a key out (bfcl-eval's data values).
DEFAULT_STATE: dict[str, Any] = {
    "orders": {
        12345: {
            "id": 12345,
            "order_type": "Buy",
            "symbol": "AAPL",
            "price": 210.65,
            "amount": 10,
            "status": "Completed",
        },
        12446: {
            "id": 12446,
            "order_type": "Sell",
            "symbol": "GOOG",
            "price": 2840.56,
            "amount": 5,
            "status": "Pending",
        },
    },
    "account_info": {"account_id": 12345, "balance": 10000.0, "binding_card": 1974202140965533},
    "authenticated": False,
    "market_status": "Closed",
    "order_counter": 12446,
    "stocks": {
        "AAPL": _stock(227.16, 0.17, 2.552, 227.11, 227.09),
        "GOOG": _stock(2840.34, 0.24, 1.123, 2835.67, 2842.15),
        "TSLA": _stock(667.92, -0.12, 1.654, 671.15, 668.20),
        "MSFT": _stock(310.23, 0.09, 3.234, 309.88, 310.11),
        "NVDA": _stock(220.34, 0.34, 1.234, 220.45, 220.67),
        "ALPH": _stock(1320.45, -0.08, 1.567, 1321.12, 1325.78),
        "OMEG": _stock(457.23, 0.12, 2.345, 456.78, 458.12),
        "QUAS": _stock(725.89, -0.03, 1.789, 726.45, 728.00),
        "NEPT": _stock(88.34, 0.19, 0.654, 88.21, 88.67),
        "SYNX": _stock(345.67, 0.11, 2.112, 345.34, 346.12),
        "ZETA": _stock(22.09, -0.05, 0.789, 22.12, 22.34),
    },
    "watch_list": ["NVDA"],
    "transaction_history": [],
}

COMPANY_SYMBOLS = {
    "Apple": "AAPL",
    "Google": "GOOG",
    "Tesla": "TSLA",
    "Microsoft": "MSFT",
    "Nvidia": "NVDA",
    "Zeta Corp": "ZETA",
    "Alpha Tech": "ALPH",
    "Omega Industries": "OMEG",
    "Quasar Ltd.": "QUAS",
    "Neptune Systems": "NEPT",
    "Synex Solutions": "SYNX",
    "Amazon": "AMZN",
    "Gorilla": "GORI",
}
SECTOR_SYMBOLS: dict[str, tuple[str, ...]] = {
    "Technology": ("AAPL", "GOOG", "MSFT", "NVDA"),
    "Automobile": ("TSLA", "F", "GM"),
}
KNOWN_SYMBOLS = frozenset(COMPANY_SYMBOLS.values()) | {s for group in SECTOR_SYMBOLS.values() for s in group}


def _clock_text(moment: datetime) -> str:
    """`HH:MM AM/PM` without going through the locale (strftime's %p is locale-dependent)."""
    hour = moment.hour % 12 or 12
    return f"{hour:02d}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


CLOCK_TEXT = _clock_text(CLOCK)


def _order_key(key: Any) -> Any:
    """Order ids arrive as JSON strings; decimal strings become ints, as bfcl-eval converts them."""
    return int(key) if isinstance(key, str) and key.isdecimal() else key


def _login_required(purpose: str) -> str:
    return f"User not authenticated. Please log in to {purpose}."


# -- long-context material: our own filler, in bfcl-eval's shapes and sizes ----------------------------

LONG_MOVING_AVERAGE_POINTS = 2000
LONG_WATCHLIST_EXTRA = 1001
LONG_SECTOR_SIZE = 1000  # extra symbols per sector; the sector's own symbols come first, as in bfcl-eval
LONG_TRANSACTIONS = 1000
# Order metadata sections: (key, mentions of the order's symbol, characters of text around them).
LONG_ORDER_SECTIONS = (
    ("company_overview", 4, 1062),
    ("market_analysis", 4, 854),
    ("technical_analysis", 3, 865),
    ("financial_highlights", 4, 835),
    ("risks", 3, 793),
    ("future_outlook", 3, 861),
    ("historical_performance", 2, 839),
    ("sustainability_initiatives", 3, 689),
)


def _fresh_symbols(count: int, seed: int) -> tuple[str, ...]:
    """`count` filler tickers that never coincide with a symbol this domain knows."""
    pool = [s for s in filler_symbols(count + 200, seed) if s not in KNOWN_SYMBOLS]
    return tuple(pool[:count])


@lru_cache(maxsize=4096)
def _stamp(offset: int) -> str:
    """The clock `offset` seconds on, as text (episodes share seeds, so their draws repeat)."""
    return (CLOCK + timedelta(seconds=offset)).strftime(STAMP_FORMAT)


@cache
def _long_moving_averages(seed: int) -> tuple[float, ...]:
    rng = random.Random(seed)
    return tuple(round(rng.uniform(200.0, 250.0), 2) for _ in range(LONG_MOVING_AVERAGE_POINTS))


@cache
def _long_averages_text(seed: int) -> str:
    """The JSON text of `_long_moving_averages(seed)`, rendered once (it is most of a long quote)."""
    return json.dumps(list(_long_moving_averages(seed)))


@cache
def _long_watchlist() -> tuple[str, ...]:
    return _fresh_symbols(LONG_WATCHLIST_EXTRA, seed=301)


@cache
def _long_watchlist_text() -> str:
    """The `str()` text of the long-context watchlist's symbols, without brackets, rendered once."""
    return ", ".join(map(repr, _long_watchlist()))


@cache
def _long_sectors() -> dict[str, tuple[str, ...]]:
    sectors = {}
    for index, (sector, own) in enumerate(SECTOR_SYMBOLS.items()):
        padding = own + _fresh_symbols(LONG_SECTOR_SIZE - len(own), seed=311 + index)
        sectors[sector] = own + padding
    return sectors


@cache
def _long_sector_text(sector: str) -> str:
    """The JSON text of a long-context sector's symbol list, rendered once per sector."""
    return json.dumps(list(_long_sectors()[sector]))


@lru_cache(maxsize=256)
def _long_metadata_text(symbol: str) -> str:
    """The JSON text of a long-context order's metadata for `symbol` (see `get_order_details`)."""
    return json.dumps(_long_metadata(symbol))


def _long_metadata(symbol: str) -> dict[str, str]:
    separator = f" {symbol} "
    return {key: separator.join(pieces) for key, pieces in _long_order_sections()}


@cache
def _long_transactions() -> tuple[dict[str, Any], ...]:
    """Past deposits and withdrawals over the year before the clock, stamped to the microsecond."""
    rng = random.Random(321)
    year = 365 * SECONDS_PER_DAY
    records = []
    for _ in range(LONG_TRANSACTIONS):
        moment = CLOCK - timedelta(seconds=rng.uniform(0, year))
        records.append(
            {
                "type": rng.choice(("deposit", "withdrawal")),
                "amount": round(rng.uniform(20.0, 10000.0), 2),
                "timestamp": moment.strftime(STAMP_FORMAT + ".%f"),
            }
        )
    return tuple(records)


@cache
def _long_order_sections() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each metadata section as text pieces cut at word breaks; the symbol goes between them as a word."""
    sections = []
    for index, (key, mentions, size) in enumerate(LONG_ORDER_SECTIONS):
        # A cut drops a space and the join adds one on each side of the symbol; `size - mentions` evens it.
        words = filler_text(size - mentions, seed=331 + index).split(" ")
        step = len(words) // (mentions + 1)
        bounds = [step * part for part in range(mentions + 1)] + [len(words)]
        pieces = tuple(" ".join(words[start:end]) for start, end in pairwise(bounds))
        sections.append((key, pieces))
    return tuple(sections)


class Trading(Domain):
    """A stock-trading account: market data, orders, a watchlist and deposits/withdrawals."""

    _random = SeededRandom("_random_seed")

    orders: dict[Any, Any]
    account_info: dict[str, Any]
    authenticated: bool
    market_status: str
    order_counter: int
    stocks: dict[str, dict[str, Any]]
    watch_list: list[str]
    transaction_history: list[dict[str, Any]]
    long_context: bool

    def load(self, config: Mapping[str, Any], long_context: bool = False) -> None:
        orders = config_value(config, "orders", DEFAULT_STATE["orders"])
        self.orders = {_order_key(key): order for key, order in orders.items()}
        self.account_info = config_value(config, "account_info", DEFAULT_STATE["account_info"])
        self.authenticated = config.get("authenticated", DEFAULT_STATE["authenticated"])
        self.market_status = config.get("market_status", DEFAULT_STATE["market_status"])
        self.order_counter = config.get("order_counter", DEFAULT_STATE["order_counter"])
        self.stocks = config_value(config, "stocks", DEFAULT_STATE["stocks"])
        self.watch_list = config_value(config, "watch_list", DEFAULT_STATE["watch_list"])
        self.transaction_history = config_value(
            config, "transaction_history", DEFAULT_STATE["transaction_history"]
        )
        self.long_context = long_context
        type(self)._random.reseed(self, config.get("random_seed", DEFAULT_RANDOM_SEED))

    # -- state probes for the Environment-API graph ------------------------------------------------

    def conditions(self) -> set[str]:
        return {"trading_logged_in"} if self.authenticated else set()

    def available_resources(self) -> dict[str, list[Any]]:
        """The tickers on the watchlist: what the account's owner can name without looking anything up.

        Order ids are left out on purpose, as ids the environment made: a caller learns them from
        place_order, get_order_history or get_order_details. Market tickers are left out too: the owner
        names a stock by company or ticker, and listing them here would tell a walk that no lookup
        (get_symbol_by_name and friends) is ever needed.
        """
        return {"watchlist_symbol": list(self.watch_list)}

    def _transaction_stamp(self) -> str:
        """A seeded moment within a day of the clock (one `randint` over the day's 86,401 seconds)."""
        return _stamp(self._random.randint(0, SECONDS_PER_DAY))

    # -- session -------------------------------------------------------------------------------------

    def trading_login(self, username: str, password: str) -> dict[str, str]:
        if self.authenticated:
            return {"status": "Already logged in"}
        self.authenticated = True
        return {"status": "Logged in successfully"}

    def trading_logout(self) -> dict[str, str]:
        if not self.authenticated:
            return {"status": "No user is currently logged in"}
        self.authenticated = False
        return {"status": "Logged out successfully"}

    def trading_get_login_status(self) -> dict[str, bool]:
        return {"status": bool(self.authenticated)}

    # -- market data ---------------------------------------------------------------------------------

    def get_current_time(self) -> dict[str, str]:
        return {"current_time": CLOCK_TEXT}

    def get_symbol_by_name(self, name: str) -> dict[str, str]:
        return {"symbol": COMPANY_SYMBOLS.get(name, "Stock not found")}

    def get_stock_info(self, symbol: str) -> dict[str, Any]:
        if symbol not in self.stocks:
            return {"error": f"Stock with symbol '{symbol}' not found."}
        quote = dict(self.stocks[symbol])
        if self.long_context:
            quote["MA(5)"] = list(_long_moving_averages(5))
            quote["MA(20)"] = list(_long_moving_averages(20))
            return prerendered(quote, {"MA(5)": _long_averages_text(5), "MA(20)": _long_averages_text(20)})
        return quote

    def get_available_stocks(self, sector: str) -> dict[str, list[str]]:
        table = _long_sectors() if self.long_context else SECTOR_SYMBOLS
        result = {"stock_list": list(table.get(sector, ()))}
        if self.long_context and sector in table:
            return prerendered(result, {"stock_list": _long_sector_text(sector)})
        return result

    def filter_stocks_by_price(
        self, stocks: list[str], min_price: float, max_price: float
    ) -> dict[str, list[str]]:
        known = self.stocks
        return {
            "filtered_stocks": [
                symbol for symbol in stocks if min_price <= known.get(symbol, {}).get("price", 0) <= max_price
            ]
        }

    def notify_price_change(self, stocks: list[str], threshold: float) -> dict[str, str]:
        known = self.stocks
        moved = [
            symbol
            for symbol in stocks
            if symbol in known and abs(known[symbol]["percent_change"]) >= threshold
        ]
        if not moved:
            return {"notification": "No significant price changes in the selected stocks."}
        return {"notification": f"Stocks {', '.join(moved)} have significant price changes."}

    # -- orders --------------------------------------------------------------------------------------

    def get_order_details(self, order_id: int) -> dict[str, Any]:
        if order_id not in self.orders:
            return {
                "error": f"Order with ID {order_id} not found.Here is the list of orders_id: "
                f"{list(self.orders)}"
            }
        order = dict(self.orders[order_id])
        if self.long_context:
            symbol = order["symbol"]
            order["metadata"] = _long_metadata(symbol)
            if type(symbol) is str:
                return prerendered(order, {"metadata": _long_metadata_text(symbol)})
        return order

    def cancel_order(self, order_id: int) -> dict[str, Any]:
        if order_id not in self.orders:
            return {"error": f"Order with ID {order_id} not found."}
        order = self.orders[order_id]
        if order["status"] == "Completed":
            return {"error": f"Can't cancel order {order_id}. Order is already completed."}
        order["status"] = "Cancelled"
        return {"order_id": order_id, "status": "Cancelled"}

    def place_order(self, order_type: str, symbol: str, price: float, amount: int) -> dict[str, Any]:
        if not self.authenticated:
            return {"error": _login_required("place an order")}
        if symbol not in self.stocks:
            return {"error": f"Invalid stock symbol: {symbol}"}
        if price <= 0 or amount <= 0:
            return {"error": "Price and amount must be positive values."}
        if order_type.lower() == "buy":
            cost = float(price) * int(amount)
            available = self.account_info.get("balance", 0)
            if cost > available:
                return {
                    "error": f"Insufficient funds: required ${cost:.2f} but only ${available:.2f} available."
                }
        price = float(price)
        order_id = self.order_counter
        self.orders[order_id] = {
            "id": order_id,
            "order_type": order_type,
            "symbol": symbol,
            "price": price,
            "amount": amount,
            "status": "Open",
        }
        self.order_counter += 1
        # bfcl-eval reports "Pending" here while the stored order reads "Open".
        return {
            "order_id": order_id,
            "order_type": order_type,
            "status": "Pending",
            "price": price,
            "amount": amount,
        }

    def get_order_history(self) -> dict[str, list[Any]] | list[dict[str, str]]:
        if not self.authenticated:
            return [{"error": _login_required("view order history")}]
        return {"history": list(self.orders)}

    # -- account -------------------------------------------------------------------------------------

    def get_account_info(self) -> dict[str, Any]:
        if not self.authenticated:
            return {"error": _login_required("view account information")}
        return dict(self.account_info)

    def fund_account(self, amount: float) -> dict[str, Any]:
        if not self.authenticated:
            return {"error": _login_required("fund the account")}
        if amount <= 0:
            return {"error": "Funding amount must be positive."}
        self.account_info["balance"] += amount
        self.transaction_history.append(
            {"type": "deposit", "amount": amount, "timestamp": self._transaction_stamp()}
        )
        return {"status": "Account funded successfully", "new_balance": self.account_info["balance"]}

    def withdraw_funds(self, amount: float) -> dict[str, Any]:
        if not self.authenticated:
            return {"error": _login_required("make a transaction")}
        if self.market_status != "Open":
            return {"error": "Market is closed. Transactions are not allowed."}
        if amount <= 0:
            return {"error": "Transaction amount must be positive."}
        if amount > self.account_info["balance"]:
            return {"error": "Insufficient funds for withdrawal."}
        self.account_info["balance"] -= amount
        self.transaction_history.append(
            {"type": "withdrawal", "amount": amount, "timestamp": self._transaction_stamp()}
        )
        return {"status": "Withdrawal successful", "new_balance": self.account_info["balance"]}

    def get_transaction_history(
        self, start_date: str | None = None, end_date: str | None = None
    ) -> dict[str, list[dict[str, Any]]] | list[dict[str, str]]:
        if not self.authenticated:
            return [{"error": _login_required("view transaction history")}]
        start = read_datetime(start_date, DATE_FORMAT) if start_date else datetime.min
        end = read_datetime(end_date, DATE_FORMAT) if end_date else datetime.max
        # Every stamp is parsed, bounds or not: a malformed one fails the call, as in bfcl-eval.
        selected = [
            record
            for record in self.transaction_history
            if start <= read_datetime(record["timestamp"], STAMP_FORMAT) <= end
        ]
        if self.long_context:
            selected.extend(dict(record) for record in _long_transactions())
        return {"transaction_history": selected}

    # -- watchlist -----------------------------------------------------------------------------------

    def get_watchlist(self) -> dict[str, list[str]] | list[str]:
        if not self.authenticated:
            return ["Error: " + _login_required("view the watchlist")]
        if self.long_context:
            # a bare list here, as bfcl-eval returns
            return with_rendered_tail(self.watch_list, _long_watchlist(), _long_watchlist_text())
        return {"watchlist": list(self.watch_list)}

    def add_to_watchlist(self, stock: str) -> dict[str, list[str]]:
        if stock not in self.watch_list and stock in self.stocks:
            self.watch_list.append(stock)
        return {"watchlist": list(self.watch_list)}

    def remove_stock_from_watchlist(self, symbol: str) -> dict[str, str]:
        if not self.authenticated:
            return {"error": _login_required("modify the watchlist")}
        if symbol not in self.watch_list:
            return {"error": f"Stock {symbol} not found in watchlist."}
        self.watch_list.remove(symbol)
        return {"status": f"Stock {symbol} removed from watchlist successfully."}
