"""Who the user of one conversation is: a name, a line of work and a backstory, drawn once per sample.

The backstory comes from the phrasebooks of the conversation's domains (`backstories`); a domain
without one gets a plain line built from its spec's title, so personas never depend on hand-written text.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from funreason_envs.synthesis.kits import DomainKit

FIRST_NAMES = (
    "Amara", "Ben", "Chiara", "Dev", "Elif", "Farah", "Gus", "Hana", "Ivo", "Jonas", "Kemi", "Leo",
    "Mina", "Noor", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tomás", "Uma", "Vik", "Wen", "Yara",
    "Aiko", "Bruno", "Carmen", "Dmitri", "Esther", "Felix", "Greta", "Hugo", "Imani", "Jae", "Kofi", "Lucía",
    "Bashir", "Camille", "Diego", "Emeka", "Freya", "Gabriel", "Katya", "Luca", "Mateo", "Olu", "Paloma",
    "Ravi", "Sofia", "Theo", "Valentina", "Wiktor", "Yusuf", "Zeynep", "Malik", "Astrid", "Rohan", "Selin",
)  # fmt: skip
OCCUPATIONS = (
    "a nurse on night shifts", "a high-school teacher", "a freelance designer", "a junior accountant",
    "a graduate student", "a small-business owner", "a software tester", "a project manager",
    "a retired engineer", "a sales rep who travels a lot", "a lab technician", "a journalist",
    "a restaurant manager", "a physiotherapist", "an architect", "a data analyst",
    "a paramedic", "a bookshop owner", "a civil servant", "a wedding photographer", "a pharmacist",
    "a university lecturer", "a plumber who runs his own business", "a translator", "a museum guide",
    "an HR coordinator", "a veterinary nurse", "a bus driver", "a dental hygienist", "a school librarian",
    "a logistics coordinator", "a sous-chef", "a marine biologist", "a hotel receptionist", "a tax adviser",
    "a midwife", "an electrician", "a florist", "a flight attendant", "a social worker", "a carpenter",
    "a radio producer", "a yoga instructor", "a court interpreter", "a warehouse supervisor",
    "a chemistry PhD student", "a retired schoolteacher", "a startup founder", "a gardener",
)  # fmt: skip
INTRODUCTIONS = (
    "I'm {name}, {occupation}, and {backstory}.",
    "Hi, {name} here. I work as {occupation}, and {backstory}.",
    "As {occupation}, I don't have much time: {backstory}.",
    "My name is {name}; {backstory}.",
    "I'm {occupation}, and {backstory}.",
    "{Backstory}, so bear with me.",
    "Quick background: I'm {name}, and {backstory}.",
    "{name} here, {occupation}. {Backstory}.",
    "Some context: {backstory}.",
    "Hello! I'm {name}. {Backstory}, and I could use a hand.",
    "I work as {occupation}; {backstory}.",
    "{name} speaking. {Backstory}.",
    "Hey there, it's {name}. {Backstory}, so I'm leaning on you today.",
    "Long story short, {backstory}.",
    "I'm {name} and I work as {occupation}. {Backstory}.",
    "Bit of context first: {backstory}.",
    "{Backstory}, which is why I'm here.",
    "This is {name}, {occupation} by day. {Backstory}.",
    "Morning! {name} here. {Backstory}.",
    "Hope you can help. I'm {occupation}, and {backstory}.",
    "So, {backstory}, and my to-do list is getting out of hand.",
    "Evening. I'm {name}; {backstory}.",
    "First, who I am: {name}, {occupation}. {Backstory}.",
    "You don't know me yet: I'm {name}, {occupation}, and {backstory}.",
)


@dataclass(frozen=True)
class Persona:
    """The user of one conversation."""

    name: str
    occupation: str
    backstory: str  # a clause, e.g. "I'm flying to a conference in Lisbon next week"

    def introduction(self, rng: random.Random) -> str:
        """A sentence or two the first user turn opens with."""
        template = rng.choice(INTRODUCTIONS)
        return template.format(
            name=self.name,
            occupation=self.occupation,
            backstory=self.backstory,
            Backstory=self.backstory[0].upper() + self.backstory[1:],
        )

    def describe(self) -> str:
        return f"{self.name}, {self.occupation}: {self.backstory}"


def draw_persona(kits: Mapping[str, DomainKit], titles: Mapping[str, str], rng: random.Random) -> Persona:
    """A persona for a conversation over these domains (the backstory comes from one of them)."""
    domain = rng.choice(sorted(kits))
    stories = kits[domain].phrases.backstories or (
        f"I've been using the {titles[domain].lower()} a lot lately and need a few things done",
    )
    return Persona(rng.choice(FIRST_NAMES), rng.choice(OCCUPATIONS), rng.choice(stories))
