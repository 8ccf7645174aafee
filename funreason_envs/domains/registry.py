"""The domain registry: the domains found in the packaged spec files, plus the ones registered in code.

A spec file declares its domain id, BFCL class name, implementation ("module:Class") and synthesis kit
module, so adding a domain is adding its files. `register_domain` adds a domain whose files live outside
the package, or one written as a `TypedDomain` class. Discovery reads JSON only; classes and kits are
imported on first use.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from funreason_envs.domains.base import Domain
from funreason_envs.errors import ConfigError, SpecError
from funreason_envs.specs import SPEC_PACKAGE, DomainSpec, load_domain_spec, load_spec_file, spec_domains


@dataclass(frozen=True)
class DomainEntry:
    """One registered domain: where its spec, backend class and synthesis kit come from."""

    name: str
    bfcl_class: str | None
    implementation: str | type[Domain]  # "module:Class", or the class itself
    kit: Any = None  # a kit module's name, a kit object, or None when the domain has no kit
    spec_path: Path | None = None  # the spec file of a domain registered from one
    builtin: bool = True
    generation: int = 0  # which registration this is, so per-class caches never outlive it


_registered: dict[str, DomainEntry] = {}  # domains registered in code, in registration order
_classes: dict[str, type[Domain]] = {}  # domain id -> imported backend class
_owners: dict[type, DomainEntry] = {}  # backend class -> its entry
_external_specs: dict[str, DomainSpec] = {}
_changes = [0]  # bumped on every register/unregister, so caches built from domains can tell


@cache
def builtin_entries() -> dict[str, DomainEntry]:
    """The packaged domains, read from the header fields of every spec file in `api_specs/`."""
    entries = {}
    for domain in spec_domains():
        text = resources.files(SPEC_PACKAGE).joinpath(f"{domain}.json").read_text(encoding="utf-8")
        data = json.loads(text)
        if not data.get("implementation"):
            raise SpecError(f"{domain}.json: -: implementation: missing; give the backend as 'module:Class'")
        entries[domain] = DomainEntry(domain, data.get("bfcl_class"), data["implementation"], data.get("kit"))
    return entries


def entries() -> dict[str, DomainEntry]:
    """Every registered domain: the packaged ones (sorted), then those registered in code."""
    return {**builtin_entries(), **_registered}


def domain_names() -> list[str]:
    """All registered domain ids."""
    return list(entries())


def combinable_domain_names() -> list[str]:
    """The registered domains in order, minus any whose tool names an earlier one already uses.

    Alternative backends of one BFCL suite (the memory backends share `core_memory_add` and the
    like) never meet in one env; "all" keeps the first of them, and each stays selectable by name.
    """
    kept, taken = [], set()
    for name in domain_names():
        tools = {tool.name for tool in domain_spec(name).tools}
        if not tools & taken:
            kept.append(name)
            taken |= tools
    return kept


@cache
def _builtin_bfcl_names() -> dict[str, str]:
    return {entry.bfcl_class: name for name, entry in builtin_entries().items() if entry.bfcl_class}


def bfcl_class_map() -> dict[str, str]:
    """bfcl-eval class name -> domain id, for the domains that reproduce one."""
    extra = {entry.bfcl_class: name for name, entry in _registered.items() if entry.bfcl_class}
    return {**_builtin_bfcl_names(), **extra}


def domain_entry(name: str) -> DomainEntry:
    """The entry of a domain id, or of a bfcl-eval class name such as `GorillaFileSystem`."""
    known = entries()
    entry = known.get(name) or known.get(bfcl_class_map().get(name, ""))
    if entry is None:
        raise ConfigError(f"unknown domain {name!r}; choose from: {', '.join(known)}")
    return entry


def domain_class(name: str) -> type[Domain]:
    """The backend class of a domain id or bfcl-eval class name, imported on first use."""
    entry = domain_entry(name)
    cls = _classes.get(entry.name)
    if cls is None:
        cls = _import_class(entry.implementation, entry.name)
        _classes[entry.name] = cls
    return cls


def domain_spec(name: str) -> DomainSpec:
    """The validated spec of a registered domain."""
    entry = domain_entry(name)
    if entry.builtin:
        return load_domain_spec(entry.name)
    return _external_specs[entry.name]


def resolve_domains(names: str | list[str] | tuple[str, ...]) -> list[str]:
    """Normalise a domain selection ("all", "a,b", a list, BFCL class names) to domain ids.

    "all" means every registered domain that can share an env with the others (`combinable_domain_names`).
    """
    items = names.split(",") if isinstance(names, str) else list(names)
    items = [item.strip() for item in items if item.strip()]
    if items == ["all"]:
        return combinable_domain_names()
    if not items:
        raise ConfigError("no domain given; pass one or more of: " + ", ".join(entries()))
    return list(dict.fromkeys(domain_entry(item).name for item in items))


def entry_of_class(cls: type) -> DomainEntry:
    """The entry whose implementation is `cls` (or the nearest registered base class of it)."""
    entry = _owners.get(cls)
    if entry is not None:
        return entry
    by_path = {
        entry.implementation: entry for entry in entries().values() if isinstance(entry.implementation, str)
    }
    for klass in cls.__mro__:
        found = by_path.get(f"{klass.__module__}:{klass.__qualname__}") or next(
            (entry for entry in _registered.values() if entry.implementation is klass), None
        )
        if found is not None:
            _owners[cls] = found
            return found
    raise ConfigError(
        f"{cls.__qualname__} is the backend of no registered domain; name it as the 'implementation' of "
        "a spec file, or call funreason_envs.register_domain(spec_path, implementation)"
    )


def register_domain(
    source: str | Path | type[Domain], implementation: str | type[Domain] | None = None, kit: Any = None
) -> str:
    """Register a domain defined outside the package; returns its id.

    `source` is a `TypedDomain` subclass (its spec, class and synthesis kit all derive from it), or a
    spec file, with `implementation` the backend class or "module:Class" (default: the spec's
    `implementation`). `kit` is a synthesis kit object or a kit module's name (default: the spec's
    `kit`, or the kit derived from a typed class). The domain then works everywhere a packaged one
    does: envs, `gym.make`, the graph, eval, synthesis.
    """
    from funreason_envs.domains.typed import TypedDomain

    if isinstance(source, type) and issubclass(source, TypedDomain):
        where, spec, target = source.__qualname__, source.typed_spec(), implementation or source
        kit = kit or (source if source.synthesizable else None)
        path = None
    elif isinstance(source, type):
        raise ConfigError(
            f"{source.__qualname__} is not a TypedDomain; register a spec file with its class instead"
        )
    else:
        path = Path(source)
        where, spec = str(path), load_spec_file(path)
        target = implementation or spec.implementation
    if spec.domain in entries():
        raise ConfigError(f"{where}: domain {spec.domain!r} is already registered; unregister it first")
    if target is None:
        raise ConfigError(f"{where}: no implementation; pass the backend class or give 'implementation'")
    clashes = sorted({tool.name for tool in spec.tools} & _all_tool_names())
    if clashes:
        raise ConfigError(f"{where}: tool names {clashes} already belong to registered domains; rename them")
    _changes[0] += 1
    entry = DomainEntry(
        spec.domain,
        spec.bfcl_class,
        target,
        kit or spec.kit,
        spec_path=path.resolve() if path is not None else None,
        builtin=False,
        generation=_changes[0],
    )
    _registered[spec.domain] = entry
    _external_specs[spec.domain] = spec
    _owners.clear()
    try:
        domain_class(spec.domain).tool_table()  # the methods must match the spec before anything uses them
    except BaseException:
        _forget(spec.domain)
        raise
    from funreason_envs.registration import register_free_play

    register_free_play(spec.domain)
    return spec.domain


def unregister_domain(name: str) -> None:
    """Remove a domain registered with `register_domain` (packaged domains cannot be removed)."""
    if name not in _registered:
        if name in builtin_entries():
            raise ConfigError(f"domain {name!r} is packaged and cannot be unregistered")
        raise ConfigError(f"domain {name!r} was not registered with register_domain")
    from funreason_envs.registration import unregister_free_play

    unregister_free_play(name)
    _forget(name)


@contextmanager
def registered_domain(
    source: str | Path | type[Domain], implementation: str | type[Domain] | None = None, kit: Any = None
) -> Iterator[str]:
    """`register_domain` for the length of a `with` block (tests, notebooks); yields the domain id."""
    name = register_domain(source, implementation, kit)
    try:
        yield name
    finally:
        unregister_domain(name)


def registry_version() -> int:
    """Changes whenever the set of registered domains does: a key for caches built from domains."""
    return _changes[0]


def _forget(name: str) -> None:
    _changes[0] += 1
    _registered.pop(name, None)
    _external_specs.pop(name, None)
    _classes.pop(name, None)
    _owners.clear()


def _all_tool_names() -> set[str]:
    return {tool.name for name in entries() for tool in domain_spec(name).tools}


def _import_class(target: str | type[Domain], domain: str) -> type[Domain]:
    if isinstance(target, str):
        module_name, _, class_name = target.partition(":")
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError) as exc:
            raise ConfigError(
                f"domain {domain!r}: cannot import its implementation {target!r}: {exc}"
            ) from exc
    else:
        cls = target
    if not (isinstance(cls, type) and issubclass(cls, Domain)):
        raise ConfigError(f"domain {domain!r}: implementation {target!r} is not a Domain subclass")
    return cls
