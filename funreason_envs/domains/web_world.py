"""A fictional world drawn from a seed: countries, cities, people, companies and events, and how they link.

Every entity has a unique made-up name and a few facts; relations (a company's founder, a person's
birthplace, an event's host city) point at other entities by key. `web_pages` renders the world as
pages and `web_tasks` walks its relations to build multi-hop questions. Same seed, same world.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

ONSETS = (
    "b",
    "br",
    "c",
    "d",
    "dr",
    "f",
    "g",
    "h",
    "k",
    "kr",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "th",
    "v",
    "z",
)
VOWELS = ("a", "e", "i", "o", "u", "ae", "ai", "ou", "y")
CODAS = ("", "", "n", "r", "l", "s", "th", "m", "nd", "rk", "x", "v")
CITY_ENDINGS = ("ford", "haven", "mere", "holt", "stad", "ora", "ville", "port", "wick", "grad")
COMPANY_KINDS = (
    ("Dynamics", "robotics", "industrial robots"),
    ("Foods", "food processing", "canned soups"),
    ("Labs", "biotechnology", "enzyme kits"),
    ("Motors", "automotive", "electric vans"),
    ("Textiles", "textiles", "weatherproof fabric"),
    ("Analytics", "software", "forecasting software"),
    ("Shipping", "logistics", "container shipping"),
    ("Energy", "energy", "tidal turbines"),
    ("Optics", "optics", "telescope lenses"),
    ("Press", "publishing", "school textbooks"),
)
OCCUPATIONS = ("engineer", "economist", "architect", "chemist", "novelist", "physician", "historian", "pilot")
EVENT_KINDS = ("Summit", "Festival", "Expo", "Marathon", "Conference", "Fair", "Regatta", "Symposium")

COUNTRY_COUNT = 8
CITY_COUNT = 80
PERSON_COUNT = 700
COMPANY_COUNT = 260
EVENT_COUNT = 220


@dataclass
class Entity:
    """One thing in the world: its kind ("person", "company", ...), unique name, facts and relations."""

    key: str
    kind: str
    name: str
    facts: dict[str, int | str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # relation -> key of another entity


@dataclass
class World:
    """All entities by key, in creation order, and the seed they came from."""

    seed: int
    entities: dict[str, Entity]

    def of_kind(self, kind: str) -> list[Entity]:
        return [entity for entity in self.entities.values() if entity.kind == kind]

    def linked(self, entity: Entity, relation: str) -> Entity:
        return self.entities[entity.links[relation]]


class _Names:
    """Unique pronounceable names from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def word(self, syllables: int) -> str:
        parts = [self.rng.choice(ONSETS) + self.rng.choice(VOWELS) for _ in range(syllables)]
        return ("".join(parts) + self.rng.choice(CODAS)).capitalize()

    def unique(self, make: Callable[[], str]) -> str:
        while True:
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name


@lru_cache(maxsize=4)
def build_world(seed: int = 0) -> World:
    """The world of `seed` (cached: every env with that seed shares one, never mutated)."""
    rng = random.Random(f"web-world-{seed}")
    names = _Names(rng)
    entities: dict[str, Entity] = {}
    counts: dict[str, int] = {}

    def add(kind: str, name: str, facts: dict[str, int | str]) -> Entity:
        counts[kind] = counts.get(kind, 0) + 1
        entity = Entity(f"{kind}:{counts[kind] - 1}", kind, name, facts)
        entities[entity.key] = entity
        return entity

    countries = [add("country", names.unique(lambda: names.word(2) + "ia"), {}) for _ in range(COUNTRY_COUNT)]
    for country in countries:
        country.facts = {"population": rng.randrange(2_000_000, 90_000_000, 1000)}
    cities = []
    for _ in range(CITY_COUNT):
        name = names.unique(lambda: names.word(rng.choice((1, 2))) + rng.choice(CITY_ENDINGS))
        city = add(
            "city",
            name,
            {"population": rng.randrange(12_000, 3_000_000, 10), "founded": rng.randrange(880, 1890)},
        )
        city.links["country"] = rng.choice(countries).key
        cities.append(city)
    surnames = [names.word(rng.choice((2, 3))) for _ in range(PERSON_COUNT // 3)]
    people = []
    for _ in range(PERSON_COUNT):
        name = names.unique(lambda: f"{names.word(rng.choice((1, 2)))} {rng.choice(surnames)}")
        person = add(
            "person", name, {"born": rng.randrange(1931, 1996), "occupation": rng.choice(OCCUPATIONS)}
        )
        person.links["birthplace"] = rng.choice(cities).key
        people.append(person)
    stems = [names.word(rng.choice((2, 3))) for _ in range(COMPANY_COUNT // 2)]
    companies = []
    for _ in range(COMPANY_COUNT):
        name = names.unique(lambda: f"{rng.choice(stems)} {rng.choice(COMPANY_KINDS)[0]}")
        suffix = name.rsplit(" ", 1)[1]
        industry, product = next((i, p) for s, i, p in COMPANY_KINDS if s == suffix)
        company = add(
            "company",
            name,
            {
                "founded": rng.randrange(1950, 2020),
                "employees": rng.randrange(40, 60_000),
                "industry": industry,
                "product": product,
            },
        )
        staff = int(company.facts["employees"])
        company.facts["former_employees"] = max(10, int(staff * rng.uniform(0.5, 0.9)))  # a stale figure
        company.links["founder"] = rng.choice(people).key
        company.links["ceo"] = rng.choice(people).key
        company.links["former_ceo"] = rng.choice(people).key
        company.links["headquarters"] = rng.choice(cities).key
        companies.append(company)
    for person in people:
        person.links["employer"] = rng.choice(companies).key
    for city in cities:
        city.links["mayor"] = rng.choice(people).key
    for _ in range(EVENT_COUNT):
        name = names.unique(lambda: f"{names.word(2)} {rng.choice(EVENT_KINDS)}")
        event = add(
            "event", name, {"year": rng.randrange(1975, 2026), "attendance": rng.randrange(300, 120_000, 10)}
        )
        event.links["host_city"] = rng.choice(cities).key
        event.links["organizer"] = rng.choice(companies).key
        event.links["keynote"] = rng.choice(people).key
    return World(seed, entities)
