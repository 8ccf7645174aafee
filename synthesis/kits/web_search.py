"""What agentic synthesis knows about the offline web: which walks make a research turn, and how to say them.

A research turn is a walk along the encyclopedia's links toward one fact (as `funreason:web_search`
builds its questions): from a named entity through one to three relations to the entity whose fact is
asked. Phase 1 runs the walk's search and fetches for real; this module picks walks, words the
outcome-only question, and quotes the sentence of a fetched page that justifies each hop.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from funreason_envs.domains.web_pages import build_web, number, slug, wiki_url
from funreason_envs.domains.web_world import Entity
from funreason_envs.tasks.web_tasks import ASKS, findable, walk_links
from funreason_envs.tasks.web_tasks import Step as Hop

_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
FACT_WORDS = {  # fact -> how a note or a recall question names it ("{x}": the entity)
    "born": "the birth year of {x}",
    "founded": "the founding year of {x}",
    "employees": "the headcount of {x}",
    "population": "the population of {x}",
    "attendance": "the attendance of the first {x}",
}
YEARS = ("born", "founded")
RELATION_WORDS = {  # relation -> ways to say it; "{x}" is where it starts (a name only in the third form)
    "founder": ("the founder of {x}", "the person who founded {x}", "{x}'s founder"),
    "ceo": ("the current chief executive of {x}", "the current head of {x}", "{x}'s current CEO"),
    "headquarters": ("the city where {x} is headquartered", "the home city of {x}", "{x}'s home city"),
    "birthplace": ("the birthplace of {x}", "the home town of {x}", "{x}'s birthplace"),
    "employer": ("the employer of {x}", "the company that employs {x}", "{x}'s employer"),
    "mayor": ("the mayor of {x}", "the current mayor of {x}", "{x}'s current mayor"),
    "country": ("the country of {x}", "the country that contains {x}", "{x}'s country"),
    "host_city": ("the city where the {x} was first held", "the city that hosted the first {x}",
                  "the first {x}'s host city"),
    "organizer": ("the organiser of the {x}", "the company behind the {x}", "the {x}'s organiser"),
    "keynote": ("the keynote speaker at the first {x}", "the person who gave the keynote at the first {x}",
                "the first {x}'s keynote speaker"),
}  # fmt: skip
ASK_WORDS = {  # fact -> questions asking for it; "{x}" is the entity the walk ends on
    "born": ("In what year was {x} born?", "What year was {x} born in?",
             "When was {x} born? The year is enough."),
    "founded": ("In what year was {x} founded?", "When was {x} founded?",
                "What is the founding year of {x}?"),
    "employees": ("How many people does {x} employ today?", "What is the current headcount of {x}?",
                  "How many employees does {x} have now?"),
    "population": ("What is the current population of {x}?", "How many people live in {x}?",
                   "What's the population of {x} these days?"),
    "attendance": ("How many attendees did the first {x} draw?", "How many people came to the first {x}?",
                   "What was the attendance at the first {x}?"),
}  # fmt: skip
BACKSTORIES = (
    "I'm writing a report and need a fact checked.",
    "A friend and I disagree about something and I want to settle it.",
    "I'm preparing questions for a quiz night.",
)


@dataclass(frozen=True)
class Research:
    """A walk to one fact: entities along the links, the relations taken, the fact and its question."""

    path: tuple[Entity, ...]
    relations: tuple[Hop, ...]  # relations[i] leads from path[i] to path[i + 1]
    fact: str
    question: str

    @property
    def target(self) -> Entity:
        return self.path[-1]

    @property
    def value(self) -> str:
        """The fact as the encyclopedia writes it: counts with separators ("2,492,900"), years without."""
        value = self.target.facts[self.fact]
        return str(value) if self.fact in YEARS else number(value)

    @property
    def topic(self) -> str:
        """How a note about the fact is named in words ("the population of Hygaeville")."""
        return FACT_WORDS[self.fact].format(x=self.target.name)

    @property
    def key(self) -> str:
        """The snake_case memory key a note of the fact is kept under ("hygaeville_population")."""
        words = re.sub(r"[^a-z0-9]+", "_", f"{slug(self.target.name)}_{self.fact}".lower()).strip("_")
        return words if re.match(r"^[a-z]", words) else f"fact_{words}"


def pick_research(
    seed: int, rng: random.Random, start: Entity | None = None, tries: int = 40
) -> Research | None:
    """A walk of 2-4 articles from `start` (or from a findable entity), None if none fits in `tries`."""
    world = build_web(seed).world
    starts = [entity for entity in world.entities.values() if entity.kind != "country"]
    for _ in range(tries):
        origin = start or rng.choice(starts)
        hops = rng.randint(2, 3) if start is not None else rng.randint(2, 4)
        walk = walk_links(world, origin, hops, rng)
        if walk is None or (start is None and not findable(walk[0][0], seed)):
            continue
        return _research(walk, rng)
    return None


def _research(walk: list[tuple[Entity, Hop]], rng: random.Random) -> Research:
    subject = walk[0][0].name
    for position, (_, step) in enumerate(walk[:-1]):
        forms = RELATION_WORDS[step.relation]
        subject = rng.choice(forms if position == 0 else forms[:2]).format(
            x=subject
        )  # "x's" reads oddly nested
    fact, _ = rng.choice(ASKS[walk[-1][0].kind])
    text = rng.choice(ASK_WORDS[fact]).format(x=subject)
    return Research(
        path=tuple(entity for entity, _ in walk),
        relations=tuple(step for _, step in walk[:-1]),
        fact=fact,
        question=text[0].upper() + text[1:],
    )


def article(entity: Entity) -> str:
    """The address of an entity's encyclopedia article: the pages a research walk reads."""
    return wiki_url(entity)


def quote(content: str, needle: str) -> str | None:
    """The sentence of a fetched Markdown page that holds `needle` (a link or a figure), links as text."""
    for line in content.splitlines():
        if needle not in line:
            continue
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line):
            if needle in sentence:
                return _LINK.sub(r"\1", sentence).strip()
    return None
