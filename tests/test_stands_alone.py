"""The template roles' coverage check finds a value standing alone exactly as the regular expression
`(?<![\\w'])value(?![\\w'])` would (it replaced one compiled per value)."""

from __future__ import annotations

import random
import re

from funreason_envs.synthesis.roles.template import _stands_alone


def test_matches_the_regular_expression_on_random_text():
    rng = random.Random(7)
    alphabet = "ab_' 1.é²x-"
    for _ in range(20_000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
        request = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        expected = re.search(rf"(?<![\w']){re.escape(value)}(?![\w'])", request) is not None
        assert _stands_alone(value, request) is expected, (value, request)


def test_examples():
    assert _stands_alone("5", "send 5 dollars")
    assert not _stands_alone("5", "send 15 dollars")
    assert not _stands_alone("Bob", "Bob's car")
    assert _stands_alone("Bob", "ask Bob, then x")
    assert not _stands_alone("x", "'x")
