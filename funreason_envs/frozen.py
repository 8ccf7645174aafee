"""Read-only JSON containers: shared data (tool schemas, a remembered call's arguments) is never copied.

`FrozenDict` and `FrozenList` are real `dict`/`list` subclasses: `json.dumps`, `==` against plain
containers, pickling (`AsyncVectorEnv` pipes) and chat templates treat them as the plain types, but
every in-place change raises `TypeError`. `thaw` gives a plain, mutable deep copy.
"""

from __future__ import annotations

from typing import Any, NoReturn


def _read_only(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError(
        f"this {type(self).__name__} is shared read-only data (e.g. info['tools']); "
        "copy it first: funreason_envs.frozen.thaw(value)"
    )


class FrozenDict(dict):
    """A `dict` whose contents cannot change after construction."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self) -> tuple[type, tuple[dict[str, Any]]]:
        return FrozenDict, (dict(self),)


class FrozenList(list):
    """A `list` whose contents cannot change after construction."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only
    append = extend = insert = pop = remove = clear = sort = reverse = _read_only

    def __reduce__(self) -> tuple[type, tuple[list[Any]]]:
        return FrozenList, (list(self),)


def freeze(value: Any) -> Any:
    """A read-only deep copy of JSON-like data (dicts and lists become frozen; scalars stay)."""
    if isinstance(value, dict):
        return FrozenDict({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return FrozenList(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """A plain, mutable deep copy of (possibly frozen) JSON-like data."""
    if isinstance(value, dict):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(item) for item in value]
    return value
