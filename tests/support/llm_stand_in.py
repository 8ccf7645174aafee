"""A stand-in model for the synthesis roles, served by a local chat-completions server in tests and the
synthesis benchmark: it writes the advanced tool, a query stating the known values, a critique, and as the
reasoner it calls the advanced tool's steps (skipping one on a first attempt)."""

from __future__ import annotations

import json
import re
from typing import Any

from funreason_envs.synthesis.pipeline import Settings
from tests.support.openai_server import completion

SETTINGS = Settings(
    seed=11,
    domains=("file_system",),
    vague_rate=0.0,
    held_out_rate=0.0,
    gather=0.0,
    second_goal_rate=0.7,
    discover_rate=0.0,
)


def stand_in(body: dict[str, Any]) -> dict[str, Any]:
    """The reply of the stand-in model to one chat-completions request."""
    messages = body["messages"]
    first = messages[0]["content"]
    if first.startswith("You design composite tools"):
        return completion(
            'Sure: {"name": "tidy_up", "description": "Does the job.", "inputs": {}, "output": "the result"}'
        )
    if first.startswith("You write requests"):
        must = re.search(r"exactly as written: (.*)\n", first).group(1)
        return completion("" if must == "(none)" else f"Could you please take care of this: {must}.")
    if first.startswith("You review an assistant's attempt"):
        return completion("You left out a step; call every step the job needs.")
    advanced = json.loads(
        re.search(r"steps are\nthe tools it combines\):\n(\{.*?\n\})", first, re.S).group(1)
    )
    if "<tool_response>" in messages[-1]["content"]:
        return completion("<think>All steps returned.</think>Done, everything is handled.")
    calls = []
    for name in advanced["steps"]:
        arguments = {
            key.split(".", 1)[1]: value
            for key, value in advanced["inputs"].items()
            if key.startswith(name + ".")
        }
        calls.append(f"<tool_call>\n{json.dumps({'name': name, 'arguments': arguments})}\n</tool_call>")
    if "Hints from earlier attempts" not in first and len(calls) > 1:
        calls = calls[:-1]  # a realistic first-attempt slip
    return completion("<think>I will run the steps in order.</think>\n" + "\n".join(calls))
