"""Whether a call makes sense to a user, shared by phase 1 and the label audit.

Phase 1 asks before it keeps a call (so goals are coherent from the start); the audit asks again on the
finished sample (the safety net). Both read the same rules: undo pairs, a call that only prints an
earlier result, an amount in the wrong unit, a free text carried into another domain's support request,
a repeated login, and each kit's own sense of its state (`DomainKit.senseless`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from funreason_envs.domains.base import Domain
from funreason_envs.synthesis.kits import DomainKit

Call = tuple[str, dict[str, Any]]
# Inverse tool pairs: the second undoes the first when both act on the same object.
INVERSE_TOOLS = {
    ("follow_user", "unfollow_user"),
    ("send_message", "delete_message"),
    ("book_flight", "cancel_booking"),
    ("purchase_insurance", "cancel_booking"),  # insuring a booking, then cancelling it
    ("place_order", "cancel_order"),
    ("create_ticket", "close_ticket"),
    ("add_to_watchlist", "remove_stock_from_watchlist"),
    ("fund_account", "withdraw_funds"),
    ("mkdir", "rmdir"),
    ("touch", "rm"),
    ("mkdir", "rm"),
    ("pressBrakePedal", "releaseBrakePedal"),
    ("add_to_cart", "remove_from_cart"),
    ("checkout", "cancel_shop_order"),
    ("add_payee", "remove_payee"),
    ("send_payment", "cancel_transfer"),
    ("freeze_card", "unfreeze_card"),
    ("create_event", "cancel_event"),
    ("reschedule_event", "cancel_event"),  # moving a meeting, then calling it off
}
# Pairs where the second call's object is the one the first call produced (an id it returned).
PRODUCES_OBJECT = {
    ("book_flight", "cancel_booking"),
    ("place_order", "cancel_order"),
    ("create_ticket", "close_ticket"),
    ("checkout", "cancel_shop_order"),
    ("add_payee", "remove_payee"),
    ("send_payment", "cancel_transfer"),
    ("create_event", "cancel_event"),
}
OPPOSITE_VALUES = [{"on", "off"}, {"engage", "release"}, {"start", "stop"}, {"buy", "sell"}, {True, False}]
# State-changing tools that only print when this argument is left out.
PRINT_MODES = {"echo": "file_name"}
VOLUME_WORDS = {"gallon": r"gallons?", "liter": r"lit(?:er|re)s?"}
LOGIN_WORDS = ("login", "authenticate")
CURRENCY_PARAMS = ("base_currency", "target_currency")  # a conversion's currencies, not its amount


@dataclass(frozen=True)
class Fed:
    """Where one argument's value came from: an earlier call (`tool` with `arguments`) of `domain`."""

    tool: str
    arguments: dict[str, Any]
    domain: str


def undo_pairs(calls: list[Call]) -> list[tuple[int, int]]:
    """(first, later) index pairs where the later call undoes the first on the same object."""
    pairs = []
    for first, (name, arguments) in enumerate(calls):
        for later in range(first + 1, len(calls)):
            other, other_arguments = calls[later]
            if (
                (name, other) in INVERSE_TOOLS
                and ((name, other) in PRODUCES_OBJECT or same_object(arguments, other_arguments))
            ) or (name == other and _opposite(arguments, other_arguments)):
                pairs.append((first, later))
    return pairs


def prints(tool: str, arguments: dict[str, Any]) -> bool:
    """A state-changing tool used in its printing mode (echo without a file writes to the terminal)."""
    return tool in PRINT_MODES and not arguments.get(PRINT_MODES[tool])


