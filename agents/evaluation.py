"""Evaluate agents on task sets, or re-score recorded BFCL-style responses, into a results folder.

`DIR/results.jsonl` gets one `Trajectory` per task, appended as each finishes, so an interrupted run
resumes where it stopped: tasks already in the file are skipped, except those that got no answer
(`agent_error`), which are tried again. `DIR/run.json` holds the run's settings (a rerun with other
settings is refused); `DIR/summary.json` holds accuracy per category and the overall score, BFCL's
unweighted mean of the category accuracies.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from tqdm import tqdm

from funreason_envs.agentic_check import answer_report
from funreason_envs.agents.base import Agent
from funreason_envs.agents.player import TaskPlayer, lost_record
from funreason_envs.agents.rollout import ToolView, rollout_batched, rollout_many
from funreason_envs.bfcl_results import FinalReply, read_responses
from funreason_envs.checker import CheckOptions, check_task, execute_responses
from funreason_envs.errors import BackendNotListeningError, ConfigError
from funreason_envs.executors import Executor
from funreason_envs.multiturn import MultiTurnEnv
from funreason_envs.tasks import Task
from funreason_envs.trajectory import Trajectory, TurnRecord
from funreason_envs.writer import JsonlLog, RunFolder

RESULTS_FILE = "results.jsonl"
SUMMARY_FILE = "summary.json"
NO_ANSWER = "agent_error"  # the agent (model, server) produced nothing to score; a rerun retries it
UNREACHABLE_IN_A_ROW = 3  # tasks in a row that could not connect to the model server: it is down, stop


def evaluate(
    tasks: list[Task],
    make_agent: Callable[[Task], Agent],
    out_dir: str | Path,
    *,
    workers: int = 1,
    env_kwargs: dict[str, Any] | None = None,
    tool_view: ToolView | None = None,
    seed: int = 0,
    progress: bool = True,
    act_batch: Callable[[list[Agent], list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
    settings: Mapping[str, Any] | None = None,
    retry_failed: bool = True,
    executor: Executor | None = None,
) -> dict[str, Any]:
    """Roll out every task not yet done in `out_dir/results.jsonl`, append the records, write the summary.

    With `act_batch`, `workers` episodes step together and each round is one batched model call
    (local models); otherwise `workers` threads each play episodes (servers, replay, random).
    `settings` (agent, model, options) fingerprint the folder; a rerun with other settings is refused.
    `retry_failed=False` keeps earlier no-answer rows (a later phase of the same run).
    With `executor` (e.g. Ray) the tasks run where it runs them, `make_agent` pickled to each worker, and
    come back in task order.
    """
    env_kwargs = dict(env_kwargs or {})
    fingerprint = dict(settings) if settings is not None else {"mode": "rollout", "env": env_kwargs}
    with RunFolder(out_dir, fingerprint, results=[RESULTS_FILE]) as folder:
        results = folder.log(RESULTS_FILE)
        if retry_failed:
            results.rewrite(lambda row: not (isinstance(row, dict) and row.get("reason") == NO_ANSWER))
        todo = _pending(tasks, _ids(results))

        def make_env() -> MultiTurnEnv:
            return MultiTurnEnv(tasks, **env_kwargs)

        if executor is not None:
            player = TaskPlayer(make_agent, env_kwargs, seed=seed, tool_view=tool_view)
            records = executor.map(player, todo, on_lost=lost_record)
        elif act_batch is not None:
            records = rollout_batched(
                todo, make_env, make_agent, act_batch, batch_size=workers, seed=seed, tool_view=tool_view
            )
        else:
            records = rollout_many(
                todo, make_env, make_agent, workers=workers, seed=seed, tool_view=tool_view
            )
        unreachable = _append(results, records, len(tasks), len(todo), progress, "eval")
        summary = write_summary(folder.path, results)
    if unreachable is not None:
        raise BackendNotListeningError(
            f"the server is unreachable (nothing listening), so the run stopped after {UNREACHABLE_IN_A_ROW} "
            f"tasks in a row could not connect ({unreachable}); the results so far are kept in "
            f"{folder.path}: rerun the same command once the server is up"
        )
    return summary


def rescore(
    tasks: list[Task],
    responses_path: str | Path,
    out_dir: str | Path,
    *,
    options: CheckOptions | None = None,
    progress: bool = True,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Score recorded responses (our `{"id", "result"}` lines, or bfcl-eval result files or folders)."""
    responses = read_responses(responses_path)
    by_id = {task.id: task for task in tasks}
    unknown = sorted(set(responses) - set(by_id))
    if unknown:
        raise ConfigError(
            f"{responses_path}: {len(unknown)} response id(s) not in the task set, e.g. {unknown[0]!r}; "
            "pass the --tasks they were made for"
        )
    fingerprint = dict(settings) if settings is not None else {"mode": "rescore", "options": repr(options)}
    with RunFolder(out_dir, fingerprint, results=[RESULTS_FILE]) as folder:
        results = folder.log(RESULTS_FILE)
        done = _ids(results)
        todo = [by_id[task_id] for task_id in responses if task_id not in done]
        records = (_rescore_one(task, responses[task.id], options) for task in todo)
        _append(results, records, len(responses), len(todo), progress, "rescore")
        return write_summary(folder.path, results)


def _rescore_one(task: Task, response: Any, options: CheckOptions | None) -> Trajectory:
    if task.answers is not None:
        return _rescore_answer(task, response)
    if not isinstance(response, list):
        return _unusable(task, "the recorded result is not a list of turns")
    outcomes = execute_responses(task, response)
    report = check_task(task, outcomes, options=options)
    turns = [
        TurnRecord.of(verdict, outcomes[verdict.turn].state if verdict.turn < len(outcomes) else {})
        for verdict in report.turns
    ]
    return _rescored(task, report, turns)


