"""Realistic `Sample`s for the exporter tests.

Each is made by playing a task in `MultiTurnEnv` with a scripted agent that reasons aloud, makes the
turn's ground-truth calls in steps (several calls in one step, and several steps in one turn), and
closes every turn with a text reply, exactly as the synthesis pipeline records a verified sample. The
tool messages therefore hold the environments' real result strings.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from funreason_envs.agents.rollout import rollout
from funreason_envs.calls import ToolCall
from funreason_envs.domains import domain_class
from funreason_envs.multiturn import MultiTurnEnv
from funreason_envs.synthesis.record import Sample, TurnRecord
from funreason_envs.synthesis.roles.backends import BackendSpec
from funreason_envs.synthesis.run import make_sample
from funreason_envs.synthesis.settings import Settings
from funreason_envs.tasks import GroundTruthCall, Task, load_tasks

SYSTEM_PROMPT = (
    "You are a careful assistant. Think before you act and use the tools to do what the user asks."
)


class SteppingAgent:
    """Plays each turn's ground truth in steps of the planned sizes, with reasoning, then replies."""

    def __init__(self, plan: dict[int, list[int]]) -> None:
        self.plan = plan
        self.task: Task | None = None
        self._turn = -1
        self._queue: list[list[ToolCall]] = []
        self.usage: dict[str, int] = {}

    def update_tools(self, tools: list[dict[str, Any]]) -> None:
        """The plan names its tools; nothing to change."""

    def reset(self, tools: list[dict[str, Any]], task: Task | None = None) -> None:
        self.task = task
        self._turn = -1
        self._queue = []

    def act(self, observation: dict[str, Any]) -> dict[str, Any]:
        assert self.task is not None
        if observation["role"] == "user":
            self._turn += 1
            calls = self.task.turn_calls(self._turn)
            sizes = self.plan.get(self._turn, [1] * len(calls))
            assert sum(sizes) == len(calls), f"plan for turn {self._turn} does not cover its calls"
            starts = [sum(sizes[:i]) for i in range(len(sizes))]
            self._queue = [calls[start : start + size] for start, size in zip(starts, sizes, strict=True)]
        if self._queue:
            step = len(self.plan.get(self._turn, [])) - len(self._queue)
            calls = self._queue.pop(0)
            names = ", ".join(call.name for call in calls)
            return {
                "role": "assistant",
                "content": None,
                "reasoning_content": f"Turn {self._turn}: to get this done I next need {names}.",
                "tool_calls": [
                    call.to_openai(f"call_t{self._turn}_s{step}_{index}") for index, call in enumerate(calls)
                ],
            }
        return {
            "role": "assistant",
            "content": f"Done with request {self._turn}.",
            "reasoning_content": f"Turn {self._turn}: the results answer the request, so I can reply.",
        }


def play(task: Task, plan: dict[int, list[int]], *, seed: int, sample_id: str | None = None) -> Sample:
    """Roll the scripted agent out on a task and record the (verified) result as a `Sample`."""
    env = MultiTurnEnv([task])
    trajectory = rollout(env, SteppingAgent(plan), task=task, seed=seed)
    assert trajectory.passed, f"{task.id}: the scripted agent failed: {trajectory.reason}"
    kinds = {at: "held_out_reveal" for at in task.held_out} | {
        at - 1: "held_out_wait" for at in task.held_out
    }
    return Sample(
        id=sample_id or task.id,
        seed=seed,
        domains=list(task.domains),
        task=task,
        messages=[{"role": "system", "content": SYSTEM_PROMPT}, *trajectory.messages],
        tools=trajectory.tools,
        turns=[
            TurnRecord(index=index, kind=kinds.get(index, "normal"), query=task.user_text(index))
            for index in range(len(task.turns))
        ],
        final_state=env.state_dict(),
    )


def call(tool: str, /, **arguments: Any) -> GroundTruthCall:
    return GroundTruthCall(name=tool, arguments=arguments)


def user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def multi_domain_task() -> Task:
    """Travel, trading and vehicle from their default states: parallel calls, data flowing between steps."""
    return Task(
        id="synthetic_travel_trading_vehicle",
        category="synthetic",
        domains=["travel", "trading", "vehicle"],
        initial_config={"travel": {}, "trading": {}, "vehicle": {}},
        turns=[
            user("I'm in San Francisco: my zipcode, nearest airport, and economy fare to LAX on 2024-11-15?"),
            user("Put Nvidia on my stock watchlist, after checking its price."),
            user("Lock every door with the brake pressed, then start the car."),
        ],
        ground_truth=[
            [
                call("get_zipcode_based_on_city", city="San Francisco"),
                call("get_nearest_airport_by_city", location="San Francisco"),
                call(
                    "get_flight_cost",
                    travel_from="SFO",
                    travel_to="LAX",
                    travel_date="2024-11-15",
                    travel_class="economy",
                ),
            ],
            [
                call("get_symbol_by_name", name="Nvidia"),
                call("get_stock_info", symbol="NVDA"),
                call("add_to_watchlist", stock="NVDA"),
            ],
            [
                call("lockDoors", unlock=False, door=["driver", "passenger", "rear_left", "rear_right"]),
                call("pressBrakePedal", pedalPosition=1.0),
                call("startEngine", ignitionMode="START"),
            ],
        ],
    )


