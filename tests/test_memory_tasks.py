"""BFCL v4's memory task sets: loaded from bfcl-eval's data as bfcl-eval lays them out, prerequisite
conversations carried into the memory (and system prompt) the questions start from, answers scored with the
agentic checker, and `funreason eval` playing the two phases, resumably."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from funreason_envs.agents.evaluation import summarise_rows
from funreason_envs.agents.memory_reference import MemoryReferenceAgent, informative_sentences, key_for
from funreason_envs.agents.rollout import rollout
from funreason_envs.cli import main
from funreason_envs.memory_carry import MemoryCarry, play_in_phases, prereq_waves
from funreason_envs.multiturn import MultiTurnEnv
from funreason_envs.tasks import Task, load_tasks
from funreason_envs.tasks.bfcl import bfcl_data_dir
from funreason_envs.tasks.bfcl_memory import first_questions, memory_content_text, memory_prompts
from tests.support.oracle import bfcl_model_utils, require_bfcl


@pytest.fixture(scope="module")
def kv_tasks() -> list[Task]:
    return load_tasks("bfcl:memory_kv")


def _prompts():
    return memory_prompts(str(bfcl_data_dir()))


def _by_id(tasks: list[Task]) -> dict[str, Task]:
    return {task.id: task for task in tasks}


@pytest.mark.parametrize("backend", ["kv", "vector", "rec_sum"])
def test_each_backend_has_bfcl_evals_prerequisites_and_questions_with_its_ids(backend):
    require_bfcl()
    from bfcl_eval.utils import load_dataset_entry

    tasks = load_tasks(f"bfcl:memory_{backend}")
    counts = Counter(task.metadata["memory_phase"] for task in tasks)
    assert counts == {"prereq": 37, "question": 155}
    theirs = load_dataset_entry(f"memory_{backend}", include_prereq=True)
    assert sorted(task.id for task in tasks) == sorted(entry["id"] for entry in theirs)
    assert {task.domains[0] for task in tasks} == {f"memory_{backend}"}
    assert all((task.answers is not None) == (task.metadata["memory_phase"] == "question") for task in tasks)


def test_answers_and_user_turns_come_from_bfcl_evals_files(kv_tasks):
    by_id = _by_id(kv_tasks)
    assert by_id["memory_kv_1-customer-1"].answers == ["35", "thirty five"]
    assert by_id["memory_kv_1-customer-1"].user_text(0) == "How old am I?"
    first = by_id["memory_kv_prereq_0-customer-0"]
    assert first.user_text(0).startswith("Hey there! Thanks for getting back to me")
    assert len(first.turns) == len(first.ground_truth) and not any(first.ground_truth)


def _bfcl_prompt(backend: str, scenario: str, snapshot: dict[str, Any], question: bool) -> str:
    """bfcl-eval's own system prompt for a memory episode starting from `snapshot` (kv and rec_sum)."""
    utils = bfcl_model_utils()
    from bfcl_eval.constants.default_prompts import ADDITIONAL_SYSTEM_PROMPT_FOR_AGENTIC_RESPONSE_FORMAT

    if backend == "kv":
        from bfcl_eval.eval_checker.multi_turn_eval.func_source_code.memory_kv import MemoryAPI_kv

        api: Any = MemoryAPI_kv()
        api.core_memory = dict(snapshot.get("core_memory", {}))
    else:
        from bfcl_eval.eval_checker.multi_turn_eval.func_source_code.memory_rec_sum import MemoryAPI_rec_sum

        api = MemoryAPI_rec_sum()
        api.memory = snapshot.get("memory", "")
    first = [{"role": "user", "content": "q"}]
    if question:
        first.insert(0, {"role": "system", "content": ADDITIONAL_SYSTEM_PROMPT_FOR_AGENTIC_RESPONSE_FORMAT})
    turns = utils.add_memory_instruction_system_prompt([first], f"memory_{backend}", scenario, api)
    return turns[0][0]["content"]


