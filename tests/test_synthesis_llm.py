"""The synthesis pipeline with the `openai` backend, against a chat-completions server started here.

The server plays a stand-in model: it writes the advanced tool as JSON, a query that states the known
values, a hint when asked to critique, and as the reasoner it calls the advanced tool's steps with the
inputs it was shown (skipping one step on a first attempt, to exercise the guided iterative chain).
"""

from __future__ import annotations

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


def stand_in(body):
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
        roles = [m["messages"][0]["content"].split("\n", 1)[0] for m in server.requests]
    assert folder.samples, f"no sample kept; rejections: {folder.rejections}"
    for row in folder.samples:
        sample = Sample.model_validate(row)
        assert verify_sample(sample) == []
        assert sample.backend == "openai"
        assert all(turn.query for turn in sample.turns)
        assert any(m.get("reasoning_content") for m in sample.messages if m["role"] == "assistant")
    assert {r["reason"] for r in folder.rejections} <= {
        "phase1_no_walk",
        "phase3_failed",
        "verification_failed",
        "duplicate",
    }
    assert any(r.startswith("You review an assistant's attempt") for r in roles), "the critic was never asked"
    assert any(t["attempts"] >= 2 for row in folder.samples for t in row["turns"]), (
        "no turn passed after a hint"
    )
