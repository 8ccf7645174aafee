"""Data flows seen in executed trajectories, and how many of them the graph explains.

A flow is an argument value of a later call that appeared in an earlier successful call's result.
The producer is the most recent such call. Values that match by coincidence too easily are ignored:
booleans, None, whole numbers from -10 to 10, and strings with fewer than two letters or digits
(such as '.', '..', '/' or 'l').
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from funreason_envs.graph.api_graph import ApiGraph

SMALL_NUMBER = 10
MIN_ALNUM = 2


@dataclass(frozen=True, slots=True)
class Flow:
    """`consumer` took `value` as `param`, and `producer`'s result had shown it."""

    producer: str
    consumer: str
    param: str
    value: Any


@dataclass(frozen=True, slots=True)
class ExecutedCall:
    """One executed call: the tool, its arguments, and its result (None when the call failed)."""

    name: str
    arguments: Mapping[str, Any]
    result: Any = None
    ok: bool = True


def is_trivial(value: Any) -> bool:
    """True for values too common to count as evidence that one call fed another."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, (int, float)):
        return float(value).is_integer() and abs(value) <= SMALL_NUMBER
    if isinstance(value, str):
        return sum(character.isalnum() for character in value) < MIN_ALNUM
    return False


def _scalars(value: Any) -> Iterator[Any]:
    """Every scalar inside `value`, dict keys included."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _scalars(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _scalars(item)
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        yield value


def observable_values(result: Any) -> set[Any]:
    """What a reader of `result` can pick out: its scalars, and each string's lines and path parts."""
    seen: set[Any] = set()
    for scalar in _scalars(result):
        seen.add(scalar)
        if isinstance(scalar, str):
            seen.update(line.strip() for line in scalar.splitlines())
            seen.update(scalar.split("/"))
    return seen


def observed_flows(calls: Iterable[ExecutedCall]) -> list[Flow]:
    """The flows in one trajectory (all turns of an episode, in calling order)."""
    flows: list[Flow] = []
    history: list[tuple[str, set[Any]]] = []
    for call in calls:
        for param, argument in call.arguments.items():
            for value in dict.fromkeys(_scalars(argument)):
                if is_trivial(value):
                    continue
                producer = next((name for name, seen in reversed(history) if value in seen), None)
                if producer is not None:
                    flows.append(Flow(producer, call.name, param, value))
        if call.ok and call.result is not None:
            history.append((call.name, observable_values(call.result)))
    return flows


def explains(graph: ApiGraph, flow: Flow) -> bool:
    """True when the graph has a data edge from the producer into the consumer's parameter."""
    return any(
        reason.kind == "data" and reason.param == flow.param
        for reason in graph.reasons(flow.producer, flow.consumer)
    )


def coverage(graph: ApiGraph, flows: Iterable[Flow]) -> tuple[float, list[Flow]]:
    """The share of flows the graph explains (1.0 when there are none) and the ones it misses."""
    flows = list(flows)
    missed = [flow for flow in flows if not explains(graph, flow)]
    return (1 - len(missed) / len(flows) if flows else 1.0), missed