@pytest.mark.parametrize(
    ("backend", "snapshot"),
    [
        ("kv", {}),
        ("kv", {"core_memory": {"first_name": "Michael", "city": "Seattle"}, "archival_memory": {"a": "b"}}),
        ("rec_sum", {}),
        ("rec_sum", {"memory": "The user is Michael, 35, from Seattle."}),
    ],
)
@pytest.mark.parametrize("question", [False, True])
def test_the_system_prompt_shows_the_carried_memory_as_bfcl_evals_does(backend, snapshot, question):
    tasks = load_tasks(f"bfcl:memory_{backend}")
    phase = "question" if question else "prereq"
    task = next(t for t in tasks if t.metadata["memory_phase"] == phase and "finance" in t.id)
    carry = MemoryCarry(_prompts())
    if snapshot:
        carry.memory[(task.domains[0], "finance")] = snapshot
    prepared = carry.prepare(task)
    assert prepared.system_prompt == _bfcl_prompt(backend, "finance", snapshot, question)
    assert prepared.initial_config == ({f"memory_{backend}": snapshot} if snapshot else {})
    if not snapshot:  # a task as loaded carries the empty-memory prompt
        assert task.system_prompt == prepared.system_prompt


def test_vector_memory_shows_its_core_store_as_json_even_when_empty():
    assert memory_content_text("vector", {}) == "{}"
    state = {"core_memory": {"next_id": 2, "store": {"1": "likes tea"}}, "archival_memory": {}}
    assert memory_content_text("vector", state) == json.dumps({"1": "likes tea"}, indent=4)


def test_prerequisites_run_in_rounds_one_conversation_per_scenario(kv_tasks):
    waves = prereq_waves(kv_tasks)
    assert [len(wave) for wave in waves] == [5, 5, 5, 5, 5, 3, 3, 2, 2, 2]  # 10, 10, 7, 5, 5 conversations
    for position, wave in enumerate(waves):
        assert {task.metadata["memory_chain_position"] for task in wave} == {position}


def _reply(env: MultiTurnEnv, text: str) -> tuple[float, bool]:
    _, reward, terminated, _, _ = env.step({"role": "assistant", "content": text})
    return reward, terminated


def test_a_question_passes_when_its_final_reply_names_an_answer(kv_tasks):
    env = MultiTurnEnv(kv_tasks)
    env.reset(options={"task": "memory_kv_1-customer-1"})
    assert _reply(env, "{'answer': 'thirty five', 'context': 'you told me'}") == (1.0, True)
    assert env.report is not None and env.report.passed
    for wrong in ("{'answer': '350', 'context': 'a guess'}", "Thirty-five"):  # the hyphen goes: thirtyfive
        env.reset(options={"task": "memory_kv_1-customer-1"})
        assert _reply(env, wrong) == (0.0, True)
        assert env.report is not None and env.report.reason == "answer_not_found"
    assert env.trajectory().passed is False


def test_a_question_that_runs_out_of_steps_fails_without_a_final_reply(kv_tasks):
    env = MultiTurnEnv(kv_tasks, max_steps_per_turn=2)
    env.reset(options={"task": "memory_kv_1-customer-1"})
    for _ in range(3):
        _, reward, terminated, truncated, _ = env.step("core_memory_retrieve(key='age_35')")
    assert (reward, terminated, truncated) == (0.0, False, True)
    assert env.report is not None and env.report.reason == "no_final_reply"


