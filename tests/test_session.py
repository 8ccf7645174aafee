"""The one episode runner (`Session`) and what its users get from it: real statuses, sandboxes,
turn outcomes, typed records, and env attributes that say "reset first" instead of failing oddly."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import pytest

import funreason_envs  # noqa: F401
from funreason_envs.agents.base import Agent
from funreason_envs.agents.random_agent import RandomAgent
from funreason_envs.agents.replay import ReplayAgent
from funreason_envs.agents.rollout import rollout
from funreason_envs.calls import ToolCall
from funreason_envs.checker import execute_ground_truth
from funreason_envs.multiturn import MultiTurnEnv
from funreason_envs.records import Observation, ObservedResult, ToolResultRecord
from funreason_envs.session import Session
from funreason_envs.synthesis.guided import run_attempt
from funreason_envs.synthesis.roles.base import TurnBrief
from funreason_envs.tasks import load_tasks


@pytest.fixture
def task():
    return load_tasks("demo")[0]


def test_results_carry_the_status_that_happened(task):
    session = Session.for_task(task)
    before = session.state()
    ok, unknown, bad_args = session.run("[ls(), nosuch(), cd(folder=3)]")
    (unreadable,) = session.run("cd(folder=")
    assert [r.status for r in (ok, unknown, bad_args, unreadable)] == ["ok", "invalid", "invalid", "invalid"]
    assert unreadable.content.startswith("Error: ") and session.state() == before
    (failed,) = session.run("cd(folder='no_such_folder')")
    assert failed.status == "error" and session.state() == before
    assert session.results == [ok, unknown, bad_args, unreadable, failed]


def test_turns_close_into_outcomes(task):
    session = Session.for_task(task)
    session.execute(task.turn_calls(0))
    first = session.end_turn()
    second = session.end_turn()
    assert first.made_calls and len(first.results) == 3 and "backup" in str(first.state)
    assert not second.made_calls and second.results == [] and second.state == first.state
    assert session.outcomes == [first, second]
    assert execute_ground_truth(task)[0] == first


def test_a_sandbox_from_a_snapshot_is_independent(task):
    session = Session.for_task(task)
    session.run("cd(folder='document')")
    snapshot = session.snapshot()
    sandbox = Session.from_snapshot(snapshot)
    assert sandbox.state() == session.state() and sandbox.results == []
    sandbox.run("mkdir(dir_name='only_here')")
    assert sandbox.state() != session.state()
    assert Session.from_snapshot(snapshot).state() == session.state()


def test_hot_path_dicts_have_exactly_the_records_shapes(task):
    session = Session.for_task(task)
    results = session.run("[ls(), cd(folder='nowhere'), nosuch(x=[1])]")
    results += session.run("cd(folder=")
    assert [r.status for r in results] == ["ok", "error", "invalid", "invalid"]
    for result in results:
        assert ToolResultRecord.model_validate(result.record()).model_dump() == result.record()
        assert ObservedResult.model_validate(result.observed()).model_dump() == result.observed()
    observation = Observation.tool(results)
    assert Observation.model_validate(observation).model_dump() == observation
    assert Observation.model_validate(Observation.user("hi")).model_dump() == Observation.user("hi")


def test_multiturn_attributes_ask_for_reset_first():
    env = MultiTurnEnv("demo")
    for name in ("task", "turn", "verdicts", "turn_outcomes", "report", "session"):
        with pytest.raises(gym.error.ResetNeeded, match="call reset"):
            getattr(env, name)
    with pytest.raises(gym.error.ResetNeeded):
        env.state_dict()
    env.reset(options={"task": "demo_file_system_0"})
    assert (env.task.id, env.turn, env.verdicts, env.report) == ("demo_file_system_0", 0, [], None)


def test_env_observations_and_info_are_the_typed_records(task):
    env = MultiTurnEnv([task])
    observation, _ = env.reset()
    assert Observation.model_validate(observation).role == "user"
    observation, _, _, _, info = env.step("[cd(folder='document'), nosuch()]")
    parsed = Observation.model_validate(observation)
    assert [r.status for r in parsed.tool_results] == ["ok", "invalid"]
    records = [ToolResultRecord.model_validate(call) for call in info["calls"]]
    assert [(r.name, r.arguments) for r in records] == [("cd", {"folder": "document"}), ("nosuch", {})]


def test_the_env_records_its_own_trajectory(task):
    env = MultiTurnEnv([task])
    env.reset()
    env.step({"role": "assistant", "content": "Nothing to do."})
    unfinished = env.trajectory()
    assert (unfinished.passed, unfinished.reason, unfinished.steps) == (False, "unfinished", 1)
    assert unfinished.turns[0].reason == "empty_turn_model_response" and unfinished.turns[0].state
    assert env.trajectory(error="boom").reason == "agent_error"
    record = rollout(env, ReplayAgent(), task=task)
    assert record.passed and record.usage == {} and [t.passed for t in record.turns] == [True, True]


def test_free_play_records_no_verdict():
    env = gym.make("FunReason/FileSystem-v0")
    env.reset(seed=0)
    assert env.unwrapped.task is None
    record = rollout(env, RandomAgent(seed=0))
    assert record.passed is None and record.id == "free_play" and record.steps >= 1


def test_agents_implement_the_whole_protocol():
    assert isinstance(ReplayAgent(), Agent) and isinstance(RandomAgent(), Agent)

    class ActsOnly:
        def reset(self, tools: list[dict[str, Any]], task: Any = None) -> None: ...

        def act(self, observation: dict[str, Any]) -> dict[str, Any]:
            return {"role": "assistant", "content": "hi"}

    assert not isinstance(ActsOnly(), Agent)


class ScriptedReasoner:
    """Makes the calls it is given, one message each, then replies."""

    def __init__(self, calls: list[ToolCall]) -> None:
        self.calls = calls
        self.seen: list[dict[str, Any]] = []

    def reset(self, tools: list[dict[str, Any]], task: Any = None) -> None:
        self.seen = []

    def act(self, observation: dict[str, Any]) -> dict[str, Any]:
        self.seen.append(observation)
        if len(self.seen) <= len(self.calls):
            call = self.calls[len(self.seen) - 1]
            return {
                "role": "assistant",
                "content": None,
                "tool_calls": [call.to_openai(f"c{len(self.seen)}")],
            }
        return {"role": "assistant", "content": "Done."}


def test_guided_attempts_report_the_real_status(task):
    session = Session.for_task(task)
    calls = [
        ToolCall("mkdir", {"dir_name": "new"}),
        ToolCall("cd", {"folder": "nowhere"}),
        ToolCall("nosuch"),
    ]
    agent = ScriptedReasoner(calls)
    brief = TurnBrief(turn=0, steps=[], speaker=None, query="Go.")  # type: ignore[arg-type]
    messages, outcome = run_attempt(brief, agent, session.snapshot())
    statuses = [obs["tool_results"][0]["status"] for obs in agent.seen[1:]]
    assert statuses == ["ok", "error", "invalid"]
    assert [m["tool_call_id"] for m in messages if m["role"] == "tool"] == ["c1", "c2", "c3"]
    assert outcome.made_calls and len(outcome.results) == 3
    assert outcome.state != session.state()  # the sandbox moved; the original did not


def test_reused_states_follow_every_call_and_direct_change(task):
    tracked, plain = Session.for_task(task, reuse_states=True), Session.for_task(task)
    for action in ["ls()", "mkdir(dir_name='new')", "cd(folder=3)", "cd(folder='new')", "pwd()"]:
        tracked.run(action)
        plain.run(action)
        assert tracked.state() == plain.state()
    first = tracked.end_turn()
    tracked.run("pwd()")  # a call that changes nothing public may keep the same state objects
    assert tracked.end_turn().state == first.state
    tracked.state()["file_system"].clear()  # the caller's copy: the kept state is untouched
    assert tracked.state() == plain.state()
    (instance,) = [i for i in tracked.instances if type(i).name == "file_system"]
    instance.load({})  # changed without a call: the state is taken again
    assert tracked.state()["file_system"] == Session.for_domains(["file_system"], {}).state()["file_system"]


def test_env_action_space_is_seeded_by_reset():
    def samples(seed: int) -> list[Any]:
        env = gym.make("FunReason/FileSystem-v0")
        env.reset(seed=seed)
        return [env.action_space.sample() for _ in range(5)]

    assert samples(3) == samples(3) and samples(3) != samples(4)
    env = gym.make("FunReason/FileSystem-v0")
    env.reset(seed=3)
    env.action_space.seed(11)  # an explicit seed after reset wins
    other = gym.make("FunReason/FileSystem-v0")
    other.reset(seed=4)
    other.action_space.seed(11)
    assert [env.action_space.sample() for _ in range(3)] == [other.action_space.sample() for _ in range(3)]
