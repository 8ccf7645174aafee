"""The user side of synthesized conversations (issues 11 and 12), checked on real template-backend samples:
hard queries (prerequisites left implicit, goals joined as people join them), turns that build on earlier
ones, varied structure (questions, references, personas, natural dates), clarifications in a user's words,
typos that never touch a value, and readable text for a domain without a phrasebook."""

from __future__ import annotations

import dataclasses
import random
import re

import pytest

from funreason_envs.errors import SampleRejected
from funreason_envs.synthesis import pipeline
from funreason_envs.synthesis.goals import INVERSES
from funreason_envs.synthesis.kits import Phrasebook, kit_domains, kit_for
from funreason_envs.synthesis.language import (
    ALTERNATIVES,
    PLACEHOLDER,
    choose_alternatives,
    noun_for,
    noun_kind,
    speak_value,
)
from funreason_envs.synthesis.persona import CALLBACKS, Persona, draw_persona
from funreason_envs.synthesis.pipeline import SampleBuilder
from funreason_envs.synthesis.quality import distinct_n, tokens, within_budget
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.run import roles_factory
from funreason_envs.synthesis.settings import Settings
from funreason_envs.synthesis.utterance import JOINS, REQUESTS, stands_alone, tidy
from funreason_envs.synthesis.verify import verify_sample
from tests.support.kit_audit import unstated_values
from tests.support.synthesis_samples import kept_samples

NUM = 80
ACTING = ("normal", "clarification", "held_out_reveal")
SPOKEN = ("normal", "vague", "clarification", "held_out_wait")
REFERENCE = re.compile(
    r"\b(it|its|that|those|them|this|these)\b|\bthe (first|last|second|previous|same)\b"
    r"|\byou just\b|\byou found\b|\bearlier\b|\babove\b",
    re.IGNORECASE,
)
# Asking to log in (not "whether I am logged in", which is a status question).
LOGIN_WORDS = re.compile(r"\b(log|sign) (me )?(in|into)\b|\bauthenticat", re.IGNORECASE)


def build(index: int, settings: Settings) -> Sample:
    return SampleBuilder(index, settings, roles_factory("template", settings)).build()


@pytest.fixture(scope="module")
def samples() -> list[Sample]:
    """The first NUM samples a default run keeps (built, replayed and passed by the label audit)."""
    settings = Settings(seed=29, domains=tuple(kit_domains()))
    return kept_samples(settings, NUM, 3 * NUM)


def spoken(samples: list[Sample]) -> list[str]:
    return [turn.query for sample in samples for turn in sample.turns if turn.kind in SPOKEN]


def share(texts: list[str], test) -> float:
    return sum(1 for text in texts if test(text)) / len(texts)


def test_every_sample_still_replays(samples):
    assert all(verify_sample(sample) == [] for sample in samples)


def test_most_prerequisites_are_left_implicit_and_logins_are_not_spelled_out(samples):
    implicit = sum(len(turn.implicit_calls or ()) for s in samples for turn in s.turns)
    stated = sum(len(turn.stated_calls or ()) for s in samples for turn in s.turns)
    assert implicit + stated >= 50
    assert implicit / (implicit + stated) >= 0.7
    checked = 0
    for sample in samples:
        for turn in sample.turns:
            calls = sample.task.ground_truth[turn.index]
            said = turn.query  # with the request a clarification or a revealed tool completes
            if turn.kind in ("clarification", "held_out_reveal"):
                said = sample.turns[turn.index - 1].query + " " + said
            for index in turn.implicit_calls or ():
                call = calls[index]
                if "login" in call.name or call.name.startswith("authenticate"):
                    # the user gives what only they know, and not the step
                    assert not LOGIN_WORDS.search(said), said
                    assert all(str(value) in said for value in call.arguments.values() if value)
                    checked += 1
    assert checked >= 3


def test_the_implicit_share_follows_the_setting():
    """With `implicit_rate=0` every state-changing prerequisite is asked for (look-ups stay implicit)."""
    settings = Settings(seed=29, domains=("vehicle", "message", "trading"), implicit_rate=0.0)
    samples = [build(index, settings) for index in range(20)]
    graph = pipeline.graph_for(settings.domains)
    changing = [
        graph.tool(sample.task.ground_truth[turn.index][index].name).mutates_state
        for sample in samples
        for turn in sample.turns
        for index in turn.implicit_calls or ()
    ]
    stated = sum(len(turn.stated_calls or ()) for sample in samples for turn in sample.turns)
    assert stated >= 5 and not any(changing)
    assert all(verify_sample(sample) == [] for sample in samples)