def test_memory_written_in_the_prerequisites_is_what_a_question_starts_from(kv_tasks):
    by_id = _by_id(kv_tasks)
    first = by_id["memory_kv_prereq_0-customer-0"]
    env = MultiTurnEnv(kv_tasks)
    env.reset(options={"task": first})
    env.step("core_memory_add(key='first_name', value='Michael')")
    for _ in first.turns:
        _reply(env, "Noted.")
    row = env.trajectory().model_dump(mode="json")
    carry = MemoryCarry(_prompts())
    carry.record(first, row)
    question = carry.prepare(by_id["memory_kv_0-customer-0"])
    assert '"first_name": "Michael"' in (question.system_prompt or "")
    env.reset(options={"task": question})
    observation, *_ = env.step("core_memory_retrieve(key='first_name')")
    assert "Michael" in observation["content"]
    assert _reply(env, "Your first name is Michael.") == (1.0, True)
    carry.record(by_id["memory_kv_prereq_1-customer-1"], {"id": "x", "turns": []})  # left nothing: kept
    assert carry.memory[("memory_kv", "customer")]["core_memory"] == {"first_name": "Michael"}


def test_phases_play_other_tasks_first_then_each_round_then_questions_with_the_memory_so_far(kv_tasks):
    chosen = first_questions(kv_tasks, 2) + load_tasks("demo")[:1]
    played: list[list[str]] = []
    rows: dict[str, Any] = {}

    def play(batch: list[Task], first: bool) -> int:
        played.append([task.id for task in batch])
        for task in batch:
            state = {"core_memory": {f"seen_{len(rows)}": "x"}, "archival_memory": {}}
            rows[task.id] = {"id": task.id, "turns": [{"state": {task.domains[0]: state}}]}
            if task.answers is not None:  # a question starts from the last prerequisite's memory
                assert task.initial_config["memory_kv"]["core_memory"] == {"seen_10": "x"}
        return len(played)

    assert play_in_phases(chosen, _prompts(), play, lambda: rows) == 11
    assert played[0][-1] == chosen[-1].id  # the demo task rides with the first round
    assert [len(batch) for batch in played] == [2] + [1] * 9 + [2]
    assert played[-1] == ["memory_kv_0-customer-0", "memory_kv_1-customer-1"]


def test_limit_keeps_the_first_questions_and_their_scenarios_prerequisites(kv_tasks):
    kept = first_questions(kv_tasks, 3)
    assert Counter(t.metadata["memory_phase"] for t in kept) == {"prereq": 10, "question": 3}
    assert {t.metadata["bfcl_scenario"] for t in kept} == {"customer"}


def test_summary_counts_prerequisites_apart_from_scored_categories():
    rows = [
        {"id": "p", "category": "memory_kv_prereq", "passed": True, "metadata": {"memory_phase": "prereq"}},
        {"id": "q1", "category": "memory_kv", "passed": True, "score": 1.0},
        {"id": "q2", "category": "memory_kv", "passed": False, "score": 0.0},
    ]
    summary = summarise_rows(rows)
    assert list(summary["categories"]) == ["memory_kv"]
    assert (summary["tasks"], summary["prerequisites"], summary["overall_accuracy"]) == (2, 1, 0.5)


def test_the_reference_agent_keeps_informative_sentences_under_snake_case_keys():
    text = informative_sentences(["Well, hello there. I'm 35 and live in Seattle. Nice weather."], 30)
    assert text == "I'm 35 and live in Seattle."
    assert key_for("I'm 35, living in Seattle!", "note_0") == "note_0_m_living_seattle"


def test_the_reference_agent_without_carried_memory_does_not_know(kv_tasks):
    env = MultiTurnEnv(kv_tasks)
    record = rollout(env, MemoryReferenceAgent(), task=_by_id(kv_tasks)["memory_kv_0-customer-0"])
    assert record.passed is False
    assert record.messages[-1]["content"] == "I do not know"


def _eval(out: Path, tasks: str, *extra: str) -> int:
    return main(["eval", "--tasks", tasks, "--agent", "reference", "--out", str(out), "--quiet", *extra])


