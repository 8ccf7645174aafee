"""The `Domain` base class: a stateful tool backend whose public attributes are its checkable state.

A domain subclass defines one public method per tool in its spec file, with the spec's parameter
names in the spec's order. Everything else on the class is private (leading underscore) or inherited
from `Domain`. The method table and the argument checkers are built once per class.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, ClassVar

from funreason_envs.domains.draws import RememberedDraws
from funreason_envs.errors import ConfigError, SpecError
from funreason_envs.jsonutil import SCALARS, copy_json, to_jsonable
from funreason_envs.schema import Checker
from funreason_envs.specs import DomainSpec, ToolSpec


@dataclass(frozen=True, slots=True)
class ToolEntry:
    """A tool resolved against its class: the spec, the unbound method and the compiled checker."""

    spec: ToolSpec
    function: Callable[..., Any]
    checker: Checker
    lenient_checker: Checker  # only what Python itself would refuse (BFCL scoring runs the rest)

    @property
    def name(self) -> str:
        return self.spec.name


class _FromSpec:
    """A class attribute read from the domain's registry entry, so ids are written once, in the spec."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.field = name

    def __get__(self, instance: object, owner: type) -> Any:
        from funreason_envs.domains.registry import entry_of_class

        return getattr(entry_of_class(owner), self.field)


class Domain:
    """Base class of every domain backend.

    `name` (the domain id) and `bfcl_class` come from the spec file that names the class as its
    implementation, through the registry. `load()` (re)initialises the state from a config dict in
    BFCL's initial-config shape. Read state attributes by name: an instance cloned from a prototype
    (`domains.prototype`) copies each container the first time it is read, so `vars(self)` may not
    hold them all yet; `attributes_of(instance)` lists them all.
    """

    name: ClassVar[str] = _FromSpec()  # type: ignore[assignment]
    bfcl_class: ClassVar[str | None] = _FromSpec()  # type: ignore[assignment]

    def __init__(self, config: Mapping[str, Any] | None = None, *, long_context: bool = False) -> None:
        try:
            self.load(config or {}, long_context=long_context)
        except RecursionError:  # copying a config walks it: one nested thousands deep is refused here
            raise ConfigError(
                f"{type(self).__name__}: the initial config is nested too deeply to load; flatten it"
            ) from None

    def __getattr__(self, name: str) -> Any:
        # reached only when an attribute is missing: a clone's container still shared with its prototype
        # is copied into the clone on first use, so the prototype never changes
        prototype = self.__dict__.get(SHARED)
        shared = None if prototype is None else prototype.containers.get(name)
        if shared is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        copy, value = shared
        value = self.__dict__[name] = copy(value)
        prototype.read_by_a_clone(name)
        return value

    def __getstate__(self) -> dict[str, Any]:
        return attributes_of(self)  # a clone pickles as a plain instance

    def load(self, config: Mapping[str, Any], long_context: bool = False) -> None:
        """Set the state from `config` (missing keys take the domain's defaults)."""
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """The public state as JSON-able data: what state checks compare."""
        return {
            key: value if type(value) in SCALARS else to_jsonable(value)
            for key, value in attributes_of(self).items()
            if key[:1] != "_"
        }

    def same_state_as(self, other: Domain) -> bool:
        """True only if `other`'s `state_dict()` equals this one's, told from the live attributes without
        converting them (C-level `==`; equal values convert to equal views). False also means "unsure":
        a checker then compares the converted states. A domain with its own view may override it."""
        if type(other) is not type(self) or type(self).state_dict is not Domain.state_dict:
            return False
        mine, theirs = self.__dict__, other.__dict__
        if mine.get(SHARED) is not theirs.get(SHARED) or mine.keys() != theirs.keys():
            mine, theirs = attributes_of(self), attributes_of(other)
        # else: plain instances, or clones of one prototype that copied the same attributes (what neither
        # copied is the same shared object on both sides): their own attributes say it all
        try:
            if mine == theirs:  # private attributes too (usually equal seeds): one comparison in C
                return True
        except (TypeError, ValueError):  # a private value without a plain `==` (e.g. an array): public only
            pass
        return _public(mine) == _public(theirs)

    def conditions(self) -> set[str]:
        """The spec's state conditions that hold now; a domain whose spec declares conditions overrides it.

        The Environment-API graph reads this to decide which tools are callable in the live state.
        """
        return set()

    def available_resources(self) -> dict[str, list[Any]]:
        """Resource type -> values that are valid arguments of that type in the current state.

        What an argument sampler may choose from; empty when the domain enumerates none.
        """
        return {}

    @classmethod
    def spec(cls) -> DomainSpec:
        from funreason_envs.domains.registry import domain_spec

        return domain_spec(cls.name)

    @classmethod
    def tool_table(cls) -> dict[str, ToolEntry]:
        """Tool name -> entry, built and checked once per class (and registration of its domain)."""
        from funreason_envs.domains.registry import entry_of_class

        return _build_tool_table(cls, entry_of_class(cls).generation)

    @classmethod
    def tool_methods(cls) -> list[str]:
        """Names of the public methods a subclass defines: these must be exactly its spec's tools."""
        names = []
        for klass in cls.__mro__:
            if klass is Domain or klass is object:
                continue
            names.extend(
                name
                for name, value in vars(klass).items()
                if not name.startswith("_") and callable(value) and not hasattr(Domain, name)
            )
        return sorted(set(names))


