"""A stand-in model for the synthesis roles, served by a local chat-completions server in tests and the
synthesis benchmark: it writes an advanced tool named after the trace it saw, a query citing it, a
critique, and as the reasoner the trace's calls (skipping one on a first attempt). The reasoner's own
prompt never shows the steps, so the stand-in finds them through the tool name the query cites."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from funreason_envs.synthesis.settings import Settings
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
TRACES: dict[str, list[str]] = {}  # stand-in tool name -> the calls of the trace it was made from
LATEST = "latest"  # TRACES key of the last trace seen (for a query that cites no tool: a template's)


def stand_in(body: dict[str, Any]) -> dict[str, Any]:
    """The reply of the stand-in model to one chat-completions request."""
    messages = body["messages"]
    first = messages[0]["content"]
    if first.startswith("You design composite tools"):
        lines = re.findall(r"^\d+\. (.*)$", first.split("Executed calls:", 1)[1], re.M)
        # the calls, without the note on where their values came from
        calls = [re.sub(r"  \(arguments \{.*\}\)$", "", line) for line in lines]
        name = "job_" + hashlib.sha256("\n".join(calls).encode()).hexdigest()[:10]
        TRACES[name] = TRACES[LATEST] = calls
        tool = {"name": name, "description": "Does the job.", "inputs": {}, "output": "the result"}
        return completion(f"Sure: {json.dumps(tool)}")
    if first.startswith("You write requests"):
        must = re.search(r"^Values to mention: (.*)$", first, re.M).group(1)
        name = re.search(r'"name": "(job_\w+)"', first).group(1)
        values = "" if must == "(none)" else f": {must}"
        return completion(f"Could you please take care of this ({name}){values}.")
    if first.startswith("You check synthesized training data"):
        return completion('{"verdict": "yes", "reason": "it asks for what the calls do"}')
    if first.startswith("You review an assistant's attempt"):
        return completion("You left out a step; call every step the job needs.")
    if "<tool_response>" in messages[-1]["content"]:
        return completion("<think>All steps returned.</think>Done, everything is handled.")
    cited = re.search(r"\((job_\w+)\)", messages[-1]["content"])
    calls = TRACES[cited.group(1) if cited else LATEST]
    if "Hints from earlier attempts" not in first and len(calls) > 1:
        calls = calls[:-1]  # a realistic first-attempt slip
    return completion(f"<think>I will do what the request needs.</think>[{', '.join(calls)}]")
