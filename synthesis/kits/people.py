"""Names, usernames, handles and passwords the kits draw, composed so conversations seldom share them.

Accounts are built the way people make them (a name with an initial, a hobby, a year), from pools of
first and last names, so "my username is r.okafor" differs from one conversation to the next.
"""

from __future__ import annotations

import random
from collections.abc import Callable

FIRST_NAMES = (
    "Amara", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kavya",
    "Lorenzo", "Mina", "Nikolai", "Olivia", "Pablo", "Quinn", "Rosa", "Sanjay", "Tess", "Umar",
    "Vera", "Wes", "Xiu", "Yara", "Zane", "Aiko", "Bruno", "Chloe", "Diego", "Esther", "Felix",
    "Hana", "Idris", "Julia", "Kofi", "Leah", "Mateo", "Nora", "Oskar", "Petra", "Rafael", "Sofia",
    "Tomas", "Uma", "Viktor", "Wren", "Yusuf",
)  # fmt: skip
LAST_NAMES = (
    "Okafor", "Lindqvist", "Moreau", "Tanaka", "Brennan", "Haddad", "Kowalski", "Delgado", "Nguyen",
    "Schreiber", "Mensah", "Rossi", "Iyer", "Fontaine", "Novak", "Castillo", "Whitfield", "Adeyemi",
    "Bauer", "Sato", "Quinlan", "Petrov", "Almeida", "Hughes", "Varga", "Eriksen", "Mbeki", "Larsen",
)  # fmt: skip
HOBBIES = (
    "runs", "bakes", "reads", "cycles", "codes", "paints", "hikes", "travels", "cooks", "sails",
    "knits", "climbs", "films", "writes", "gardens", "sketches", "surfs", "brews",
)  # fmt: skip
PASSWORD_WORDS = (
    "Harbor", "Maple", "Quartz", "Orchid", "Falcon", "Cobalt", "Juniper", "Tundra", "Saffron",
    "Granite", "Willow", "Ember", "Lagoon", "Meadow", "Pebble", "Comet", "Thistle", "Canyon",
)  # fmt: skip
SYMBOLS = ("!", "#", "$", "&", "_", "-", "@")


def full_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def username(rng: random.Random) -> str:
    """A login name like 'r.okafor', 'elena_m', 'jtanaka84' or 'sofia.brennan'."""
    first, last = (part.lower() for part in full_name(rng))
    return rng.choice(
        (
            f"{first[0]}.{last}",
            f"{first}_{last[0]}",
            f"{first[0]}{last}{rng.randint(10, 99)}",
            f"{first}.{last}",
            f"{last}{first[0]}",
        )
    )


def handle(rng: random.Random) -> str:
    """A social handle like 'nora_bakes', 'the_real_hugo' or 'kofi.paints'."""
    first = rng.choice(FIRST_NAMES).lower()
    return rng.choice(
        (
            f"{first}_{rng.choice(HOBBIES)}",
            f"{first}.{rng.choice(HOBBIES)}",
            f"{first}_{rng.choice(LAST_NAMES).lower()}",
            f"{first}_{rng.randint(80, 99)}",
        )
    )


def password(rng: random.Random) -> str:
    """A password like 'Quartz#418' or 'willow-Comet7'."""
    word, other = rng.sample(PASSWORD_WORDS, 2)
    symbol = rng.choice(SYMBOLS)
    return rng.choice(
        (
            f"{word}{symbol}{rng.randint(10, 999)}",
            f"{word.lower()}{symbol}{other}{rng.randint(1, 9)}",
            f"{word[:3].lower()}{rng.randint(100, 9999)}{symbol}",
        )
    )


def distinct(rng: random.Random, make: Callable[[random.Random], str], count: int) -> list[str]:
    """`count` different values of `make(rng)`."""
    made: list[str] = []
    while len(made) < count:
        value = make(rng)
        if value not in made:
            made.append(value)
    return made
