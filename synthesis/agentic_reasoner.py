"""Phase 3's offline roles for agentic turns: a reasoner whose chain of thought reads the real results, and
a critic that names what a failed attempt missed.

The reasoner makes one assistant message per group of phase 1's calls. Its thought before each message
quotes what the last results actually said (the search hit, the sentence of the article that links on,
the figure, the stored keys), so the reasoning follows the pages rather than the plan. On a first
attempt it may make a realistic mistake (answering before the last article, retrieving a guessed key)
so the guided chain's critique and retry are exercised.
"""

from __future__ import annotations

import ast
import json
import random
from typing import Any

from funreason_envs.domains.web_world import Entity
from funreason_envs.synthesis.agentic_turns import AgenticTurn, Planned
from funreason_envs.synthesis.kits.web_search import Research, article, quote


class AgenticReasoner:
    """Plays one agentic turn as an agent (`reset`/`act`); `mistake` makes a first attempt fall short."""

    def __init__(self, turn: AgenticTurn, rng: random.Random, mistake: bool = False) -> None:
        self.turn = turn
        self.rng = rng
        self.mistake = mistake and turn.kind in ("research", "recall")
        self.position = 0
        self.seen: list[tuple[Planned, str]] = []

    def reset(self, tools: list[dict[str, Any]], task: Any | None = None) -> None:
        self.position = 0
        self.seen = []

    def act(self, observation: Any) -> dict[str, Any]:
        groups = self.turn.groups
        if self.position:
            entries = observation.get("tool_results") or []
            done = groups[self.position - 1]
            self.seen = [
                (planned, entry.get("content", "")) for planned, entry in zip(done, entries, strict=False)
            ]
        if self.mistake and self._stops_here():
            return self._reply(*self._short_answer())
        if self.position < len(groups):
            group = groups[self.position]
            thought = self._opening() if self.position == 0 else self._after()
            thought += " " + self._next(group)
            self.position += 1
            calls = [
                self._call(planned).to_openai(f"call_{self.turn.index}_{self.position}_{number}")
                for number, planned in enumerate(group)
            ]
            return {
                "role": "assistant",
                "content": None,
                "reasoning_content": thought.strip(),
                "tool_calls": calls,
            }
        return self._reply(f"{self._after()} {self._closing()}".strip(), self.turn.answer)

    # -- the calls and the thoughts ----------------------------------------------------------------

    def _call(self, planned: Planned) -> Any:
        call = planned.step.call
        if self.mistake and planned.does == "retrieve":
            return type(call)(call.name, {"key": f"user_{call.arguments['key']}"})
        return call

    def _say(self, *choices: str) -> str:
        return self.rng.choice(choices)

    def _opening(self) -> str:
        turn = self.turn
        if turn.kind == "tell":
            topics = ", ".join(_theirs(note.topic) for note in turn.notes)
            return self._say(
                f"The user is telling me things to keep: {topics}. They will ask later, so each goes into "
                "core memory under its own short snake_case key.",
                f"Nothing to look up here: the user wants me to remember {topics}. Core memory is the place "
                "for the user's own details; one snake_case key per item.",
            )
        if turn.kind == "update":
            note = turn.notes[0]
            return self._say(
                f"The user corrects {_theirs(note.topic)}: it is {note.value} now. The old note has to be "
                "replaced, not added again, so I list the core memory keys to find the one it is under.",
                f"A change to something I keep: {_theirs(note.topic)} becomes {note.value}. I'll find its "
                "key in core memory and replace the value there.",
            )
        if turn.kind == "recall":
            topic, tier = _theirs(turn.notes[0].topic), turn.tier
            return self._say(
                f"The user wants {topic} back. I should answer from my {tier} memory rather than guess, and "
                f"I don't know the exact key, so I list the {tier} memory keys first.",
                f"This asks for something I was told to keep: {topic}. It should be in {tier} memory; "
                "listing its keys first tells me which one holds it.",
            )
        research = turn.research
        assert research is not None
        start = research.path[0]
        if turn.follow_up:
            return (
                f"This builds on the last answer: the question starts from {start.name}, whose article "
                f"({article(start)}) I already read, so I follow its links instead of searching again. "
                + self._read(start, turn.context, research)
            )
        return self._say(
            f"The question is about {start.name} and leads through linked facts; nothing in the conversation "
            f"answers it, so I look {start.name} up and follow the links from its encyclopedia article.",
            f"I can't answer this from what I know: it starts at {start.name} and goes through a chain of "
            "relations. First I find that name's article, then I follow one link per relation.",
            f"Several hops are needed, starting from {start.name}. A search for the name should turn up its "
            "Orbipedia article, the current record.",
        )

    def _next(self, group: list[Planned]) -> str:
        planned = group[0]
        arguments = planned.step.call.arguments
        if planned.does == "search":
            keywords = arguments["keywords"]
            return self._say(f'Search the web for "{keywords}".', f"Searching for {keywords}.")
        if planned.does == "open":
            return self._say(
                f"Open {arguments['url']} as Markdown, which keeps the links.",
                f"Fetching {arguments['url']} in Markdown mode so the links stay readable.",
            )
        if planned.does == "store":
            return self._say(
                f"Save it in archival memory under {arguments['key']}, as the user asked.",
                f"The user wants this kept: archival memory, key {arguments['key']}.",
            )
        if planned.does == "add":
            keys = ", ".join(p.step.call.arguments["key"] for p in group)
            return f"Add {'them' if len(group) > 1 else 'it'} to core memory: {keys}."
        if planned.does == "list":
            tier = self.turn.tier
            return self._say(
                f"List the keys of {tier} memory.", f"Let me see which keys {tier} memory holds."
            )
        if planned.does == "replace":
            return f"Replace {arguments['key']} with {arguments['value']}."
        key = self._call(planned).arguments["key"]
        return self._say(f"Retrieve {key}.", f"Read {key} back.")

    def _after(self) -> str:
        """What the results just received say, quoted from them."""
        if not self.seen:
            return ""
        planned, content = self.seen[0]
        research = self.turn.research
        if planned.does == "search" and research is not None:
            url = article(research.path[0])
            rank = _rank(content, url)
            where = f"result {rank}" if rank else "among the results"
            return self._say(
                f"The encyclopedia article {url} is {where}; archived copies and forums can be stale, so I "
                "read the article itself.",
                f"Result {rank or '?'} is the Orbipedia article ({url}); the other hits are company pages, "
                "archives or forum posts, which may be out of date.",
            )
        if planned.does == "open" and research is not None and planned.entity is not None:
            return self._read(planned.entity, str(_json(content).get("content", content)), research)
        if planned.does in ("store", "add", "replace"):
            statuses = ", ".join(_status(c) for _, c in self.seen)
            return self._say(f"Memory confirms: {statuses}.", f"Done ({statuses.lower()}).")
        if planned.does == "list":
            keys = _json(content).get("keys", [])
            key = self.turn.steps[-1].call.arguments["key"]
            topic = _theirs(self.turn.notes[0].topic)
            return self._say(
                f"The stored keys are {', '.join(keys)}; {key} is the one about {topic}.",
                f"{self.turn.tier.capitalize()} memory holds {', '.join(keys)}. {key} matches {topic}.",
            )
        found = _json(content)
        if "value" not in found:
            return f"The memory says: {_status(content)}."
        return self._say(f"The memory returned: {found['value']}.", f"It holds {found['value']}.")

    def _read(self, entity: Entity, content: str, research: Research) -> str:
        """What an article says toward the fact: the sentence linking on, or the one with the figure."""
        index = research.path.index(entity)
        if index + 1 < len(research.path):
            after = research.path[index + 1]
            said = quote(content, article(after)) or f"it links to {after.name}"
            relation = research.relations[index].phrase.format(x=entity.name)
            return self._say(
                f'The article says: "{said}" So {relation} is {after.name}; I follow that link.',
                f'{entity.name}\'s article: "{said}" That makes {after.name} {relation}, the next hop.',
            )
        said = quote(content, research.value) or f"the figure is {research.value}"
        return self._say(
            f'The article says: "{said}" That gives {research.topic}: {research.value}.',
            f'Here it is: "{said}" So {research.topic} is {research.value}.',
        )

    def _closing(self) -> str:
        turn = self.turn
        if turn.kind == "tell":
            return self._say("Everything is stored; I confirm briefly.", "All saved: a short confirmation.")
        if turn.kind == "update":
            return "The note now holds the new value; I confirm it."
        if turn.kind == "recall":
            topic = _theirs(turn.notes[0].topic)
            return self._say(
                f"That answers the question: {topic} is {turn.fact}.",
                f"So I can tell them {topic}: {turn.fact}.",
            )
        saved = " and it is saved" if turn.notes else ""
        return self._say(f"I can answer with {turn.fact}{saved}.", f"The answer is {turn.fact}{saved}.")

    # -- a realistic first-attempt mistake ---------------------------------------------------------

    def _stops_here(self) -> bool:
        if self.turn.kind == "research":
            return self.position == len(self.turn.groups) - (2 if self.turn.notes else 1)
        return False

    def _short_answer(self) -> tuple[str, str]:
        research = self.turn.research
        assert research is not None
        return (
            f"{self._after()} I think that is enough to answer.".strip(),
            f"I could not find {research.topic} on the pages I read.",
        )

    def _reply(self, thought: str, content: str) -> dict[str, Any]:
        if self.mistake and self.turn.kind == "recall":
            thought = f"{self._after()} The note is not there under that key.".strip()
            content = f"I don't seem to have {self.turn.notes[0].topic} saved."
        self.position = len(self.turn.groups) + 1
        return {"role": "assistant", "content": content, "reasoning_content": thought}


