"""Seeded generators whose first draws are remembered, shared by every instance of the same seed.

Restoring a seeded `random.Random` costs more than most tools do (its state is 625 words), yet the
episodes of one task draw the same values in the same order: tools are deterministic. `RememberedDraws`
stands for a generator just seeded with an int seed: a `randint` or `uniform` request that instances of
that seed made before, after the same earlier requests, is answered from a tree of remembered draws
shared by all of them; the first request off the tree (or any other method) restores the real
generator, replays the requests answered so far, and from then on draws from it (still extending the
tree while its bound allows). The values are the real generator's, so nothing a tool returns changes.
"""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Any

MAX_REMEMBERED_DRAWS = 20_000  # nodes over all seeds' trees: at most ~10 MB (~470 B each)
MAX_SEEDS = 64  # seeds with a tree (episodes use a few: BFCL's configs one per domain)

Request = tuple[str, Any, Any]  # (method, a, b)
Node = dict[Request, tuple[Any, dict[Request, Any]]]  # request -> (value drawn, what may come next)

_trees: dict[int, Node] = {}
_remembered = [0]  # nodes in all trees (counted without a lock: threads racing may pass it by a few)


@lru_cache(maxsize=64)
def _seeded_state(seed: int) -> tuple[Any, ...]:
    """The state of a generator just seeded with `seed` (restoring it costs less than seeding)."""
    return random.Random(seed).getstate()


def _tree(seed: int) -> Node | None:
    """The remembered draws of `seed`'s generator from its start; None once `MAX_SEEDS` others have one."""
    tree = _trees.get(seed)
    if tree is None and len(_trees) < MAX_SEEDS:
        tree = _trees.setdefault(seed, {})
    return tree


class RememberedDraws:
    """A `random.Random(seed)` for an int seed that restores no state for draws remembered before.

    Only `randint` and `uniform`, with the bounds domains pass, are answered from the tree; every other
    attribute is the real generator's (restored at the same point first, and the tree left: a `seed` or a
    `random()` moves the generator where no request of the tree says). Pickles and copies as the real
    generator."""

    __slots__ = ("_answered", "_node", "_rng", "_seed")

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._node = _tree(seed)  # where this generator stands in its seed's tree (None: off it)
        self._answered: list[Request] = []  # requests answered from the tree, replayed on restoring
        self._rng: random.Random | None = None

    def randint(self, a: int, b: int) -> int:
        return self._draw(("randint", a, b))  # type: ignore[no-any-return]

    def uniform(self, a: float, b: float) -> float:
        return self._draw(("uniform", a, b))  # type: ignore[no-any-return]

    def _draw(self, request: Request) -> Any:
        node = self._node
        if self._rng is None and node is not None:
            found = node.get(request)
            if found is not None:
                self._node = found[1]
                self._answered.append(request)
                return found[0]
        method, a, b = request
        value = getattr(self.real(), method)(a, b)
        if node is not None:
            found = node.get(request)
            if found is None and _remembered[0] < MAX_REMEMBERED_DRAWS:
                found = node.setdefault(request, (value, {}))  # atomic: a racing thread's equal entry wins
                _remembered[0] += 1
            self._node = None if found is None else found[1]
        return value

    def real(self) -> random.Random:
        """The real generator, standing where this one does (restored on first use)."""
        rng = self._rng
        if rng is None:
            rng = self._rng = random.Random.__new__(random.Random)
            rng.setstate(_seeded_state(self._seed))
            for method, a, b in self._answered:
                getattr(rng, method)(a, b)
            self._answered = []
        return rng

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # not a generator method: keep `copy`, `pickle` and the like honest
            raise AttributeError(name)
        rng = self.real()
        self._node = None  # any other method may move the generator: the tree no longer says where it is
        return getattr(rng, name)

    def __reduce__(self) -> Any:
        return self.real().__reduce__()
