"""`ToolList`: the read-only `info["tools"]` list, cheap to send between processes.

Packaged domains' specs are the same files in every process, so a list made only of their tools
pickles as its (domain, tool) names and is rebuilt from the local specs on arrival (one shared object
per list, as in the sending process); `AsyncVectorEnv` then pipes a few names per step instead of the
schemas. Lists holding a tool of a domain registered in code pickle in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from funreason_envs.frozen import FrozenList
from funreason_envs.specs import ToolSpec

Refs = tuple[tuple[str, str], ...]  # (domain id, tool name) per tool, in order


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
    from funreason_envs.domains.registry import builtin_entries

    key = tuple(map(id, specs))  # the specs are kept with the list, so their ids stay theirs
    kept = _kept_lists.get(key)
    if kept is not None:
        return kept[1]
    packaged = builtin_entries()
    refs = tuple((spec.domain, spec.name) for spec in specs)
    made = ToolList(specs, refs if all(domain in packaged for domain, _ in refs) else None)
    if len(_kept_lists) >= KEPT_LISTS:
        _kept_lists.pop(next(iter(_kept_lists)), None)
    _kept_lists[key] = (tuple(specs), made)
    return made


KEPT_LISTS = 256
_kept_lists: dict[tuple[int, ...], tuple[tuple[ToolSpec, ...], ToolList]] = {}


@cache
def packaged_tools(refs: Refs) -> ToolList:
    """The packaged tools named by `refs`, from this process's specs (one object per `refs`)."""
    from funreason_envs.domains.registry import domain_spec

    by_domain = {domain: {tool.name: tool for tool in domain_spec(domain).tools} for domain, _ in refs}
    return ToolList([by_domain[domain][name] for domain, name in refs], refs)
