"""`ToolList`: the read-only `info["tools"]` list, cheap to send between processes.

Packaged domains' specs are the same files in every process, so a list made only of their tools
pickles as a few (domain, bit mask) runs — which of the domain's tools, in spec order — and is
rebuilt from the local specs on arrival (one shared object per list, as in the sending process);
`AsyncVectorEnv` then pipes a handful of small values per step instead of the schemas or the tool
names (128 name pairs cost more to pickle and unpickle than a free-play step). Lists holding a tool of
a domain registered in code pickle in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from funreason_envs.frozen import FrozenList
from funreason_envs.specs import ToolSpec

Refs = tuple[tuple[str, int], ...]  # runs of (domain id, bit mask of its tools by spec position)


class ToolList(FrozenList):
    """Tools in OpenAI format, shared and read-only; see the module docstring for pickling."""

    __slots__ = ("_refs",)

    def __init__(self, specs: Sequence[ToolSpec] = (), refs: Refs | None = None) -> None:
        super().__init__(spec.openai_shared for spec in specs)
        self._refs = refs

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        if self._refs is not None:
            return packaged_tools, (self._refs,)
        return FrozenList, (list(self),)


def tool_list(specs: Sequence[ToolSpec]) -> ToolList:
    """The `ToolList` of `specs`, pickled by reference when every tool is packaged; the same read-only
    object for the same specs while it is among the last `KEPT_LISTS` asked for (an env resets to
    the same few tool sets again and again)."""
    key = tuple(map(id, specs))  # the specs are kept with the list, so their ids stay theirs
    kept = _kept_lists.get(key)
    if kept is not None:
        return kept[1]
    made = ToolList(specs, _packaged_refs(specs))
    if len(_kept_lists) >= KEPT_LISTS:
        _kept_lists.pop(next(iter(_kept_lists)), None)
    _kept_lists[key] = (tuple(specs), made)
    return made


def _packaged_refs(specs: Sequence[ToolSpec]) -> Refs | None:
    """`specs` as runs of (domain, mask): each run holds tools of one domain in rising spec position,
    so `packaged_tools` rebuilds the same list in the same order. None when a tool is not one of a
    packaged domain's own specs (it must then travel in full)."""
    from funreason_envs.domains.registry import builtin_entries

    packaged = builtin_entries()
    runs: list[tuple[str, int]] = []
    last = -1
    for spec in specs:
        if spec.domain not in packaged:
            return None
        position = _positions(spec.domain).get(spec.name)
        if position is None or not _same(_domain_tools(spec.domain)[position], spec):
            return None
        if runs and runs[-1][0] == spec.domain and position > last:
            runs[-1] = (spec.domain, runs[-1][1] | 1 << position)
        else:
            runs.append((spec.domain, 1 << position))
        last = position
    return tuple(runs)


@cache
def _domain_tools(domain: str) -> tuple[ToolSpec, ...]:
    """A packaged domain's tools in spec order (the spec files are the same in every process)."""
    from funreason_envs.domains.registry import domain_spec

    return tuple(domain_spec(domain).tools)


def _same(packaged: ToolSpec, spec: ToolSpec) -> bool:
    return packaged is spec or packaged == spec


@cache
def _positions(domain: str) -> dict[str, int]:
    return {tool.name: position for position, tool in enumerate(_domain_tools(domain))}


@cache
def packaged_tools(refs: Refs) -> ToolList:
    """The packaged tools named by `refs`, from this process's specs (one object per `refs`)."""
    specs = [
        tool
        for domain, mask in refs
        for position, tool in enumerate(_domain_tools(domain))
        if mask >> position & 1
    ]
    return ToolList(specs, refs)


KEPT_LISTS = 256
_kept_lists: dict[tuple[int, ...], tuple[tuple[ToolSpec, ...], ToolList]] = {}