def test_goals_are_joined_the_way_people_join_them(samples):
    texts = spoken(samples)
    assert share(texts, lambda text: re.search(r",? and then ", text)) <= 0.15
    assert share(texts, lambda text: "?" in text) >= 0.15
    assert share(texts, lambda text: REFERENCE.search(text)) >= 0.45


def test_later_turns_build_on_earlier_results(samples):
    acting = [turn for sample in samples for turn in sample.turns if turn.kind in ACTING]
    dependent = [turn for turn in acting if any(flow.source_turn < turn.index for flow in turn.flows)]
    assert len(dependent) / len(acting) >= 0.5


def test_no_repeated_logins_no_undo_and_goals_that_belong_together(samples):
    for sample in samples:
        logged: set[str] = set()
        previous: set[str] = set()
        for turn in sample.turns:
            calls = sample.task.ground_truth[turn.index]
            goals = [calls[index] for index in turn.goal_calls or ()]
            names = {call.name for call in goals}
            for call in goals:
                assert not ("login" in call.name and call.name in logged), (sample.id, turn.index)
            for first in names:
                for second in names | previous:
                    assert frozenset((first, second)) not in INVERSES, (sample.id, turn.index, first, second)
            if len(goals) == 2:
                domains = {kit_domain(sample, call.name) for call in goals}
                linked = any(flow.source_turn == turn.index for flow in turn.flows)
                assert len(domains) == 1 or linked, (sample.id, turn.query)
            logged |= {call.name for call in calls if "login" in call.name}
            previous = names if turn.kind in ACTING else previous


def kit_domain(sample: Sample, tool: str) -> str:
    return next(
        d for d in sample.domains if tool in {t.name for t in pipeline.graph_for((d,)).tools.values()}
    )


def test_personas_dates_and_no_canned_boilerplate(samples):
    with_persona = [sample for sample in samples if sample.persona]
    assert len(with_persona) >= 0.7 * len(samples)
    for sample in with_persona:
        first = sample.turns[0].query
        name, _, rest = sample.persona.partition(", ")
        assert name in first or rest.split(": ", 1)[1].lower() in first.lower(), (sample.persona, first)
    texts = spoken(samples)
    assert not any(re.search(r"'\d{4}-\d{2}-\d{2}'", text) for text in texts)
    assert any(
        re.search(r"\b(January|March|June|October|December) \d{1,2}(st|nd|rd|th) 20\d\d\b", t) for t in texts
    )
    closers = ("Thanks!", "Support desk stuff again.", "Cheers.")
    assert share(texts, lambda text: text.endswith(closers) or text.startswith(closers)) < 0.05


def test_clarifications_are_in_a_users_words(samples):
    pairs = [(sample, turn) for sample in samples for turn in sample.turns if turn.kind == "clarification"]
    assert pairs
    for sample, turn in pairs:
        assert not re.search(r"\bfor the [a-z_]+\b\.?$", turn.query), turn.query
        assert "_" not in re.sub(r"'[^']*'|\S*\d\S*|\S*_\S*", "", turn.query)
        question = [m for m in sample.messages if m["role"] == "assistant" and m.get("content")]
        assert not any(re.search(r"Which (a|b|[a-z]+_[a-z_]+) ", m["content"]) for m in question)


def test_a_vague_request_leaves_out_the_value_its_clarification_gives(samples):
    """The value a clarification supplies is nowhere in the vague request, not even inside a reference
    to another step ("the average of 5104, 4905, ..." once asked "which numbers?")."""
    checked = 0
    for sample in samples:
        for turn in sample.turns:
            if turn.kind != "clarification":
                continue
            vague = sample.turns[turn.index - 1].query
            for call in sample.task.ground_truth[turn.index]:
                for value in call.arguments.values():
                    spoken = speak_value(value)
                    if len(spoken) > 2 and stands_alone(spoken, turn.query):
                        assert not stands_alone(spoken, vague), (vague, turn.query)
                        checked += 1
    assert checked >= 3


