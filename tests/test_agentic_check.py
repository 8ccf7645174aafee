"""The agentic answer check agrees with bfcl-eval's agentic checker on every probe, verdict for verdict."""

from __future__ import annotations

import json

from funreason_envs.agentic_check import answer_found
from tests.support.oracle import require_bfcl

REPLIES = [
    "Your first name is Michael.",
    "You are thirty-five years old.",
    "You're 35.",
    "You live in Seattle, WA",
    "Seattle-based",
    "I don't know.",
    "It was a strawberry matcha latte!",
    "The discount is 17% off.",
    "The discount is 170% off.",
    "April 1,2024",
    "(38) square feet",
    "MICHAEL'S order",
    'He said "hi"',
    ["Michael"],
    ["nothing here", "Michael"],
    [],
    42,
    "",
]
ANSWERS = [
    ["Michael"],
    ["35", "thirty five"],
    ["Seattle"],
    ["strawberry matcha"],
    ["17", "seventeen"],
    ["April 1, 2024"],
    ["38"],
    ["michael's"],
    ["'hi'"],
    ["42"],
    [""],
]


def test_verdicts_match_bfcl_on_every_probe():
    require_bfcl()
    from bfcl_eval.eval_checker.agentic_eval.agentic_checker import agentic_checker

    disagreements, verdicts = [], set()
    for reply in REPLIES:
        for answers in ANSWERS:
            try:
                theirs = agentic_checker(json.loads(json.dumps(reply)), answers)["valid"]
            except IndexError:  # bfcl-eval indexes an empty list; we read it as its str()
                continue
            verdicts.add(theirs)
            if answer_found(reply, answers) != theirs:
                disagreements.append((reply, answers, theirs))
    assert disagreements == []
    assert verdicts == {True, False}


def test_bfcl_memory_answers_found_in_their_own_sources():
    """Each memory question's first answer is found in a reply stating it, and not in one that doesn't."""
    data = require_bfcl() / "data" / "possible_answer" / "BFCL_v4_memory.json"
    rows = [json.loads(line) for line in data.read_text().splitlines() if line]
    assert len(rows) == 155
    for row in rows:
        assert answer_found(f"The answer is {row['ground_truth'][0]}.", row["ground_truth"])
    assert not answer_found("I have no record of that.", rows[0]["ground_truth"])