def fed_problem(
    tool: str, domain: str, arguments: dict[str, Any], fed: Mapping[str, Fed], kit: DomainKit | None
) -> str | None:
    """Why a user would not ask for this call given where its arguments came from; None when fine."""
    if prints(tool, arguments) and fed:
        return f"{tool} prints an earlier result instead of the tool that shows it"
    for param, source in fed.items():
        if thin_flow(tool, param, domain, source.domain, kit):
            return f"{tool}.{param} carries {source.tool}'s result ({source.domain}) into a {domain} request"
        produced = produced_unit(source.tool, source.arguments)
        unit = declared_unit(_param_description(tool, domain, param))
        if produced is not None and unit is not None and produced != unit:
            return f"{tool}.{param} is in {unit}; {source.tool} gave {produced}"
        base = arguments.get("base_currency")  # a conversion: the amount it is fed is in this currency
        if base is not None and param not in CURRENCY_PARAMS:
            held = produced or "USD"  # every domain quotes money in US dollars; a conversion, its target's
            if str(base).upper() != held:
                return f"{tool} takes {source.tool}'s amount in {held} for {base}"
    return None


def thin_flow(tool: str, param: str, domain: str, source_domain: str, kit: DomainKit | None) -> bool:
    """A text about this domain's own matters (a support request about a flight) filled with another
    domain's result (a stock alert): a link no user would make."""
    return kit is not None and f"{tool}.{param}" in kit.topical and source_domain != domain


def state_problem(
    tool: str, arguments: dict[str, Any], instance: Domain, kit: DomainKit | None, called: Collection[str]
) -> str | None:
    """Why a user would not ask for this call on the live state of its domain, after the conversation
    `called` these tools (logging in again, acting on a closed ticket, following oneself); None when
    it makes sense."""
    if _is_login(tool) and tool in called and _logged_in_as(instance, arguments):
        return f"{tool} logs in again, as the same user"
    return kit.senseless(tool, arguments, instance) if kit is not None and kit.senseless else None


def same_object(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Whether two calls' arguments share a value (they act on the same object)."""
    if not first or not second:
        return not first and not second
    values = {normal(v) for v in leaves(first) if not isinstance(v, bool)}
    return any(normal(v) in values for v in leaves(second) if not isinstance(v, bool))


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


def normal(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{float(value):g}"
    return str(value).strip().lower()


def declared_unit(description: str) -> str | None:
    """The unit a parameter's description declares (US dollars, gallons, liters), if any."""
    if re.search(r"\bUSD\b|US dollars?", description):
        return "USD"
    for unit, pattern in VOLUME_WORDS.items():
        if re.search(rf"\b{pattern}\b", description, re.IGNORECASE):
            return unit
    return None


def produced_unit(tool: str, arguments: dict[str, Any]) -> str | None:
    """The unit of a value a call returns, when the call is a conversion."""
    if "target_currency" in arguments:
        return str(arguments["target_currency"]).upper()
    match = re.search(r"_to_(\w+)$", tool)
    if match:
        for unit, pattern in VOLUME_WORDS.items():
            if re.fullmatch(pattern, match.group(1)):
                return unit
    return None


@cache
def _param_description(tool: str, domain: str, param: str) -> str:
    from funreason_envs.domains import domain_class

    for spec in domain_class(domain).spec().tools:
        if spec.name == tool:
            return str(spec.parameters.get("properties", {}).get(param, {}).get("description", ""))
    return ""


def _is_login(tool: str) -> bool:
    return any(word in tool.lower() for word in LOGIN_WORDS) and not tool.endswith("get_login_status")


def _logged_in_as(instance: Domain, arguments: dict[str, Any]) -> bool:
    """Whether the domain already has this user logged in (a login with another user's name switches
    accounts, which a user may want)."""
    names = [name for name in dir(type(instance)) if name.endswith("get_login_status")]
    status = getattr(instance, names[0]) if names else None
    if status is None or True not in status().values():
        return False
    current = getattr(instance, "current_user", None)
    return current is None or current in {str(value) for value in arguments.values()}


def _opposite(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Same arguments except one whose two values are opposites (on/off, engage/release, Buy/Sell...)."""
    if first.keys() != second.keys():
        return False
    differing = [key for key in first if first[key] != second[key]]
    if len(differing) != 1:
        return False
    values = (_lower(first[differing[0]]), _lower(second[differing[0]]))
    return all(isinstance(v, (str, bool)) for v in values) and set(values) in OPPOSITE_VALUES


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value
