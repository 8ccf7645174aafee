"""Synthesis kit for messaging: varied workspaces (people, an inbox, logged in or not) and what a user says.

A user knows people by name, never by their 'USR' id: ids reach send_message and delete_message only
from results that showed them (get_user_id, add_contact, search_messages, view_messages_sent). The one
id a user states is their own, when logging in, as they would state a password ("log in as USR002",
as BFCL's users do). The first two people of a workspace are the account holders who log in; everyone
else is whom they write to, look up and delete messages for, so nobody messages themselves. Every
inbox message has its own topic word, so searching for it finds one message a user can point at.
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
    "I left the signed contract on your desk.",
    "Could you review my slides before Thursday?",
    "The client wants to push the launch by a week.",
    "Lunch is on me if we finish early.",
    "Do you still have the spare charger?",
    "The server maintenance starts at midnight.",
    "Please send me the final numbers by Friday.",
    "I will cover your shift on Saturday.",
    "The printer on the third floor is fixed.",
    "Remember to book the room for the workshop.",
    "Happy birthday! Cake is in the kitchen.",
    "Can you forward me the address of the supplier?",
    "Parking is closed tomorrow, take the bus.",
    "The new hire starts on Monday morning.",
)
LOGGED_IN_SHARE = 0.2
ACCOUNT_HOLDERS = 2  # the first people of a workspace log in; the others are whom they write to


def _user_id(number: int) -> str:
    return "USR" + str(number).zfill(3)


def scenario(rng: random.Random) -> dict[str, Any]:
    """4-7 people with consecutive ids, an account holder logged in one time in five, and 0-5 inbox
    messages on distinct topics, each to one of the people who are not account holders."""
    names = rng.sample(PEOPLE, rng.randint(4, 7))
    user_map = {name: _user_id(number) for number, name in enumerate(names, start=1)}
    ids = list(user_map.values())
    topics = rng.sample(sorted(INBOX_TOPICS), rng.choice((0, 1, 2, 3, 3, 4, 5)))
    inbox = [{rng.choice(ids[ACCOUNT_HOLDERS:]): INBOX_TOPICS[topic]} for topic in topics]
    return {
        "random_seed": rng.randrange(10**6),
        "user_count": len(user_map),
        "user_map": user_map,
        "inbox": inbox,
        "message_count": len(inbox),
        "current_user": rng.choice(ids[:ACCOUNT_HOLDERS]) if rng.random() < LOGGED_IN_SHARE else None,
    }


def _workspace(domains: Mapping[str, Domain]) -> Messaging:
    return cast(Messaging, domains["message"])


def _receivers(workspace: Messaging) -> set[str]:
    return {receiver for entry in workspace.inbox for receiver in entry}


def _people(workspace: Messaging) -> list[str]:
    """Names of the people an account holder writes to: everyone after the holders, contacts included."""
    return list(workspace.user_map)[ACCOUNT_HOLDERS:]


def person(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """Someone to write to: half of the time a person the inbox holds a message for (it can be deleted)."""
    workspace = _workspace(domains)
    addressed = _receivers(workspace)
    people = _people(workspace)
    with_mail = [name for name in people if workspace.user_map[name] in addressed]
    return rng.choice(with_mail if with_mail and rng.random() < 0.5 else people)


def newcomer(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """A name not in the workspace yet."""
    taken = _workspace(domains).user_map
    return rng.choice([name for name in PEOPLE if name not in taken] or ["Zoe Hart"])


def own_id(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """The id an account holder logs in with, which they state themselves."""
    return rng.choice(list(_workspace(domains).user_map.values())[:ACCOUNT_HOLDERS])


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
