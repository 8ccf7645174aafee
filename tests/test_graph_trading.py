"""The trading domain in the Environment-API graph: its state probes, order ids that only results give,
the probes agreeing with requires/provides/revokes over random sessions, gathering walks, and links to
other domains. Paths and walks of every domain are checked in test_graph_domains.py."""

from __future__ import annotations

import random
from typing import Any

import pytest

from funreason_envs.calls import ToolCall
from funreason_envs.domains.trading import Trading
from funreason_envs.executor import ToolResult, ToolRouter
from funreason_envs.graph import ApiGraph, Reason, WalkSampler, extract_values
from funreason_envs.specs import ToolSpec, load_domain_spec

SPEC = load_domain_spec("trading")


@pytest.fixture(scope="module")
def graph() -> ApiGraph:
    return ApiGraph.from_domains("trading")


def test_probes_read_the_login_and_the_watchlist():
    bot = Trading()
    assert bot.conditions() == set()
    assert bot.available_resources() == {"watchlist_symbol": ["NVDA"]}
    router = ToolRouter([bot])
    router.run("trading_login(username='ana', password='pw')")
    assert bot.conditions() == {"trading_logged_in"}
    router.run("add_to_watchlist(stock='TSLA')")
    router.run("remove_stock_from_watchlist(symbol='NVDA')")
    assert bot.available_resources() == {"watchlist_symbol": ["TSLA"]}
    router.run("trading_logout()")
    assert bot.conditions() == set()
    assert set(bot.available_resources()) <= set(SPEC.resources)
    assert bot.conditions() <= set(SPEC.conditions)
    assert "conditions" not in Trading.tool_table() and "available_resources" not in Trading.tool_table()


def test_order_ids_must_come_from_a_producing_tool():
    """Ids the environment made are neither stated by users nor offered by the state: in a live walk,
    get_order_details and cancel_order wait for a tool whose result names an order."""
    graph = ApiGraph.from_domains("trading")
    bot = Trading({"authenticated": True})
    start = graph.situation(domains=[bot])
    assert "order_id" not in start.resources
    assert not {"get_order_details", "cancel_order"} & set(graph.callable_tools(start))
    history = bot.get_order_history()
    after = start.after_observed(graph.tool("get_order_history"), history, [bot])
    assert {"get_order_details", "cancel_order"} <= set(graph.callable_tools(after))


def test_ids_the_environment_makes_are_not_user_supplied():
    assert {"order_id", "open_order_id"}.isdisjoint(SPEC.user_supplied)
    assert {"company_name", "sector", "stock_symbol"} <= set(SPEC.user_supplied)


def reports_failure(result: ToolResult) -> bool:
    """An error result, including bfcl-eval's list-wrapped login errors (which the router counts as ok)."""
    if not result.ok:
        return True
    value = result.value
    return isinstance(value, list) and any("error" in str(item).lower() for item in value)


def session_arguments(
    tool: ToolSpec, bot: Trading, named: dict[str, list[Any]], rng: random.Random
) -> tuple[dict[str, Any], set[str]]:
    """Arguments for a call, and where its consumed ones came from ("state" or "result"): a value the
    state offers for the parameter's resource, else one an earlier result named, else a literal."""
    offered = bot.available_resources()
    symbols = list(bot.stocks)
    literals = {
        "stock": rng.choice(symbols),
        "symbol": rng.choice(symbols),
        "stocks": rng.sample(symbols, 2),
        "name": rng.choice(["Apple", "Nvidia", "Tesla"]),
        "sector": rng.choice(["Technology", "Automobile"]),
        "min_price": 50.0,
        "max_price": 500.0,
        "threshold": 0.1,
        "order_type": rng.choice(["Buy", "Sell"]),
        "price": 10.0,
        "amount": rng.randint(1, 5),
        "username": "ana",
        "password": "pw",
    }
    arguments: dict[str, Any] = {}
    sources: set[str] = set()
    for param in tool.parameter_names:
        kinds = tool.consumed.get(param, ())
        for source, pool in (("state", offered), ("result", named)):
            values = [value for kind in kinds for value in pool.get(kind, [])]
            if values:
                arguments[param] = rng.choice(values)
                sources.add(source)
                break
        else:
            if kinds:
                sources.add("literal")
            if param in literals:
                arguments[param] = literals[param]
    if tool.name in ("fund_account", "withdraw_funds"):
        arguments["amount"] = 25.0
    return arguments, sources


@pytest.mark.parametrize("seed", range(6))
def test_state_annotations_agree_with_the_probes(seed):
    """Over random calls: a call whose required condition does not hold reports a failure or changes
    nothing; a call whose conditions hold succeeds when its consumed arguments are ones the state
    offers, and get_order_details accepts every order id a result named; after a successful call its
    `provides` hold, and a condition that held and is not revoked still holds."""
    rng = random.Random(seed)
    bot = Trading({"market_status": "Open", "authenticated": rng.random() < 0.5})
    router = ToolRouter([bot])
    tools = list(SPEC.by_name.values())
    named: dict[str, list[Any]] = {}
    checked = refused = vouched = 0
    for _ in range(300):
        tool = rng.choice(tools)
        before, state_before = bot.conditions(), bot.state_dict()
        arguments, sources = session_arguments(tool, bot, named, rng)
        result = router.execute(ToolCall(tool.name, arguments))
        after = bot.conditions()
        if set(tool.requires) - before:
            unchanged = bot.state_dict() == state_before
            assert reports_failure(result) or (tool.mutates_state and unchanged), (
                f"{tool.name}({arguments}) worked without {set(tool.requires) - before}: {result.content}"
            )
            refused += 1
            continue
        if sources == {"state"} or (tool.name == "get_order_details" and sources == {"result"}):
            assert not reports_failure(result), f"{tool.name}({arguments}) failed: {result.content}"
            vouched += 1
        if reports_failure(result):
            continue
        checked += 1
        assert set(tool.provides) <= after, f"{tool.name} did not bring about {tool.provides}"
        lost = before - after - set(tool.revokes)
        assert not lost, f"{tool.name}({arguments}) ended {lost} without declaring it in revokes"
        for produced in tool.produces:
            named.setdefault(produced.resource, []).extend(extract_values(result.value, produced.at))
    assert checked > 100 and refused > 5 and vouched > 5


def test_gathering_looks_up_what_a_user_would_name(graph):
    """With gather on, a walk to place_order fetches a ticker and a price instead of leaving them
    to the user, and logs in first."""
    steps = WalkSampler(graph, seed=1, gather=1.0).walk("place_order").steps
    assert steps[-1] == "place_order" and "trading_login" in steps
    assert "get_stock_info" in steps
    producers = {"get_symbol_by_name", "get_available_stocks", "filter_stocks_by_price", "get_watchlist"}
    assert producers & set(steps) or "get_order_details" in steps


def test_trading_meets_other_domains_through_shared_resources():
    graph = ApiGraph.from_domains("trading,file_system")
    assert graph.reasons("notify_price_change", "echo") == [Reason("data", "text", "content", True, False)]
    assert graph.reasons("get_stock_info", "place_order") == [
        Reason("data", "stock_price", "price", True, False)
    ]
    assert graph.reasons("trading_login", "place_order") == [
        Reason("state", "trading_logged_in", None, True, True)
    ]
    assert graph.annotations.nodes["resource:text"]["domains"] == "trading,file_system"