def _public(attributes: dict[str, Any]) -> dict[str, Any]:
    """The public attributes of an attribute dict: copied in C, the private names deleted (the names of
    each key layout found once)."""
    keys = tuple(attributes)
    private = _private_names.get(keys)
    if private is None:
        if len(_private_names) >= 1024:  # layouts are few per class: a bound for odd instances
            _private_names.clear()
        private = _private_names[keys] = tuple(key for key in keys if key[:1] == "_")
    public = attributes.copy()
    for key in private:
        del public[key]
    return public


_private_names: dict[tuple[str, ...], tuple[str, ...]] = {}  # a key layout -> its private names


# the instance attribute holding the `Prototype` a clone shares its containers with (`domains.prototype`)
SHARED = "_shared_with_prototype"


def attributes_of(instance: Domain) -> dict[str, Any]:
    """Every attribute of a domain instance, in the order they were set, with the containers a clone still
    shares with its prototype (read them, never change them: change the instance's own through it)."""
    mine = instance.__dict__
    prototype = mine.get(SHARED)
    if prototype is None:
        return mine
    # the prototype's order, the clone's values where it has its own; then what was set since the clone
    # was made (a generator drawn from, say), in its order: `update` keeps the position of a key it replaces
    merged = prototype.shared.copy()
    merged.update(mine)
    del merged[SHARED]
    return merged


SEED_TYPES = frozenset({type(None), int, float, str, bytes, bytearray})


class SeededRandom:
    """A domain attribute holding a `random.Random` seeded from the instance's seed attribute, built on
    first use (seeding costs more than building most instances, and most episodes never draw); for an
    int seed, `RememberedDraws`, which draws the same values. `load` calls `reseed`, so a reloaded
    instance draws from the start of its new seed's stream."""

    def __init__(self, seed_attribute: str) -> None:
        self.seed_attribute = seed_attribute

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type) -> Any:
        if instance is None:
            return self
        seed = getattr(instance, self.seed_attribute)
        # most episodes share a few seeds and draw what others of the same task drew: remembered draws
        rng: Any = RememberedDraws(seed) if type(seed) is int else random.Random(seed)
        vars(instance)[self.name] = rng  # later reads find it in the instance
        return rng

    def reseed(self, instance: object, seed: Any) -> None:
        if type(seed) not in SEED_TYPES:
            random.Random(seed)  # a seed `random` refuses fails here, at load, as it did when built eagerly
        vars(instance).pop(self.name, None)
        setattr(instance, self.seed_attribute, seed)


def config_value(config: Mapping[str, Any], key: str, default: Any) -> Any:
    """A config entry copied so the caller's data is never aliased, or a copy of the default."""
    value = config.get(key, default)
    return value if type(value) in SCALARS else copy_json(value)


def read_datetime(text: Any, form: str) -> datetime:
    """`datetime.strptime(text, form)`, remembered per text (parsing costs more than most tools do;
    the value is immutable). Anything but a string goes to `strptime` itself, which words the error."""
    if type(text) is str:
        return _read_datetime(text, form)
    return datetime.strptime(text, form)


@lru_cache(maxsize=4096)
def _read_datetime(text: str, form: str) -> datetime:
    return datetime.strptime(text, form)


@cache
def _build_tool_table(cls: type[Domain], _generation: int) -> dict[str, ToolEntry]:
    spec = cls.spec()
    source = f"{cls.name}.json"
    problems: list[str] = []
    methods = set(cls.tool_methods())
    table: dict[str, ToolEntry] = {}
    for tool in spec.tools:
        function = getattr(cls, tool.name, None)
        if tool.name not in methods or function is None:
            problems.append(f"{source}: {tool.name}: -: no method {cls.__name__}.{tool.name}")
            continue
        params = [
            p.name
            for p in list(inspect.signature(function).parameters.values())[1:]
            if p.kind != p.VAR_KEYWORD
        ]
        if params != list(tool.parameter_names):
            problems.append(
                f"{source}: {tool.name}: parameters: spec order {list(tool.parameter_names)} "
                f"differs from the method's {params}"
            )
            continue
        table[tool.name] = ToolEntry(tool, function, tool.compile_checker(), tool.compile_lenient_checker())
    for extra in sorted(methods - set(spec.by_name)):
        problems.append(f"{source}: {extra}: -: method {cls.__name__}.{extra} has no spec entry")
    if problems:
        raise SpecError("\n".join(problems))
    return table
