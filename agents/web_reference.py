"""`WebReferenceAgent`: a rule-based agent for `funreason:web_search` questions, with no model.

It reads the question as a chain of relations around one name ("the mayor of the birthplace of X"),
searches for the name, opens the name's encyclopedia article, follows the link each relation names
(found by the sentence that introduces it), and reads the asked fact off the last article. It never
sees the ground truth: a pass means the question can be answered by browsing. When a fetch fails or a
rule finds nothing, it says it does not know.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from funreason_envs.calls import ToolCall
from funreason_envs.errors import ConfigError
from funreason_envs.tasks import Task

ENCYCLOPEDIA = "https://www.orbipedia.org/wiki/"
_LINK = r"\[[^\]]+\]\(([^)]+)\)"
QUESTIONS = (  # question form -> the fact it asks for
    (r"In what year was (.+) born\?", "born"),
    (r"In what year was (.+) founded\?", "founded"),
    (r"How many people does (.+) employ today\?", "employees"),
    (r"What is the (?:current )?population of (.+)\?", "population"),
    (r"How many attendees did the first (.+) draw\?", "attendance"),
)
RELATIONS = (  # how a question names a relation -> the relation
    (r"the founder of (.+)", "founder"),
    (r"the current chief executive of (.+)", "ceo"),
    (r"the city where (.+) is headquartered", "headquarters"),
    (r"the birthplace of (.+)", "birthplace"),
    (r"the employer of (.+)", "employer"),
    (r"the mayor of (.+)", "mayor"),
    (r"the country of (.+)", "country"),
    (r"the city where the (.+) was first held", "host_city"),
    (r"the organiser of the (.+)", "organizer"),
    (r"the keynote speaker at the first (.+)", "keynote"),
)
LINK_CUES = {  # relation -> the sentence in an article that links to it
    "founder": rf"founded in \d+ by {_LINK}",
    "ceo": rf"Its chief executive is {_LINK}",
    "headquarters": rf"headquartered in {_LINK}",
    "birthplace": rf"born in {_LINK}",
    "employer": rf"They work at {_LINK}",
    "mayor": rf"current mayor of .+? is {_LINK}",
    "country": rf"is a city in {_LINK}",
    "host_city": rf"first held in \d+ in {_LINK}",
    "organizer": rf"organised by {_LINK}",
    "keynote": rf"keynote was given by {_LINK}",
}
FACT_CUES = {
    "born": r"\(born (\d+)\)",
    "founded": r"founded in (\d+)",
    "employees": r"employs ([\d,]+) people",
    "population": r"population of ([\d,]+)",
    "attendance": r"drew ([\d,]+) attendees",
}


def parse_question(text: str) -> tuple[str, list[str], str] | None:
    """(starting name, relations to follow from it, fact asked), or None for a question of another form."""
    for pattern, fact in QUESTIONS:
        match = re.fullmatch(pattern, text.strip())
        if match:
            subject, chain = match.group(1), []
            while True:
                step = next(
                    ((m.group(1), relation) for p, relation in RELATIONS if (m := re.fullmatch(p, subject))),
                    None,
                )
                if step is None:
                    return subject, chain, fact
                subject = step[0]
                chain.insert(0, step[1])
    return None


class WebReferenceAgent:
    """Search for the name, then follow the question's relations article by article (module doc)."""

    def __init__(self) -> None:
        self.usage: dict[str, int] = {}  # no model, no cost
        self._plan: tuple[str, list[str], str] | None = None
        self._pending: list[str] = []

    def reset(self, tools: list[dict[str, Any]], task: Task | None = None) -> None:
        names = {tool["function"]["name"] for tool in tools}
        if not {"search_engine_query", "fetch_url_content"} <= names:
            raise ConfigError("WebReferenceAgent plays web search tasks: it needs the two web tools")
        self._plan, self._pending = None, []

    def update_tools(self, tools: list[dict[str, Any]]) -> None:
        """Nothing to do: the web tools never change."""

    def act(self, observation: dict[str, Any]) -> dict[str, Any]:
        if observation["role"] == "user":
            self._plan = parse_question(str(observation.get("content") or ""))
            if self._plan is None:
                return _reply("I do not know.")
            self._pending = list(self._plan[1])
            return _call("search_engine_query", keywords=self._plan[0])
        if self._plan is None:
            return _reply("I do not know.")
        contents = [str(result.get("content", "")) for result in observation.get("tool_results", [])]
        return self._next(contents[0] if contents else "")

    def _next(self, content: str) -> dict[str, Any]:
        assert self._plan is not None
        if content.startswith("["):
            return self._open_article(content)
        try:
            page = json.loads(content).get("content")
        except (json.JSONDecodeError, AttributeError):
            page = None
        if not isinstance(page, str):
            return _reply("I do not know: a page could not be read.")
        if self._pending:
            link = re.search(LINK_CUES[self._pending.pop(0)], page)
            if link is None:
                return _reply("I do not know.")
            return _call("fetch_url_content", url=link.group(1), mode="markdown")
        fact = re.search(FACT_CUES[self._plan[2]], page)
        return _reply(f"The answer is {fact.group(1)}." if fact else "I do not know.")

    def _open_article(self, content: str) -> dict[str, Any]:
        """From search results, the encyclopedia article titled with the name (else the first one)."""
        assert self._plan is not None
        try:
            rows = ast.literal_eval(content)
        except (ValueError, SyntaxError):
            rows = []
        articles = [row for row in rows if str(row.get("href", "")).startswith(ENCYCLOPEDIA)]
        exact = [row for row in articles if row.get("title") == f"{self._plan[0]} - Orbipedia"]
        chosen = (exact or articles)[:1]
        if not chosen:
            return _reply("I do not know.")
        return _call("fetch_url_content", url=chosen[0]["href"], mode="markdown")


def _call(name: str, **arguments: Any) -> dict[str, Any]:
    call = ToolCall(name, arguments)
    return {"role": "assistant", "content": None, "tool_calls": [call.to_openai("web_reference_0")]}


def _reply(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}