def critique(turn: AgenticTurn, transcript: list[dict[str, Any]], problem: str) -> str:
    """A hint naming what the failed attempt missed, from what it actually called."""
    opened = [
        json.loads(call["function"]["arguments"]).get("url", "")
        for message in transcript
        for call in message.get("tool_calls") or ()
        if call["function"]["name"] == "fetch_url_content"
    ]
    if turn.kind == "research" and turn.research is not None:
        research = turn.research
        path = research.path[1:] if turn.follow_up else research.path
        missing = [entity for entity in path if article(entity) not in opened]
        if missing:
            return (
                f"The reply does not give {research.topic}: the attempt stopped before {missing[0].name}'s "
                "article. Keep following the links the question names until the article of the entity it "
                "asks about, and read the figure there."
            )
    if turn.kind == "recall":
        return (
            f"The retrieved key does not exist ({problem}). List the keys of {turn.tier} memory first and "
            f"retrieve the one about {turn.notes[0].topic}."
        )
    return f"The attempt did not reproduce the expected outcome ({problem}); check each call against the ask."


def _rank(content: str, url: str) -> int | None:
    """Where `url` is in a search result (its content is a Python-literal list, as BFCL's search prints)."""
    try:
        rows = ast.literal_eval(content)
    except (ValueError, SyntaxError):
        return None
    rows = rows if isinstance(rows, list) else []
    return next(
        (number for number, row in enumerate(rows, 1) if isinstance(row, dict) and row.get("href") == url),
        None,
    )


def _json(content: str) -> dict[str, Any]:
    try:
        value = json.loads(content)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _status(content: str) -> str:
    value = _json(content)
    return str(value.get("status") or value.get("error") or content).rstrip(".")


def _theirs(topic: str) -> str:
    """A note's topic as the assistant thinks it ("your locker code" -> "their locker code")."""
    return topic.replace("your ", "their ", 1).replace("where you ", "where they ", 1)
