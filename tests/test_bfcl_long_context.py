"""BFCL's long-context category: every ground-truth call succeeds here exactly where it succeeds in
bfcl-eval, and the public state matches once each side's filler (ours is our own text) is removed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.support.oracle import paired_turns, require_bfcl

State = dict[str, Any]


def succeeded(result: str) -> bool:
    if result.startswith(("Error during execution", "Error:")):
        return False
    try:
        decoded = json.loads(result)
    except json.JSONDecodeError:
        return True
    return not (isinstance(decoded, dict) and "error" in decoded)


def strip_file_system(state: State, paddings: tuple[str, ...], extra_files: set[str]) -> State:
    """Drop padding files, and remove every known padding from file ends (a ground truth may echo
    bfcl-eval's padding text into a file, so both sides' paddings are stripped on both sides)."""

    def unpad(content: str) -> str:
        for padding in paddings:
            content = content.removesuffix(padding)
        return content

    def clean(node: dict[str, Any]) -> dict[str, Any]:
        if node["type"] == "file":
            return {"type": "file", "content": unpad(node["content"])}
        return {
            "type": "directory",
            "contents": {
                name: clean(child) for name, child in node["contents"].items() if name not in extra_files
            },
        }

    return {**state, "root": {name: clean(node) for name, node in state["root"].items()}}


def strip_travel(state: State, cards: set[str], bookings: set[str]) -> State:
    return {
        **state,
        "credit_card_list": {k: v for k, v in state["credit_card_list"].items() if k not in cards},
        "booking_record": {k: v for k, v in state["booking_record"].items() if k not in bookings},
    }


def normalisers() -> dict[str, Callable[[State], State]]:
    """Filler removal for both sides: each side's filler is removed wherever it appears."""
    require_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.func_source_code import long_context as theirs

    from funreason_envs.domains import file_system, travel

    paddings = (file_system.LONG_CONTEXT_PADDING, theirs.FILE_CONTENT_EXTENSION)
    extra_files = set(file_system.LONG_CONTEXT_EXTRA_FILES) | set(theirs.POPULATE_FILE_EXTENSION)
    cards = set(travel.LONG_CONTEXT_CARDS) | set(theirs.CREDIT_CARD_EXTENSION)
    bookings = set(travel.LONG_CONTEXT_BOOKINGS) | set(theirs.BOOKING_RECORD_EXTENSION)
    return {
        "GorillaFileSystem": lambda s: strip_file_system(s, paddings, extra_files),
        "TravelAPI": lambda s: strip_travel(s, cards, bookings),
    }


def normalise(states: dict[str, State], normalisers: dict[str, Callable[[State], State]]) -> dict[str, State]:
    return {name: normalisers.get(name, lambda s: s)(state) for name, state in states.items()}


def test_long_context_calls_succeed_alike_and_states_match_outside_filler():
    rules = normalisers()
    problems = []
    for where, (our_results, our_state), (their_results, their_state) in paired_turns(
        "multi_turn_long_context", True
    ):
        our_ok = [succeeded(r) for r in our_results]
        their_ok = [succeeded(r) for r in their_results]
        if our_ok != their_ok:
            problems.append(f"{where}: success {our_ok} != {their_ok}")
        if normalise(our_state, rules) != normalise(their_state, rules):
            problems.append(f"{where}: public state differs outside the filler")
    assert not problems, "\n".join(problems[:20])
