"""Per-domain synthesis kits: initial-state scenarios, user-side values, and the phrasebook.

A kit is what the synthesis pipeline knows about a domain beyond its spec: how to draw a varied
initial state (`scenario`), how to invent values a user would state (`values`, by resource type), and
how people talk about its tools (`phrases`, a JSON file beside the kit module). The phrasebook gives,
per tool, an `intent` (the goal, as an imperative clause), a `context` (how its user-given inputs are
mentioned when it is only a means), `reasons` (why a user may want it, ", since it keeps happening":
one of them, or none as often, ends each intent that is not a question), `refer` (how a user points at
a value it produced, by resource; a phrase with `{position}` points into a listing by place, "the
second item on the list you gave me") and `done` (a closing line built from the arguments and the result);
`display` maps literal values of a parameter to words (`"wc.mode": {"l": "lines"}`). `backstories`,
`details` and `nouns` feed the persona, optional irrelevant detail, and the words a user has for a
parameter; `implied` names tools a user never spells out when they are only a means (their settings
follow from the goal); `money` lists the parameters that are US-dollar amounts; all optional. A kit's
`senseless` and `topical` say which calls a user would not make (phase 1 avoids them, the label
audit rejects them).
"""

from __future__ import annotations

import importlib
import json
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from funreason_envs.domains.base import Domain
from funreason_envs.domains.registry import domain_entry, entries
from funreason_envs.errors import ConfigError

PLACE = "position"  # the `refer` placeholder for a value's place in a listing ("second")
# (rng, live domain instances by id) -> a value, or None when none can be made right now.
ValueMaker = Callable[[random.Random, Mapping[str, Domain]], Any]


@dataclass(frozen=True)
class ToolPhrases:
    """How people talk about one tool; templates use `{param}` for arguments, `{result.key}` for results."""

    intent: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    refer: Mapping[str, str] = field(default_factory=dict)
    done: str = ""


@dataclass(frozen=True)
class Phrasebook:
    """A domain's phrases: per tool, plus the domain's persona, backstories, details and value words."""

    tools: Mapping[str, ToolPhrases]
    persona: str = ""
    display: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # "tool.param" -> literal -> words
    backstories: tuple[str, ...] = ()  # clauses a persona's story is drawn from ("I'm moving offices")
    details: tuple[str, ...] = ()  # irrelevant details a user may add ("The printer is broken again.")
    nouns: Mapping[str, str] = field(default_factory=dict)  # "tool.param" or "param" -> how users call it
    implied: tuple[str, ...] = ()  # tools whose settings follow from the goal (press the brake: fully)
    owned: tuple[str, ...] = ()  # actions a user owns (add to cart): never an unsaid prerequisite
    money: tuple[str, ...] = ()  # "tool.param" amounts in US dollars, said as "$500"

    def tool(self, name: str) -> ToolPhrases:
        return self.tools.get(name, ToolPhrases())


@dataclass(frozen=True)
class DomainKit:
    """Everything the synthesis pipeline needs to know about one domain beyond its spec."""

    domain: str
    scenario: Callable[[random.Random], dict[str, Any]]
    values: Mapping[str, ValueMaker]
    phrases: Phrasebook
    # What a user knows from the start, when it is more than the state probes offer (default: those).
    known: Callable[[Domain], Iterable[Any]] | None = None
    # Why a call (tool, arguments) on the live domain would make no sense to a user (acting on a
    # closed ticket, following oneself); None when it does. Phase 1 and the label audit both ask.
    senseless: Callable[[str, Mapping[str, Any], Domain], str | None] | None = None
    # "tool.param" texts about this domain's own matters: never filled from another domain's result.
    topical: tuple[str, ...] = ()


def load_phrasebook(domain: str, folder: str | Path | None = None) -> Phrasebook:
    """Read `<domain>.json` from `folder`, by default the packaged kits folder (`synthesis/kits/`)."""
    entry = (
        Path(folder) / f"{domain}.json"
        if folder is not None
        else resources.files(__name__) / f"{domain}.json"
    )
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except FileNotFoundError:
        where = folder if folder is not None else "synthesis/kits"
        raise ConfigError(f"no phrasebook for domain {domain!r} (expected {where}/{domain}.json)") from None
    tools = {
        name: ToolPhrases(
            intent=with_reasons(item.get("intent", ()), item.get("reasons", ())),
            context=tuple(item.get("context", ())),
            refer=dict(item.get("refer", {})),
            done=item.get("done", ""),
        )
        for name, item in data.get("tools", {}).items()
    }
    return Phrasebook(
        tools,
        data.get("persona", ""),
        {key: dict(value) for key, value in data.get("display", {}).items()},
        tuple(data.get("backstories", ())),
        tuple(data.get("details", ())),
        dict(data.get("nouns", {})),
        tuple(data.get("implied", ())),
        tuple(data.get("money", ())),
    )


def with_reasons(intents: Iterable[str], reasons: Iterable[str]) -> tuple[str, ...]:
    """Intent templates with the tool's optional reasons appended as one inline choice (a reason or,
    as often, none: "[, since it keeps happening||]"); a question ("what's the balance?") takes none."""
    options = list(reasons)
    if not options:
        return tuple(intents)
    choice = "[" + "|".join(options + [""] * len(options)) + "]"
    return tuple(intent if intent.endswith("?") else intent + choice for intent in intents)


def kit_for(domain: str) -> DomainKit:
    """The synthesis kit of a registered domain (its spec's `kit` module, or the kit it was registered
    with); a clear error names the domains that have one."""
    entry = domain_entry(domain)
    if entry.kit is None:
        raise ConfigError(
            f"domain {domain!r} has no synthesis kit yet; synthesis supports: {', '.join(kit_domains())}"
        )
    kit = _load_kit(entry.kit)
    if not isinstance(kit, DomainKit) or kit.domain != entry.name:
        raise ConfigError(f"domain {entry.name!r}: its kit {entry.kit!r} is not a DomainKit for that domain")
    return kit


def _load_kit(source: Any) -> Any:
    """A kit from a module name (its `KIT`), a typed domain ("module:Class" or the class; its derived
    kit), or a kit object."""
    from funreason_envs.domains.typed import TypedDomain

    if isinstance(source, str) and ":" in source:
        module_name, _, class_name = source.partition(":")
        source = getattr(importlib.import_module(module_name), class_name)
    elif isinstance(source, str):
        return importlib.import_module(source).KIT
    if isinstance(source, type) and issubclass(source, TypedDomain):
        from funreason_envs.synthesis.kits.derived import derived_kit

        return derived_kit(source)
    return source


def kit_domains() -> list[str]:
    """The registered domains that have a synthesis kit."""
    return [name for name, entry in entries().items() if entry.kit is not None]


def bfcl_kit_domains() -> list[str]:
    """The BFCL domains with a kit: synthesis's default, as bfcl-eval can check what is made from them."""
    return [name for name, entry in entries().items() if entry.kit is not None and entry.bfcl_class]