def test_the_last_result_you_got_is_the_latest_of_its_kind(samples):
    """ "the last figure you got" feeds the newest earlier result a user would call a figure, never an
    older one (seed 4242 once divided "the last figure you got" taken from three results back)."""
    graph = pipeline.graph_for(tuple(kit_domains()))
    checked = 0
    for sample in samples:
        truth = sample.task.ground_truth
        for turn in sample.turns:
            for match in re.finditer(r"\bthe last ([a-z]+(?: [a-z]+)?) you got\b", turn.query):
                kind = noun_kind(match.group(1))
                latest = max(
                    (t, i)
                    for t in range(turn.index)
                    for i, call in enumerate(truth[t])
                    if any(noun_kind(noun_for(p.resource)) == kind for p in graph.tool(call.name).produces)
                )
                # a vague or held-out request is acted on in the next turn
                acting = sample.turns[turn.index + 1] if turn.kind in ("vague", "held_out_wait") else turn
                sources = {(f.source_turn, f.source_call) for f in acting.flows}
                assert latest in sources, (turn.query, latest, sources)
                checked += 1
    assert checked >= 3


def test_typos_never_touch_a_value():
    settings = Settings(seed=4, domains=("file_system", "message", "ticket"), typo_rate=1.0)
    samples = [build(index, settings) for index in range(15)]
    assert all(verify_sample(sample) == [] for sample in samples)
    assert unstated_values(samples) == []


def test_same_seed_same_words():
    settings = Settings(seed=12, domains=("travel", "posting"))
    assert build(3, settings).model_dump() == build(3, settings).model_dump()


def test_a_domain_without_phrasebook_still_reads(monkeypatch):
    """Removing the ticket phrasebook leaves verified samples whose text comes from the spec's words."""
    original = pipeline.kit_for
    monkeypatch.setattr(
        pipeline,
        "kit_for",
        lambda name: (
            dataclasses.replace(original(name), phrases=Phrasebook({}))
            if name == "ticket"
            else original(name)
        ),
    )
    settings = Settings(seed=2, domains=("ticket",))
    samples = []
    for index in range(8):
        try:
            samples.append(build(index, settings))
        except SampleRejected as rejected:  # a one-domain run can run out of sensible goals
            assert rejected.reason == "phase1_no_walk", rejected
    assert len(samples) >= 6 and all(verify_sample(sample) == [] for sample in samples)
    tools = {tool.name for tool in pipeline.graph_for(("ticket",)).tools.values()}
    texts = spoken(samples)
    for text in texts:
        assert "{" not in text and "None" not in text, text
        assert not any(re.search(rf"\b{name}\b", text) for name in tools if "_" in name), text
    joined = " ".join(texts).lower()
    assert "ticket" in joined and ("resolve" in joined or "closed" in joined or "open a new ticket" in joined)
    assert kit_for("ticket").phrases.tools  # the real kit is untouched


# Wording defects earlier reviews found in 300-sample runs, none of which may come back.
DEFECTS = re.compile(
    r"\bthem (?:is|has|was)\b"  # "see how active them is"
    r"|\b(?:from earlier|from before) (?:of|off|up|out)\b"  # "add 5 liters from earlier of fuel"
    r"|\b(?:it|them|that) (?:millimetres|centimetres|metres|kilometres|inches|feet|yards|miles|pounds|"
    r"kilograms|grams|ounces|liters|gallons)\b"  # "convert it millimetres to inches"
    r"|\b(?:pull|bring|look|work|figure) (?:up|out) (?:it|them)\b"  # "pull up it"
    r"|\blook up me\b|\bfrom (?:before|earlier) from (?:before|earlier)\b",
)
LIST = re.compile(r"-?\d+(?:\.\d+)?(?:, -?\d+(?:\.\d+)?){2,}")


def test_no_wording_defects_from_earlier_reviews(samples):
    texts = spoken(samples)
    assert not [text for text in texts if DEFECTS.search(text)]
    assert tidy("see how active them is; pull up it") == "see how active they are; pull it up"


def test_a_list_is_typed_once_then_referred_to(samples):
    """ "that smallest of 87, 85, 99, 70" a turn after the list was given reads as a copy-paste; a person
    says "those numbers" (or "the numbers starting 87, 85" when there are several lists)."""
    repeats, lists = [], 0
    for sample in samples:
        typed: set[str] = set()
        for turn in sample.turns:
            found = LIST.findall(turn.query)
            lists += len(found)
            repeats += [(turn.query, item) for item in found if item in typed]
            typed |= set(found)
    assert lists >= 5 and not repeats, repeats[:3]  # 7 lists typed in these samples


