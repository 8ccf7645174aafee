"""Synthesis shortcuts give what the plain paths give: the sandbox's contents (sorted by key text, one
set of enclosing objects, leaves not recursed into), the goal facts worked out once per graph, and an
attempt that reuses the caller's checkpoint."""

from __future__ import annotations

import random
from typing import Any

import pytest

from funreason_envs.calls import ToolCall
from funreason_envs.domains import domain_names
from funreason_envs.synthesis.coherence import LOGIN_WORDS
from funreason_envs.synthesis.goals import INVERSES, GoalChooser, tool_facts
from funreason_envs.synthesis.kits import PLACE, kit_domains, kit_for
from funreason_envs.synthesis.pipeline import SampleBuilder, graph_for
from funreason_envs.synthesis.roles.template import TemplateRoles
from funreason_envs.synthesis.sandbox import Sandbox, contents
from funreason_envs.synthesis.settings import Settings
from funreason_envs.synthesis.trace import StepLog

KIT_DOMAINS = tuple(name for name in domain_names() if name in kit_domains())


def plain_contents(value: Any, seen: frozenset[int] = frozenset()) -> Any:
    """The straightforward walk: every dict sorted by the repr of (key text, contents)."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if id(value) in seen:
        return "<enclosing>"
    inner = seen | {id(value)}
    if isinstance(value, random.Random):
        return value.getstate()
    if isinstance(value, dict):
        return sorted(((repr(k), plain_contents(v, inner)) for k, v in value.items()), key=repr)
    if isinstance(value, (list, tuple)):
        return [plain_contents(item, inner) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((plain_contents(item, inner) for item in value), key=repr)
    slots = [name for cls in type(value).__mro__ for name in getattr(cls, "__slots__", ())]
    fields = {name: getattr(value, name) for name in slots if hasattr(value, name)}
    fields.update(getattr(value, "__dict__", {}))
    return (type(value).__name__, plain_contents(fields, inner)) if fields else repr(value)


class Same:
    """Two different keys with one repr: the shortcut must fall back to the full sort."""

    def __init__(self, tag: int) -> None:
        self.tag = tag

    def __repr__(self) -> str:
        return "Same()"


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self) -> None:
        self.a = {"z": 1, "a": [1, {2, 3}]}


class Node:
    def __init__(self, name: str) -> None:
        self.name = name
        self.children: dict[Any, Node] = {}
        self.parent: Node | None = None


def tricky_values() -> list[Any]:
    root = Node("root")
    for name in ("b", "a", "a'", 'a"', "a'\"", "ab", "a\\"):
        child = Node(name)
        child.parent = root  # a reference back to the enclosing object
        root.children[name] = child
    shared = {"x": [1]}
    return [
        root,
        {1: "one", "1": "string one", 1.5: None, (1, 2): "tuple", None: "none", False: "false"},
        {Same(1): [2], Same(2): [1]},
        Slotted(),
        [shared, shared, {"k": shared}],  # the same object twice is not "enclosing"
        {frozenset({"b", "a"}), frozenset({"c"})},
        random.Random(3),
    ]


@pytest.mark.parametrize("index", range(7))
def test_contents_equal_the_plain_walk_on_tricky_values(index):
    value = tricky_values()[index]
    assert contents(value) == plain_contents(value)
    assert repr(contents(value)) == repr(plain_contents(value))  # same order, not only equal


@pytest.mark.parametrize("domain", KIT_DOMAINS)
def test_contents_equal_the_plain_walk_on_every_kit_scenario_before_and_after_calls(domain):
    rng = random.Random(7)
    for _ in range(3):
        sandbox = Sandbox([domain], {domain: kit_for(domain).scenario(rng)})
        assert contents(sandbox.instances) == plain_contents(sandbox.instances)
        graph = graph_for((domain,))
        for name in list(graph.tools)[:6]:
            sandbox.attempt(ToolCall(name, {}))  # most fail for a missing argument; some change state
        assert repr(contents(sandbox.instances)) == repr(plain_contents(sandbox.instances))


def test_the_goal_facts_table_equals_each_tool_asked_plainly():
    graph = graph_for(KIT_DOMAINS)
    kits = {name: kit_for(name) for name in KIT_DOMAINS}
    table = tool_facts(graph, kits).table()
    assert list(table) == list(graph.tools)
    for name, fact in table.items():
        tool = graph.tool(name)
        phrases = kits[tool.domain].phrases
        refer = phrases.tool(name).refer
        assert fact.speakable == (bool(phrases.tool(name).intent) or name not in phrases.tools)
        assert fact.login == any(word in name.lower() for word in LOGIN_WORDS)
        for other in graph.tools:
            assert (other in fact.inverses) == (frozenset((name, other)) in INVERSES)
        assert fact.domain == tool.domain
        assert fact.needs == len(graph.requirements(name))
        assert fact.takes == {kind for kinds in tool.consumed.values() for kind in kinds}
        assert fact.referable == any(produced.resource in refer for produced in tool.produces)
        assert fact.listing == any("{" + PLACE + "}" in phrase for phrase in refer.values())
    assert any(fact.inverses for fact in table.values()) and any(f.login for f in table.values())


def test_goal_facts_are_shared_per_graph_and_made_again_for_other_kits():
    graph = graph_for(("file_system",))
    kits = {"file_system": kit_for("file_system")}
    first = GoalChooser(graph, kits, StepLog(), random.Random(0))
    second = GoalChooser(graph, dict(kits), StepLog(), random.Random(0))
    assert first._facts is second._facts
    other_kit = kit_for("file_system").__class__(**{**vars(kit_for("file_system"))})
    third = GoalChooser(graph, {"file_system": other_kit}, StepLog(), random.Random(0))
    assert third._facts is not first._facts and third._facts.kits["file_system"] is other_kit


def test_an_attempt_given_the_current_checkpoint_equals_one_that_takes_its_own():
    config = {"file_system": kit_for("file_system").scenario(random.Random(1))}
    plain, given = Sandbox(["file_system"], config), Sandbox(["file_system"], config)
    for call in (ToolCall("mkdir", {"dir_name": "drafts"}), ToolCall("cd", {"folder": "missing"})):
        expected = plain.attempt(call)
        result = given.attempt(call, given.checkpoint())
        assert (result.content, result.status, result.ok) == (expected.content, expected.status, expected.ok)
        assert plain.checkpoint() == given.checkpoint() and plain.state() == given.state()


def test_callable_tools_equal_the_tools_with_nothing_unmet_in_walked_situations():
    graph = graph_for(KIT_DOMAINS)
    rng = random.Random(5)
    situation = graph.situation()
    seen = 0
    for _ in range(40):
        plain = [name for name in graph.tools if not graph.unmet(name, situation)]
        assert graph.callable_tools(situation) == plain
        seen += len(plain)
        situation = situation.after(graph.tool(rng.choice(plain)))
    assert 0 < seen < 40 * len(graph.tools)  # some tools were not callable at some point


@pytest.mark.parametrize("index", [0, 3])
def test_the_tool_entries_shared_by_a_samples_turns_stay_what_the_specs_give(index):
    settings = Settings(seed=0, domains=KIT_DOMAINS)
    builder = SampleBuilder(index, settings, lambda rng: TemplateRoles(rng, settings.mistake_rate))
    builder.build()
    assert builder._tool_entries == [spec.to_openai() for spec in builder.sandbox.specs()]
