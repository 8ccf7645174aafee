"""Synthesis acceptance on the default offline run: `funreason synthesize --num 200 --seed 0`.

Every written trajectory replays exactly; trajectories average at least 3 user turns and about 2 calls
per turn; at least half of the turns contain a call whose argument came from an earlier result (counted
by the pipeline, and recounted independently from the replayed results); the `bfcl` export scores
100% with `funreason eval --agent replay` and with bfcl-eval's own executor and checker.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funreason_envs.cli import main
from funreason_envs.graph.flows import ExecutedCall, observed_flows
from funreason_envs.jsonutil import copy_json
from funreason_envs.session import Session
from funreason_envs.synthesis.run import load_samples
from funreason_envs.synthesis.verify import verify_sample
from tests.support.oracle import require_bfcl

NUM = 200


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    assert (
        main(
            [
                "synthesize",
                "--num",
                str(NUM),
                "--seed",
                "0",
                "--format",
                "openai,bfcl",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    return out


def test_every_trajectory_replays_and_the_run_meets_the_figures(run):
    samples = load_samples(run)
    assert len(samples) == NUM
    assert all(verify_sample(sample) == [] for sample in samples)
    report = json.loads((run / "report.json").read_text())
    assert report["acceptance"]["verification"] == 1.0
    print(
        f"\nturns {report['turns_per_trajectory']['mean']}, calls/turn {report['calls_per_turn']['mean']}, "
        f"turns with a flow {report['turns_with_data_flow']}"
    )
    assert report["turns_per_trajectory"]["mean"] >= 3
    # 1.94 (vague turns have no call; a later turn that points into an earlier listing needs no look-up
    # of its own); BFCL multi_turn_base has 1.56
    assert report["calls_per_turn"]["mean"] >= 1.9
    assert report["turns_with_data_flow"] >= 0.5
    quality = report["quality"]  # the label audit keeps these two at their targets
    assert quality["failed_told_as_success"] == 0 and quality["same_turn_undo_share"] <= 0.005
    # chain-of-thought on its 30k-token budget (seed 0 gives 0.302 / 14.4%; the floor leaves room for
    # changes to the user's text, which the CoT quotes)
    assert quality["cot_distinct_2"] >= 0.29 and quality["cot_top20_skeleton_share"] <= 0.2
    # user turns on their 28k-token budget (issue 12's target 0.35; seed 0 gives 0.367, 0.314 before
    # the phrasebooks grew)
    assert quality["distinct_2"] >= 0.35


def test_flows_are_real_when_replayed(run):
    """Replay every ground truth: each recorded flow's value must be in its source call's result, and
    at least half of all turns must hold such a verified flow. Coincidental matches found by value
    alone (ignoring trivial values) are printed as a second opinion."""
    turns = verified_turns = observed_turns = 0
    for sample in load_samples(run):
        session = Session.for_task(sample.task)
        results: dict[tuple[int, int], object] = {}
        history: list[ExecutedCall] = []
        observed_before = 0
        for index in range(len(sample.task.turns)):
            for position, call in enumerate(sample.task.turn_calls(index)):
                [result] = session.execute([call])
                results[(index, position)] = copy_json(result.value)
                history.append(ExecutedCall(call.name, call.arguments, results[(index, position)], result.ok))
            observed = len(observed_flows(history))
            observed_turns += observed > observed_before
            observed_before = observed
        for turn in sample.turns:
            for flow in turn.flows:
                source = results[(flow.source_turn, flow.source_call)]
                assert flow.value in set(scalars(source)), (sample.id, flow)
        turns += len(sample.turns)
        verified_turns += sum(1 for turn in sample.turns if turn.flows)
    print(f"\nturns with a verified flow: {verified_turns}/{turns}; by value alone: {observed_turns}/{turns}")
    assert verified_turns / turns >= 0.5


def scalars(value: object) -> list[object]:
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (key, *scalars(item))]
    if isinstance(value, list):
        return [s for item in value for s in scalars(item)]
    if isinstance(value, str):
        return [value, *value.split("/")]  # path parts, as the graph's `|parts` extraction reads them
    return [value]


def test_bfcl_export_replays_in_funreason_eval(run, tmp_path):
    out = tmp_path / "eval"
    assert (
        main(
            [
                "eval",
                "--tasks",
                "bfcl:synthesized",
                "--bfcl-data",
                str(run / "bfcl"),
                "--agent",
                "replay",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall_accuracy"] == 1.0 and summary["tasks"] > 0


def test_bfcl_export_passes_bfcl_evals_own_executor_and_checker(run):
    require_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_checker import multi_turn_checker

    folder = run / "bfcl"
    files = sorted(folder.glob("BFCL_v4_*.json"))
    assert files
    checked = 0
    for path in files:
        answers = {
            row["id"]: row["ground_truth"]
            for row in map(json.loads, (folder / "possible_answer" / path.name).read_text().splitlines())
        }
        for line in path.read_text().splitlines():
            entry = json.loads(line)
            truth = answers[entry["id"]]
            decoded = [[turn] if turn else [] for turn in truth]
            result = multi_turn_checker(
                decoded, truth, entry, entry["id"].rsplit("_", 1)[0], f"accept{checked}"
            )
            assert result["valid"], (entry["id"], result)
            checked += 1
    assert checked >= NUM // 2
