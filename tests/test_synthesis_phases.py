"""The units phase 1 is made of: the sandbox takes calls back, the step log keeps indexes and sources
consistent when calls are pruned or a turn moves, and goals never undo the previous turn's."""

from __future__ import annotations

import random

from funreason_envs.calls import ToolCall
from funreason_envs.executor import ToolResult
from funreason_envs.synthesis.goals import GoalChooser
from funreason_envs.synthesis.kits import kit_for
from funreason_envs.synthesis.pipeline import graph_for
from funreason_envs.synthesis.sandbox import Sandbox
from funreason_envs.synthesis.trace import Source, Step, StepLog
from tests.support.fs_tree import directory, file

GRAPH = graph_for(("file_system",))
CONFIG = {"file_system": {"root": {"workspace": directory(notes=directory(), **{"a.txt": file("hi")})}}}


def step(turn: int, index: int, call: ToolCall, result: ToolResult, **sources: Source) -> Step:
    return Step(turn, index, GRAPH.tool(call.name), call, result, dict(sources))


def test_a_failed_call_leaves_the_state_and_restore_returns_to_the_turn_start():
    sandbox = Sandbox(["file_system"], CONFIG)
    sandbox.begin_turn()
    start = sandbox.state()
    failed = sandbox.attempt(ToolCall("cd", {"folder": "missing"}))
    assert not failed.ok and sandbox.state() == start
    made = sandbox.attempt(ToolCall("mkdir", {"dir_name": "drafts"}))
    assert made.ok and sandbox.state() != start
    assert sandbox.start_state() == start  # the turn's snapshot is not touched by the calls
    sandbox.restore()
    assert sandbox.state() == start
    assert sandbox.by_id["file_system"] is sandbox.instances[0]  # readers see the restored instance


def test_a_replay_is_adopted_only_when_results_and_end_state_match():
    sandbox = Sandbox(["file_system"], CONFIG)
    sandbox.begin_turn()
    listing = ToolCall("ls", {})
    listed = step(0, 0, listing, sandbox.attempt(listing))
    mkdir = ToolCall("mkdir", {"dir_name": "drafts"})
    made = step(0, 1, mkdir, sandbox.attempt(mkdir))
    after = sandbox.state()
    assert not sandbox.replays([listed])  # without the mkdir the end state differs
    assert sandbox.state() == after
    assert sandbox.replays([made])  # the listing changed nothing: it can go
    assert sandbox.state() == after
    wrong = step(0, 1, mkdir, ToolResult(mkdir, "something else", "ok"))
    assert not sandbox.replays([wrong])


def test_the_log_renumbers_pruned_and_moved_steps_with_their_sources():
    log = StepLog()
    ok = ToolResult(ToolCall("ls", {}), "{}", "ok", {})
    earlier = step(0, 0, ToolCall("ls", {}), ok)
    dropped = step(1, 0, ToolCall("pwd", {}), ok)
    kept = step(1, 1, ToolCall("ls", {}), ok)
    last = step(1, 2, ToolCall("cd", {"folder": "notes"}), ok, folder=Source(1, 1, "folder"))
    last.sources["file"] = Source(0, 0, "file")
    for each in (earlier, dropped, kept, last):
        log.add(each)
    log.forget(dropped)
    log.reindex([kept, last])
    assert (kept.index, last.index) == (0, 1)
    assert last.sources == {"folder": Source(1, 0, "folder"), "file": Source(0, 0, "file")}
    assert set(log.steps) == {(0, 0), (1, 0), (1, 1)}
    assert log.depth(last) == 2
    log.move([kept, last], 2)
    assert set(log.steps) == {(0, 0), (2, 0), (2, 1)}
    assert last.sources == {"folder": Source(2, 0, "folder"), "file": Source(0, 0, "file")}
    assert log.names_before(2) == {"ls"}
    log.forget_turn(1)
    assert set(log.steps) == {(0, 0)}


def test_goals_do_not_undo_the_previous_turns_goal():
    log = StepLog()
    chooser = GoalChooser(GRAPH, {"file_system": kit_for("file_system")}, log, random.Random(0))
    drawn = {chooser.choose(1, [], set()) for _ in range(300)}
    assert "rmdir" in drawn
    made = ToolCall("mkdir", {"dir_name": "drafts"})
    chooser.reached([step(0, 0, made, ToolResult(made, "None", "ok"))])
    drawn = {chooser.choose(1, [], set()) for _ in range(300)}
    assert "rmdir" not in drawn and drawn
