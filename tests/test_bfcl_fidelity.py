"""Every ground-truth call of BFCL's multi-turn sets gives the same result string and public state
here as in bfcl-eval's own executor, turn by turn, from the same initial config."""

from __future__ import annotations

import pytest

from tests.support.oracle import bfcl_execute, load_category, our_execute, supported

EXACT_CATEGORIES = ("multi_turn_base", "multi_turn_miss_func", "multi_turn_miss_param")


@pytest.mark.parametrize("category", EXACT_CATEGORIES)
def test_results_and_state_match_bfcl_exactly(category):
    entries = [(entry, turns) for entry, turns in load_category(category) if supported(entry)]
    assert len(entries) == 200, "every BFCL entry must run: all eight classes are implemented"
    mismatches = []
    for entry, turns in entries:
        ours = our_execute(entry, turns, long_context=False)
        theirs = bfcl_execute(entry, turns, long_context=False)
        for index, ((our_results, our_state), (their_results, their_state)) in enumerate(
            zip(ours, theirs, strict=True)
        ):
            if our_results != their_results:
                mismatches.append(f"{entry['id']} turn {index}: results {our_results} != {their_results}")
            if our_state != their_state:
                mismatches.append(f"{entry['id']} turn {index}: public state differs")
    assert not mismatches, "\n".join(mismatches[:20])
