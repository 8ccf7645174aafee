"""Deterministic filler for the long-context variants: our own text, names and records.

BFCL's long-context entries bloat results with fixed payloads. We reproduce the structure and the
sizes with generated material, so every value here comes from a seeded `random.Random` and a small
vocabulary of our own; the same seed always gives the same filler.
"""

from __future__ import annotations

import random
import string
from functools import cache

VOCABULARY = [
    "quarterly",
    "ledger",
    "review",
    "shows",
    "margins",
    "holding",
    "while",
    "freight",
    "costs",
    "eased",
    "and",
    "regional",
    "teams",
    "reported",
    "steadier",
    "demand",
    "the",
    "audit",
    "group",
    "flagged",
    "two",
    "vendor",
    "contracts",
    "for",
    "renewal",
    "and",
    "asked",
    "operations",
    "to",
    "document",
    "inventory",
    "counts",
    "before",
    "the",
    "close",
    "planning",
    "notes",
    "mention",
    "a",
    "pilot",
    "in",
    "the",
    "northern",
    "warehouse",
    "a",
    "revised",
    "staffing",
    "plan",
    "and",
    "a",
    "request",
    "to",
    "consolidate",
    "reporting",
    "tools",
    "customer",
    "surveys",
    "improved",
    "after",
    "the",
    "support",
    "backlog",
    "shrank",
    "though",
    "onboarding",
    "times",
    "still",
    "vary",
    "by",
    "site",
    "capital",
    "spending",
    "stays",
    "within",
    "the",
    "approved",
    "envelope",
    "and",
    "the",
    "board",
    "expects",
    "a",
    "summary",
    "of",
    "risks",
    "currency",
    "exposure",
    "and",
    "maintenance",
    "schedules",
    "in",
    "the",
    "next",
    "cycle",
]


@cache
def filler_text(length: int, seed: int = 0) -> str:
    """Prose-like text of exactly `length` characters, fixed for a given seed."""
    rng = random.Random(seed)
    words: list[str] = []
    size = 0
    sentence_left = rng.randint(8, 18)
    capital = True
    while size < length:
        word = rng.choice(VOCABULARY)
        if capital:
            word = word.capitalize()
            capital = False
        sentence_left -= 1
        if sentence_left == 0:
            word += "."
            sentence_left = rng.randint(8, 18)
            capital = True
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length]


def filler_names(count: int, seed: int, *, prefix: str = "", suffix: str = "", digits: int = 12) -> list[str]:
    """`count` distinct names like `prefix` + digits + `suffix`, fixed for a given seed."""
    rng = random.Random(seed)
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}{suffix}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def filler_symbols(count: int, seed: int, *, min_len: int = 1, max_len: int = 5) -> list[str]:
    """`count` upper-case ticker-like symbols (repeats allowed, as in real symbol dumps)."""
    rng = random.Random(seed)
    return [
        "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(min_len, max_len)))
        for _ in range(count)
    ]