def _rescore_answer(task: Task, response: Any) -> Trajectory:
    """An agentic question, scored as bfcl-eval does: a one-turn row's final reply names an answer."""
    if not isinstance(response, FinalReply) or response.turns != 1:
        return _unusable(task, "the recorded result is not one turn of steps")
    report = answer_report(len(task.turns), response.text, task.answers or [])
    return _rescored(task, report, [TurnRecord.of(verdict, {}) for verdict in report.turns])


def _unusable(task: Task, why: str) -> Trajectory:
    """A recorded result that cannot be scored: failed as an inference error, with the reason."""
    return Trajectory(
        id=task.id,
        category=task.category,
        domains=task.domains,
        passed=False,
        score=0.0,
        reason="inference_error",
        error=why,
    )


def _rescored(task: Task, report: Any, turns: list[TurnRecord]) -> Trajectory:
    """The trajectory row of a re-scored task (`report` is a task or answer report)."""
    return Trajectory(
        id=task.id,
        category=task.category,
        domains=task.domains,
        passed=report.passed,
        score=report.score,
        reason=report.reason,
        reward=1.0 if report.passed else 0.0,
        turns=turns,
        metadata={"rescored": True},
    )


def _pending(tasks: Iterable[Task], done: set[str]) -> list[Task]:
    seen: set[str] = set()
    pending = []
    for task in tasks:
        if task.id in seen:
            raise ConfigError(f"task id {task.id!r} appears twice in the task set; ids must be unique")
        seen.add(task.id)
        if task.id not in done:
            pending.append(task)
    return pending


def _ids(results: JsonlLog) -> set[str]:
    return {row["id"] for row in results if isinstance(row, dict) and isinstance(row.get("id"), str)}


def _append(
    results: JsonlLog, records: Iterable[Trajectory], total: int, todo: int, progress: bool, label: str
) -> str | None:
    """Append the records as they come. Stops early once `UNREACHABLE_IN_A_ROW` tasks in a row could not
    connect to the model server (every further task would wait out the retries just the same), and returns
    the last one's error then; None when every record was appended."""
    if todo == 0:
        if progress:
            print(f"{label}: all {total} tasks already done (results kept; nothing to run)")
        return None
    in_a_row = 0
    with tqdm(total=todo, disable=not progress, desc=label) as bar:
        for record in records:
            results.append(record.model_dump(mode="json"))
            bar.update(1)
            in_a_row = in_a_row + 1 if _unreachable(record) else 0
            if in_a_row == UNREACHABLE_IN_A_ROW:
                close = getattr(records, "close", None)
                if close is not None:
                    close()  # tasks not started yet are not started
                return (record.error or "").removeprefix(f"{BackendNotListeningError.__name__}: ")
    return None


def _unreachable(record: Trajectory) -> bool:
    """Whether the task got no answer because not even a connection to the model server could be opened."""
    error = record.error or ""
    return record.reason == NO_ANSWER and error.startswith(f"{BackendNotListeningError.__name__}:")


def summarise_rows(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy and mean partial-credit score per category; overall = unweighted mean of categories.
    Memory prerequisite conversations are counted apart: they are played, not scored (as in BFCL)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    scores: dict[str, float] = defaultdict(float)
    prerequisites = 0
    for row in rows:
        if _is_prerequisite(row):
            prerequisites += 1
            continue
        bucket = totals[row.get("category", "custom")]
        bucket[0] += 1
        bucket[1] += bool(row.get("passed"))
        scores[row.get("category", "custom")] += float(row.get("score") or 0.0)
    categories = {
        name: {
            "total": total,
            "passed": passed,
            "accuracy": passed / total,
            "mean_score": scores[name] / total,
        }
        for name, (total, passed) in sorted(totals.items())
    }
    overall = sum(c["accuracy"] for c in categories.values()) / len(categories) if categories else 0.0
    summary = {
        "categories": categories,
        "overall_accuracy": overall,
        "tasks": sum(t for t, _ in totals.values()),
    }
    if prerequisites:
        summary["prerequisites"] = prerequisites
    return summary


def _is_prerequisite(row: Mapping[str, Any]) -> bool:
    return (row.get("metadata") or {}).get("memory_phase") == "prereq"


def write_summary(out_dir: Path, rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Summarise the rows into `out_dir/summary.json` (one per task id: the last one counts); also
    counts tasks that got no answer."""
    rows = list({row.get("id"): row for row in rows if isinstance(row, dict)}.values())
    summary = summarise_rows(rows)
    failures = [row for row in rows if row.get("reason") == NO_ANSWER]
    prereq_failures = [row for row in failures if _is_prerequisite(row)]
    failures = [row for row in failures if not _is_prerequisite(row)]
    summary["no_answer"] = len(failures)
    if prereq_failures:
        summary["prerequisites_no_answer"] = len(prereq_failures)
    if failures:
        summary["no_answer_example"] = str(failures[0].get("error") or "")[:300]
    (out_dir / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def format_summary(summary: dict[str, Any]) -> str:
    """A plain-text table of accuracy per category and the overall score."""
    lines = [f"{'category':<28} {'tasks':>6} {'passed':>7} {'accuracy':>9} {'partial':>8}"]
    for name, row in summary["categories"].items():
        counts = f"{row['total']:>6} {row['passed']:>7}"
        lines.append(f"{name:<28} {counts} {row['accuracy']:>9.2%} {row['mean_score']:>8.2%}")
    overall = summary["overall_accuracy"]
    lines.append(f"{'overall (mean of categories)':<28} {summary['tasks']:>6} {'':>7} {overall:>9.2%}")
    return "\n".join(lines)
