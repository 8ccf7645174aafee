"""The synthesis pipeline with the `openai` backend, against a chat-completions server started here.

The server plays a stand-in model: it writes the advanced tool as JSON (named after the trace it was
shown, so later requests can find that trace), a query that states the known values and cites the
tool's name, a hint when asked to critique, and as the reasoner it makes the calls of the trace behind
the cited name (skipping the last on a first attempt, to exercise the guided iterative chain). The
reasoner's own prompt never shows the steps, which the tests check.
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
