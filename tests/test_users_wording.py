"""The user's wording as a grammar (issue 12): phrasebook intents and their reasons are well formed, the
persona's openers fill every slot, and a conversation never repeats a detail. (The distinct-2 floors
on real runs are in test_synthesis_users.py and test_synthesis_acceptance.py.)"""

from __future__ import annotations

import random
import re

from funreason_envs.synthesis.kits import kit_domains, kit_for, with_reasons
from funreason_envs.synthesis.language import Speaker, choose_alternatives, counted_plural
from funreason_envs.synthesis.persona import PERSONAL_FOLLOW_UPS, draw_persona
from funreason_envs.synthesis.roles.backends import BackendSpec
from funreason_envs.synthesis.run import make_sample
from funreason_envs.synthesis.settings import Settings
from funreason_envs.synthesis.utterance import REASON, _detail

TRAILING_CHOICE = re.compile(r"\[([^\[\]]*)\]$")


def test_reasons_end_each_intent_that_is_not_a_question():
    assert with_reasons(["close {t}", "is {t} open?"], [", since it's fixed"]) == (
        "close {t}[, since it's fixed|]",
        "is {t} open?",
    )
    assert with_reasons(["close {t}"], []) == ("close {t}",)


def test_phrasebook_intents_are_requests_or_questions_and_reasons_read_as_reasons():
    """A question ends with its only question mark (no reason after it); a request has none; each
    optional reason is one trailing clause the request frames recognise (", since ...", no comma
    inside), offered as often as no reason."""
    for domain in kit_domains():
        for name, tool in kit_for(domain).phrases.tools.items():
            for intent in tool.intent:
                if intent.endswith("?"):
                    assert "?" not in intent[:-1], (domain, name, intent)
                    continue
                assert "?" not in intent, (domain, name, intent)
                choice = TRAILING_CHOICE.search(intent)
                options = choice.group(1).split("|") if choice and choice.group(1).startswith(",") else []
                reasons = [option for option in options if option]
                if not reasons:
                    continue
                assert options.count("") == len(reasons), (domain, name, intent)
                for reason in reasons:
                    assert REASON.fullmatch(reason) and "," not in reason[1:], (domain, name, reason)


def test_the_personas_openers_and_introductions_fill_every_slot():
    rng = random.Random(11)
    kits = {name: kit_for(name) for name in ("ticket", "vehicle")}
    for _ in range(20):
        persona = draw_persona(kits, {"ticket": "Ticket", "vehicle": "Vehicle"}, rng)
        intro = persona.introduction(rng)
        assert "{" not in intro and "[" not in intro and persona.backstory[1:] in intro, intro
    for template in PERSONAL_FOLLOW_UPS:
        opener = persona.fill(template, rng).format(r="close it.", R="Close it.")
        assert "{" not in opener and "[" not in opener and opener.endswith("lose it."), opener


def test_a_conversation_never_repeats_a_detail():
    """Details and asides are drawn without replacement within one conversation."""
    speaker = Speaker({"ticket": kit_for("ticket")}, {}, random.Random(3))
    drawn = [_detail(speaker, "ticket", speaker.rng) for _ in range(60)]
    assert len(set(drawn)) == len(drawn)
    assert all("{" not in text and "[" not in text for text in drawn)


def test_kit_details_choose_well():
    for domain in kit_domains():
        for template in kit_for(domain).phrases.details:
            drawn = choose_alternatives(template, random.Random(0))
            assert drawn[:1].isupper() or drawn[:1] == "{", (domain, template)
            assert drawn.endswith((".", "!", "?")), (domain, template)


def test_a_counted_noun_takes_its_number():
    assert counted_plural("print the last 1 line(s) of a.txt") == "print the last 1 line of a.txt"
    assert counted_plural("what are the last 12 line(s) of a.txt?") == "what are the last 12 lines of a.txt?"


def test_no_template_puts_a_value_between_an_article_and_its_noun():
    """'put a {limit} ceiling' reads 'put a the amount you found ceiling' once the value is a reference."""
    for domain in kit_domains():
        for name, tool in kit_for(domain).phrases.tools.items():
            for intent in tool.intent:
                assert not re.search(r"\ban? \{\w+\} [a-z]", intent), (domain, name, intent)


def test_a_reference_never_takes_a_possessive():
    """'{username}'s posts' with a referenced account read "the second name on the list you gave me's
    posts"; such a template now yields to one without the possessive."""
    settings = Settings(seed=1, domains=("posting",))
    texts = []
    for index in range(60):
        outcome = make_sample(index, settings, BackendSpec("template"))
        messages = outcome.get("sample", {}).get("messages", [])
        texts += [message["content"] for message in messages if message["role"] == "user"]
    assert len(texts) > 150
    assert sum("'s " in text for text in texts) > 20  # possessives are still said of plain names
    assert not [text for text in texts if re.search(r"\b(?:me|you|found|before|earlier|up)'s \w", text)]
