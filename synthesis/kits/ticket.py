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
from funreason_envs.synthesis.kits.grammar import Grammar, sentence
from funreason_envs.synthesis.kits.id_words import with_id_words
from funreason_envs.synthesis.kits.people import distinct, password, username

# subjects that are services, not equipment: their descriptions say nothing about screens or reboots
SERVICES = ("{month} invoice", "Refund for order {order}", "Delivery to {city}", "Parking permit")
# subject -> faults it can have; a title is "<subject> <fault>", so it names one issue and reads right.
FAULTS: dict[str, tuple[str, ...]] = {
    "Laptop": ("will not boot", "overheats during calls", "battery drains within an hour", "keys stick"),
    "Second monitor": ("flickers", "shows no signal", "has a dead line of pixels"),
    "VPN": ("keeps disconnecting", "rejects my certificate", "is very slow in the evenings"),
    "Printer on floor {floor}": ("jams on double-sided jobs", "prints blank pages", "shows as offline"),
    "Email on my phone": ("stopped syncing", "asks for my password every hour"),
    "Shared drive": (
        "takes minutes to open files",
        "shows everything as read-only",
        "lost the budget folder",
    ),
    "Office badge": ("does not open the main entrance", "stopped working at the garage gate"),
    "Video calls": ("drop after ten minutes", "have no sound", "do not detect the camera"),
    "{month} invoice": (
        "charges the premium plan twice",
        "has the wrong billing address",
        "misses the discount",
    ),
    "Refund for order {order}": ("has not arrived", "was only paid in part"),
    "Wi-Fi in meeting room {room}": ("drops every few minutes", "does not show up"),
    "Payroll portal": ("locks me out", "still shows last month's payslip"),
    "Desk phone": ("has no dial tone", "cannot transfer calls"),
    "Calendar invites": ("arrive an hour off", "never reach external guests"),
    "{app} license": ("expired overnight", "is not recognised after the update"),
    "Parking permit": ("was not renewed", "shows the wrong plate"),
    "Delivery to {city}": ("arrived damaged", "is stuck in customs", "went to the wrong address"),
}
SLOTS = {
    "floor": ("2", "3", "4", "5", "7"),
    "month": ("January", "March", "April", "June", "September", "November"),
    "order": ("4471", "8830", "1295", "6602", "3318", "5126", "7093", "2248", "9361", "1580"),
    "room": ("A", "B2", "Orion", "Atlas", "3.14"),
    "app": ("Photoshop", "AutoCAD", "Tableau", "Office", "Figma"),
    "city": ("Leeds", "Lyon", "Porto", "Denver", "Osaka"),
}
# What a user adds to describe a new issue: when it started, how it shows, what it blocks.
DETAIL_GRAMMAR: Grammar = {
    "detail": ("{onset}. {impact}", "{onset}, and {symptom}.", "{symptom_cap}. {impact}", "{onset}. {tried}"),
    # fits any issue, a refund or a delivery as well as a laptop
    "generic": ("{onset}. {impact}", "{impact}", "{onset}. {ask}", "{impact} {ask}"),
    "ask": (
        "Please call me if you need more details.",
        "Could someone look at it before {day}?",
        "Let me know if I should fill in a form.",
        "I can come by the desk any time.",
        "I'm in the office until {hour} if someone wants to see it.",
        "A quick call would probably sort it out.",
        "Ring my desk phone if anything is unclear.",
        "I can share my screen whenever suits.",
        "Please keep me posted on progress.",
    ),
    "onset": (
        "It started {when}",
        "This has been going on since {since}",
        "I first noticed it {when}",
        "It began right after {change}",
        "It has been like this since {change}",
        "It went wrong {when}",
        "Ever since {change} it has been playing up",
        "We spotted it {when}",
        "A colleague flagged it {when}",
    ),
    "when": (
        "on Monday morning",
        "last week",
        "yesterday afternoon",
        "over the weekend",
        "this morning",
        "just before lunch",
        "during the all-hands",
        "on Thursday evening",
        "halfway through a client call",
        "the day after the holidays",
        "right at the start of my shift",
    ),
    "since": ("Monday morning", "last week", "yesterday afternoon", "the weekend", "the start of the month"),
    "change": (
        "the update on Tuesday",
        "the office move",
        "we switched providers",
        "the password change",
        "the new firewall went in",
        "IT swapped the router",
        "the power cut on Friday",
        "the storage migration",
        "we got new docking stations",
        "the last security patch",
    ),
    "symptom": (
        "it happens every day around noon",
        "restarting only helps for an hour",
        "it only happens on the office network",
        "the screen shows error code E-{code}",
        "nothing changes after a reboot",
        "it fails with a timeout after about a minute",
        "the spinner just keeps going",
        "it works from home but not at my desk",
        "the error mentions a missing certificate",
    ),
    "symptom_cap": (
        "It happens every day around noon",
        "Restarting only helps for an hour",
        "It only happens on the office network",
        "The screen shows error code E-{code}",
        "Three colleagues see the same thing",
        "The whole row of desks by the window is affected",
        "It fails with a timeout after about a minute",
        "It works from home but not at my desk",
    ),
    "impact": (
        "It holds up the quarterly report.",
        "My manager needs this fixed before the audit.",
        "I need this sorted before the end of the month.",
        "Not urgent, but it slows the whole team down.",
        "We have a client demo on {day}.",
        "Happy to send screenshots if needed.",
        "Two of us are working off paper until it's fixed.",
        "The finance team can't close the month without it.",
        "Our customers have started to notice.",
        "New starters arrive on {day} and will need it.",
        "It's costing me about an hour a day.",
        "The workaround is slowly driving me mad.",
        "Our training session on {day} depends on it.",
    ),
    "tried": (
        "I already tried logging out and back in.",
        "Clearing the cache did not help.",
        "A reinstall changed nothing.",
        "Tried another cable, same result.",
        "I swapped desks with a colleague and got the same problem.",
        "Rolling back the update was not an option.",
        "Logging in from another browser behaves the same.",
    ),
    "code": ("204", "317", "481", "502", "623"),
    "day": ("Monday", "Wednesday", "Thursday", "Friday"),
    "hour": ("five", "half past four", "six", "three"),
}
# How a ticket was resolved: what was done, to what, and how it was confirmed.
NOTE_GRAMMAR: Grammar = {
    "note": ("{fix}. {confirm}", "{fix}.", "{fix}; {confirm_lower}"),
    "fix": (
        "Reinstalled the {driver} driver",
        "Replaced the faulty {part}",
        "Reset the {setting} to the defaults",
        "Credited the account and sent a confirmation",
        "Issued a refund of ${amount}",
        "Moved the account to the {server} server",
        "Updated the firmware on the {part}",
        "Re-enrolled the device in the VPN profile",
        "Cleared the cache and re-synced the mailbox",
        "Walked the user through the {setting} over a remote session",
        "Swapped the {part} for a spare from the stock room",
        "Rolled back the last update on the {driver} driver",
        "Renewed the expired certificate and restarted the service",
        "Reassigned the licence and asked the user to sign in again",
        "Rebuilt the user profile from the backup",
        "Patched the {driver} driver and rebooted the machine",
    ),
    "driver": ("printer", "graphics", "audio", "network", "webcam", "docking station"),
    "part": ("power supply", "docking station", "badge reader", "keyboard", "network card", "cable"),
    "setting": (
        "network settings",
        "mail profile",
        "browser settings",
        "calendar sharing",
        "display settings",
    ),
    "server": ("faster", "closer", "backup"),
    "amount": ("25", "40", "89", "120", "250"),
    "confirm": (
        "The user confirmed it works.",
        "Tested it twice and it is fine now.",
        "Will check in again on {day}.",
        "No errors since.",
        "Monitored it for a day with no further issues.",
        "The user is happy to close it.",
        "Checked with the team lead, all fine.",
        "Left a note in the knowledge base for next time.",
    ),
    "confirm_lower": ("the user confirmed it works.", "no errors since.", "working again."),
    "day": ("Monday", "Wednesday", "Friday"),
}
STATUSES = ("Open", "Open", "In Progress", "Resolved", "Closed")
NEW_STATUSES = ("In Progress", "On Hold", "Urgent", "Open")


