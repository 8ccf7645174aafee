"""The domain registry: domain id -> backend class, imported on first use."""

from __future__ import annotations

import importlib
from functools import cache

from funreason_envs.domains.base import Domain
from funreason_envs.errors import ConfigError

# Domain id -> "module:Class". Tool names are unique across all domains, so any set can be combined.
DOMAIN_CLASSES: dict[str, str] = {
    "file_system": "funreason_envs.domains.file_system:FileSystem",
    "math": "funreason_envs.domains.math:Math",
    "message": "funreason_envs.domains.message:Messaging",
    "posting": "funreason_envs.domains.posting:Posting",
    "ticket": "funreason_envs.domains.ticket:TicketQueue",
    "trading": "funreason_envs.domains.trading:Trading",
    "travel": "funreason_envs.domains.travel:Travel",
    "vehicle": "funreason_envs.domains.vehicle:Vehicle",
}


def domain_names() -> list[str]:
    """All registered domain ids."""
    return list(DOMAIN_CLASSES)


@cache
def domain_class(name: str) -> type[Domain]:
    """The backend class of a domain id, or of a bfcl-eval class name such as `GorillaFileSystem`."""
    target = DOMAIN_CLASSES.get(name) or DOMAIN_CLASSES.get(bfcl_class_map().get(name, ""))
    if target is None:
        known = ", ".join(DOMAIN_CLASSES)
        raise ConfigError(f"unknown domain {name!r}; choose from: {known}")
    module_name, class_name = target.split(":")
    return getattr(importlib.import_module(module_name), class_name)


@cache
def bfcl_class_map() -> dict[str, str]:
    """bfcl-eval class name -> domain id, for the domains that reproduce one."""
    mapping = {}
    for name, target in DOMAIN_CLASSES.items():
        module_name, class_name = target.split(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        if cls.bfcl_class:
            mapping[cls.bfcl_class] = name
    return mapping


def resolve_domains(names: str | list[str] | tuple[str, ...]) -> list[str]:
    """Normalise a domain selection ("all", "a,b", a list, BFCL class names) to domain ids."""
    items = names.split(",") if isinstance(names, str) else list(names)
    items = [item.strip() for item in items if item.strip()]
    if items == ["all"]:
        return domain_names()
    if not items:
        raise ConfigError("no domain given; pass one or more of: " + ", ".join(DOMAIN_CLASSES))
    return list(dict.fromkeys(domain_class(item).name for item in items))
