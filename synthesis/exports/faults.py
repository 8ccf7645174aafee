"""Error-tool-response rows: one executed call answered by a plausible transient failure, then retried.

The failed call is the last call of one step, so no later call of that step relied on it having run.
Its result becomes a failure written as the domains write theirs (an `{"error": ...}` object, or
bfcl-eval's `Error during execution: ...` line), and a new assistant step follows whose reasoning
notices the failure and sends the same call again, which gets the true result; the rest is unchanged.
Which samples get such a row, which call fails and how are all drawn from the sample's seed and id.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace

from funreason_envs.jsonutil import copy_json
from funreason_envs.synthesis.exports.conversation import Conversation, Step
from funreason_envs.synthesis.record import Sample


@dataclass(frozen=True)
class Failure:
    """A transient failure: how it is written, its text, and a few words for the reasoning to quote."""

    style: str  # "object" ({"error": text}) or "raised" (an exception rendered as bfcl-eval does)
    text: str
    gist: str

    def render(self, tool: str) -> str:
        text = self.text.format(tool=tool)
        if self.style == "object":
            return json.dumps({"error": text})
        return f"Error during execution: {text}"


FAILURES = (
    Failure(
        "object",
        "Service temporarily unavailable: {tool} timed out before it ran. Please retry.",
        "a timeout",
    ),
    Failure(
        "raised", "Connection reset while calling {tool}; no changes were applied.", "a dropped connection"
    ),
    Failure("object", "Too many requests: {tool} is rate limited at the moment. Try again.", "a rate limit"),
)

NOTICES = (
    "The {tool} call failed for a reason outside my control ({gist}) and nothing was applied. My "
    "arguments were fine, so I will send exactly the same call again.",
    "{tool} did not give me a result: the service reported {gist}, which is temporary. Before anything "
    "else I should retry the identical call.",
    "That response from {tool} is {gist}, not an answer to my request. I'll retry it with the same "
    "arguments.",
)


@dataclass(frozen=True)
class Injected:
    """A conversation with one injected failure: the turn it is in and the index of the retry step."""

    conversation: Conversation
    turn: int
    retry_step: int


def wants_error_row(sample: Sample, fraction: float) -> bool:
    """Whether this sample gets an error row, drawn from its seed so reruns agree."""
    return fraction > 0 and _rng(sample, "select").random() < fraction


def inject_failure(conversation: Conversation, sample: Sample) -> Injected | None:
    """The conversation with one call's result replaced by a failure and a retry; None without calls."""
    candidates = [
        (turn.index, position)
        for turn in conversation.turns
        for position, step in enumerate(turn.steps)
        if step.calls and step.results
    ]
    clean = [(t, s) for t, s in candidates if not _looks_failed(conversation.turns[t].steps[s].results[-1])]
    if not candidates:
        return None
    rng = _rng(sample, "inject")
    turn_index, position = rng.choice(clean or candidates)
    failure = rng.choice(FAILURES)
    notice = rng.choice(NOTICES)
    turn = conversation.turns[turn_index]
    step = turn.steps[position]
    call = step.calls[-1]
    name = call["function"]["name"]
    true_result = step.results[-1]
    failed = Step(step.assistant, (*step.results[:-1], {**true_result, "content": failure.render(name)}))
    retry_id = f"{call.get('id') or 'call'}_retry"
    retry = Step(
        {
            "role": "assistant",
            "content": None,
            "reasoning_content": notice.format(tool=name, gist=failure.gist),
            "tool_calls": [{**copy_json(call), "id": retry_id}],
        },
        ({**copy_json(true_result), "tool_call_id": retry_id},),
    )
    steps = (*turn.steps[:position], failed, retry, *turn.steps[position + 1 :])
    changed = conversation.with_turn(replace(turn, steps=steps))
    return Injected(changed, turn_index, position + 1)


def _looks_failed(result: dict[str, object]) -> bool:
    content = str(result.get("content") or "")
    return content.startswith(('{"error"', "Error"))


def _rng(sample: Sample, purpose: str) -> random.Random:
    return random.Random(f"funreason-error-row/{purpose}/{sample.seed}/{sample.id}")
