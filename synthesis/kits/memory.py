"""What agentic synthesis knows about key-value memory: personal facts a user tells, and how they are asked.

As in BFCL's memory scenarios, a user mentions things worth keeping (an appointment, a code, an
allergy); the assistant stores each under a snake_case key, and later turns ask for them back. Some
notes are already in core memory when a conversation starts: an earlier session left them there.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
EARLIER_SESSION_MOST = 2  # notes an earlier session left in core memory


@dataclass(frozen=True)
class Note:
    """One thing worth remembering: its memory key, its value, and how a user tells and asks for it."""

    key: str
    topic: str  # "your gym locker code": how the assistant names it back
    value: str
    told: str  # the user's sentence stating it
    asked: str  # the user's question asking for it back


@dataclass(frozen=True)
class _Kind:
    key: str
    topic: str
    told: str
    asked: tuple[str, ...]
    value: Callable[[random.Random], str]


def _date(rng: random.Random) -> str:
    minutes = rng.choice(("00", "15", "30", "45"))
    return (
        f"{rng.choice(WEEKDAYS)} {rng.randint(1, 28)} {rng.choice(MONTHS)} at {rng.randint(8, 17)}:{minutes}"
    )


KINDS = (
    _Kind("dentist_appointment", "your dentist appointment", "my dentist appointment is on {v}",
          ("When is my dentist appointment again?", "Remind me when I'm due at the dentist."), _date),
    _Kind("gym_locker_code", "your gym locker code", "the code for my gym locker is {v}",
          ("What's the code for my gym locker?", "I forgot my locker code at the gym, what was it?"),
          lambda rng: f"{rng.randint(1000, 9999)}"),
    _Kind("flight_number", "your flight number", "my flight next week is {v}",
          ("Which flight am I on next week?", "What was my flight number?"),
          lambda rng: f"{rng.choice(('LX', 'KL', 'TP', 'SK', 'AY'))} {rng.randint(100, 989)}"),
    _Kind("landlord_phone", "your landlord's phone number", "my landlord's number is {v}",
          ("What's my landlord's phone number?", "Can you give me my landlord's number?"),
          lambda rng: f"555-{rng.randint(100, 9999):04d}"),
    _Kind("coffee_order", "your usual coffee order", "my usual coffee order is {v}",
          ("What's my usual coffee order?", "What do I normally order at the coffee shop?"),
          lambda rng: rng.choice(("oat flat white", "double espresso", "iced chai latte", "decaf cortado"))),
    _Kind("library_card", "your library card number", "my library card number is {v}",
          ("What's my library card number?", "I need my library card number, what was it?"),
          lambda rng: f"LC{rng.randint(10000, 99999)}"),
    _Kind("allergy", "your allergy", "I'm allergic to {v}",
          ("What did I say I'm allergic to?", "Remind me what my allergy is."),
          lambda rng: rng.choice(("penicillin", "peanuts", "shellfish", "latex", "bee stings"))),
    _Kind("parking_spot", "where you parked", "I parked on {v}",
          ("Where did I park?", "Which spot did I leave the car in?"),
          lambda rng: f"level {rng.randint(1, 6)}, bay {rng.randint(1, 80)}"),
    _Kind("plant_watering", "your plant-watering day", "the plants need water every {v}",
          ("Which day do the plants need water?", "When am I supposed to water the plants?"),
          lambda rng: rng.choice(WEEKDAYS)),
)  # fmt: skip


def draw_notes(rng: random.Random, count: int, taken: set[str]) -> list[Note]:
    """`count` notes of kinds whose keys are not in `taken` (fewer when the kinds run out)."""
    free = [kind for kind in KINDS if kind.key not in taken]
    chosen = rng.sample(free, min(count, len(free)))
    notes = []
    for kind in chosen:
        value = kind.value(rng)
        notes.append(Note(kind.key, kind.topic, value, kind.told.format(v=value), rng.choice(kind.asked)))
    return notes


def changed(note: Note, rng: random.Random) -> Note | None:
    """The same note with a new value (a moved appointment, a new code); None for a note of no known kind."""
    kind = next((kind for kind in KINDS if kind.key == note.key), None)
    if kind is None:
        return None
    value = next((value for value in (kind.value(rng) for _ in range(10)) if value != note.value), None)
    if value is None:
        return None
    return Note(note.key, note.topic, value, kind.told.format(v=value), note.asked)


def change_message(note: Note, rng: random.Random) -> str:
    """The user's turn correcting a note they gave before."""
    opener = rng.choice(("Quick correction:", "Small change:", "Update:", "Something changed:"))
    ask = rng.choice(
        ("Please update your memory.", "Change that in your notes.", "Fix that in what you keep for me.")
    )
    told = note.told if note.told.startswith("I") else note.told[0].lower() + note.told[1:]
    return f"{opener} {told} now. {ask}"


def earlier_session(rng: random.Random) -> list[Note]:
    """The notes an earlier session left in core memory (none to `EARLIER_SESSION_MOST`)."""
    return draw_notes(rng, rng.randint(0, EARLIER_SESSION_MOST), set())


def tell_message(notes: list[Note], rng: random.Random) -> str:
    """The user's turn that states `notes` and asks for them to be kept."""
    said = "; ".join(note.told for note in notes)
    ask = rng.choice(
        (
            "Please remember that for me.",
            "Keep that in your memory, I'll ask you later.",
            "Can you note that down so you have it next time?",
            "I'll need that again, so store it somewhere.",
            "Don't let me forget it.",
        )
    )
    opener = rng.choice(("", "", "For later: ", "Before I forget, ", "One more thing: "))
    first = (
        said[0].upper() if not opener or said.startswith("I ") or said.startswith("I'") else said[0].lower()
    )
    said = f"{first}{said[1:]}"
    return f"{opener}{said}. {ask}"
