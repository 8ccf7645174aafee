"""The synthesis pipeline with the `openai` backend, against a chat-completions server started here.

The server plays a stand-in model: it writes the advanced tool as JSON, a query that states the known
values, a hint when asked to critique, and as the reasoner it calls the advanced tool's steps with the
inputs it was shown (skipping one step on a first attempt, to exercise the guided iterative chain).
"""

from __future__ import annotations

from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.run import synthesize
from funreason_envs.synthesis.verify import verify_sample
from tests.support.llm_stand_in import SETTINGS, stand_in
from tests.support.openai_server import ScriptedServer


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
