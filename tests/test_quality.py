"""Quality figures (synthesis/quality.py) on hand-built texts and samples whose values are known, the
same figures for BFCL tasks, and `funreason quality` end to end (BFCL data from bfcl-eval)."""

from __future__ import annotations

import json

import pytest

from funreason_envs.cli import main
from funreason_envs.synthesis.quality import (
    bfcl_base_quality,
    bfcl_quality,
    clause_skeleton_ratio,
    clauses,
    cot_figures,
    distinct_n,
    mentions,
    sample_quality,
    skeleton,
    user_text_figures,
    within_budget,
)
from funreason_envs.synthesis.record import DataFlow, Sample, TurnRecord
from funreason_envs.synthesis.run import synthesize
from funreason_envs.synthesis.settings import Settings
from funreason_envs.tasks import GroundTruthCall, Task


def make_sample(
    turns: list[tuple[str, list[tuple[str, dict]]]],
    domains: list[str],
    records: list[dict] | None = None,
    messages: list[dict] | None = None,
    persona: str | None = None,
) -> Sample:
    """A sample from (user text, ground-truth calls) per turn; messages default to the user texts."""
    task = Task(
        id="t",
        domains=domains,
        turns=[[{"role": "user", "content": text}] for text, _ in turns],
        ground_truth=[[GroundTruthCall(name=n, arguments=a) for n, a in calls] for _, calls in turns],
    )
    records = records or [{} for _ in turns]
    return Sample(
        id="s",
        seed=0,
        domains=domains,
        task=task,
        messages=messages or [{"role": "user", "content": text} for text, _ in turns],
        tools=[],
        turns=[TurnRecord(index=i, **extra) for i, extra in enumerate(records)],
        final_state={},
        persona=persona,
    )


def test_tokens_budget_and_distinct_n():
    assert within_budget(["one two three", "four five", "six"], 4) == ["one two three", "four"]
    assert within_budget(["Hi, you!"], 2) == ["Hi,"]
    assert distinct_n(["a b a b"], 1) == 0.5
    assert distinct_n(["a b a b"], 2) == round(2 / 3, 4)
    assert distinct_n(["a b", "b a"], 2) == 1.0  # bigrams do not cross texts


def test_clause_skeletons():
    assert clauses("Send 'x' to Bob, and then delete it. Thanks!") == [
        "Send 'x' to Bob",
        "delete it",
        "Thanks",
    ]
    assert clauses("Copy 'a.txt' to 4.5; then stop") == ["Copy 'a.txt' to 4.5", "then stop"]
    assert skeleton("Send 'x' to Bob at 10 with USR001") == "send Q to X at N with X"
    assert skeleton("Call get_user_id now", frozenset({"now"})) == "call X X"
    texts = ["Send 'x' to Bob, and then delete it.", "Send 'y' to Eve, and then delete it."]
    assert clause_skeleton_ratio(texts) == 0.5


def test_shares_of_user_turns():
    texts = [
        "Could you list my files?",
        "Delete the first one, and then show me the rest.",
        "Book a flight to LAX and then pay for it.",
        "Set the volume to 5.",
    ]
    figures = user_text_figures(texts)
    assert figures["question_share"] == 0.25
    assert figures["reference_share"] == 0.5  # "the first", "it"
    assert figures["and_then_share"] == 0.5
    assert figures["user_turns"] == 4


def test_cot_top20_share_and_distinct2():
    unique = [f"Step {word} needs a look." for word in "abcdefghijklmnopqrstuvwxy"]  # 25 skeletons
    figures = cot_figures([" ".join(unique)], frozenset())
    assert figures["cot_top20_skeleton_share"] == 0.8
    same = ["The call succeeded, so it is done."] * 10
    assert cot_figures(same, frozenset())["cot_top20_skeleton_share"] == 1.0
    assert (
        cot_figures(["Use ls now.", "Use cd now."], frozenset({"ls", "cd"}))["cot_top20_skeleton_share"]
        == 1.0
    )


def test_recorded_prerequisites_persona_undo_and_cross_turn_flows():
    turns = [
        ("Post hello.", [("authenticate_twitter", {"username": "a", "password": "p"}), ("post_tweet", {})]),
        (
            "Follow ana and then unfollow her.",
            [
                ("follow_user", {"username_to_follow": "ana"}),
                ("unfollow_user", {"username_to_unfollow": "ana"}),
            ],
        ),
        ("Comment on it.", [("comment", {"tweet_id": 0, "comment_content": "x"})]),
    ]
    flow = DataFlow(source_turn=0, source_call=1, target_turn=2, target_call=0, argument="tweet_id", value=0)
    records = [
        {"goal_calls": [1], "stated_calls": [], "implicit_calls": [0]},
        {"goal_calls": [0, 1], "stated_calls": [], "implicit_calls": []},
        {"goal_calls": [0], "stated_calls": [], "implicit_calls": [], "flows": [flow]},
    ]
    figures = sample_quality([make_sample(turns, ["posting"], records, persona="a baker")])
    assert figures["implicit_prerequisite_share"] == 1.0
    assert figures["prerequisites_recorded_turns"] == 3
    assert figures["persona_share"] == 1.0
    assert figures["same_turn_undo_share"] == round(1 / 3, 4)
    assert figures["cross_turn_dependency_share"] == round(1 / 3, 4)
    records[1]["stated_reason"] = "testing the follow button"
    assert sample_quality([make_sample(turns, ["posting"], records)])["same_turn_undo_share"] == 0.0


