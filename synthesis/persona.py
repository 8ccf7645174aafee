"""Who the user of one conversation is: a name, a line of work and a situation, drawn once per sample.

The situation is a backstory from the phrasebooks of the conversation's domains (`backstories`), whose
slots ({city}, {person}, {date}, ...) are filled once per conversation, so later asides can come back to
the same trip, colleague or deadline. A domain without backstories gets a plain line built from its
spec's title, so personas never depend on hand-written text.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from funreason_envs.synthesis.kits import DomainKit
from funreason_envs.synthesis.language import MONTHS as MONTH_NAMES
from funreason_envs.synthesis.language import choose_alternatives, natural_date

FIRST_NAMES = (
    "Amara", "Ben", "Chiara", "Dev", "Elif", "Farah", "Gus", "Hana", "Ivo", "Jonas", "Kemi", "Leo",
    "Mina", "Noor", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tomás", "Uma", "Vik", "Wen", "Yara",
    "Aiko", "Bruno", "Carmen", "Dmitri", "Esther", "Felix", "Greta", "Hugo", "Imani", "Jae", "Kofi", "Lucía",
    "Bashir", "Camille", "Diego", "Emeka", "Freya", "Gabriel", "Katya", "Luca", "Mateo", "Olu", "Paloma",
    "Ravi", "Sofia", "Theo", "Valentina", "Wiktor", "Yusuf", "Zeynep", "Malik", "Astrid", "Rohan", "Selin",
    "Anouk", "Bilal", "Cora", "Dario", "Eun-ji", "Fiona", "Goran", "Helga", "Ines", "Joaquín", "Kalani",
    "Lars", "Marisol", "Nikhil", "Orla", "Pedro", "Rania", "Stellan", "Tariq", "Ulla", "Vera", "Xavier",
)  # fmt: skip
OCCUPATIONS = (
    "a nurse on night shifts", "a high-school teacher", "a freelance designer", "a junior accountant",
    "a graduate student", "a small-business owner", "a software tester", "a project manager",
    "a sales rep who travels a lot", "a lab technician", "a journalist",
    "a restaurant manager", "a physiotherapist", "an architect", "a data analyst",
    "a paramedic", "a bookshop owner", "a civil servant", "a wedding photographer", "a pharmacist",
    "a university lecturer", "a self-employed plumber", "a translator", "a museum guide",
    "an HR coordinator", "a veterinary nurse", "a bus driver", "a dental hygienist", "a school librarian",
    "a logistics coordinator", "a sous-chef", "a marine biologist", "a hotel receptionist", "a tax adviser",
    "a midwife", "an electrician", "a florist", "a flight attendant", "a social worker", "a carpenter",
    "a radio producer", "a yoga instructor", "a court interpreter", "a warehouse supervisor",
    "a chemistry PhD student", "a startup founder", "a gardener",
    "a retired postman", "a sign-language interpreter", "a crane operator", "a primary-school head",
    "a locksmith", "a wine importer", "a games developer", "a dietitian", "a choir director",
    "a tram driver", "a property surveyor", "a sommelier", "a night-shift baker", "a GP receptionist",
    "a charity fundraiser", "a community nurse", "a music teacher", "an optician", "a removals driver",
    "a trainee solicitor", "a zookeeper", "a bicycle mechanic", "a tailor", "a piano tuner",
    "a ferry deckhand", "a speech therapist", "a stage manager", "an insurance broker", "a beekeeper",
    "a park ranger", "a call-centre team leader", "a dog groomer", "a print-shop owner", "a glazier",
    "a school bursar", "a podcast editor", "an events planner", "a hospital porter", "a surveyor's assistant",
)  # fmt: skip
RELATIONS = (
    "my cousin", "my neighbour", "my flatmate", "my manager", "my colleague", "my business partner",
    "my best friend", "my landlord", "my accountant", "my old classmate", "my team lead", "my coworker",
    "my client", "my partner", "my oldest friend", "my bandmate", "my running buddy", "my tutor",
    "my lab partner", "my next-door neighbour", "my boss", "my housemate",
    "my old flatmate", "my supervisor", "my climbing partner", "my office mate", "my mentor", "my deputy",
    "my shift manager", "my study buddy", "my carpool friend",
)  # fmt: skip
CITIES = (
    "Lisbon", "Osaka", "Montreal", "Nairobi", "Valencia", "Krakow", "Porto", "Melbourne", "Edinburgh",
    "Denver", "Seoul", "Marseille", "Ljubljana", "Cape Town", "Bergen", "Tbilisi", "Austin", "Hanoi",
    "Dublin", "Bologna", "Quebec City", "Tallinn", "Cork", "Lyon", "Vancouver", "Rotterdam", "Santiago",
    "Leeds", "Adelaide", "Glasgow", "Seville", "Boston", "Antwerp", "Bristol", "Kyoto", "Zagreb",
    "Gdansk", "Riga", "Bilbao", "Oaxaca", "Halifax", "Perth", "Turin", "Ghent", "Aarhus", "Busan",
    "Wellington", "Accra", "Malmo", "Graz", "Cusco", "Nantes", "Brno", "Aberdeen", "Tampere", "Galway",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
AMOUNTS = (
    "a couple of hundred dollars", "about $300", "roughly $1,200", "under $50", "close to $800",
    "a bit over $2,000", "around $150", "no more than $500", "about $90", "a few thousand dollars",
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
    "{Backstory}.",
    "{Backstory}. I'm {occupation}, so none of this is my day job.",
    "Here's my situation: {backstory}.",
    "OK so {backstory}.",
    "I'll be honest, {backstory}.",
    "{Backstory}, and I'd like to get a few things off my plate.",
    "Hi! {name}, {occupation}, checking in. {Backstory}.",
    "Right, some background: I'm {occupation}, and {backstory}.",
    "I'm {name}. Not that it matters much, but I'm {occupation}. {Backstory}.",
    "A bit about me: {occupation}, not very patient with computers. {Backstory}.",
    "Good afternoon, this is {name}. {Backstory}.",
    "{name} again, hello. {Backstory}.",
    "So here's the deal: {backstory}.",
    "{Backstory}. That's the background, anyway.",
    "For context, {backstory}. I'm {name}, by the way.",
    "My name's {name} and {backstory}.",
    "{Backstory} — that's why I'm messaging.",
    "Hey, {name} here, {occupation} in real life. {Backstory}.",
    "Okay, so I'm {occupation} and {backstory}.",
    "To explain: {backstory}.",
    "I'll start with the why: {backstory}.",
    "Not sure where to start, but {backstory}.",
    "Me: {name}, {occupation}. Situation: {backstory}.",
    "Hiya. {Backstory}, so I need some help.",
    "Background first: {backstory}.",
    "{name} here, writing from {place}. {Backstory}.",
    "It's {weekday}, I'm at {place}, and {backstory}.",
    "Hello from {city}! I'm {name}, {occupation}, and {backstory}.",
    "I'm {name}, and [{person} suggested I ask you|{friend} said you'd be quick]: {backstory}.",
    "[Right|Okay|So], {name} here. {Backstory}, and {person} is counting on me.",
    "I'm {occupation} based in {city}, and {backstory}.",
    "Evening from {place}. {Backstory}.",
    "{name} here — [long day|busy week|odd morning]. {Backstory}.",
)
# Openers of a later turn that react to the last answer in the persona's own situation ({r}/{R}: the
# request, as in `utterance.FOLLOW_UPS`).
PERSONAL_FOLLOW_UPS = (
    "{Person} will be [relieved|pleased|glad] to hear that. {R}",
    "Good, that's one thing I can tell {person}. {R}",
    "[Great|Nice], that keeps me on track for {weekday}. {R}", "Okay, I'll pass that on to {friend}. {R}",
    "That helps before {date}. {R}", "[Phew|Good], that saves me a call to {person}. {R}",
    "Right, {person} was asking about exactly that. {R}", "Noted, I'll mention it at {time}. {R}",
    "Thanks, that's less for me to worry about in {city}. {R}", "Okay, {friend} owes me a coffee now. {R}",
    "Perfect, I can stop worrying about that before {weekday}. {R}", "Good, {person} can relax. {R}",
    "That's useful, I'll write it down for {person}. {R}", "[Ha|Oh], {friend} guessed right. {R}",
)  # fmt: skip
# Later asides that come back to the conversation's situation (its person, city, date, weekday).
CALLBACKS = (
    "{Person} is [waiting on me for this|breathing down my neck about it|expecting an update tonight].",
    "I have to have it sorted before {weekday}[, no excuses| or I'm in trouble|].",
    "{Person} asked me about it again [this morning|over lunch|on the phone just now].",
    "Everything has to be ready by {date}.", "I'm typing this from {place}.",
    "{Person} thinks I'm [overdoing it|worrying too much|leaving it too late].",
    "I told {person} I'd have an answer by {weekday}.",
    "The weather in {city} is [awful|gorgeous|all over the place] today.",
    "{Person} will be [relieved|thrilled|surprised, I hope].", "I still have a lot to do before {date}.",
    "I promised {person} I'd deal with it [tonight|before the weekend|first thing].",
    "{Person} is looking over my shoulder right now.", "I'm only free until {weekday}.",
    "{Date} is coming up [fast|far too fast|quicker than I'd like].", "{Person} said this would be quick.",
    "Last time {person} did this for me, but not today.",
    "Sorry, {person} keeps [interrupting me|calling|asking what I'm doing].",
    "I'll call {person} once this is done.",
    "{Friend} from [work|the gym|next door] [swears|insists] there's an easier way, but I'd rather ask you.",
    "It's {weekday} and I'm already tired.", "I'm meeting {friend} at {time}, so I can't stay long.",
    "{Person} and I are having dinner at {place} at {time}.", "I have a call with {person} at {time}.",
    "{Friend} lent me their laptop for this, so I'd better be quick.",
    "I've been at {place} since {time}.", "{Person} is picking me up at {time}.",
    "{Friend} and {person} both think I should have done this ages ago.",
    "{Person} [texted|emailed|rang] me about this [twice|three times|again] [yesterday|this week|today].",
    "If this isn't done by {weekday}, {person} will [never let me forget it|have to cover for me|be stuck].",
    "I'm heading to {city} [straight after|once this is done|on {date}], so the timing matters.",
    "{Friend} is [coming round|dropping by|visiting] at {time}[, and I haven't tidied|, with cake|].",
    "I've set aside until {time} for all this.", "{Person} owes me [a coffee|a pint|lunch] after this.",
    "I'll be in {city} by {weekday} if all goes to plan.", "Everything hinges on {date}, really.",
    "I'm writing from {place}, so the connection is [so-so|slow|fine, for once].",
    "{Person} is [stuck in {city}|away until {weekday}|off sick], which is why it's landed on me.",
    "{Friend} [recommended|suggested|told me about] this [app|service|assistant] last week.",
    "I [told|promised] {friend} I'd be done by {time}.", "{Person} is [keen|anxious|impatient] to hear back.",
    "I've got {count} other things to sort before {weekday}.",
    "I still owe {person} a reply from [last week|Monday|ages ago].",
    "We're meeting at {place} at {time} to go over it.",
    "If it helps, I'm free after {time} on {weekday}.", "{Friend} keeps asking whether I've done it yet.",
    "My plan is to be in {city} before {date}.", "{Person} and {friend} are both counting on me.",
    "I'd like to tell {person} it's sorted when we talk at {time}.",
    "{Person} [left me a voicemail|sent a long email|dropped by] about it [this morning|at lunch|on "
    "{weekday}].",
    "I'm [sitting|stuck|waiting] at {place} until {time}, so I have a moment.",
    "[The last time|Last {month_name}|Once before] {person} [sorted this|helped me with this|did "
    "this for me], and it took ages.",
    "{Friend} [is texting me|keeps messaging|just rang] to ask [how it's going|if I'm done|about {weekday}].",
    "I [want|need|hope] to have this out of the way before [the trip to {city}|{date}|{weekday} evening].",
    "{Person} [doesn't know|hasn't heard|has no idea] [yet|about any of this|that I'm doing it].",
    "I'm [meeting|seeing|having lunch with] {friend} at {place} [later|at {time}|tomorrow] and want "
    "to have news.",
    "[Honestly|Frankly|To be fair], {person} [warned|told|reminded] me about this [weeks ago|in "
    "{month_name}|last {weekday}].",
    "[My calendar|The reminder on my phone|A note on the fridge] says {date}, so the clock is ticking.",
    "I've [blocked out|cleared|set aside] [the afternoon|an hour|this evening] for this.",
    "{Friend} and I [have a bet|joked|argued] about how long this would take.",
    "[If all goes well|With luck|Fingers crossed], I'll be [in {city}|at {place}|free] by {weekday}.",
    "I'm [doing|handling|sorting] this [for|on behalf of|alongside] {person}, [really|technically|mostly].",
    "[The plan|My plan|The idea] is to [update|call|email] {person} [at {time}|after this|tonight].",
    "[It's|This is] [the last|the main|the trickiest] item on my list before {weekday}.",
    "I [forgot|nearly forgot|only remembered] about this [until {person} mentioned it|when I saw the "
    "date|on the way to {place}].",
    "[{Person}'s|My] [deadline|cut-off|target] is {date}, [no extensions|firmly|give or take].",
    "The [wifi|signal|coffee] at {place} is [surprisingly good|terrible|decent], so let's go.",
    "I [told|promised|swore to] {friend} I wouldn't leave this until the last minute again.",
    "[Sorry|Apologies], {person} [just walked in|is calling|needs me] for a second. Back now.",
)  # fmt: skip
PLACES = (
    "a café", "the library", "a hotel lobby", "my friend's sofa", "the station waiting room",
    "a co-working space",
    "the hospital canteen", "my parents' kitchen", "a noodle bar", "the gym lobby", "a bookshop café",
    "the airport", "a laundrette", "the school car park", "my allotment shed", "a motorway services",
    "the office kitchen", "a pub garden", "my brother's flat", "a ferry terminal", "the university library",
    "a bakery round the corner", "the bus depot café", "my car", "a friend's wedding venue",
)  # fmt: skip
TIMES = (
    "half past four", "six", "noon", "quarter to nine", "seven thirty", "ten past two", "eight",
    "five o'clock",
    "nine in the morning", "three", "half seven", "lunchtime", "eleven", "twenty past six", "four fifteen",
    "ten to five", "quarter past eleven", "half past one", "nine sharp", "teatime", "just after ten",
)  # fmt: skip
INTRO_DETAIL_RATE = 0.6
SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Persona:
    """The user of one conversation and the particulars of their situation."""

    name: str
    occupation: str
    backstory: str  # a filled clause, e.g. "I'm flying to a conference in Lisbon on May 4th 2026"
    slots: Mapping[str, str] = field(default_factory=dict)  # the situation's person, city, date, ...
    said: set[str] = field(default_factory=set, compare=False)  # callbacks already used

    def introduction(self, rng: random.Random) -> str:
        """A sentence or two the first user turn opens with (who, the situation, maybe one particular)."""
        template = fill_slots(choose_alternatives(rng.choice(INTRODUCTIONS), rng), self.slots)
        if rng.random() < INTRO_DETAIL_RATE:
            template += " " + self.callback(rng).replace("{", "{{").replace("}", "}}")
        return template.format(
            name=self.name,
            occupation=self.occupation,
            backstory=self.backstory,
            Backstory=self.backstory[0].upper() + self.backstory[1:],
        )

    def fill(self, template: str, rng: random.Random) -> str:
        """A template with its inline choices made and this situation's slots filled ({Person}
        capitalizes the first letter)."""
        return fill_slots(choose_alternatives(template, rng), self.slots)

    def follow_up(self, rng: random.Random) -> str:
        """An opener for a later turn that ties the last answer to this situation ({r}/{R} left in)."""
        return self.fill(rng.choice(PERSONAL_FOLLOW_UPS), rng)

    def callback(self, rng: random.Random) -> str:
        """A later aside about the same situation ("My sister Ana is waiting on me for this."), not one
        this persona already made."""
        fresh = [template for template in CALLBACKS if template not in self.said]
        template = rng.choice(fresh or CALLBACKS)
        self.said.add(template)
        return self.fill(template, rng)

    def describe(self) -> str:
        return f"{self.name}, {self.occupation}: {self.backstory}"


def fill_slots(template: str, slots: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        value = slots.get(key.lower())
        if value is None:
            return match.group(0)
        return value[0].upper() + value[1:] if key[0].isupper() else value

    return SLOT.sub(replace, template)


def draw_slots(rng: random.Random) -> dict[str, str]:
    """The particulars of one situation: who else is involved, where, when, how much."""
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return {
        "person": f"{rng.choice(RELATIONS)} {rng.choice(FIRST_NAMES)}",
        "friend": rng.choice(FIRST_NAMES),
        "city": rng.choice(CITIES),
        "date": natural_date(rng.choice((2026, 2026, 2027)), month, day),
        "weekday": rng.choice(WEEKDAYS),
        "month_name": MONTH_NAMES[rng.randrange(12)],
        "amount": rng.choice(AMOUNTS),
        "count": rng.choice(("two", "three", "four", "five", "six", "a dozen")),
        "place": rng.choice(PLACES),
        "time": rng.choice(TIMES),
    }


def draw_persona(
    kits: Mapping[str, DomainKit],
    titles: Mapping[str, str],
    rng: random.Random,
    initial_config: Mapping[str, Any] | None = None,
) -> Persona:
    """A persona for a conversation over these domains (the backstory comes from one of them); when a
    domain's initial state names its user (travel's `user_first_name`), the persona has that name, so
    "I'm Vera" is never followed by a login as Michael."""
    domain = rng.choice(sorted(kits))
    stories = kits[domain].phrases.backstories or (
        f"I've been using the {titles[domain].lower()} a lot lately and need a few things done",
    )
    name = rng.choice(FIRST_NAMES)
    name = _state_first_name(initial_config or {}) or name
    slots = draw_slots(rng)
    while slots["friend"] == name or slots["person"].endswith(" " + name):
        slots = draw_slots(rng)
    story = fill_slots(choose_alternatives(rng.choice(stories), rng), slots)
    return Persona(name, rng.choice(OCCUPATIONS), story, slots)


def _state_first_name(initial_config: Mapping[str, Any]) -> str | None:
    """The user's first name if a domain's initial state records one (a `..._first_name` field)."""
    for config in initial_config.values():
        if isinstance(config, Mapping):
            for key, value in config.items():
                if key.endswith("first_name") and isinstance(value, str) and value:
                    return value
    return None
