"""Domain backends and the registry that finds them (see `registry`)."""

from __future__ import annotations

from funreason_envs.domains.base import Domain
from funreason_envs.domains.registry import (
    DomainEntry,
    bfcl_class_map,
    domain_class,
    domain_entry,
    domain_names,
    domain_spec,
    register_domain,
    registered_domain,
    resolve_domains,
    unregister_domain,
)

__all__ = [
    "Domain",
    "DomainEntry",
    "bfcl_class_map",
    "domain_class",
    "domain_entry",
    "domain_names",
    "domain_spec",
    "register_domain",
    "registered_domain",
    "resolve_domains",
    "unregister_domain",
]
