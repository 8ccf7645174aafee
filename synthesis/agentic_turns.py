"""Phases 1 and 2 for the agentic domains: plan a turn, execute it for real, and ask for its outcome.

Four kinds of turn: `research` walks the offline web toward a fact (a search for the starting name,
then one fetch per article along the links; a follow-up continues from the article the last answer
came from) and may store the fact in archival memory; `tell` stores what the user says in core
memory; `update` replaces a core note the user corrects; `recall` lists a memory tier's keys and
retrieves the note asked for. Every call runs in the
sample's sandbox and its result is checked (the next link is on the page, the fact is there, the note
comes back); a plan whose execution does not hold is taken back and None returned. The query asks for
the outcome (the fact, the note), never for addresses or steps.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

from funreason_envs.calls import ToolCall
from funreason_envs.domains.web_world import Entity
from funreason_envs.synthesis.kits.memory import KINDS, Note, change_message, tell_message
from funreason_envs.synthesis.kits.web_search import BACKSTORIES, Research, article
from funreason_envs.synthesis.record import AdvancedTool
from funreason_envs.synthesis.sandbox import Sandbox
from funreason_envs.synthesis.trace import Source, Step

CORE_MOST = 7  # MemoryAPI_kv's core memory holds this many keys
STORE_ASKS = (
    " Once you have it, save it in your memory so we can come back to it.",
    " Keep a note of the answer in your memory too.",
    " Please also store it in memory for later.",
)
RECALL_ASKS = (
    "Earlier you looked up {topic}. What was it again? Check your notes rather than searching again.",
    "What did you note down about {topic}? Your memory should have it.",
)


@dataclass
class Planned:
    """One phase-1 call and what it does in the turn: `search`, `open`, `store`, `add`, `list`, `retrieve`,
    `replace`."""

    step: Step
    does: str
    group: int  # which assistant message makes it (calls of one message need nothing from each other)
    entity: Entity | None = None
    note: Note | None = None


@dataclass
class AgenticTurn:
    """A turn after phases 1 and 2: executed calls, the user's query, and what the reply must say."""

    index: int
    kind: str  # "research", "tell", "update" or "recall"
    planned: list[Planned]
    query: str
    advanced_tool: AdvancedTool
    fact: str | None = None  # the reply must contain it (agentic-checker match); None: a tell turn
    answer: str = ""
    research: Research | None = None
    notes: list[Note] = field(default_factory=list)  # told, stored or recalled
    tier: str = "core"
    follow_up: bool = False
    stated: list[int] = field(default_factory=list)  # calls the user's text asks for (besides goals)
    context: str = ""  # a follow-up's starting article, as fetched in an earlier turn

    @property
    def steps(self) -> list[Step]:
        return [planned.step for planned in self.planned]

    @property
    def groups(self) -> list[list[Planned]]:
        count = max((planned.group for planned in self.planned), default=-1) + 1
        return [[p for p in self.planned if p.group == number] for number in range(count)]


