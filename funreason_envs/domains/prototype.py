"""Prototypes: a domain instance built once from a config, and cheap clones of it for every episode.

Building an instance copies and checks its whole config; an episode of a task that was played before
needs exactly the same instance again. A clone takes the prototype's scalar attributes and shares its
containers, each copied into the clone the first time the clone reads it (`Domain.__getattr__`), or
when the clone is made if an earlier clone read it (the episodes of a task mostly read the same ones,
and a first read costs several times a small copy), so what no episode touches is never copied and
the prototype never changes. Only instances whose attributes are plain JSON data (scalars, dicts,
lists, sets of scalars) are shared this way; any other domain is copied by its own `_copy_as_loaded()`
(the file tree, node by node) or built from the config again for each clone (a pydantic state).
"""

from __future__ import annotations

import functools
import marshal
import pickle
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from funreason_envs.domains.base import SHARED, Domain
from funreason_envs.jsonutil import SCALARS, copy_json

Copier = Callable[[Any], Any]


class Prototype:
    """A never-run instance of `cls` built from `config`, from which `clone()` makes running instances.

    `shared` holds the instance's attributes in the order they were set (None: not plain data, so
    clones are built again, or copied by the class's own `_copy_as_loaded` where it has one);
    `containers` each container attribute's value with the function that copies it completely, chosen
    once for its shape (a prototype's values never change, so neither do their shapes); `eager` those a
    clone has read, which later clones copy when they are made."""

    __slots__ = ("cls", "config", "containers", "eager", "instance", "long_context", "scalars", "shared")

    def __init__(self, cls: type[Domain], config: Mapping[str, Any], long_context: bool = False) -> None:
        self.cls, self.config, self.long_context = cls, config, long_context
        instance = cls(config, long_context=long_context)
        self.instance = instance  # kept (never run) for a class that copies a loaded instance itself
        attributes = dict(vars(instance))
        self.shared: dict[str, Any] | None = None
        self.scalars: dict[str, Any] = {}
        self.containers: dict[str, tuple[Copier, Any]] = {}
        self.eager: tuple[tuple[str, Copier, Any], ...] = ()
        # a class reading its own `vars()` to pickle itself would miss what a clone has not copied yet
        own_pickling = cls.__getstate__ is not Domain.__getstate__
        if not own_pickling and _all_plain(attributes.values()):
            self.shared = attributes
            for key, value in attributes.items():
                if type(value) in SCALARS:
                    self.scalars[key] = value
                else:
                    self.containers[key] = (copier_for(value), value)

    def clone(self) -> Domain:
        """A new instance equal to one built from the config; changing it never changes the prototype."""
        if self.shared is None:
            loaded_copy = getattr(self.instance, "_copy_as_loaded", None)
            if loaded_copy is not None:
                return loaded_copy()
            return self.cls(self.config, long_context=self.long_context)
        twin = self.cls.__new__(self.cls)
        attributes = twin.__dict__
        attributes.update(self.scalars)
        attributes[SHARED] = self
        for name, copy, value in self.eager:
            attributes[name] = copy(value)
        return twin

    def read_by_a_clone(self, name: str) -> None:
        """Note that a clone read the container `name`: clones made from now on copy it at once. No lock
        (a lock held across a fork would stop the child): two threads noting at once may lose or repeat
        an entry, which only moves a copy to the first read or makes it twice."""
        if all(name != known for known, _, _ in self.eager):
            self.eager = (*self.eager, (name, *self.containers[name]))


def copier_for(value: Any) -> Copier:
    """The cheapest function that copies `value` (plain JSON data) completely: a shallow copy where
    every item is a scalar, one level of shallow copies for a dict or list of such containers, else
    reading it back from its `marshal` bytes, written once (in C: about twice as fast as walking it)."""
    if type(value) is set or _flat(value):
        return _shallow
    items = value.values() if type(value) is dict else value
    if all(type(item) is dict and _flat(item) for item in items):
        return _dict_of_flat_dicts if type(value) is dict else _list_of_flat_dicts
    try:
        data = marshal.dumps(value)
    except ValueError:  # nested too deeply for marshal
        return copy_json
    return functools.partial(_unmarshalled, data)


def _unmarshalled(data: bytes, value: Any) -> Any:
    return marshal.loads(data)


def _shallow(value: Any) -> Any:
    return value.copy()


def _dict_of_flat_dicts(value: dict[Any, dict[Any, Any]]) -> dict[Any, dict[Any, Any]]:
    return {key: item.copy() for key, item in value.items()}


def _list_of_flat_dicts(value: list[dict[Any, Any]]) -> list[dict[Any, Any]]:
    return [item.copy() for item in value]


def _flat(container: Any) -> bool:
    items = container.values() if type(container) is dict else container
    return {type(item) for item in items} <= SCALARS


def _all_plain(values: Iterable[Any]) -> bool:
    """Whether every value is plain JSON data and no container appears twice among them (a clone copies
    each attribute on its own, so two attributes sharing a container would no longer share it)."""
    seen: set[int] = set()
    try:
        return all(_plain(value, seen) for value in values)
    except RecursionError:  # nested deeper than a copy should walk: built again instead
        return False


def _plain(value: Any, seen: set[int]) -> bool:
    """Whether `value` is JSON-shaped data that `copy_json` copies completely (nothing left shared),
    holding no container already in `seen` (the ids of the containers met so far)."""
    kind = type(value)
    if kind in SCALARS:
        return True
    if id(value) in seen:
        return False
    seen.add(id(value))
    if kind is dict:
        if not {type(key) for key in value} <= SCALARS:
            return False
        items: Iterable[Any] = value.values()
    elif kind is list:
        items = value
    elif kind is set:
        return {type(item) for item in value} <= SCALARS
    else:
        return False
    return {type(item) for item in items} <= SCALARS or all(
        _plain(item, seen) for item in items if type(item) not in SCALARS
    )


def frozen_twin(instance: Domain) -> Domain:
    """A copy of `instance` as it is now, for comparing with (`same_state_as`), never for running: a clone
    copies only what it has made its own (the rest stays shared with its prototype), anything else goes
    through a pickle."""
    attributes = instance.__dict__
    if SHARED not in attributes:
        return pickle.loads(pickle.dumps(instance))
    twin = type(instance).__new__(type(instance))
    twin.__dict__.update(
        (key, value if type(value) in SCALARS or key == SHARED else copy_json(value))
        for key, value in attributes.items()
    )
    return twin
