"""Interchangeable wordings a user turn may take, so the same goal is not always said the same way.

Each entry lists phrases that mean the same thing in a request; one of them replaces another at random.
Only words outside quoted and bare values (ids, handles, file names) are touched, and only swaps that
keep the tool's meaning (never write for print, never rename for move).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

GROUPS: tuple[tuple[str, ...], ...] = (
    ("show me", "let me see", "pull up", "bring up"),  # not "display": it is also a noun (the log display)
    ("tell me", "let me know", "find out for me"),
    ("give me", "get me", "hand me"),
    ("check whether", "double-check whether", "look into whether", "verify whether", "see whether"),
    ("check the", "double-check the", "look into the", "verify the"),
    ("delete", "remove", "get rid of", "erase"),
    ("create", "set up"),
    ("work out", "calculate", "compute", "figure out"),
    ("list the", "give me a list of the", "go through the"),
    ("list my", "give me a list of my", "go through my"),
    ("find out", "check", "see"),  # before "find": never "look up out whether"
    ("find", "look up", "locate"),
    ("search", "look through", "dig through"),
    ("the latest", "the newest", "the most recent"),
    ("right now", "straight away", "as soon as you can"),  # not bare "now": "where we are now"
    ("my account", "my profile"),
    ("for me", "on my behalf"),
    ("update", "change", "edit"),
    ("book a", "reserve a"),
    ("book me", "reserve me"),
    ("cancel", "call off"),
    ("I need you to", "I want you to", "I'd need you to", "I'm asking you to"),
    ("Could you", "Would you be able to", "Could you possibly"),
    ("Can you", "Are you able to", "Can you quickly"),
    ("After that", "Afterwards", "Later on", "Right after", "Following that"),
    ("Once that's done", "When that's finished", "As soon as that's through", "Once it's done"),
    ("Thanks for that", "Thank you for that", "Much appreciated", "Cheers for that"),
    ("Okay, good", "Alright, good", "Nice", "Good stuff"),
    ("Great", "Brilliant", "Lovely", "Excellent"),
    ("largest of", "biggest of", "highest of"),
    ("smallest of", "lowest of"),
    ("charged to", "billed to", "put on"),
    ("heading to", "bound for"),
    ("departing from", "leaving from", "flying out of"),
    ("so I can", "so that I can"),
    ("I think", "I believe", "I reckon"),
    ("honestly", "to be honest", "frankly"),
    ("by the way", "incidentally"),
    ("this morning", "earlier today"),
    ("I'd like you to", "I would like you to", "I'd love for you to"),
    ("the result of", "the answer to"),
    ("what's left", "what remains"),
    ("a lot", "loads"),
    ("a bit", "slightly"),  # never "a little": "a little while ago"
    ("my manager", "my boss", "my line manager"),
    ("seated in", "booked in", "travelling in"),
    ("priced at", "costing", "at a price of"),
    ("the plan called", "the plan named", "the policy called"),
    ("with the number set to", "with the card number", "numbered"),
    ("the expiry set to", "the expiry date", "expiring"),
    ("how far it is", "what the distance is", "how long the drive is"),
    ("after that", "afterwards", "following that"),
    ("I'd like to", "I want to", "I'd love to"),
    ("make sure", "ensure"),
    ("the whole", "the entire"),
    ("keep an eye on", "keep tabs on", "watch"),
    ("I'm not sure", "I'm unsure", "I don't know"),
    ("before I forget", "while I remember"),
    ("by hand", "manually"),
    ("at the moment", "currently"),
    ("to be safe", "to be on the safe side", "just to be sure"),
)
SYNONYM_RATE = 0.6
# A phrase is only a phrase when it is not part of a bare value (#update, notes.txt, check-in, @amy).
BEFORE = r"(?<![\w'#@./-])"
AFTER = r"(?![\w'#@/-]|\.\w)"
OBJECT_PRONOUN = re.compile(r" (?:me|it|them|us|him|her)\b")
QUOTED = re.compile(r"((?<!\w)'[^']*'(?!\w)|\"[^\"]*\")")


def _alternatives() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """One pattern over every phrase (longest first), so a swapped-in phrase is never swapped again."""
    groups = {phrase: group for group in GROUPS for phrase in group}
    ordered = sorted(groups, key=len, reverse=True)
    pattern = re.compile(BEFORE + "(" + "|".join(re.escape(p) for p in ordered) + ")" + AFTER)
    return pattern, groups


PATTERN, GROUP_OF = _alternatives()


def vary(text: str, rng: random.Random) -> str:
    """The text with some phrases swapped for an equivalent one (quoted values untouched)."""
    parts = QUOTED.split(text)
    for index in range(0, len(parts), 2):
        parts[index] = PATTERN.sub(_swapper(rng), parts[index])
    return "".join(parts)


def _swapper(rng: random.Random) -> Callable[[re.Match[str]], str]:
    def swap(match: re.Match[str]) -> str:
        found = match.group(0)
        if rng.random() >= SYNONYM_RATE or OBJECT_PRONOUN.match(match.string, match.end()):
            return found  # "find me the shop" must not become "look up me the shop"
        return rng.choice(GROUP_OF[found])

    return swap
