"""`bfcl` export: BFCL-shaped question and answer files that replay to 100% in `funreason eval` and
in bfcl-eval's own executor and checker, and the samples it must leave out."""

from __future__ import annotations

import itertools
import json
from collections import Counter

import pytest

from funreason_envs.cli import main
from funreason_envs.commands.synthesize import skip_notes
from funreason_envs.domains import bfcl_class_map, domain_class
from funreason_envs.errors import ConfigError
from funreason_envs.synthesis.exports import ExportOptions, ExportStats, make_exporter
from funreason_envs.synthesis.exports.bfcl import CALL_TEXT_IN_STRING, NO_BFCL_CLASS
from funreason_envs.tasks.bfcl import load_bfcl_tasks
from tests.support.oracle import bfcl_execute, public_state, require_bfcl
from tests.support.synthesis_samples import echo_sample, long_context_sample, read_jsonl, samples

_checker_runs = itertools.count()


def export_bfcl(out, sample_list, **options):
    exporter = make_exporter("bfcl", out, ExportOptions(**options))
    stats = exporter.write(sample_list)
    exporter.close()
    return stats


def entries(out, category="multi_turn_synthesized"):
    questions = read_jsonl(out / "bfcl" / f"BFCL_v4_{category}.json")
    answers = read_jsonl(out / "bfcl" / "possible_answer" / f"BFCL_v4_{category}.json")
    assert [q["id"] for q in questions] == [a["id"] for a in answers]
    return [(question, answer["ground_truth"]) for question, answer in zip(questions, answers, strict=True)]


def test_entries_have_bfcls_shape(tmp_path):
    stats = export_bfcl(tmp_path, samples())
    assert (stats.samples, stats.rows, sum(stats.skipped.values())) == (5, 10, 0)
    pairs = entries(tmp_path)
    assert [q["id"] for q, _ in pairs] == [f"multi_turn_synthesized_{n}" for n in range(5)]
    assert [q["sample_id"] for q, _ in pairs] == [sample.id for sample in samples()]
    held_out, truth = pairs[1]
    assert held_out["question"] == [[{"role": "user", "content": "What is the last line of log.txt?"}], []]
    assert held_out["missed_function"] == {"1": ["tail"]}
    assert truth == [[], ["tail(file_name='log.txt', lines=1)"]]
    multi, truth = pairs[3]
    assert multi["involved_classes"] == ["TravelAPI", "TradingBot", "VehicleControlAPI"]
    assert multi["initial_config"] == {"TravelAPI": {}, "TradingBot": {}, "VehicleControlAPI": {}}
    assert "missed_function" not in multi
    assert truth[2][0] == "lockDoors(unlock=False, door=['driver', 'passenger', 'rear_left', 'rear_right'])"
    first, _ = pairs[0]
    assert set(first["initial_config"]) == {"GorillaFileSystem"}


