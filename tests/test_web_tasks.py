"""`funreason:web_search`: at least 100 questions of two to four hops whose ground truth is a walk that
really leads to the answer, scored on the final reply; replay passes them all and a random agent none."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from funreason_envs.agentic_check import answer_found
from funreason_envs.agents.web_reference import parse_question
from funreason_envs.cli import main
from funreason_envs.domains import domain_class
from funreason_envs.executor import ToolRouter
from funreason_envs.tasks import load_tasks
from funreason_envs.tasks.web_tasks import build_web_tasks

TASKS = load_tasks("funreason:web_search")


def test_the_packaged_set_is_what_the_generator_makes():
    assert [task.model_dump() for task in TASKS] == [task.model_dump() for task in build_web_tasks(0)]


def test_at_least_100_questions_of_two_to_four_hops_with_answers():
    assert len(TASKS) >= 100
    assert set(Counter(task.metadata["hops"] for task in TASKS)) == {2, 3, 4}
    assert len({task.turns[0][0]["content"] for task in TASKS}) == len(TASKS)
    for task in TASKS:
        assert task.answers and task.domains == ["web_search"]
        assert len(task.ground_truth[0]) == 1 + task.metadata["hops"]  # one search, then one fetch per hop


def test_following_the_hops_reaches_the_answer():
    for task in TASKS:
        instance = domain_class("web_search")(task.initial_config["web_search"])
        router = ToolRouter([instance])
        search, *fetches = task.turn_calls(0)
        [results] = [result.value for result in router.run([search])]
        assert fetches[0].arguments["url"] in [row["href"] for row in results], task.id
        pages = [result.value["content"] for result in router.run(fetches)]
        for page, following in zip(pages, fetches[1:], strict=False):
            assert f"]({following.arguments['url']})" in page, task.id  # each next article is linked
        assert answer_found(pages[-1], task.answers), task.id


def test_a_stale_or_missing_answer_fails_the_checker():
    task = next(t for t in TASKS if t.metadata["fact"] == "population")
    assert answer_found(f"It is {int(task.answers[0]):,} people.", task.answers)
    assert not answer_found("I could not find it.", task.answers)
    assert not answer_found(f"It is {int(int(task.answers[0]) * 0.93):,} people.", task.answers)


def test_replay_passes_every_question_and_a_random_agent_none(tmp_path, capsys):
    for agent, expected in (("replay", 1.0), ("random", 0.0)):
        out = tmp_path / agent
        assert main(["eval", "--tasks", "funreason:web_search", "--agent", agent, "--out", str(out)]) == 0
        summary = json.loads((out / "summary.json").read_text())
        assert summary["overall_accuracy"] == pytest.approx(expected, abs=0.02)


def test_the_reference_agent_reads_the_question_as_a_chain_of_relations():
    assert parse_question(
        "What is the population of the country of the birthplace of the mayor of Draeford?"
    ) == (
        "Draeford",
        ["mayor", "birthplace", "country"],
        "population",
    )
    assert parse_question("How many attendees did the first Daken Summit draw?") == (
        "Daken Summit",
        [],
        "attendance",
    )
    assert parse_question("Who won the cup?") is None


def test_the_reference_agent_answers_by_browsing(tmp_path, capsys):
    out = tmp_path / "reference"
    assert main(["eval", "--tasks", "funreason:web_search", "--agent", "reference", "--out", str(out)]) == 0
    assert json.loads((out / "summary.json").read_text())["overall_accuracy"] >= 0.95
    first = json.loads((out / "results.jsonl").read_text().splitlines()[0])
    called = [call["function"]["name"] for m in first["messages"] for call in m.get("tool_calls") or []]
    assert (
        called[0] == "search_engine_query" and called.count("fetch_url_content") == first["metadata"]["hops"]
    )