def test_phrasebook_choices_are_well_formed():
    """Every inline choice "[a|b|]" in a phrasebook template offers the same arguments in each option (so
    the template's coverage does not depend on the draw), and no template has an unclosed bracket."""
    for domain in kit_domains():
        phrases = kit_for(domain).phrases
        templates = [t for tool in phrases.tools.values() for t in (*tool.intent, *tool.refer.values())]
        for template in templates:
            for match in ALTERNATIVES.finditer(template):
                keys = {frozenset(PLACEHOLDER.findall(option)) for option in match.group(1).split("|")}
                assert len(keys) == 1, template
        for template in [*templates, *phrases.backstories, *phrases.details]:  # persona slots may vary
            drawn = choose_alternatives(template, random.Random(0))
            assert "[" not in drawn and "]" not in drawn and "|" not in drawn, (template, drawn)


def test_choices_and_optional_reasons():
    """An empty option makes a reason optional; the assistant's retelling (extras off) never has it."""
    rng = random.Random(0)
    drawn = {choose_alternatives("close {t}[, since it's fixed now|]", rng) for _ in range(40)}
    assert drawn == {"close {t}, since it's fixed now", "close {t}"}
    assert {
        choose_alternatives("[close|shut] {t}[, since it's fixed|]", rng, extras=False) for _ in range(40)
    } == {
        "close {t}",
        "shut {t}",
    }


def test_reasons_and_questions_stay_on_the_users_side(samples):
    """The assistant's chain-of-thought retells goals without the user's reasons ("..., since it's fixed
    now") and never as the user's direct questions."""
    reasons = re.compile(r", (?:since|because) (?:it's|I|my|the|they)\b")
    user = [text for text in spoken(samples) if reasons.search(text)]
    assistant = [
        m["content"]
        for sample in samples
        for m in sample.messages
        if m["role"] == "assistant" and m.get("content") and reasons.search(m["content"])
    ]
    assert len(user) >= 10
    assert not [text for text in assistant if re.search(r"(?:asked|wants?) (?:me )?to [^.]*, since I", text)]


def test_requests_never_put_the_user_in_the_assistants_place():
    """A request frame keeps the goal's verb phrase the assistant's to do: "log me in" may follow "Could
    you", never "I want to" or "Let's"."""
    for template in (*REQUESTS, *JOINS):
        text = template.format(v="log me in", V="Log me in", w="Please check it")
        assert not re.search(
            r"\b(?:I want to|I'd like to|I need to|[Ll]et's|we can|[Hh]elp me) log me in", text
        )


def test_no_join_makes_the_second_request_wait_on_the_first_working():
    """The assistant may send both calls of a join in one message, so the second never waits to see
    whether the first worked: "If that works, sign out" would be a condition nobody checks."""
    conditional = re.compile(r"\b(?:if (?!you can)|assuming|as soon as that works|provided)", re.IGNORECASE)
    assert [join for join in JOINS if conditional.search(join)] == []


def test_the_persona_keeps_its_situation_and_its_name():
    """The situation's particulars are drawn once: later asides name the same person and city; a travel
    user's persona has the first name the travel account is under."""
    rng = random.Random(5)
    kits = {name: kit_for(name) for name in ("travel", "math")}
    config = {"travel": {"user_first_name": "Mei", "user_last_name": "Hawke"}}
    persona = draw_persona(kits, {"travel": "Travel", "math": "Math"}, rng, config)
    assert isinstance(persona, Persona) and persona.name == "Mei"
    assert "{" not in persona.backstory and "[" not in persona.backstory
    for template in CALLBACKS:
        text = persona.fill(template, rng)
        assert "{" not in text and "[" not in text, text
    person = persona.slots["person"]
    said = {persona.fill("{Person} is waiting.", rng) for _ in range(5)}
    assert said == {person[0].upper() + person[1:] + " is waiting."}


def test_user_turns_keep_a_distinct_2_floor(samples):
    """User distinct-2 on the first 10,000 tokens of these samples (seed 29, every kit domain): 0.495
    measured, 0.434 before the phrasebooks grew (issue 12: more realizations, reasons and details)."""
    budget = within_budget(spoken(samples), 10_000)
    assert sum(len(tokens(text)) for text in budget) == 10_000
    assert distinct_n(budget, 2) >= 0.47


def test_synthesized_personas_vary_their_situation(samples):
    stories = [sample.persona.split(": ", 1)[1] for sample in samples if sample.persona]
    assert len(set(stories)) >= 0.75 * len(stories)