class TurnPlanner:
    """Runs phase 1 for each turn of one sample in its sandbox and writes phase 2's query."""

    def __init__(self, sandbox: Sandbox, rng: random.Random) -> None:
        self.sandbox = sandbox
        self.rng = rng
        self.specs = {spec.name: spec for spec in sandbox.specs()}
        self.opened: dict[str, tuple[int, int]] = {}  # page address -> (turn, call) that fetched it
        self.pages: dict[str, str] = {}  # page address -> its Markdown as fetched
        self.notes: dict[str, tuple[str, Note, tuple[int, int] | None]] = {}  # key -> tier, note, store call
        self.recalled: set[str] = set()
        self.last_target: Entity | None = None  # where the last research answer came from

    def remember(self, notes: list[Note]) -> None:
        """Notes already in core memory when the conversation starts (an earlier session's)."""
        for note in notes:
            self.notes[note.key] = ("core", note, None)

    # -- research ----------------------------------------------------------------------------------

    def research(self, index: int, research: Research, follow_up: bool, store: bool) -> AgenticTurn | None:
        """Walk to `research`'s fact (from the last answer's article when `follow_up`), maybe store it."""
        if (store and research.key in self.notes) or article(research.target) in self.opened:
            return None  # a fact already found in this conversation is not asked for again
        self.sandbox.begin_turn()
        planned: list[Planned] = []
        path = research.path[1:] if follow_up else research.path
        source: tuple[int, int] | None = self.opened.get(article(research.path[0])) if follow_up else None
        if follow_up and source is None:
            return None
        if not follow_up:
            found = self._run(
                index, planned, "search_engine_query", {"keywords": research.path[0].name}, "search"
            )
            if found is None or article(research.path[0]) not in found.result.content:
                return self._undo()
            source = found.key
        for position, entity in enumerate(path):
            url = article(entity)
            feeds = {"url": Source(*source, "web_url")}
            arguments = {"url": url, "mode": "markdown"}
            opened = self._run(
                index, planned, "fetch_url_content", arguments, "open", sources=feeds, entity=entity
            )
            if opened is None:
                return self._undo()
            content = _content(opened.result.value)
            following = path[position + 1] if position + 1 < len(path) else None
            needle = article(following) if following is not None else research.value
            if needle not in content:
                return self._undo()
            source = opened.key
        turn_calls = [(p.step.call.arguments.get("url"), p.step) for p in planned if p.does == "open"]
        if store:
            note = Note(research.key, research.topic, research.value, "", "")
            arguments = {"key": note.key, "value": note.value}
            feeds = {"value": Source(*source, "memory_text")}
            stored = self._run(
                index, planned, "archival_memory_add", arguments, "store", sources=feeds, note=note
            )
            if stored is None:
                return self._undo()
            self.notes[note.key] = ("archival", note, stored.key)
        context = self.pages.get(article(research.path[0]), "") if follow_up else ""
        for url, step in turn_calls:
            self.opened[url] = step.key
            self.pages[url] = _content(step.result.value)
        self.last_target = research.target
        made = self._research_turn(index, research, planned, follow_up, store)
        made.context = context
        return made

    def _research_turn(
        self, index: int, research: Research, planned: list[Planned], follow_up: bool, store: bool
    ) -> AgenticTurn:
        query = research.question
        if follow_up:
            query = (
                self.rng.choice(("And ", "Next: ", "Following on from that: ")) + query[0].lower() + query[1:]
            )
        elif index == 0 and self.rng.random() < 0.5:
            query = f"{self.rng.choice(BACKSTORIES)} {query}"
        if store:
            query += self.rng.choice(STORE_ASKS)
        chain = [
            f"{step.phrase.format(x=entity.name)} is {after.name}"
            for entity, step, after in zip(research.path, research.relations, research.path[1:], strict=False)
        ]
        answer = (
            (f"{chain[0][0].upper()}{chain[0][1:]}" + "".join(f", and {link}" for link in chain[1:]) + ". ")
            if chain
            else ""
        )
        answer += f"{research.topic[0].upper()}{research.topic[1:]} is {research.value}."
        if store:
            answer += f" I've saved it in memory under {research.key}."
        relations = "_".join(step.relation for step in research.relations) or "article"
        tool = AdvancedTool(
            name=f"find_{research.fact}_via_{relations}" + ("_and_store" if store else ""),
            description=f"Answer '{research.question}' from the web, starting at {research.path[0].name}"
            + (" and keeping the answer in archival memory" if store else ""),
            inputs={"start": research.path[0].name},
            output=f"{research.fact} of {research.target.name}",
            steps=[planned_.step.name for planned_ in planned],
        )
        stated = [p.step.index for p in planned if p.does == "store"]
        notes = [p.note for p in planned if p.note]
        return AgenticTurn(
            index,
            "research",
            planned,
            query,
            tool,
            research.value,
            answer,
            research,
            notes,
            "archival",
            follow_up,
            stated,
        )

    # -- memory ------------------------------------------------------------------------------------

    def tell(self, index: int, notes: list[Note]) -> AgenticTurn | None:
        """The user states `notes`; the assistant adds each to core memory (one message, parallel calls)."""
        core = [key for key, (tier, _, _) in self.notes.items() if tier == "core"]
        notes = notes[: CORE_MOST - len(core)]  # core memory is small: tell fewer rather than overflow it
        if not notes or any(note.key in self.notes for note in notes):
            return None
        self.sandbox.begin_turn()
        planned: list[Planned] = []
        for note in notes:
            arguments = {"key": note.key, "value": note.value}
            added = self._run(index, planned, "core_memory_add", arguments, "add", note=note, group=0)
            if added is None:
                return self._undo()
        for planned_ in planned:
            assert planned_.note is not None
            self.notes[planned_.note.key] = ("core", planned_.note, planned_.step.key)
        topics = " and ".join(note.topic for note in notes)
        tool = AdvancedTool(
            name="remember_notes",
            description="Keep what the user states in core memory, one key per note",
            inputs={note.key: note.value for note in notes},
            output="a confirmation per note",
            steps=[p.step.name for p in planned],
        )
        answer = f"Noted: I've saved {topics} in my memory."
        return AgenticTurn(
            index, "tell", planned, tell_message(notes, self.rng), tool, None, answer, None, notes
        )

    def can_tell(self) -> bool:
        """Whether a tell turn fits: core memory has room and some kind of note is not kept yet."""
        core = sum(tier == "core" for tier, _, _ in self.notes.values())
        return core < CORE_MOST and any(kind.key not in self.notes for kind in KINDS)

    def update_choices(self, index: int) -> list[str]:
        """Keys of the user's own notes (core memory) a correction may change: stored before this turn."""
        return [
            key
            for key, (tier, _, stored) in self.notes.items()
            if tier == "core" and (stored is None or stored[0] < index)
        ]

    def update(self, index: int, key: str, note: Note) -> AgenticTurn | None:
        """The user corrects a note: list core memory's keys, then replace the one it is kept under."""
        self.sandbox.begin_turn()
        planned: list[Planned] = []
        listed = self._run(index, planned, "core_memory_list_keys", {}, "list", group=0)
        if listed is None or key not in listed.result.value.get("keys", []):
            return self._undo()
        feeds = {"key": Source(*listed.key, "memory_key")}
        arguments = {"key": key, "value": note.value}
        done = self._run(
            index, planned, "core_memory_replace", arguments, "replace", sources=feeds, note=note, group=1
        )
        if done is None:
            return self._undo()
        self.notes[key] = ("core", note, done.key)
        self.recalled.discard(key)  # the new value may be asked for again
        tool = AdvancedTool(
            name="correct_note",
            description="Replace a note kept in core memory with the value the user gives now",
            inputs={"topic": note.topic, "value": note.value},
            output="a confirmation",
            steps=[p.step.name for p in planned],
        )
        answer = f"Updated: {note.topic} is now {note.value}."
        query = change_message(note, self.rng)
        return AgenticTurn(index, "update", planned, query, tool, None, answer, None, [note], "core")

    def recall_choices(self, index: int) -> list[str]:
        """Keys of notes a recall turn may ask for: stored before this turn, not asked for yet."""
        return [
            key
            for key, (_, _, stored) in self.notes.items()
            if key not in self.recalled and (stored is None or stored[0] < index)
        ]

    def recall(self, index: int, key: str) -> AgenticTurn | None:
        """The user asks for a note back: list the tier's keys, then retrieve the one that matches."""
        tier, note, _ = self.notes[key]
        self.sandbox.begin_turn()
        planned: list[Planned] = []
        listed = self._run(index, planned, f"{tier}_memory_list_keys", {}, "list", group=0)
        if listed is None or key not in listed.result.value.get("keys", []):
            return self._undo()
        feeds = {"key": Source(*listed.key, "memory_key")}
        got = self._run(
            index,
            planned,
            f"{tier}_memory_retrieve",
            {"key": key},
            "retrieve",
            sources=feeds,
            note=note,
            group=1,
        )
        if got is None or got.result.value.get("value") != note.value:
            return self._undo()
        self.recalled.add(key)
        query = note.asked or self.rng.choice(RECALL_ASKS).format(topic=note.topic)
        tool = AdvancedTool(
            name=f"recall_from_{tier}_memory",
            description=f"Give back a note kept in {tier} memory, found by what it is about",
            inputs={"topic": note.topic},
            output="the note's value",
            steps=[p.step.name for p in planned],
        )
        answer = f"{note.topic[0].upper()}{note.topic[1:]} is {note.value}."
        return AgenticTurn(index, "recall", planned, query, tool, note.value, answer, None, [note], tier)

    # -- execution ---------------------------------------------------------------------------------

    def _run(
        self,
        index: int,
        planned: list[Planned],
        name: str,
        arguments: dict[str, Any],
        does: str,
        *,
        sources: dict[str, Source] | None = None,
        entity: Entity | None = None,
        note: Note | None = None,
        group: int | None = None,
    ) -> Step | None:
        """Execute one call for real; a failed call gives None (the caller takes the turn back)."""
        call = ToolCall(name, arguments)
        result = self.sandbox.attempt(call)
        if not result.ok or (isinstance(result.value, dict) and "error" in result.value):
            return None
        step = Step(index, len(planned), self.specs[name], call, result, dict(sources or {}))
        planned.append(Planned(step, does, len(planned) if group is None else group, entity, note))
        return step

    def _undo(self) -> None:
        self.sandbox.restore()
        return None


def _content(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("content", ""))
    return json.dumps(value)
