"""Draw arguments for a call from the live state, earlier results and the domain kit.

For a parameter that consumes a resource, candidates come from (in order of preference) values an
earlier result produced (a data flow, kept only when a user could point at it unambiguously: the kit
has a `refer` phrase for it and the producer returned that one value), values the current state
offers, and values the kit invents for resources a user may state. Other parameters use the kit's
per-parameter makers, then the schema's `examples`/`enum`, then a schema-valid random value.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from funreason_envs.domains.base import Domain
from funreason_envs.graph import extract_values
from funreason_envs.schema import sample_value
from funreason_envs.specs import ToolSpec
from funreason_envs.synthesis.kits import PLACE, DomainKit, ValueMaker
from funreason_envs.synthesis.trace import Offer, Source, ValuePool

FLOW_PREFERENCE = 0.85  # chance of taking an unambiguous earlier result over a state value
OPTIONAL_RATE = 0.35  # chance of setting an optional parameter (otherwise its default applies)
FRESH_TRIES = 4  # draws tried for a call the conversation has not made yet (same tool, same arguments)


@dataclass
class Drawn:
    """Arguments for one call, and which of them came from earlier results."""

    arguments: dict[str, Any]
    sources: dict[str, Source]
    tool: str = ""  # the tool they were drawn for


class ArgumentSampler:
    """Chooses arguments for calls of the tools of the given domains."""

    def __init__(
        self,
        kits: Mapping[str, DomainKit],
        domains: Mapping[str, Domain],
        user_supplied: frozenset[str],
        rng: random.Random,
    ) -> None:
        self.kits = kits
        self.domains = domains
        self.user_supplied = user_supplied
        self.rng = rng
        self._np = np.random.default_rng(rng.randrange(2**32))
        # Values a user may state: what their world offered at the start (the kit may widen this, e.g.
        # every name in a file tree) and what the user said since. Values the service makes are not.
        # Numbers are remembered with what they were said as (`_said_as`).
        self.stated: set[Any] = set()
        for name, domain in domains.items():
            if kits[name].known is not None:
                self.stated.update(_said_as(value, "") for value in kits[name].known(domain))
            else:
                self.know(domain.available_resources())
        self.made: set[str] = set()  # calls that ran (tool and arguments), so later ones differ
        self.turn = 0  # the turn arguments are drawn for (`begin_turn`)

    def begin_turn(self, turn: int) -> None:
        """Arguments are drawn for `turn` from now on."""
        self.turn = turn

    def know(self, offered: Mapping[str, list[Any]]) -> None:
        """Count values of these resource types (type -> values) as known to the user."""
        self.stated.update(_said_as(value, kind) for kind, values in offered.items() for value in values)

    def said(self, drawn: Drawn, tool: ToolSpec) -> None:
        """Record the arguments of a call that ran: those not taken from results are now stated."""
        for param, value in drawn.arguments.items():
            if param not in drawn.sources:
                consumed = tool.consumes.get(param) or param
                kinds = [consumed] if isinstance(consumed, str) else list(consumed)
                self.stated.update(_said_as(value, kind) for kind in kinds)
        self.made.add(_call_key(drawn.tool, drawn.arguments))

    def draw(self, tool: ToolSpec, pool: ValuePool, used: set[Any] | None = None) -> Drawn | None:
        """Arguments for `tool`, or None when a required argument has no candidate right now.

        Values in `used` (arguments already given in this turn) are avoided when another candidate
        exists, so a call does not copy a file onto itself or compare a file with itself. A call the
        conversation already made is redrawn a few times: asking again for the same conversion or the
        same order's details teaches nothing.
        """
        first = self._draw_once(tool, pool, used, set())
        drawn, avoid = first, set[Any]()
        for _ in range(FRESH_TRIES - 1):
            if drawn is None or _call_key(tool.name, drawn.arguments) not in self.made:
                break
            avoid.update(_hashable(value) for value in drawn.arguments.values())
            drawn = self._draw_once(tool, pool, used, avoid)
        if first is None or drawn is None or len(drawn.sources) < len(first.sources):
            if first is not None and not (tool.mutates_state or tool.requires) and self._asks_again(first):
                # the same state-free look-up (a conversion, an estimate) on an earlier turn's result
                # gives the same answer again: the walk takes another goal
                return None
            return first  # a repeat (the audit rejects it as a goal) beats losing an earlier result
        return drawn

    def _asks_again(self, drawn: Drawn) -> bool:
        """The same call was made before, on a value an earlier result gave (so in an earlier turn)."""
        return bool(drawn.sources) and _call_key(drawn.tool, drawn.arguments) in self.made

    def _draw_once(
        self, tool: ToolSpec, pool: ValuePool, used: set[Any] | None, avoid: set[Any]
    ) -> Drawn | None:
        """One draw; values in `avoid` (those of a call already made) are taken only as a last resort."""
        kit = self.kits[tool.domain]
        used = set(used or ()) | avoid
        in_call: set[Any] = set()  # one call never gets the same value twice (no diff of a file with itself)
        arguments: dict[str, Any] = {}
        sources: dict[str, Source] = {}
        required = tool.required
        offered: dict[str, list[Any]] | None = None  # what the state offers, read once per call
        for param, schema in tool.parameters.get("properties", {}).items():
            maker = kit.values.get(f"{tool.name}.{param}")
            if param not in required and maker is None and self.rng.random() > OPTIONAL_RATE:
                continue  # optional: usually left to its default (a kit's maker for it decides instead)
            consumed = tool.consumes.get(param)
            if consumed is not None:
                options = [consumed] if isinstance(consumed, str) else list(consumed)
                if offered is None:
                    offered = self._offered()
                picked = self._resource_value(
                    tool, param, options, pool, offered, used, in_call, maker, arguments, avoid
                )
                if picked is not None:
                    arguments[param], source = picked
                    used.add(_hashable(arguments[param]))
                    in_call.add(_hashable(arguments[param]))
                    if source is not None:
                        sources[param] = source
                    continue
                if param in required:
                    return None
                continue
            value = maker(self.rng, self.domains) if maker is not None else None
            if value is not None:
                arguments[param] = value
            elif param in required:
                arguments[param] = self._schema_value(schema)
        return Drawn(arguments, sources, tool.name)

    def _offered(self) -> dict[str, list[Any]]:
        """Resource type -> the values the live state offers now, over every domain."""
        offered: dict[str, list[Any]] = {}
        for domain in self.domains.values():
            for kind, values in domain.available_resources().items():
                offered.setdefault(kind, []).extend(values)
        return offered

    def _resource_value(
        self,
        tool: ToolSpec,
        param: str,
        options: list[str],
        pool: ValuePool,
        offered: dict[str, list[Any]],
        used: set[Any],
        in_call: set[Any],
        maker: ValueMaker | None,
        drawn: dict[str, Any],
        avoid: set[Any],
    ) -> tuple[Any, Source | None] | None:
        """The parameter's own maker (the kit decides; it returns None to leave the choice open), else
        an earlier result (a flow), else the state, else the kit's maker for the resource type.
        `drawn` holds this call's arguments chosen so far. Flowed and state values the kit calls
        senseless for this call (the author of the user's own post as someone to follow) are passed over."""
        self.rng.shuffle(options)
        if maker is not None:
            value = maker(self.rng, self.domains)
            if value is not None:
                return value, None
        if self.rng.random() < FLOW_PREFERENCE or avoid:  # a redraw looks for another earlier result first
            for resource in options:
                # a looked-up value may feed several calls of a turn (quote a ticker, then order it),
                # but never two parameters of one call
                offers = [
                    o
                    for o in pool.offers(resource)
                    if _hashable(o.value) not in in_call | avoid
                    # an echo of what the user said is no look-up; a place in a listing is pointed at
                    and (_said_as(o.value, resource) not in self.stated or self._by_place(o))
                    and _consistent(o.step.call.arguments, drawn)
                    and self._sensible(tool, param, o.value, drawn)
                ]
                offer = self._pick_offer(offers, offered.get(resource), pool)
                if offer is not None:
                    place = offer.place if self._by_place(offer) else None
                    return offer.value, Source(offer.step.turn, offer.step.index, resource, place)
        for resource in options:
            # A value the service made (a ticket just opened, a token) is never stated by the user:
            # it may only enter as a flow, above. The user states what they had or said themselves.
            values = [
                value
                for value in offered.get(resource) or []
                if _hashable(value) not in in_call
                and _said_as(value, resource) in self.stated
                and self._sensible(tool, param, value, drawn)
            ]
            fresh = [value for value in values if _hashable(value) not in used]
            if fresh or values:
                return self.rng.choice(fresh or values), None
        for resource in options:
            maker = self.kits[tool.domain].values.get(resource)
            if maker is None and resource in self.user_supplied:
                maker = next((k.values[resource] for k in self.kits.values() if resource in k.values), None)
            if maker is not None:
                value = maker(self.rng, self.domains)
                if value is not None:
                    return value, None
        return None

    def _sensible(self, tool: ToolSpec, param: str, value: Any, drawn: dict[str, Any]) -> bool:
        """Whether the kit finds nothing senseless in the call with `value` as `param` so far."""
        senseless = self.kits[tool.domain].senseless
        domain = self.domains.get(tool.domain)
        return (
            senseless is None
            or domain is None
            or senseless(tool.name, {**drawn, param: value}, domain) is None
        )

    def _pick_offer(self, offers: list[Offer], valid_now: list[Any] | None, pool: ValuePool) -> Offer | None:
        """The newest unambiguous offer still valid in the current state and speakable by the kit. A
        listing the kit points into by position ("the second item on that list") is unambiguous when it
        is the conversation's latest call of its tool and came in an earlier turn (a user points into a
        list they were shown)."""
        for offer in offers:
            if valid_now is not None and offer.value not in valid_now:
                continue
            if self._by_place(offer):
                if offer.step.turn >= self.turn or not pool.latest_of(offer.step):
                    continue
            elif not offer.unique and not self._unique_once_valid(offer, valid_now):
                continue
            refer = self.kits[offer.step.spec.domain].phrases.tool(offer.step.name).refer
            if offer.resource in refer:
                return offer
        return None

    def _by_place(self, offer: Offer) -> bool:
        """Whether the kit points at this offer by its place in the producer's listing."""
        refer = self.kits[offer.step.spec.domain].phrases.tool(offer.step.name).refer
        return "{" + PLACE + "}" in refer.get(offer.resource, "")

    def _unique_once_valid(self, offer: Offer, valid_now: list[Any] | None) -> bool:
        """A producer that returned several values still identifies one if only one is valid now."""
        if valid_now is None:
            return False
        produced = [
            value
            for p in offer.step.spec.produces
            if p.resource == offer.resource
            for value in extract_values(offer.step.result.value, p.at)
        ]
        return sum(value in valid_now for value in produced) == 1

    def _schema_value(self, schema: dict[str, Any]) -> Any:
        return sample_value(schema, self._np)


def _consistent(producer_arguments: dict[str, Any], drawn: dict[str, Any]) -> bool:
    """A result feeds a call only if they agree on the arguments they share by name: the quote of
    AAPL can price an order for AAPL, not one for GOOG."""
    return all(drawn[name] == value for name, value in producer_arguments.items() if name in drawn)


def _call_key(tool: str, arguments: dict[str, Any]) -> str:
    return f"{tool} {json.dumps(arguments, sort_keys=True, default=str)}"


def _said_as(value: Any, kind: str) -> Any:
    """How a stated value is remembered: text as itself (a name is the same name wherever it is said),
    a number or flag together with the resource type it was said as (or its parameter's name), so the
    priority 2 a user gave is not the ticket 2 the service opened, and a True flag is not the number 1."""
    if isinstance(value, (int, float)):
        return (kind, type(value).__name__, value)
    return _hashable(value)


def _hashable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
