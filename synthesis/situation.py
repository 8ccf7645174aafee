"""Facts about a turn's concrete situation that a chain of thought can reason from.

Each helper reads the specs, the calls and the conversation, never a tool description: a shown tool
that could be mistaken for the chosen one and the spec fact that rules it out; a condition an earlier
turn already brought about (so no call is repeated); the words the user actually wrote for a value.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from funreason_envs.domains import domain_class
from funreason_envs.specs import DomainSpec, ToolSpec
from funreason_envs.synthesis.trace import Step

# Name words too common to make two tools look alike ("get_ticket" and "get_current_speed").
COMMON_NAME_WORDS = {
    "get",
    "set",
    "the",
    "a",
    "by",
    "of",
    "to",
    "for",
    "info",
    "id",
    "current",
    "all",
    "list",
}


@dataclass(frozen=True)
class Rival:
    """A shown tool close to the chosen one that has no parameter for one of the call's values."""

    name: str
    param: str


def name_words(name: str) -> set[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name).replace("_", " ").lower()
    return {word for word in spaced.split() if word not in COMMON_NAME_WORDS and len(word) > 2}


def rivals(step: Step, shown: set[str]) -> list[Rival]:
    """Shown tools of `step`'s domain that look like its tool (a name word no more than two tools of
    the domain share, or a required id parameter in common) but have no parameter for one of the
    values this call passes: choosing one would lose that value."""
    tools, words, counts = _domain_words(domain_class(step.spec.domain).spec())
    own = {word for word in name_words(step.name) if counts[word] <= 2}
    found = []
    for name, spec in tools.items():
        if name == step.name or name not in shown or spec.mutates_state != step.spec.mutates_state:
            continue
        common = {p for p in set(spec.required) & set(step.spec.required) if p.endswith("_id")}
        if not (own & words[name] or common):
            continue
        properties = spec.parameters.get("properties", {})
        lacking = [param for param in step.call.arguments if param not in properties]
        if lacking:
            found.append(Rival(name, lacking[0]))
    return found


DomainWords = tuple[dict[str, ToolSpec], dict[str, frozenset[str]], Counter[str]]
_DOMAIN_WORDS: dict[int, tuple[DomainSpec, DomainWords]] = {}  # by spec, which each entry keeps alive


def _domain_words(spec: DomainSpec) -> DomainWords:
    """A domain's tools by name, each tool's name words, and how many tools share each word (worked
    out once per spec object: `rivals` asks for every call explained)."""
    held = _DOMAIN_WORDS.get(id(spec))
    if held is None or held[0] is not spec:
        tools = {tool.name: tool for tool in spec.tools}
        words = {name: frozenset(name_words(name)) for name in tools}
        held = (spec, (tools, words, Counter(word for name in tools for word in words[name])))
        _DOMAIN_WORDS[id(spec)] = held
    return held[1]


@dataclass(frozen=True)
class Standing:
    """A condition `step` needs that an earlier turn's call (`since`) brought about and nothing undid."""

    step: Step
    condition: str
    since: Step


def standing_conditions(steps: list[Step], history: dict[tuple[int, int], Step], turn: int) -> list[Standing]:
    """Conditions this turn's calls need that no call of the turn brings about, but an earlier turn's
    did (and no later call revoked): the reason a login or a brake press is not repeated."""
    earlier = sorted((step for key, step in history.items() if key[0] < turn), key=lambda s: s.key)
    found: list[Standing] = []
    seen: set[str] = set()
    for position, step in enumerate(steps):
        given = {c for before in steps[:position] for c in (*before.spec.provides, *before.spec.may_provide)}
        for condition in step.spec.requires:
            if condition in given or condition in seen:
                continue
            since = None
            for past in earlier:
                if condition in past.spec.provides:
                    since = past
                elif condition in past.spec.revokes:
                    since = None
            if since is not None:
                seen.add(condition)
                found.append(Standing(step, condition, since))
    return found


def user_wording(phrase: str, query: str) -> str | None:
    """The user's own words for a value, when `phrase` (how a user says it) occurs in the query."""
    bare = phrase.strip("'\"")
    if len(bare) < 2:
        return None
    match = re.search(re.escape(bare), query, re.IGNORECASE)
    return match.group(0) if match else None


def pointer(query: str, noun: str) -> str | None:
    """A phrase in the query that points back at an earlier value ("the same ticket", "that order")."""
    pattern = (
        rf"\b(?:the same|that|those|this) (?:\w+ ){{0,2}}{re.escape(noun)}s?\b"
        rf"|\bthe {re.escape(noun)}s? (?:from (?:before|earlier)|you (?:just )?\w+)"
    )
    match = re.search(pattern, query, re.IGNORECASE)
    return match.group(0) if match else None


# Where a request splits into the parts a user strings together.
PART_BREAK = re.compile(
    r"(?<=[.!?])\s+|;\s+|,?\s+(?:and then|then|after that|once that is done|following that)\s+|:\s+", re.I
)


def request_part(step: Step, query: str) -> str | None:
    """The part of the user's message that asks for `step`: the one naming most of its own values, or
    None when that part is too long to quote (a part naming fewer, such as the sentence that only
    gives an access token, is not the request)."""
    values = [
        str(value)
        for param, value in step.call.arguments.items()
        if param not in step.sources and isinstance(value, (str, int, float)) and not isinstance(value, bool)
    ]
    values = [value.lower() for value in values if len(value) > 1]
    least = 1
    if not values:  # no value to find it by: two words of the tool's name ("tire pressure")
        values = [word for word in name_words(step.name) if len(word) >= 4]
        least = 2
    best, hits = None, least - 1
    for part in PART_BREAK.split(query):
        part = part.strip(" ,.!?")
        count = sum(value in part.lower() for value in values)
        quotable = len(part) <= 120
        if count > hits or (count == hits >= least and best is None and quotable):
            best, hits = (part if quotable else None), count
    return best