def test_loaded_back_the_tasks_are_the_samples_tasks_and_replay_to_100_percent(tmp_path, capsys):
    export_bfcl(tmp_path, samples())
    loaded = load_bfcl_tasks("multi_turn_synthesized", tmp_path / "bfcl")
    for task, sample in zip(loaded, samples(), strict=True):
        original = sample.task
        assert task.category == "multi_turn_synthesized" and not task.long_context
        assert task.domains == original.domains and task.initial_config == original.initial_config
        assert task.ground_truth == original.ground_truth and task.held_out == original.held_out
        expected_turns = [[] if i in original.held_out else turn for i, turn in enumerate(original.turns)]
        assert task.turns == expected_turns
    out = tmp_path / "eval"
    args = ["eval", "--tasks", "bfcl:synthesized", "--bfcl-data", str(tmp_path / "bfcl"), "--out", str(out)]
    assert main([*args, "--agent", "replay", "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["categories"]["multi_turn_synthesized"] == {
        "total": 5,
        "passed": 5,
        "accuracy": 1.0,
        "mean_score": 1.0,
    }


def test_bfcl_evals_executor_and_checker_accept_the_files_and_agree_with_our_results(tmp_path):
    require_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_checker import multi_turn_checker

    export_bfcl(tmp_path, samples())
    domains = {cls: name for cls, name in bfcl_class_map().items() if not name.startswith("memory_")}
    covered = {name for entry, _ in entries(tmp_path) for name in entry["involved_classes"]}
    assert covered == set(domains) and len(covered) == 8  # every BFCL multi-turn class (memory: no kit yet)
    for (entry, truth), sample in zip(entries(tmp_path), samples(), strict=True):
        executed = bfcl_execute(entry, truth, long_context=False)
        theirs = [result for results, _ in executed for result in results]
        ours = [message["content"] for message in sample.messages if message["role"] == "tool"]
        assert theirs == ours, entry["id"]
        final = {domains[name]: state for name, state in executed[-1][1].items()}
        assert final == sample.final_state, entry["id"]
        response = [[turn] if turn else [] for turn in truth]  # the ground truth as the model's answer
        verdict = multi_turn_checker(
            response, truth, entry, "multi_turn_synthesized", f"export{next(_checker_runs)}"
        )
        assert verdict["valid"], (entry["id"], verdict)


def test_long_context_tasks_get_files_whose_ids_turn_long_context_on(tmp_path):
    export_bfcl(tmp_path, [*samples()[:1], long_context_sample()])
    ((entry, _),) = entries(tmp_path, "multi_turn_synthesized_long_context")
    assert entry["id"] == "multi_turn_synthesized_long_context_0" and entry["sample_id"] == "demo_long"
    assert [q["id"] for q, _ in entries(tmp_path)] == ["multi_turn_synthesized_0"]
    (task,) = load_bfcl_tasks("multi_turn_synthesized_long_context", tmp_path / "bfcl")
    assert task.long_context
    out = tmp_path / "eval"
    args = ["eval", "--tasks", "bfcl:synthesized_long_context", "--bfcl-data", str(tmp_path / "bfcl")]
    assert main([*args, "--out", str(out), "--quiet"]) == 0
    assert json.loads((out / "summary.json").read_text())["overall_accuracy"] == 1.0


def test_samples_bfcl_cannot_hold_are_skipped_counted_and_remembered(tmp_path, monkeypatch):
    mangled = echo_sample("first run cd(backup) then report")
    harmless = echo_sample("call mom(tonight) maybe").model_copy(update={"id": "demo_echo_ok"})
    monkeypatch.setattr(domain_class("vehicle"), "bfcl_class", None)
    stats = export_bfcl(tmp_path, [*samples(), mangled, harmless])
    assert stats.skipped == {NO_BFCL_CLASS: 1, CALL_TEXT_IN_STRING: 1}
    kept = [s.id for s in samples() if "vehicle" not in s.domains]
    assert [q["sample_id"] for q, _ in entries(tmp_path)] == [*kept, "demo_echo_ok"]
    again = export_bfcl(tmp_path, [*samples(), mangled, harmless])
    assert (again.samples, again.already_written, sum(again.skipped.values())) == (0, len(samples()) + 2, 0)


def test_synthesize_says_how_many_samples_the_bfcl_export_left_out_and_why(tmp_path, capsys):
    args = ["synthesize", "--domains", "web_search", "--num", "2", "--format", "openai,bfcl", "--quiet"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (
        f"bfcl export skipped 2 of 2 samples ({NO_BFCL_CLASS} 2); every sample was skipped, so it wrote no "
        "bfcl file" in out
    )
    assert "openai export" not in out and not (tmp_path / "bfcl").exists()


def test_skip_notes_count_a_partial_skip_without_calling_it_total():
    partial = ExportStats(samples=3, skipped=Counter({NO_BFCL_CLASS: 1}))
    assert skip_notes({"openai": ExportStats(samples=4), "bfcl": partial}) == [
        f"bfcl export skipped 1 of 4 samples ({NO_BFCL_CLASS} 1)"
    ]


def test_bfcl_eval_rewrites_tool_names_inside_strings_and_only_those(tmp_path):
    """Why such samples are skipped: bfcl-eval's executor writes something else than the call says."""
    for text, rewritten in [("first run cd(backup) then report", True), ("call mom(tonight) maybe", False)]:
        sample = echo_sample(text)
        entry = {
            "id": "probe_0",
            "initial_config": {"GorillaFileSystem": sample.task.initial_config["file_system"]},
            "involved_classes": ["GorillaFileSystem"],
        }
        call = sample.task.ground_truth[0][0].to_call().to_python()
        ((_, state),) = bfcl_execute(entry, [[call]], long_context=False)
        written = state["GorillaFileSystem"]["root"]["workspace"]["contents"]["log.txt"]["content"]
        ours = sample.final_state["file_system"]["root"]["workspace"]["contents"]["log.txt"]["content"]
        assert ours == text
        assert (written != text) == rewritten, written
        if rewritten:
            assert "_instance.cd(backup)" in written


@pytest.mark.parametrize(
    "name", ["multi_turn_my_long_context", "multi_turn_composite_set", "bad-name", "synthesized"]
)
def test_names_bfcl_would_misread_are_refused(name):
    with pytest.raises(ConfigError, match="bfcl_name"):
        ExportOptions(bfcl_name=name)


def test_public_state_helper_matches_our_layout():
    """The oracle's state view is the one `Sample.final_state` uses (so the comparison above is fair)."""
    require_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.func_source_code.trading_bot import TradingBot

    bot = TradingBot()
    bot._load_scenario({})
    assert public_state(bot) == domain_class("trading")({}).state_dict()


def test_a_custom_name_loads_only_from_a_folder_that_has_it(tmp_path):
    export_bfcl(tmp_path, samples()[:1])
    expected = ["multi_turn_synthesized_0"]
    assert [task.id for task in load_bfcl_tasks("synthesized", tmp_path / "bfcl")] == expected
    assert [task.id for task in load_bfcl_tasks("multi_turn_synthesized", tmp_path / "bfcl")] == expected
    with pytest.raises(
        ConfigError,
        match=r"unknown BFCL category 'multi_turn_synthesized'.*BFCL_v4_multi_turn_synthesized\.json",
    ):
        load_bfcl_tasks("multi_turn_synthesized")
    with pytest.raises(ConfigError, match=r"bfcl:other: .*BFCL_v4_other\.json is missing"):
        load_bfcl_tasks("other", tmp_path / "bfcl")
