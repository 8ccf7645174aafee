"""The live domains phase 1 calls into, and the snapshots that let it take calls back.

A walk may fail half-way, a call may fail, a second goal may not fit, a pruned call must be shown
to change nothing: each time the sandbox returns to an earlier snapshot. After a restore the
instances are new objects, so readers look them up through `by_id` (kept up to date in place).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from functools import cache
from typing import Any

from funreason_envs.calls import ToolCall
from funreason_envs.domains.base import Domain, attributes_of
from funreason_envs.executor import ToolResult
from funreason_envs.jsonutil import copy_json
from funreason_envs.session import Session
from funreason_envs.specs import ToolSpec
from funreason_envs.synthesis.trace import Step


class Sandbox:
    """The domain instances of one sample while it is made; `turn_start` is the turn's first snapshot."""

    def __init__(self, domains: list[str], initial_config: Mapping[str, Any]) -> None:
        self._session = Session.for_domains(domains, copy_json(initial_config))
        self.by_id: dict[str, Domain] = {}
        self._adopt(self._session)
        self.turn_start = self.checkpoint()

    @property
    def instances(self) -> list[Domain]:
        return self._session.instances

    def state(self) -> dict[str, dict[str, Any]]:
        return self._session.state()

    def specs(self) -> list[ToolSpec]:
        return self._session.specs()

    def begin_turn(self) -> None:
        """Remember the domains as they are now: the state a turn's walk and its attempts start from."""
        self.turn_start = self.checkpoint()

    def checkpoint(self) -> bytes:
        return self._session.snapshot()

    def restore(self, snapshot: bytes | None = None) -> None:
        """Go back to `snapshot` (by default the start of the turn)."""
        self._adopt(Session.from_snapshot(self.turn_start if snapshot is None else snapshot))

    def contents(self) -> Any:
        """Everything the domains hold, private state included, as comparable plain data."""
        return contents(self.instances)

    def start_state(self) -> dict[str, dict[str, Any]]:
        """The public state at the start of the turn."""
        return Session.from_snapshot(self.turn_start).state()

    def attempt(self, call: ToolCall, before: bytes | None = None) -> ToolResult:
        """Run one call; a failed call is taken back (its result is still returned). `before`: the
        caller's `checkpoint()` of the state as it is now, if it has one (spares taking another)."""
        before = self.checkpoint() if before is None else before
        [result] = self._session.execute([call])
        # Keep a copy: tools may return live state objects that later calls change.
        result = ToolResult(result.call, result.content, result.status, copy_json(result.value))
        if not result.ok:
            self.restore(before)
        return result

    def replays(self, steps: list[Step]) -> bool:
        """Whether `steps`, run from the start of the turn, give the same results and end state; if so
        the sandbox continues from that replay (its private state follows the replayed calls only)."""
        trial = Session.from_snapshot(self.turn_start)
        for step in steps:
            if trial.execute([step.call])[0].content != step.result.content:
                return False
        if trial.state() != self._session.state():
            return False
        self._adopt(trial)
        return True

    def _adopt(self, session: Session) -> None:
        self._session = session
        self.by_id.clear()
        self.by_id.update({type(instance).name: instance for instance in session.instances})


def contents(value: Any) -> Any:
    """A value's contents as plain data, private attributes included; sets sorted, so two equal states
    compare equal whatever their history (pickled bytes of a set depend on insertion order and on the
    process's string hashing). A reference back to an enclosing object (a folder's parent) is cut."""
    return _contents(value, set())


def _contents(value: Any, enclosing: set[int]) -> Any:
    """`contents` below the objects whose ids are in `enclosing` (added on the way down, removed on
    the way back up, so siblings never see each other)."""
    if isinstance(value, _SCALARS):
        return value
    key = id(value)
    if key in enclosing:
        return "<enclosing>"
    if isinstance(value, random.Random):
        return value.getstate()
    enclosing.add(key)
    try:
        if isinstance(value, dict):
            return _sorted_items(
                [
                    (repr(k), item if type(item) in _PLAIN else _contents(item, enclosing))
                    for k, item in value.items()
                ]
            )
        if isinstance(value, (list, tuple)):
            return [item if type(item) in _PLAIN else _contents(item, enclosing) for item in value]
        if isinstance(value, (set, frozenset)):
            return sorted((_contents(item, enclosing) for item in value), key=repr)
        fields = {name: getattr(value, name) for name in _slots(type(value)) if hasattr(value, name)}
        fields.update(attributes_of(value) if isinstance(value, Domain) else getattr(value, "__dict__", {}))
        return (type(value).__name__, _contents(fields, enclosing)) if fields else repr(value)
    finally:
        enclosing.discard(key)


_SCALARS = (str, int, float, bool, type(None))
_PLAIN = frozenset(_SCALARS)  # exactly these types are their own contents (a shortcut for leaves)


def _sorted_items(items: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """`items` in the order of each pair's repr. When the key texts differ, that order is the order of
    the keys' reprs (a quoted text is never a prefix of another), which spares the repr of every value."""
    if len({key for key, _ in items}) == len(items):
        return sorted(items, key=_key_repr)
    return sorted(items, key=repr)


def _key_repr(item: tuple[str, Any]) -> str:
    return repr(item[0])


@cache
def _slots(cls: type) -> tuple[str, ...]:
    """Every `__slots__` name of a class and its bases (most derived first)."""
    return tuple(name for base in cls.__mro__ for name in getattr(base, "__slots__", ()))
