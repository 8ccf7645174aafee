"""Synthesis kit for messaging: varied workspaces (people, an inbox, logged in or not) and what a user says.

A user knows people by name, never by their 'USR' id: ids reach send_message, delete_message and
message_login only from results that showed them (get_user_id, add_contact, search_messages,
view_messages_sent). The one exception is the user's own id when logging in, which people state as
they state a password ("log in as USR003", as BFCL's users do); the login maker does so most of the
time and otherwise leaves the id to be looked up by name. Every inbox message has its own topic word,
so searching for it finds one message, which a user can then point at.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any, cast

from funreason_envs.domains.base import Domain
from funreason_envs.domains.message import Messaging
from funreason_envs.synthesis.kits import DomainKit, load_phrasebook

PEOPLE = (
    "Alice",
    "Bob",
    "Catherine",
    "Daniel",
    "Eve",
    "Frank",
    "Grace",
    "Hiro",
    "Isabel",
    "Jamal",
    "Keiko",
    "Liam",
    "Maria",
    "Noah",
    "Priya",
    "John Levy",
)
# topic word -> an inbox message about it; the word occurs in that message only.
INBOX_TOPICS = {
    "upload": "Could you upload the file?",
    "lunch": "Lunch at noon on Friday?",
    "budget": "The budget report is ready for review.",
    "slides": "Please check the slides before the meeting.",
    "maintenance": "Reminder: server maintenance starts at 9.",
    "birthday": "Happy birthday! There is cake in the kitchen.",
    "invoice": "Can you send me the invoice numbers?",
    "client": "The client call moved to Thursday.",
    "parcel": "Your parcel arrived at the front desk.",
    "photo": "Don't forget the team photo tomorrow.",
}
NEW_MESSAGES = (
    "Running ten minutes late.",
    "Thanks for the quick reply!",
    "Can we move our catch-up to 3 PM?",
    "The draft is in the shared folder.",
    "Great job on the demo today.",
    "Latest quarter performance has been well.",
    "Please call me when you are free.",
    "The meeting room is booked for Monday.",
)
LOGGED_IN_SHARE = 0.2
ACCOUNT_HOLDERS = 3  # the first users of a scenario are the ones who log in
STATED_LOGIN_SHARE = 0.2


def _user_id(number: int) -> str:
    return "USR" + str(number).zfill(3)


def scenario(rng: random.Random) -> dict[str, Any]:
    """3-7 people with consecutive ids, 0-5 inbox messages on distinct topics to people other than
    whoever is logged in (or nobody is)."""
    names = rng.sample(PEOPLE, rng.randint(3, 7))
    user_map = {name: _user_id(number) for number, name in enumerate(names, start=1)}
    ids = list(user_map.values())
    current = rng.choice(ids[:ACCOUNT_HOLDERS]) if rng.random() < LOGGED_IN_SHARE else None
    others = [uid for uid in ids if uid != current]
    topics = rng.sample(sorted(INBOX_TOPICS), rng.choice((0, 1, 2, 3, 3, 4, 5)))
    inbox = [{rng.choice(others): INBOX_TOPICS[topic]} for topic in topics]
    return {
        "random_seed": rng.randrange(10**6),
        "user_count": len(user_map),
        "user_map": user_map,
        "inbox": inbox,
        "message_count": len(inbox),
        "current_user": current,
    }


def _workspace(domains: Mapping[str, Domain]) -> Messaging:
    return cast(Messaging, domains["message"])


def _receivers(workspace: Messaging) -> set[str]:
    return {receiver for entry in workspace.inbox for receiver in entry}


def person(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """Someone to look up. Logged out, the look-up is most likely for logging in, so an account holder
    the inbox holds nothing for; logged in, half of the time someone with a message (it can go)."""
    workspace = _workspace(domains)
    addressed = _receivers(workspace)
    if workspace.current_user is None:
        holders = _holders(workspace)
        return rng.choice([name for name in holders if workspace.user_map[name] not in addressed] or holders)
    others = [name for name, uid in workspace.user_map.items() if uid != workspace.current_user]
    with_mail = [name for name in others if workspace.user_map[name] in addressed]
    return rng.choice(with_mail if with_mail and rng.random() < 0.5 else others)


def _holders(workspace: Messaging) -> list[str]:
    """Names of the people who may log in: the scenario's first few users (never a contact added later)."""
    return list(workspace.user_map)[:ACCOUNT_HOLDERS]


def newcomer(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """A name not in the workspace yet."""
    taken = _workspace(domains).user_map
    return rng.choice([name for name in PEOPLE if name not in taken] or ["Zoe Hart"])


def own_id(rng: random.Random, domains: Mapping[str, Domain]) -> str | None:
    """The id a user logs in with, stated by them; None at times, so it is looked up by name instead."""
    if rng.random() >= STATED_LOGIN_SHARE:
        return None
    workspace = _workspace(domains)
    return workspace.user_map[rng.choice(_holders(workspace))]


def topic_word(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """A word that finds one inbox message (any topic word when the inbox is empty)."""
    texts = {text for entry in _workspace(domains).inbox for text in entry.values()}
    present = [word for word, text in INBOX_TOPICS.items() if text in texts]
    return rng.choice(present or sorted(INBOX_TOPICS))


KIT = DomainKit(
    domain="message",
    scenario=scenario,
    values={
        "message_user_name": person,
        "get_user_id.user": person,
        "add_contact.user_name": newcomer,
        "message_login.user_id": own_id,
        "search_text": topic_word,
        "text": lambda rng, domains: rng.choice(NEW_MESSAGES),
    },
    phrases=load_phrasebook("message"),
)
