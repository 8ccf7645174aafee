"""The synthesis pipeline with the `openai` backend, against a chat-completions server started here.

The server plays a stand-in model: it writes the advanced tool as JSON (named after the trace it was
shown, so later requests can find that trace), a query that states the known values and cites the
tool's name, a hint when asked to critique, and as the reasoner it makes the calls of the trace behind
the cited name (skipping the last on a first attempt, to exercise the guided iterative chain). The
reasoner's own prompt never shows the steps, which the tests check.
"""

from __future__ import annotations

import hashlib
import json
import re

from funreason_envs.synthesis.pipeline import Settings
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.run import synthesize
from funreason_envs.synthesis.verify import verify_sample
from tests.openai_server import ScriptedServer, completion

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


def stand_in(body):
    messages = body["messages"]
    first = messages[0]["content"]
    if first.startswith("You design composite tools"):
        calls = re.findall(r"^\d+\. (.*)$", first.split("Executed calls:", 1)[1], re.M)
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


def test_openai_backend_runs_the_whole_pipeline(tmp_path):
    with ScriptedServer(responder=stand_in) as server:
        folder = synthesize(
            4,
            SETTINGS,
            tmp_path,
            backend=f"openai:{server.url}",
            model="test-model",
            progress=False,
            max_indices=12,
        )
        server_requests = list(server.requests)
        roles = [m["messages"][0]["content"].split("\n", 1)[0] for m in server_requests]
    assert folder.samples, f"no sample kept; rejections: {folder.rejections}"
    for row in folder.samples:
        sample = Sample.model_validate(row)
        assert verify_sample(sample) == []
        assert sample.backend == "openai"
        assert all(turn.writers["query"] == "openai" for turn in sample.turns)
        # the only rejected outputs are the reasoner's first-attempt slips, one per retried turn
        rejected = sample.metadata["fallbacks"].get("reasoning", {})
        assert set(sample.metadata["fallbacks"]) <= {"reasoning"}
        assert sum(rejected.values()) == sum(turn.attempts - 1 for turn in sample.turns)
        assert all(turn.query for turn in sample.turns)
        assert any(m.get("reasoning_content") for m in sample.messages if m["role"] == "assistant")
    assert {r["reason"] for r in folder.rejections} <= {
        "phase1_no_walk",
        "phase3_failed",
        "verification_failed",
        "audit_failed",
        "duplicate",
    }
    assert any(r.startswith("You review an assistant's attempt") for r in roles), "the critic was never asked"
    reasoner_prompts = [
        m["messages"][0]["content"]
        for m in server_requests
        if m["messages"][0]["content"].startswith("You are an")
    ]
    assert reasoner_prompts and not any("job_" in text or '"steps"' in text for text in reasoner_prompts)
    assert any(t["attempts"] >= 2 for row in folder.samples for t in row["turns"]), (
        "no turn passed after a hint"
    )
