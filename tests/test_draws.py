"""Remembered draws stand for a freshly seeded `random.Random`: same values, whatever the order of asking."""

from __future__ import annotations

import copy
import pickle
import random

import pytest

from funreason_envs.domains import draws
from funreason_envs.domains.draws import RememberedDraws
from funreason_envs.session import Session

REQUESTS = [
    [("randint", 1_000_000, 9_999_999), ("randint", 10_000_000, 99_999_999)],
    [("randint", 1_000_000, 9_999_999), ("uniform", 0.0, 120.0), ("randint", 0, 86_400)],
    [("uniform", -10.0, 40.0)] * 3,
    [("randint", 1_000_000, 9_999_999), ("randint", 10_000_000, 99_999_999), ("randint", 1, 6)],
    [("randint", 100_000_000_000, 999_999_999_999)] * 2,
]


def _drawn(generator: object, requests: list[tuple[str, float, float]]) -> list[float]:
    return [getattr(generator, method)(a, b) for method, a, b in requests]


@pytest.mark.parametrize("seed", [141053, 1053, 0])
def test_remembered_draws_are_the_seeded_generators_in_every_order_asked_and_asked_again(seed: int):
    for _ in range(2):  # the second round is answered from the tree the first one grew
        for requests in REQUESTS:
            remembered = RememberedDraws(seed)
            real = random.Random(seed)
            assert _drawn(remembered, requests) == _drawn(real, requests)
            assert remembered.random() == real.random()  # any other method: the real generator, same point
            assert _drawn(remembered, requests) == _drawn(real, requests)


@pytest.mark.parametrize("detour", ["random", "seed", "getrandbits", "setstate"])
def test_another_method_takes_a_generator_off_the_tree_so_later_draws_remember_nothing_false(detour: str):
    big = ("randint", 0, 10**12)
    first = RememberedDraws(3131)
    _drawn(first, [big])
    if detour == "random":
        first.random()
    elif detour == "seed":
        first.seed(5)
    elif detour == "getrandbits":
        first.getrandbits(64)
    else:
        first.setstate(random.Random(6).getstate())
    _drawn(first, [big, big])  # drawn after the detour: must not be remembered as following the first draw
    assert _drawn(RememberedDraws(3131), [big] * 3) == _drawn(random.Random(3131), [big] * 3)


def test_remembered_draws_pickle_and_copy_as_the_real_generator_at_the_same_point():
    remembered = RememberedDraws(77)
    real = random.Random(77)
    assert _drawn(remembered, REQUESTS[1]) == _drawn(real, REQUESTS[1])
    for twin in (pickle.loads(pickle.dumps(remembered)), copy.deepcopy(remembered), copy.copy(remembered)):
        assert type(twin) is random.Random and twin.getstate() == real.getstate()
    assert remembered.randint(1, 6) == real.randint(1, 6)


def test_the_trees_stay_within_their_bounds_and_draws_stay_right_beyond_them(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(draws, "_trees", {})
    monkeypatch.setattr(draws, "_remembered", [0])
    monkeypatch.setattr(draws, "MAX_REMEMBERED_DRAWS", 5)
    monkeypatch.setattr(draws, "MAX_SEEDS", 2)
    for seed in range(4):  # two seeds get a tree, the others draw from the real generator at once
        for requests in REQUESTS:
            assert _drawn(RememberedDraws(seed), requests) == _drawn(random.Random(seed), requests)
    assert len(draws._trees) == 2 and draws._remembered[0] == 5

    def nodes(tree: dict) -> int:
        return sum(1 + nodes(child) for _, child in tree.values())

    assert sum(nodes(tree) for tree in draws._trees.values()) == 5


def test_sessions_of_one_task_draw_the_same_ids_as_a_session_built_from_its_config():
    config = {"TravelAPI": {"random_seed": 4242}}
    calls = [
        "authenticate_travel(client_id='c', client_secret='s', refresh_token='r', grant_type='read_write',"
        " user_first_name='A', user_last_name='B')",
        "register_credit_card(access_token='{token}', card_number='4111111111111111',"
        " expiration_date='12/2030', cardholder_name='A B', card_verification_number=123)",
    ]
    outputs = []
    for _ in range(3):
        session = Session.for_domains(["TravelAPI"], config)
        token = str(session.run(calls[0])[0].value["access_token"])
        outputs.append((token, session.run(calls[1].format(token=token))[0].content))
    twin = random.Random(4242)
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0][0] == str(twin.randint(100_000, 999_999))
