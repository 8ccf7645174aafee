"""Synthesis kit for support tickets: varied queues and sessions, and the issues and notes a user writes.

Every ticket in a scenario is about a different issue, so a title identifies one ticket; the user who
owns most of the queue is the one who logs in, so "my tickets" lists what the scenario gave them.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from typing import Any, cast

from funreason_envs.domains.base import Domain
from funreason_envs.domains.ticket import TicketQueue
from funreason_envs.synthesis.kits import DomainKit, load_phrasebook
from funreason_envs.synthesis.kits.id_words import with_id_words

# title -> description
ISSUES: dict[str, str] = {
    "Laptop will not boot": "The laptop shows a black screen after the logo since this morning.",
    "VPN keeps disconnecting": "The VPN drops every few minutes when working from home.",
    "Printer jam on floor 3": "The shared printer on floor 3 jams on every double-sided job.",
    "Password reset needed": "Locked out of the HR portal after too many attempts.",
    "Invoice total is wrong": "The March invoice charges the premium plan twice.",
    "Refund not received": "A refund promised two weeks ago has not arrived.",
    "Order arrived damaged": "The package arrived with a cracked monitor stand.",
    "Email sync failing": "Mail on the phone stopped syncing after the update.",
    "Cannot join video calls": "The camera is not detected in the meeting app.",
    "Flight booking error": "The booking page failed at payment but the card was charged.",
    "Slow shared drive": "Opening files on the shared drive takes over a minute.",
    "Badge not working": "The office badge no longer opens the main entrance.",
}
NOTES = (
    "Fixed by reinstalling the driver.",
    "Resolved after a remote session with IT.",
    "Customer confirmed the issue is gone.",
    "Replaced the faulty part.",
    "Credited the account and sent a confirmation.",
    "Reset the settings to the defaults; working again.",
    "Swapped the docking station; the screens work again.",
    "Cleared the cache and re-synced the mailbox.",
    "Updated the firmware on the badge reader.",
    "Refund issued; it should arrive within five days.",
    "Moved the share to a faster server.",
    "Re-enrolled the device in the VPN profile.",
)
EXTRA_DETAILS = (
    "It happens every day around noon.",
    "Several colleagues report the same problem.",
    "This blocks the quarterly report.",
    "Happy to provide screenshots if needed.",
    "It started right after the update on Tuesday.",
    "Restarting only helps for about an hour.",
    "My manager needs this fixed before the audit.",
    "It only happens on the office network.",
    "I already tried logging out and back in.",
    "The error code on screen is E-204.",
)
STATUSES = ("Open", "Open", "In Progress", "Resolved", "Closed")
NEW_STATUSES = ("In Progress", "On Hold", "Urgent", "Open")
USERS = ("mthompson", "lucia.r", "amy_support", "k.osei", "jdoe", "p.nakamura", "sam.w")
PASSWORDS = ("SecurePass123", "desk-Lamp42", "Orchid#7", "tick3t_Time", "Harbor!19")


def scenario(rng: random.Random) -> dict[str, Any]:
    """A queue of up to four tickets (most by one owner; often empty), with the owner logged in or not."""
    owner, *colleagues = rng.sample(USERS, 3)
    first = rng.choice([1, 1, 2, rng.randint(3, 60), rng.randint(100, 999), rng.randint(1000, 9999)])
    queue = []
    for offset, title in enumerate(rng.sample(sorted(ISSUES), rng.choice([0, 0, 0, 1, 2, 3, 4]))):
        status = rng.choice(STATUSES)
        ticket = {
            "id": first + offset,
            "title": title,
            "description": ISSUES[title],
            "status": status,
            "priority": rng.randint(1, 5),
            "created_by": owner if rng.random() < 0.75 else rng.choice(colleagues),
        }
        if status == "Resolved":
            ticket["resolution"] = rng.choice(NOTES)
        queue.append(ticket)
    if queue and all(ticket["created_by"] != owner for ticket in queue):
        queue[0]["created_by"] = owner
    return {
        "ticket_queue": queue,
        "ticket_counter": first + len(queue),
        "current_user": owner if rng.random() < 0.25 else None,
    }


def _queue(domains: Mapping[str, Domain]) -> TicketQueue:
    return cast(TicketQueue, domains["ticket"])


def owner(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """Who logs in: the user logged in before, else whoever owns most of the queue, else a new user."""
    queue = _queue(domains)
    if queue.current_user:
        return queue.current_user
    owners = Counter(ticket.get("created_by") for ticket in queue.ticket_queue if ticket.get("created_by"))
    return owners.most_common(1)[0][0] if owners else rng.choice(USERS)


def new_title(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """An issue title no ticket in the queue has yet."""
    taken = {ticket.get("title") for ticket in _queue(domains).ticket_queue}
    fresh = [title for title in ISSUES if title not in taken]
    return rng.choice(fresh or sorted(ISSUES))


def description(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """A written description. Never taken from an earlier result: the description is optional, and
    a phrase that leaves out an optional argument would then hide where its value came from."""
    return rng.choice(EXTRA_DETAILS)


def updates(rng: random.Random, domains: Mapping[str, Domain]) -> dict[str, Any]:
    """One or two field changes: status and priority most often, sometimes a new title."""
    fields = rng.sample(["status", "priority", "priority", "status", "title"], rng.randint(1, 2))
    made: dict[str, Any] = {}
    for field in fields:
        if field == "status":
            made["status"] = rng.choice(NEW_STATUSES)
        elif field == "priority":
            made["priority"] = rng.randint(1, 5)
        else:
            made["title"] = new_title(rng, domains)
    return made


def status_filter(rng: random.Random, domains: Mapping[str, Domain]) -> str | None:
    """A status exactly one of the logged-in user's tickets has, so "my <status> ticket" is one ticket;
    None when there is none (the sampler then uses one of the spec's example statuses)."""
    queue = _queue(domains)
    mine = [t.get("status") for t in queue.ticket_queue if t.get("created_by") == queue.current_user]
    single = sorted({status for status in mine if status and mine.count(status) == 1})
    return rng.choice(single) if single else None


OPEN_STATUSES = {"Open", "In Progress", "On Hold", "Urgent"}
ACTIONS = ("edit_ticket", "resolve_ticket", "close_ticket")


def senseless(tool: str, arguments: Mapping[str, Any], domain: Domain) -> str | None:
    """A ticket's lifecycle runs forward (open, resolved, closed): nothing acts on a closed ticket,
    and a resolved one is not edited back to an open status."""
    if tool not in ACTIONS:
        return None
    ticket = cast(TicketQueue, domain)._find(arguments.get("ticket_id"))
    if ticket is None:
        return None
    if ticket.get("status") == "Closed":
        return f"{tool} acts on ticket {ticket['id']}, which is closed"
    updates = arguments.get("updates") or {}
    reopens = tool == "edit_ticket" and updates.get("status") in OPEN_STATUSES
    if ticket.get("status") == "Resolved" and reopens:
        return f"edit_ticket moves resolved ticket {ticket['id']} back to {updates['status']!r}"
    return None


KIT = DomainKit(
    domain="ticket",
    scenario=scenario,
    values={
        "ticket_login.username": owner,
        "ticket_login.password": lambda rng, domains: rng.choice(PASSWORDS),
        "create_ticket.title": new_title,
        "create_ticket.description": description,
        "create_ticket.priority": lambda rng, domains: rng.randint(1, 5),
        "get_user_tickets.status": status_filter,
        "edit_ticket.updates": updates,
        "resolve_ticket.resolution": lambda rng, domains: rng.choice(NOTES),
    },
    phrases=with_id_words(load_phrasebook("ticket"), "ticket", "ticket_id", "ticket {}"),
    senseless=senseless,
    topical=("create_ticket.title", "create_ticket.description", "resolve_ticket.resolution"),
)
