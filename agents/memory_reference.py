"""`MemoryReferenceAgent`: a rule-based agent for BFCL's memory tasks, with no model.

In a prerequisite conversation it keeps the user's most informative sentences (those with numbers, names
or first-person facts) and, at the last user turn, writes them as one archival entry (key-value: under a
key made of the entry's words, so key search finds it; vector: as a text) or appends them to the
summary (recursive summary). Asked a question, it searches its memory with the question and replies with
what it found. It measures how much of BFCL's memory test plain storage and retrieval pass, and shows a
whole two-phase run working offline; it is not a strong agent.
"""

from __future__ import annotations

import json
import re
from typing import Any

from funreason_envs.calls import ToolCall
from funreason_envs.errors import ConfigError
from funreason_envs.tasks import Task

ENTRY_CHARS = {"kv": 2000, "vector": 2000, "rec_sum": 900}  # per conversation; rec_sum shares 10,000
TOP_K = 3
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z][a-z0-9]*")  # words start with a letter (numbers alone match too much)
_FIRST_PERSON = re.compile(r"\b(i|i'm|my|me|we|our|mine)\b", re.IGNORECASE)
_STOP = frozenset(
    re.findall(
        r"\w+",
        "a an and are as at be but by for from had has have i in is it its me my of on or our so that the "
        "this to was we were with you your",
    )
)


def informative_sentences(texts: list[str], budget: int) -> str:
    """The sentences of `texts` most likely to hold facts, in their order, within `budget` characters."""
    sentences = [s.strip() for text in texts for s in _SENTENCE.split(text) if s.strip()]

    def weight(sentence: str) -> int:
        capitals = sum(word[:1].isupper() for word in sentence.split()[1:])
        digits = sum(char.isdigit() for char in sentence)
        return 3 * min(digits, 3) + capitals + 2 * bool(_FIRST_PERSON.search(sentence))

    ranked = sorted(range(len(sentences)), key=lambda i: weight(sentences[i]), reverse=True)
    kept: set[int] = set()
    used = 0
    for index in ranked:
        size = len(sentences[index]) + 1
        if used + size <= budget:
            kept.add(index)
            used += size
    return " ".join(sentences[i] for i in sorted(kept))


def key_for(text: str, prefix: str) -> str:
    """A snake_case key from the entry's distinct content words, so BM25 key search can match it."""
    words = [w for w in dict.fromkeys(_WORD.findall(text.lower())) if w not in _STOP]
    return "_".join([prefix, *words])


class MemoryReferenceAgent:
    """Store by rule in prerequisite conversations, retrieve by rule for questions (see the module doc)."""

    def __init__(self) -> None:
        self.usage: dict[str, int] = {}  # no model, no cost
        self._backend = ""
        self._task: Task | None = None
        self._heard: list[str] = []
        self._turn = -1
        self._stage = "idle"

    def reset(self, tools: list[dict[str, Any]], task: Task | None = None) -> None:
        names = {tool["function"]["name"] for tool in tools}
        if task is None or not names & {"memory_append", "archival_memory_add"}:
            raise ConfigError("MemoryReferenceAgent plays memory tasks: it needs the task and memory tools")
        if "memory_append" in names:
            self._backend = "rec_sum"
        else:
            self._backend = "kv" if "archival_memory_key_search" in names else "vector"
        self._task, self._heard, self._turn, self._stage = task, [], -1, "idle"

    def update_tools(self, tools: list[dict[str, Any]]) -> None:
        """Nothing to do: the memory tools never change."""

    def act(self, observation: dict[str, Any]) -> dict[str, Any]:
        assert self._task is not None, "call reset() first"
        if observation["role"] == "user":
            self._turn += 1
            return self._on_user(str(observation.get("content") or ""))
        return self._on_results([str(r.get("content", "")) for r in observation.get("tool_results", [])])

    def _on_user(self, text: str) -> dict[str, Any]:
        assert self._task is not None
        if self._task.answers is not None:
            self._stage = "search"
            return self._search(text)
        self._heard.append(text)
        if self._turn < len(self._task.turns) - 1:
            return _reply("Noted.")
        self._stage = "stored"
        facts = informative_sentences(self._heard, ENTRY_CHARS[self._backend])
        if self._backend == "rec_sum":
            return _calls(ToolCall("memory_append", {"text": facts + "\n"}))
        if self._backend == "vector":
            return _calls(ToolCall("archival_memory_add", {"text": facts}))
        key = key_for(facts, f"note_{self._task.id.rsplit('-', 1)[-1]}")
        return _calls(ToolCall("archival_memory_add", {"key": key, "value": facts}))

    def _search(self, question: str) -> dict[str, Any]:
        if self._backend == "rec_sum":
            return _calls(ToolCall("memory_retrieve", {}))
        if self._backend == "vector":
            return _calls(ToolCall("archival_memory_retrieve", {"query": question, "top_k": TOP_K}))
        return _calls(ToolCall("archival_memory_key_search", {"query": question, "k": TOP_K}))

    def _on_results(self, contents: list[str]) -> dict[str, Any]:
        if self._stage == "search" and self._backend == "kv":
            self._stage = "read"
            keys = [pair[1] for pair in _loaded(contents[0]).get("ranked_results", [])] if contents else []
            if keys:
                return _calls(*(ToolCall("archival_memory_retrieve", {"key": key}) for key in keys))
        if self._stage in ("search", "read"):
            self._stage = "answered"
            return _reply(_found_text(contents))
        return _reply("Noted.")


def _found_text(contents: list[str]) -> str:
    """The retrieved texts, joined into the reply."""
    texts = []
    for content in contents:
        data = _loaded(content)
        texts.extend(str(item.get("text", "")) for item in data.get("result", []) if isinstance(item, dict))
        texts.extend(str(data[key]) for key in ("value", "memory_content") if key in data)
    return " ".join(texts) if texts else "I do not know"


def _loaded(content: str) -> dict[str, Any]:
    try:
        data = json.loads(content)
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _calls(*calls: ToolCall) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [call.to_openai(f"reference_{i}") for i, call in enumerate(calls)],
    }


def _reply(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}