def test_eval_plays_prerequisites_then_questions_and_a_rerun_resumes(tmp_path, capsys):
    out = tmp_path / "run"
    assert _eval(out, "bfcl:memory_kv,bfcl:memory_rec_sum") == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["tasks"] == 310 and summary["prerequisites"] == 74 and summary["no_answer"] == 0
    accuracy = {name: row["accuracy"] for name, row in summary["categories"].items()}
    assert accuracy["memory_kv"] >= 0.5 and accuracy["memory_rec_sum"] >= 0.4  # README states the shares
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    order = [row["id"] for row in rows]
    last_prereq = max(i for i, row in enumerate(rows) if row["metadata"]["memory_phase"] == "prereq")
    first_question = min(i for i, row in enumerate(rows) if row["metadata"]["memory_phase"] == "question")
    assert last_prereq < first_question
    capsys.readouterr()
    assert _eval(out, "bfcl:memory_kv,bfcl:memory_rec_sum") == 0
    assert [json.loads(line)["id"] for line in (out / "results.jsonl").read_text().splitlines()] == order
    assert json.loads((out / "summary.json").read_text()) == summary


def test_a_carried_vector_memory_is_searched_by_meaning_in_the_question():
    tasks = load_tasks("bfcl:memory_vector")
    by_id = _by_id(tasks)
    carry = MemoryCarry(_prompts())
    memory = {
        "core_memory": {"next_id": 1, "store": {"0": "The user is called Michael."}},
        "archival_memory": {
            "next_id": 3,
            "store": {"0": "Michael lives in Seattle.", "2": "He drinks strawberry matcha lattes."},
        },
    }
    row = {"id": "memory_vector_prereq_9-customer-9", "turns": [{"state": {"memory_vector": memory}}]}
    carry.record(by_id["memory_vector_prereq_9-customer-9"], row)
    question = carry.prepare(by_id["memory_vector_3-customer-3"])
    assert json.dumps({"0": "The user is called Michael."}, indent=4) in (question.system_prompt or "")
    env = MultiTurnEnv(tasks)
    env.reset(options={"task": question})
    observation, *_ = env.step("archival_memory_retrieve(query='favourite coffee drink', top_k=1)")
    found = json.loads(observation["content"])["result"]
    assert [item["id"] for item in found] == [2]
    assert _reply(env, "{'answer': 'strawberry matcha', 'context': 'from memory'}") == (1.0, True)
    assert env.state_dict()["memory_vector"] == memory


class _FailsOn(MemoryReferenceAgent):
    """The reference agent, except that it raises in one task (a dead server, say)."""

    def __init__(self, task_id: str) -> None:
        super().__init__()
        self.task_id = task_id

    def act(self, observation: dict[str, Any]) -> dict[str, Any]:
        if self._task is not None and self._task.id == self.task_id:
            raise RuntimeError("server went away")
        return super().act(observation)


def test_a_failed_prerequisite_is_reported_kept_through_the_run_and_retried_by_a_rerun(tmp_path, kv_tasks):
    from argparse import Namespace

    from funreason_envs.agents.evaluation import evaluate
    from funreason_envs.commands.eval import play_with_memory

    tasks = first_questions(kv_tasks, 1)
    failing = "memory_kv_prereq_3-customer-3"
    args = Namespace(bfcl_data=None, out=str(tmp_path))

    def run(make_agent: Any) -> dict[str, Any]:
        def play(batch: list[Task], first: bool) -> dict[str, Any]:
            return evaluate(batch, make_agent, tmp_path, progress=False, retry_failed=first)

        return play_with_memory(tasks, args, play)

    summary = run(lambda task: _FailsOn(failing))
    assert (summary["prerequisites_no_answer"], summary["no_answer"], summary["tasks"]) == (1, 0, 1)
    rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert [row["reason"] for row in rows if row["id"] == failing] == ["agent_error"]
    summary = run(lambda task: MemoryReferenceAgent())
    assert "prerequisites_no_answer" not in summary
    rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert [row["id"] for row in rows].count(failing) == 1 and rows[-1]["id"] == failing  # only it re-ran
