"""Turns the assistant cannot act on yet, as the template backend writes them: a request whose tool is
held out names what it cannot do (not "none of my tools can do that" about the whole request), and a
vague request never reads "with from account some from account"."""

from __future__ import annotations

import re

import pytest

from funreason_envs.synthesis.kits import kit_domains
from funreason_envs.synthesis.language import AWKWARD_GAP, clip
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.settings import Settings
from tests.support.synthesis_samples import kept_samples

OLD_REPLIES = (
    "I can't do that with the tools I have right now.",
    "None of my current tools can do that, sorry.",
    "That is beyond the tools I have at the moment.",
)
LEAD_UP = re.compile(r"steps before it|lead up to")
OTHER_GOALS = re.compile(r"whole request|rest of the request")
REPEATED_NOUN = re.compile(r"\b([a-z]+(?: [a-z]+)?) some \1\b")


@pytest.fixture(scope="module")
def samples() -> list[Sample]:
    settings = Settings(seed=7, domains=tuple(kit_domains()), held_out_rate=0.5, vague_rate=0.3)
    return kept_samples(settings, 30, 120)


def _waits(samples: list[Sample]) -> list[tuple[Sample, int]]:
    """(sample, index of the turn) for every held-out wait."""
    return [(s, turn.index) for s in samples for turn in s.turns if turn.kind == "held_out_wait"]


def _reply(sample: Sample, turn: int) -> dict:
    """The assistant's last message in user turn `turn`."""
    seen = -1
    last = None
    for message in sample.messages:
        if message["role"] == "user":
            seen += 1
        elif message["role"] == "assistant" and seen == turn:
            last = message
    assert last is not None
    return last


def test_a_held_out_request_is_declined_by_naming_the_missing_action(samples):
    """The reply names what no tool can do, and says why the rest waits only as it really is: steps that
    lead up to it, or other things asked in the same request (held so it is done together)."""
    waits = _waits(samples)
    assert len(waits) >= 5
    seen = set()
    for sample, turn in waits:
        reply = _reply(sample, turn)
        assert not reply.get("tool_calls") and reply["content"] not in OLD_REPLIES
        acting = sample.turns[turn + 1]  # the request is acted on once the tool is shown
        calls = sample.task.ground_truth[turn + 1]
        other_goals = set(acting.goal_calls or ()) - {len(calls) - 1}
        kind = "other goals" if other_goals else "lead-up" if len(calls) > 1 else "alone"
        said = {
            "other goals": OTHER_GOALS.search(reply["content"]) is not None,
            "lead-up": LEAD_UP.search(reply["content"]) is not None,
        }
        assert said == {"other goals": kind == "other goals", "lead-up": kind == "lead-up"}, (
            reply["content"],
            [call.name for call in calls],
            acting.goal_calls,
        )
        seen.add(kind)
        assert reply["reasoning_content"] and "tool" in reply["reasoning_content"]
    assert seen == {"other goals", "lead-up", "alone"}


def test_a_vague_request_never_repeats_the_noun_it_leaves_out(samples):
    vague = [turn.query for s in samples for turn in s.turns if turn.kind == "vague"]
    assert len(vague) >= 5
    assert [query for query in vague if REPEATED_NOUN.search(query)] == []


@pytest.mark.parametrize(
    ("text", "awkward"),
    [
        ("set up a payment, with from account some from account, payee P1", True),
        ("check out, with payment method some payment method", True),
        ("split 40 into some number of parts", False),
        ("pay some amount to P1", False),
    ],
)
def test_a_spec_worded_gap_reads_as_awkward(text, awkward):
    assert (AWKWARD_GAP.search(text) is not None) == awkward


def test_a_clipped_text_ends_between_words():
    text = "order id O1002, status delivered, total 12.5 and items MUG-02, and more words to be cut"
    assert clip(text, 60) == "order id O1002, status delivered, total 12.5 and items..."
    assert clip("total 12.5 and items MUG-02", 20) == "total 12.5..."  # not "12.5 and..."
    assert clip("x" * 300, 120) == "x" * 117 + "..."  # one word longer than the limit: cut inside it
    assert clip("short", 120) == "short"
