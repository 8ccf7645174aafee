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
from funreason_envs.synthesis.kits.grammar import Grammar, sentence

PEOPLE = (
    "Alice", "Bob", "Catherine", "Daniel", "Eve", "Frank", "Grace", "Hiro", "Isabel", "Jamal", "Keiko",
    "Liam", "Maria", "Noah", "Priya", "John Levy", "Amara", "Benedikt", "Carla", "Dmitri", "Elena",
    "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kavya", "Lorenzo", "Mina", "Olivia", "Pablo", "Rosa",
    "Sanjay", "Tess", "Umar", "Vera", "Wes", "Yara", "Zane", "Aunt Lydia", "Coach Miller", "Nadia", "Oskar",
)  # fmt: skip
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
    "flights": "I found cheaper flights for the conference, shall I book?",
    "recipe": "Here is the recipe for that lemon tart you liked.",
    "rent": "Just a reminder that rent is due on the first.",
    "vaccine": "The vet says the puppy needs one more vaccine next week.",
    "carpool": "Can I join the carpool on Monday? My car is at the garage.",
    "playlist": "Made a playlist for the road trip, tell me what you think.",
    "dentist": "Your dentist appointment was moved to 3:40 on Tuesday.",
    "tournament": "The chess tournament starts at 10, bring your own clock.",
    "volunteers": "We still need two volunteers for the bake sale.",
    "wifi": "The new wifi password is on the fridge.",
    "quarterly": "The quarterly review is pushed to next month.",
    "babysitter": "The babysitter can only stay until nine tonight.",
    "mortgage": "The bank sent the new mortgage terms, have a look.",
    "rehearsal": "Rehearsal is in the church hall this Thursday.",
}
# What a user writes to someone: situation parts (what happened, to what, when, what they ask), so
# messages seldom repeat; `_new_message` drops any that contains an inbox topic word.
MESSAGE_GRAMMAR: Grammar = {
    "message": (
        "{news} {ask}",
        "{news}",
        "{opener} {news}",
        "{ask}",
        "{opener} {ask}",
        "{news} {sign_off}",
        "{ask} {sign_off}",
        "{plan}",
        "{plan} {sign_off}",
    ),
    "opener": (
        "Hi!",
        "Morning!",
        "Sorry for the late reply.",
        "Hope your week is going well.",
        "Hello again!",
    ),
    "sign_off": (
        "Thanks!",
        "Talk soon.",
        "Cheers.",
        "No rush.",
        "Let me know.",
        "Thanks a lot!",
        "See you then.",
    ),
    "news": (
        "{paper} {paper_past} {when}.",
        "{paper} {paper_state}.",
        "{device} {device_past} {when}.",
        "{device} {device_state}.",
        "{event} {event_happened}, so {consequence}.",
        "I {did} {when}.",
        "{person_cap} says {event_lower} {event_happened}.",
        "I'm running {minutes} minutes late, {delay}.",
    ),
    "ask": (
        "Could you {request} {deadline}?",
        "Can you {request_dated}?",
        "Could you {request_dated}?",
        "Would you mind if we {change}?",
        "Any chance you could {request} {deadline}?",
        "Please {request} {deadline}.",
        "Do you still have {object}?",
        "Are you free to {meet} {day}?",
    ),
    "plan": (
        "Let's {meet} {day} at {time}.",
        "I booked {place} for {day} at {time}.",
        "{person_cap} and I will {meet} {day}, join us if you can.",
        "Shall we {meet} {day} instead of {other_day}?",
    ),
    "paper": (
        "The contract",
        "The quarterly report",
        "The lease",
        "The grant application",
        "The draft proposal",
    ),
    "paper_past": ("came back with a few comments", "was signed", "went out", "got approved"),
    "paper_state": (
        "is finally signed",
        "needs one more signature",
        "is on your desk",
        "still has a typo on page two",
    ),
    "device": (
        "The projector in room {room}",
        "The coffee machine",
        "My car",
        "The office heating",
        "The new laptop",
    ),
    "device_past": ("got fixed", "made a strange noise", "arrived", "stopped working"),
    "device_state": ("is broken again", "is working again", "is back from the repair shop"),
    "event": ("The team offsite", "The workshop", "Our dinner", "The school trip", "The training session"),
    "event_lower": (
        "the team offsite",
        "the workshop",
        "our dinner",
        "the school trip",
        "the training session",
    ),
    "event_happened": ("was moved to {day}", "got cancelled", "is fully booked", "starts an hour later"),
    "when": (
        "this morning",
        "an hour ago",
        "yesterday evening",
        "just now",
        "on {day}",
        "after lunch",
        "before the weekend",
        "last night",
    ),
    "did": (
        "sent the draft to {person}",
        "left the keys at reception",
        "finished the first chapter",
        "fixed the broken link on the website",
        "moved our call",
        "printed the handouts",
        "paid the deposit for the venue",
        "spoke to {person} about the schedule",
        "dropped the samples at the lab",
        "filed the expense report",
    ),
    "delay": (
        "the bus broke down",
        "traffic is terrible",
        "the meeting before ran over",
        "I missed my train",
        "the school run took forever",
        "it's snowing hard here",
    ),
    "consequence": (
        "we need a new plan",
        "I'll update the calendar",
        "let me know if you can still come",
        "the deadline moves by a day",
        "I'll ask for a refund",
    ),
    "request": (
        "send me the {document}",
        "check the {document} for typos",
        "call me back",
        "pick up the keys from reception",
        "save me a seat",
        "sign the {document}",
        "forward this to {person}",
        "bring the spare charger",
        "share the {document} with the team",
        "look over the {document}",
    ),
    "request_dated": (
        "feed the cat while I'm away next week",
        "water the plants on {day}",
        "cover my shift on {day}",
        "book a table for {number} on {day}",
        "pick me up from the station at {time}",
        "send me the {document} right now",
    ),
    "document": (
        "agenda",
        "meeting notes",
        "floor plan",
        "lease agreement",
        "packing list",
        "seating chart",
        "draft proposal",
        "new schedule",
        "training plan",
        "press release",
        "menu",
    ),
    "change": (
        "moved our catch-up to {time}",
        "pushed the review to {day}",
        "met at the café instead",
        "skipped this week's sync",
        "started half an hour earlier",
        "did the call by phone",
    ),
    "object": (
        "my umbrella",
        "the spare charger",
        "the extension cord",
        "the blue folder",
        "the tent we borrowed",
        "the key to the storage room",
        "my copy of the manual",
    ),
    "meet": (
        "grab coffee",
        "meet",
        "go for a run",
        "have dinner",
        "catch up",
        "go over the numbers",
        "walk the dog",
    ),
    "place": (
        "the meeting room",
        "a table at Luigi's",
        "the tennis court",
        "a desk by the window",
        "the van",
    ),
    "person": (
        "Mom",
        "my brother",
        "the landlord",
        "our manager",
        "the plumber",
        "Coach Reyes",
        "Doctor Patel",
    ),
    "person_cap": ("Mom", "My brother", "Our manager", "Coach Reyes", "Doctor Patel", "Nadia"),
    "day": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "tomorrow"),
    "other_day": ("Monday", "Wednesday", "Friday", "next week"),
    "time": ("8:30", "10", "noon", "half past two", "4 PM", "six", "7:15"),
    "deadline": (
        "by {day}",
        "before {time}",
        "today",
        "when you get a chance",
        "before the weekend",
        "by end of day",
    ),
    "minutes": ("five", "ten", "fifteen", "twenty"),
    "room": ("2", "4B", "12", "301"),
    "number": ("two", "four", "six", "eight"),
}
LOGGED_IN_SHARE = 0.2
ACCOUNT_HOLDERS = 2  # the first people of a workspace log in; the others are whom they write to
LISTED_NAME_RATE = 0.4  # share of people to write to left open for a name an earlier listing showed


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


def person(rng: random.Random, domains: Mapping[str, Domain]) -> str | None:
    """Someone to write to: half of the time a person the inbox holds a message for (it can be deleted);
    sometimes None, so the sampler can take a name an earlier listing showed ("the third name on the user
    list you showed me")."""
    if rng.random() < LISTED_NAME_RATE:
        return None
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


def new_message(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """A message a user writes, composed from the grammar; never one holding an inbox topic word, so
    a search for that word still finds one message."""
    while True:
        text = sentence(rng, MESSAGE_GRAMMAR, "message")
        if not any(topic in text.lower() for topic in INBOX_TOPICS):  # the search matches substrings
            return text


KIT = DomainKit(
    domain="message",
    scenario=scenario,
    values={
        "message_user_name": person,
        "get_user_id.user": person,
        "add_contact.user_name": newcomer,
        "message_login.user_id": own_id,
        "search_text": topic_word,
        "text": new_message,
    },
    phrases=load_phrasebook("message"),
)
