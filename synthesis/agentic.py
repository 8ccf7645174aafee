"""Synthesis for the agentic domains (offline web search, key-value memory): verified research-and-memory
conversations with chain-of-thought, made with the three FunReason-MT phases.

Per user turn, phase 1 (`agentic_turns`) walks toward a target and executes it for real: a fact on the
web reached through linked articles, notes the user tells that go into memory, a note asked back and
retrieved. Phase 2 writes the advanced tool and a query that asks for the outcome only. Phase 3 plays
the reasoner (`agentic_reasoner`) from the turn's starting state until an attempt passes BFCL's turn
check against phase 1 (state, results) and its reply contains the fact (the agentic checker's match);
the critic's hints accumulate. State carries across turns: memory persists, and a follow-up research
turn continues from the article the last answer came from. Mixing the two domains gives conversations
that look a fact up, store it, and recall it later. The task is scored like BFCL's agentic questions:
the final reply must contain the last turn's answer.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable
from typing import Any

from funreason_envs.agentic_check import answer_found
from funreason_envs.checker import CheckOptions, check_turn
from funreason_envs.domains import domain_class
from funreason_envs.errors import ConfigError, SampleRejected
from funreason_envs.jsonutil import copy_json
from funreason_envs.records import TurnOutcome
from funreason_envs.synthesis.agentic_reasoner import AgenticReasoner, critique
from funreason_envs.synthesis.agentic_turns import AgenticTurn, TurnPlanner
from funreason_envs.synthesis.audit import audit_sample
from funreason_envs.synthesis.guided import run_attempt
from funreason_envs.synthesis.kits.memory import changed, draw_notes, earlier_session
from funreason_envs.synthesis.kits.web_search import pick_research
from funreason_envs.synthesis.record import Sample, TurnRecord
from funreason_envs.synthesis.roles.base import Roles, TurnBrief
from funreason_envs.synthesis.sandbox import Sandbox
from funreason_envs.synthesis.settings import Settings, sample_draw
from funreason_envs.synthesis.turn_record import data_flows
from funreason_envs.tasks import GroundTruthCall, Task

AGENTIC_DOMAINS = ("memory_kv", "web_search")
WEB_SEED = 0  # the packaged offline web (`funreason:web_search` uses the same)
TRIES_PER_TURN = 6
SYSTEM_PROMPT = "You are an assistant that works through tools: {titles}. Think step by step.{parts}"
WEB_PROMPT = (
    " Answer questions about the world from the web: Orbipedia (www.orbipedia.org) articles are the current "
    "record, archived copies may be out of date and forum posts may be wrong, so follow the links between "
    "articles."
)
MEMORY_PROMPT = (
    " Keep what the user asks you to remember in memory (snake_case keys; core memory for the user's own "
    "details{archival}) and look it up there when asked."
)
ANSWER_PROMPT = " End each turn with a short answer that states the exact name or number."
_LEAKS = re.compile(r"https?://|orbipedia|\.com\b|search_engine|fetch_url|_memory_|\b[a-z]+_[a-z0-9_]+\b")


def is_agentic(domains: Iterable[str]) -> bool:
    """Whether a synthesis run covers the agentic domains (they are made by this module's builder)."""
    chosen = set(domains)
    if chosen & set(AGENTIC_DOMAINS) and chosen - set(AGENTIC_DOMAINS):
        raise ConfigError(
            f"--domains: the agentic domains ({', '.join(AGENTIC_DOMAINS)}) synthesize only with each other; "
            f"drop {', '.join(sorted(chosen - set(AGENTIC_DOMAINS)))} or them"
        )
    return bool(chosen) and chosen <= set(AGENTIC_DOMAINS)


class AgenticSampleBuilder:
    """Makes sample number `index` of an agentic run: draws its domains, then plans and verifies its turns."""

    def __init__(
        self, index: int, settings: Settings, roles_factory: Callable[[random.Random], Roles]
    ) -> None:
        self.index = index
        self.settings = settings
        self.rng, self.domains = sample_draw(settings, index)
        rng = self.rng
        roles = roles_factory(rng)
        if roles.name != "template":
            raise ConfigError(
                "agentic synthesis (web_search, memory_kv) has template roles only: use --llm template"
            )
        earlier = earlier_session(rng) if "memory_kv" in self.domains else []
        self.initial_config: dict[str, Any] = {}
        if "web_search" in self.domains:
            self.initial_config["web_search"] = {"seed": WEB_SEED, "show_snippet": rng.random() < 0.9}
        if "memory_kv" in self.domains:
            self.initial_config["memory_kv"] = {
                "core_memory": {n.key: n.value for n in earlier},
                "archival_memory": {},
            }
        self.sandbox = Sandbox(self.domains, self.initial_config)
        self.planner = TurnPlanner(self.sandbox, rng)
        self.planner.remember(earlier)
        titles = [domain_class(name).spec().title for name in self.domains]
        parts = WEB_PROMPT if "web_search" in self.domains else ""
        if "memory_kv" in self.domains:
            archival = ", archival memory for notes you research" if "web_search" in self.domains else ""
            parts += MEMORY_PROMPT.format(archival=archival)
        self.system_prompt = SYSTEM_PROMPT.format(titles=", ".join(titles), parts=parts + ANSWER_PROMPT)
        self.tools = [spec.to_openai() for spec in self.sandbox.specs()]
        self.depths: dict[tuple[int, int], int] = {}

    def build(self) -> Sample:
        history: list[dict[str, Any]] = [{"role": "system", "content": self.system_prompt}]
        results: list[str] = []
        turns: list[tuple[AgenticTurn, list[dict[str, Any]], TurnRecord]] = []
        kinds = self._kinds()
        for index, kind in enumerate(kinds):
            turn = self._phase1(index, kind, index == len(kinds) - 1)
            messages, record = self._phase3(turn, history, results)
            turns.append((turn, messages, record))
            history += [{"role": "user", "content": turn.query}, *messages]
            results += [message["content"] for message in messages if message["role"] == "tool"]
        return self._sample(turns, history)

    # -- phase 1 and 2 -----------------------------------------------------------------------------

    def _kinds(self) -> list[str]:
        """The turn kinds of this conversation; it ends on a question (a recall or a research turn)."""
        rng, settings = self.rng, self.settings
        count = rng.randint(settings.min_turns, settings.max_turns)
        web, memory = "web_search" in self.domains, "memory_kv" in self.domains
        if web and not memory:
            return ["research"] + [rng.choice(("follow", "follow", "research")) for _ in range(count - 1)]
        if memory and not web:
            if count == 1:
                return ["recall" if self.planner.notes else "tell"]
            return (
                ["tell"] + [rng.choice(("tell", "recall", "update")) for _ in range(count - 2)] + ["recall"]
            )
        if count == 1:
            return ["research"]
        kinds = ("tell", "follow", "recall", "follow_store", "research", "update")
        middle = [rng.choice(kinds) for _ in range(count - 2)]
        return ["research_store", *middle, "recall"]

    def _phase1(self, index: int, kind: str, last: bool) -> AgenticTurn:
        """Plan and execute one turn of `kind`. A follow-up from an entity with no onward link becomes a
        fresh research turn; a recall before the last turn that would leave nothing to recall at the end
        becomes a tell, and a tell with no room or no new kind of note a correction (or a recall)."""
        planner, rng = self.planner, self.rng
        if kind == "recall" and not last and len(planner.recall_choices(index)) < 2:
            kind = "tell"
        if kind == "tell" and not planner.can_tell():  # memory is full or every kind of note is kept
            kind = "update" if planner.update_choices(index) else "recall"
        for attempt in range(TRIES_PER_TURN):
            made: AgenticTurn | None = None
            store = kind.endswith("store")
            if (
                kind.startswith("follow")
                and planner.last_target is not None
                and attempt < TRIES_PER_TURN // 2
            ):
                research = pick_research(WEB_SEED, rng, start=planner.last_target)
                made = planner.research(index, research, True, store) if research else None
            elif kind.startswith(("research", "follow")):
                research = pick_research(WEB_SEED, rng)
                made = planner.research(index, research, False, store) if research else None
            elif kind == "tell" or (kind == "update" and not planner.update_choices(index)):
                made = planner.tell(index, draw_notes(rng, rng.randint(1, 2), set(planner.notes)))
            elif kind == "update":
                key = rng.choice(planner.update_choices(index))
                note = changed(planner.notes[key][1], rng)
                made = planner.update(index, key, note) if note is not None else None
            else:
                made = self._recall(index)
            if made is not None:
                return made
        raise SampleRejected("phase1_no_walk", f"turn {index}: no {kind} turn could be executed")

    def _recall(self, index: int) -> AgenticTurn | None:
        choices = self.planner.recall_choices(index)
        researched = [key for key in choices if self.planner.notes[key][0] == "archival"]
        if not choices:
            return None
        pool = researched if researched and self.rng.random() < 0.7 else choices
        return self.planner.recall(index, self.rng.choice(pool))

    # -- phase 3 -----------------------------------------------------------------------------------

    def _phase3(
        self, turn: AgenticTurn, history: list[dict[str, Any]], earlier: list[str]
    ) -> tuple[list[dict[str, Any]], TurnRecord]:
        """Attempt the turn from its starting state until the check passes and the reply has the fact."""
        truth = TurnOutcome([step.result.content for step in turn.steps], self.sandbox.state(), True)
        calls = [
            GroundTruthCall(name=step.name, arguments=copy_json(step.call.arguments)) for step in turn.steps
        ]
        task = Task(id="turn", domains=[], turns=[[]], ground_truth=[calls])
        brief = TurnBrief(
            turn.index, turn.steps, None, query=turn.query, tools=self.tools, history=list(history)
        )  # type: ignore[arg-type]
        hints: list[str] = []
        problem = ""
        for attempt in range(self.settings.max_attempts):
            mistake = attempt == 0 and self.rng.random() < self.settings.mistake_rate
            agent = AgenticReasoner(turn, self.rng, mistake)
            messages, outcome = run_attempt(brief, agent, self.sandbox.turn_start)
            verdict = check_turn(
                0, task, outcome, truth, [*earlier, *outcome.results], CheckOptions(strict=True)
            )
            reply = messages[-1].get("content") if messages else None
            answered = turn.fact is None or (reply is not None and answer_found(reply, [turn.fact]))
            if verdict.passed and answered:
                return messages, self._record(turn, attempt + 1, hints)
            problem = verdict.reason or "answer_not_found"
            hints.append(critique(turn, messages, problem))
        raise SampleRejected("phase3_failed", f"turn {turn.index}: {problem}")

    def _record(self, turn: AgenticTurn, attempts: int, hints: list[str]) -> TurnRecord:
        for step in turn.steps:
            self.depths[step.key] = 1 + max(
                (self.depths.get((s.turn, s.index), 0) for s in step.sources.values()), default=0
            )
        if turn.kind == "research":  # the article holding the fact, and the note the user asked for
            opened = [p.step.index for p in turn.planned if p.does == "open"]
            goals = [opened[-1], *turn.stated]
        else:  # what the user asked to be kept, changed or given back; the key listing is a means
            goals = [p.step.index for p in turn.planned if p.does != "list"]
        return TurnRecord(
            index=turn.index,
            target=turn.steps[-1].name,
            advanced_tool=turn.advanced_tool,
            query=turn.query,
            attempts=attempts,
            hints=hints,
            depth=max(self.depths[step.key] for step in turn.steps),
            flows=data_flows(turn.steps),
            writers={"query": "template", "reasoning": "template", "answer": "template"},
            goal_calls=goals,
            stated_calls=[],
            implicit_calls=[step.index for step in turn.steps if step.index not in goals],
        )

    def _sample(
        self,
        turns: list[tuple[AgenticTurn, list[dict[str, Any]], TurnRecord]],
        messages: list[dict[str, Any]],
    ) -> Sample:
        facts = [turn.fact for turn, _, _ in turns]
        task = Task(
            id=f"{self.settings.id_prefix}_{self.index:06d}",
            category="synthesized",
            domains=self.domains,
            initial_config=copy_json(self.initial_config),
            turns=[[{"role": "user", "content": turn.query}] for turn, _, _ in turns],
            ground_truth=[
                [GroundTruthCall(name=s.name, arguments=copy_json(s.call.arguments)) for s in turn.steps]
                for turn, _, _ in turns
            ],
            system_prompt=self.system_prompt,
            answers=[facts[-1]] if facts[-1] is not None else None,
            metadata={"turn_answers": facts, "turn_kinds": [turn.kind for turn, _, _ in turns]},
        )
        return Sample(
            id=task.id,
            seed=self.settings.seed,
            domains=self.domains,
            task=task,
            messages=messages,
            tools=self.tools,
            turns=[record for _, _, record in turns],
            final_state=self.sandbox.state(),
            metadata={"index": self.index},
        )


def agentic_audit(sample: Sample) -> dict[str, list[str]]:
    """Label checks of an agentic sample: the shared label audit's rules, plus each query asks for an outcome
    without naming addresses, tools or keys, and each answering turn's reply contains its fact."""
    findings: dict[str, list[str]] = audit_sample(sample)
    facts = sample.task.metadata.get("turn_answers", [])
    replies = _replies(sample.messages)
    for index, turn in enumerate(sample.turns):
        if _LEAKS.search(turn.query):
            findings.setdefault("query_names_steps", []).append(f"turn {index}: {turn.query[:80]}")
        fact = facts[index] if index < len(facts) else None
        if fact is not None and not answer_found(replies[index] if index < len(replies) else "", [fact]):
            findings.setdefault("answer_without_fact", []).append(f"turn {index}: reply lacks {fact!r}")
    return findings


def _replies(messages: list[dict[str, Any]]) -> list[str]:
    """The closing reply of each user turn."""
    replies: list[str] = []
    for message in messages:
        if message["role"] == "user":
            replies.append("")
        elif message["role"] == "assistant" and not message.get("tool_calls") and replies:
            replies[-1] = message.get("content") or ""
    return replies
