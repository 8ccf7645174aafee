"""Every ground-truth call of BFCL's multi-turn sets gives the same result string and public state
here as in bfcl-eval's own executor, turn by turn, from the same initial config."""

from __future__ import annotations

import pytest

from tests.support.oracle import paired_turns

EXACT_CATEGORIES = ("multi_turn_base", "multi_turn_miss_func", "multi_turn_miss_param")


@pytest.mark.parametrize("category", EXACT_CATEGORIES)
def test_results_and_state_match_bfcl_exactly(category):
    mismatches = []
    for where, (our_results, our_state), (their_results, their_state) in paired_turns(category, False):
        if our_results != their_results:
            mismatches.append(f"{where}: results {our_results} != {their_results}")
        if our_state != their_state:
            mismatches.append(f"{where}: public state differs")
    assert not mismatches, "\n".join(mismatches[:20])
