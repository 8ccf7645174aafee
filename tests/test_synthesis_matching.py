"""Text matching made cheaper in synthesis finds exactly what the regular expressions did: the template
roles' coverage check, and the audit's unit check (whose substring shortcut must respect IGNORECASE)."""

from __future__ import annotations

import random
import re

from funreason_envs.synthesis.audit import _stated_unit
from funreason_envs.synthesis.utterance import stands_alone


def test_matches_the_regular_expression_on_random_text():
    rng = random.Random(7)
    alphabet = "ab_' 1.é²x-"
    for _ in range(20_000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
        request = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        expected = re.search(rf"(?<![\w']){re.escape(value)}(?![\w'])", request) is not None
        assert stands_alone(value, request) is expected, (value, request)


def test_examples():
    assert stands_alone("5", "send 5 dollars")
    assert not stands_alone("5", "send 15 dollars")
    assert not stands_alone("Bob", "Bob's car")
    assert stands_alone("Bob", "ask Bob, then x")
    assert not stands_alone("x", "'x")


def test_stated_unit_reads_amounts_in_any_case_and_only_whole():
    assert _stated_unit("send 1E+06 USD now", 1e6) == "USD"
    assert _stated_unit("pay €12.5 today", 12.5) == "EUR"
    assert _stated_unit("fill 3 litres", 3) == "liter"
    assert _stated_unit("send 112.5 euros", 12.5) is None
    assert _stated_unit("nothing here", 7) is None
