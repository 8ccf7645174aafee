"""Phase 3, the guided iterative chain: attempt, check against phase 1, critique, retry.

Each attempt runs the reasoning role as an agent in a sandbox: a copy of the domains as they were
when the turn began. The attempt is checked with BFCL's rules (state after the turn equals phase 1's
state; phase 1's results appear among all results so far); on failure the critic's hint is added to
the ones before it, and the next attempt sees them all. Only a passing attempt is kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from funreason_envs.calls import ToolCall
from funreason_envs.checker import CheckOptions, TurnOutcome, check_turn
from funreason_envs.jsonutil import copy_json
from funreason_envs.records import Observation
from funreason_envs.session import Session
from funreason_envs.synthesis.roles.base import Roles, TurnBrief
from funreason_envs.tasks import GroundTruthCall, Task

MAX_STEPS_PER_ATTEMPT = 12


@dataclass
class Outcome:
    """The result of phase 3 for one turn."""

    passed: bool
    messages: list[dict[str, Any]]  # the passing attempt's assistant and tool messages
    attempts: int
    hints: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    problem: str | None = None


def run_attempt(brief: TurnBrief, agent: Any, snapshot: bytes) -> tuple[list[dict[str, Any]], TurnOutcome]:
    """Play the reasoning agent on a sandbox copy of the domains; returns its messages and outcome.

    Each entry of a message's `tool_calls` is one call; one that cannot be read is an "invalid"
    result the agent sees, as in the env.
    """
    session = Session.from_snapshot(snapshot)
    agent.reset(brief.tools)
    observation = Observation.user(brief.query)
    messages: list[dict[str, Any]] = []
    for _ in range(MAX_STEPS_PER_ATTEMPT):
        message = agent.act(observation)
        tool_calls = message.get("tool_calls") or []
        messages.append(_assistant(message))
        if not tool_calls:
            break
        results = []
        for number, entry in enumerate(tool_calls):
            call_id = entry.get("id") or f"call_{brief.turn}_{len(messages)}_{number}"
            name = entry.get("function", {}).get("name", "")
            unreadable = ToolCall(name, {}, call_id)
            results.extend(session.run({**entry, "id": call_id}, unreadable=unreadable))
        messages.extend(result.message() for result in results)
        observation = Observation.tool(results)
    return messages, session.end_turn()


def guided_chain(
    brief: TurnBrief,
    roles: Roles,
    snapshot: bytes,
    truth: TurnOutcome,
    earlier_results: list[str],
    max_attempts: int,
) -> Outcome:
    """Attempt the turn up to `max_attempts` times, accumulating the critic's hints."""
    calls = [] if brief.kind in ("vague", "held_out_wait") else brief.steps
    task = Task(
        id="turn",
        domains=[],
        turns=[[]],
        ground_truth=[[GroundTruthCall(name=s.name, arguments=copy_json(s.call.arguments)) for s in calls]],
    )
    options = CheckOptions(strict=True)  # acting when nothing should be done is a failure here
    problem = None
    for attempt in range(max_attempts):
        agent = roles.reasoner(brief, attempt)
        messages, outcome = run_attempt(brief, agent, snapshot)
        verdict = check_turn(0, task, outcome, truth, [*earlier_results, *outcome.results], options)
        if verdict.passed:
            return Outcome(True, messages, attempt + 1, list(brief.hints), outcome.results)
        problem = verdict.reason or "failed"
        if verdict.missing_results:
            problem += f"; missing results: {verdict.missing_results[:2]}"
        if verdict.state_diff:
            problem += f"; state: {verdict.state_diff[:2]}"
        brief.hints.append(roles.critiquing(brief, messages, problem))
    return Outcome(False, [], max_attempts, list(brief.hints), problem=problem)


def _assistant(message: dict[str, Any]) -> dict[str, Any]:
    """A clean OpenAI assistant message (content, optional reasoning and calls)."""
    cleaned: dict[str, Any] = {"role": "assistant", "content": message.get("content")}
    if message.get("reasoning_content"):
        cleaned["reasoning_content"] = message["reasoning_content"]
    if message.get("tool_calls"):
        cleaned["tool_calls"] = [
            {
                "id": entry.get("id"),
                "type": "function",
                "function": {
                    "name": entry["function"]["name"],
                    "arguments": _json_text(entry["function"]["arguments"]),
                },
            }
            for entry in message["tool_calls"]
        ]
    return cleaned


def _json_text(arguments: Any) -> str:
    return arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