def office_task() -> Task:
    """Message, math, posting and ticket from their default states: the other four BFCL domains."""
    return Task(
        id="synthetic_message_math_posting_ticket",
        category="synthetic",
        domains=["message", "math", "posting", "ticket"],
        initial_config={"message": {}, "math": {}, "posting": {}, "ticket": {}},
        turns=[
            user("Log me in as USR001 and tell Bob: lunch at noon?"),
            user("What's 3 + 4, and the mean of 1, 2 and 4.5?"),
            user("As john (password john123), tweet 'Lunch is at noon' tagged #lunch, mentioning Bob."),
            user("As admin, file a priority 3 ticket: the room 4 projector is broken."),
        ],
        ground_truth=[
            [
                call("message_login", user_id="USR001"),
                call("get_user_id", user="Bob"),
                call("send_message", receiver_id="USR002", message="Lunch at noon?"),
            ],
            [call("add", a=3, b=4), call("mean", numbers=[1.0, 2.0, 4.5])],
            [
                call("authenticate_twitter", username="john", password="john123"),
                call("post_tweet", content="Lunch is at noon", tags=["#lunch"], mentions=["Bob"]),
            ],
            [
                call("ticket_login", username="admin", password="admin123"),
                call(
                    "create_ticket",
                    title="Projector broken",
                    description="The room 4 projector shows no image.",
                    priority=3,
                ),
            ],
        ],
    )


@cache
def samples() -> tuple[Sample, ...]:
    """The shared test samples (do not mutate them): three demo file-system tasks (one with a held-out
    tool, one with a vague first turn) and two multi-domain tasks covering the other seven BFCL domains."""
    demo = {task.id: task for task in load_tasks("demo")}
    return (
        play(demo["demo_file_system_0"], {0: [2, 1], 1: [1]}, seed=11),
        play(demo["demo_file_system_1"], {1: [1]}, seed=12),
        play(demo["demo_file_system_2"], {1: [1, 1]}, seed=13),
        play(multi_domain_task(), {0: [2, 1], 1: [1, 1, 1], 2: [2, 1]}, seed=14),
        play(office_task(), {0: [2, 1], 1: [2], 2: [1, 1], 3: [1, 1]}, seed=15),
    )


def long_context_sample() -> Sample:
    """The first demo task played in long-context mode."""
    task = load_tasks("demo")[0].model_copy(update={"id": "demo_long", "long_context": True})
    return play(task, {0: [1, 1, 1]}, seed=21)


def echo_sample(text: str) -> Sample:
    """A file-system sample whose only call writes `text` into log.txt."""
    base = load_tasks("demo")[0]
    task = base.model_copy(
        update={
            "id": "demo_echo",
            "turns": [user("Replace the log with my note.")],
            "ground_truth": [[call("echo", content=text, file_name="log.txt")]],
        }
    )
    return play(task, {0: [1]}, seed=31)


def read_jsonl(path: Any) -> list[dict[str, Any]]:
    """The rows of a JSON Lines file."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def handmade_sample(messages: list[dict[str, Any]], turns: int = 1, sample_id: str = "handmade") -> Sample:
    """A sample with the given messages (system first) and a file-system task of `turns` turns."""
    task = Task(
        id=sample_id,
        domains=["file_system"],
        turns=[user(f"request {index}") for index in range(turns)],
        ground_truth=[[] for _ in range(turns)],
    )
    return Sample(
        id=sample_id,
        seed=0,
        domains=["file_system"],
        task=task,
        messages=messages,
        tools=[tool.to_openai() for tool in task_tools("file_system")],
        turns=[TurnRecord(index=index) for index in range(turns)],
        final_state={},
    )


def task_tools(domain: str) -> list[Any]:
    return [entry.spec for entry in domain_class(domain).tool_table().values()]


def tool_call(call_id: str, tool: str, **arguments: Any) -> dict[str, Any]:
    return ToolCall(tool, arguments).to_openai(call_id)


def turns_of(sample: Sample) -> list[list[dict[str, Any]]]:
    """The messages after each user message of `sample`, up to the next one."""
    turns: list[list[dict[str, Any]]] = []
    for message in sample.messages[1:]:
        if message["role"] == "user":
            turns.append([])
        else:
            turns[-1].append(message)
    return turns


def kept_samples(settings: Settings, num: int, tries: int) -> list[Sample]:
    """The first `num` samples a template-backend run with `settings` keeps (built, replayed, audited),
    looking at no more than `tries` indices."""
    kept: list[Sample] = []
    for index in range(tries):
        outcome = make_sample(index, settings, BackendSpec("template"))
        if "sample" in outcome:
            kept.append(Sample.model_validate(outcome["sample"]))
        if len(kept) == num:
            return kept
    raise AssertionError(f"only {len(kept)} of {tries} indices kept")