def issue(rng: random.Random) -> tuple[str, str]:
    """(subject, fault) of one issue, slots filled."""
    subject = rng.choice(sorted(FAULTS))
    fault = rng.choice(FAULTS[subject])
    return _fill(rng, subject), fault


def _fill(rng: random.Random, text: str) -> str:
    for slot, choices in SLOTS.items():
        text = text.replace("{" + slot + "}", rng.choice(choices))
    return text


def _issues(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` issues about different subjects: (title, description)."""
    made: list[tuple[str, str]] = []
    for subject in rng.sample(sorted(FAULTS), count):
        name, fault = _fill(rng, subject), rng.choice(FAULTS[subject])
        detail = sentence(rng, DETAIL_GRAMMAR, "generic" if subject in SERVICES else "detail")
        made.append((f"{name} {fault}", f"{name} {fault}. {detail}"))
    return made


def scenario(rng: random.Random) -> dict[str, Any]:
    """A queue of up to four tickets (most by one owner; often empty), with the owner logged in or not."""
    owner, *colleagues = distinct(rng, username, 3)
    first = rng.choice([1, 1, 2, rng.randint(3, 60), rng.randint(100, 999), rng.randint(1000, 9999)])
    queue = []
    for offset, (title, text) in enumerate(_issues(rng, rng.choice([0, 0, 0, 1, 2, 3, 4]))):
        status = rng.choice(STATUSES)
        ticket = {
            "id": first + offset,
            "title": title,
            "description": text,
            "status": status,
            "priority": rng.randint(1, 5),
            "created_by": owner if rng.random() < 0.75 else rng.choice(colleagues),
        }
        if status == "Resolved":
            ticket["resolution"] = sentence(rng, NOTE_GRAMMAR, "note")
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
    return owners.most_common(1)[0][0] if owners else username(rng)


def new_title(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """An issue title no ticket in the queue has yet."""
    taken = {ticket.get("title") for ticket in _queue(domains).ticket_queue}
    while True:
        subject, fault = issue(rng)
        if f"{subject} {fault}" not in taken:
            return f"{subject} {fault}"


def description(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """A written description. Never taken from an earlier result: the description is optional, and
    a phrase that leaves out an optional argument would then hide where its value came from."""
    return sentence(rng, DETAIL_GRAMMAR, "generic")


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
        "ticket_login.password": lambda rng, domains: password(rng),
        "create_ticket.title": new_title,
        "create_ticket.description": description,
        "create_ticket.priority": lambda rng, domains: rng.randint(1, 5),
        "get_user_tickets.status": status_filter,
        "edit_ticket.updates": updates,
        "resolve_ticket.resolution": lambda rng, domains: sentence(rng, NOTE_GRAMMAR, "note"),
    },
    phrases=with_id_words(load_phrasebook("ticket"), "ticket", "ticket_id", "ticket {}"),
    senseless=senseless,
    topical=("create_ticket.title", "create_ticket.description", "resolve_ticket.resolution"),
)
