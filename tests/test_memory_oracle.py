"""The three memory backends against bfcl-eval's own, offline: the same calls from the same snapshot give
identical results (vector similarity scores included) and an identical snapshot afterwards."""

from __future__ import annotations

import json
from typing import Any

import pytest

from funreason_envs.domains import domain_class
from tests.support.memory_oracle import bfcl_replay

Calls = list[tuple[str, dict[str, Any]]]


def _ours(domain: str, calls: Calls, snapshot: dict[str, Any]) -> dict[str, Any]:
    instance = domain_class(domain)(snapshot)
    results = []
    for name, arguments in calls:
        try:
            results.append(getattr(instance, name)(**arguments))
        except Exception as exc:
            results.append(f"Error during execution: {exc}")
    return json.loads(json.dumps({"results": results, "state": instance.state_dict()}))


def _tier_script(tier: str, size: int, length: int) -> Calls:
    add = f"{tier}_memory_add"
    calls: Calls = [
        (f"{tier}_memory_retrieve", {"key": "missing"}),
        (add, {"key": "Bad Key", "value": "x"}),
        (add, {"key": "user_name", "value": "Ada Lovelace"}),
        (add, {"key": "user_name", "value": "again"}),
        (add, {"key": "too_long", "value": "v" * (length + 1)}),
        (add, {"key": "exact_limit", "value": "v" * length}),
        (add, {"key": 12, "value": 34}),
        (f"{tier}_memory_replace", {"key": "user_name", "value": "Ada King"}),
        (f"{tier}_memory_replace", {"key": "nobody", "value": "x"}),
        (f"{tier}_memory_replace", {"key": "user_name", "value": "w" * (length + 1)}),
    ]
    calls += [(add, {"key": f"fact_{n}", "value": f"fact number {n}"}) for n in range(size)]
    calls += [
        (f"{tier}_memory_list_keys", {}),
        (f"{tier}_memory_key_search", {"query": "user name"}),
        (f"{tier}_memory_key_search", {"query": "FACT_3 number", "k": 3}),
        (f"{tier}_memory_retrieve", {"key": "user_name"}),
        (f"{tier}_memory_remove", {"key": "fact_0"}),
        (f"{tier}_memory_remove", {"key": "fact_0"}),
        ("core_memory_retrieve_all", {}),
        (f"{tier}_memory_clear", {}),
        (f"{tier}_memory_key_search", {"query": "anything"}),
        (add, {"key": "after_clear", "value": "kept"}),
    ]
    return calls


def _vector_script(tier: str, size: int, length: int) -> Calls:
    add = f"{tier}_memory_add"
    calls: Calls = [
        (f"{tier}_memory_retrieve", {"query": "nothing yet"}),
        (add, {"text": "The user's dog is called Biscuit."}),
        (add, {"text": "The user works as a nurse in Leeds."}),
        (add, {"text": "x" * (length + 1)}),
        (add, {"text": "y" * length}),
        (f"{tier}_memory_retrieve", {"query": "What is the pet's name?"}),
        (f"{tier}_memory_retrieve", {"query": "job", "top_k": 1}),
        (f"{tier}_memory_update", {"vec_id": 1, "new_text": "The user now teaches in York."}),
        (f"{tier}_memory_update", {"vec_id": 9, "new_text": "x"}),
        (f"{tier}_memory_update", {"vec_id": 0, "new_text": "z" * (length + 1)}),
        (f"{tier}_memory_remove", {"vec_id": 2}),
        (f"{tier}_memory_remove", {"vec_id": 2}),
        (f"{tier}_memory_retrieve", {"query": "Where does the user work?", "top_k": 10}),
    ]
    calls += [(add, {"text": f"Note {n}: the user likes colour number {n}."}) for n in range(size)]
    calls += [
        (f"{tier}_memory_retrieve_all", {}),
        (f"{tier}_memory_clear", {}),
        (add, {"text": "Fresh start."}),
    ]
    return calls


SCRIPTS = {
    "kv-core": ("memory_kv", _tier_script("core", 7, 300)),
    "kv-archival": ("memory_kv", _tier_script("archival", 50, 2000)),
    "vector-core": ("memory_vector", _vector_script("core", 7, 300)),
    "vector-archival": ("memory_vector", _vector_script("archival", 50, 2000)[:20]),
    "rec_sum": (
        "memory_rec_sum",
        [
            ("memory_retrieve", {}),
            ("memory_append", {"text": "User: Ada. "}),
            ("memory_append", {"text": "a" * 9990}),
            ("memory_append", {"text": 42}),
            ("memory_replace", {"old_text": "Ada", "new_text": "Ada King"}),
            ("memory_replace", {"old_text": "Bob", "new_text": "x"}),
            ("memory_replace", {"old_text": "User", "new_text": "u" * 10001}),
            ("memory_update", {"text": "b" * 10001}),
            ("memory_retrieve", {}),
            ("memory_update", {"text": "Summary: Ada King, 42."}),
            ("memory_clear", {}),
            ("memory_retrieve", {}),
        ],
    ),
}
SNAPSHOTS = {
    "memory_kv": {
        "core_memory": {"user_name": "Ada", "fav_food": "soup"},
        "archival_memory": {"home_city": "Oslo", "work_history": "nurse, then teacher"},
    },
    "memory_vector": {
        "core_memory": {"next_id": 3, "store": {"0": "The user is Ada.", "2": "Ada likes soup."}},
        "archival_memory": {"next_id": 1, "store": {"0": "Ada lived in Oslo for ten years."}},
    },
    "memory_rec_sum": {"memory": "Ada, nurse, likes soup. "},
}
CARRY_CALLS = {
    "memory_kv": [
        ("core_memory_retrieve_all", {}),
        ("archival_memory_key_search", {"query": "where home"}),
        ("core_memory_add", {"key": "fav_food", "value": "stew"}),
    ],
    "memory_vector": [
        ("core_memory_retrieve", {"query": "What food does Ada like?"}),
        ("core_memory_add", {"text": "Ada has a cat."}),
        ("archival_memory_retrieve", {"query": "city", "top_k": 3}),
        ("core_memory_retrieve_all", {}),
    ],
    "memory_rec_sum": [("memory_retrieve", {}), ("memory_append", {"text": "Has a cat."})],
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_fresh_memory_matches_bfcl(script, tmp_path):
    domain, calls = SCRIPTS[script]
    ours = _ours(domain, calls, {})
    assert ours == bfcl_replay(domain, calls, {}, tmp_path / "hf")
    assert any("error" in str(result) for result in ours["results"])  # the script reaches the limits


@pytest.mark.parametrize("domain", sorted(SNAPSHOTS))
def test_memory_carried_from_a_snapshot_matches_bfcl(domain, tmp_path):
    """A question episode starts from the prerequisite conversation's final snapshot, as in bfcl-eval."""
    calls = CARRY_CALLS[domain]
    ours = _ours(domain, calls, SNAPSHOTS[domain])
    assert ours == bfcl_replay(domain, calls, SNAPSHOTS[domain], tmp_path / "hf")
    assert "Ada" in json.dumps(ours["results"][0])