def test_prerequisites_estimated_from_text_when_not_recorded():
    login = ("message_login", {"user_id": "USR001"})
    send = ("send_message", {"receiver_id": "USR002", "message": "hi"})
    unsaid = make_sample([("Send hi to USR002.", [login, send])], ["message"])
    said = make_sample([("Log in as USR001 and send hi to USR002.", [login, send])], ["message"])
    assert sample_quality([unsaid])["implicit_prerequisite_share"] == 1.0
    assert sample_quality([said])["implicit_prerequisite_share"] == 0.0
    assert sample_quality([unsaid, said])["prerequisites_estimated_turns"] == 2
    assert mentions("please sign in first", "authenticate_twitter", ["posting"])
    assert not mentions("what is the price?", "get_stock_info", ["trading"])  # "stock" is every tool's word


def test_failed_calls_told_as_success():
    def conversation(answer: str) -> list[dict]:
        return [
            {"role": "user", "content": "Follow ana."},
            {"role": "assistant", "content": None, "tool_calls": [{"id": "c", "type": "function"}]},
            {
                "role": "tool",
                "tool_call_id": "c",
                "name": "follow_user",
                "content": '{"follow_status": false}',
            },
            {"role": "assistant", "content": answer, "reasoning_content": "Checking the result."},
        ]

    turns = [("Follow ana.", [("follow_user", {"username_to_follow": "ana"})])]
    told = sample_quality([make_sample(turns, ["posting"], messages=conversation("You follow ana now."))])
    honest = sample_quality(
        [make_sample(turns, ["posting"], messages=conversation("That failed: not signed in."))]
    )
    assert told["failed_told_as_success"] == 1 and honest["failed_told_as_success"] == 0
    assert told["tool_results"] == 1 and told["cot_messages"] == 1


def test_bfcl_figures_on_hand_built_tasks():
    engine = [
        GroundTruthCall(name="pressBrakePedal", arguments={"pedalPosition": 1.0}),
        GroundTruthCall(name="startEngine", arguments={"ignitionMode": "START"}),
    ]
    tasks = [
        Task(
            id="a",
            domains=["vehicle"],
            turns=[[{"role": "user", "content": "Start my car?"}]],
            ground_truth=[engine],
        ),
        Task(
            id="b",
            domains=["vehicle"],
            turns=[[{"role": "user", "content": "I'm a nurse. Press the brake and start the engine."}]],
            ground_truth=[engine],
        ),
    ]
    figures = bfcl_quality(tasks)
    assert figures["implicit_prerequisite_share"] == 0.5
    assert figures["question_share"] == 0.5 and figures["persona_share"] == 0.5
    assert figures["cot_top20_skeleton_share"] is None and figures["failed_told_as_success"] is None


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("quality") / "run"
    synthesize(4, Settings(seed=3, domains=("message", "posting")), out, progress=False)
    return out


def test_quality_command_compares_with_bfcl(run_folder, capsys):
    assert main(["quality", str(run_folder), "--compare", "bfcl", "--audit"]) == 0
    printed = capsys.readouterr().out
    assert "bfcl base" in printed and "user distinct-2" in printed and "label audit" in printed
    assert main(["quality", str(run_folder), "--compare", "bfcl", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    bfcl = bfcl_base_quality()
    assert data["quality"]["bfcl base"] == bfcl
    assert bfcl["conversations"] == 200 and bfcl["distinct_2"] > 0.4 and bfcl["and_then_share"] < 0.05
    assert data["quality"]["ours"]["conversations"] == 4


def test_quality_command_rejects_a_folder_without_samples(tmp_path, capsys):
    assert main(["quality", str(tmp_path)]) == 2
    assert "no samples.jsonl" in capsys.readouterr().err


def test_synthesize_reports_quality_and_audit(tmp_path, capsys):
    out = tmp_path / "run"
    args = [
        "synthesize",
        "--num",
        "2",
        "--domains",
        "math",
        "--out",
        str(out),
        "--quiet",
        "--compare",
        "bfcl",
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    report = json.loads((out / "report.json").read_text())
    assert report["quality"]["conversations"] == 2
    assert set(report["audit"]["by_rule"]) >= {"failed_call", "same_turn_undo", "tool_semantics"}
    assert "quality figure" in printed and "bfcl base" in printed
