"""Tiny text grammars for the values a user types (messages, posts, ticket texts, file lines).

A grammar maps a symbol to its alternatives; `{symbol}` in an alternative expands recursively. Texts
are composed from situation parts (what happened, to what, when, how urgent), so three hundred
conversations seldom draw the same message twice, while every part is written by hand and reads right.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping

from funreason_envs.errors import ConfigError

Grammar = Mapping[str, tuple[str, ...]]
SLOT = re.compile(r"\{(\w+)\}")
MAX_DEPTH = 12  # a grammar nesting deeper than this is a rule that refers to itself


def expand(rng: random.Random, grammar: Grammar, symbol: str, depth: int = 0) -> str:
    """One random text for `symbol`; a slot the grammar lacks is a clear error, not left in the text."""
    if depth > MAX_DEPTH:
        raise ConfigError(f"grammar symbol {symbol!r} nests deeper than {MAX_DEPTH}: a rule refers to itself")
    if symbol not in grammar:
        raise ConfigError(f"grammar has no rule for {{{symbol}}}; known: {', '.join(sorted(grammar))}")
    text = rng.choice(grammar[symbol])
    return SLOT.sub(lambda match: expand(rng, grammar, match.group(1), depth + 1), text)


def sentence(rng: random.Random, grammar: Grammar, symbol: str) -> str:
    """`expand`, with the first letter capitalised and single spaces."""
    text = " ".join(expand(rng, grammar, symbol).split())
    return text[:1].upper() + text[1:]
