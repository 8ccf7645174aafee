"""One rollout of one user turn of a task, as trainers run them: the piece every integration shares.

Trainers (TRL's environment factories, verifiers, OpenEnv clients) roll out one model reply at a time,
often one user turn per rollout. `TurnEpisode` starts a task at any turn (earlier turns replayed from the
ground truth, so the state and the conversation are what the model would have seen), executes the model's
calls in `MultiTurn-v0`, and closes the turn to pay the BFCL verdict:

- `"turn"`: 1.0 iff this turn passes (checked in strict mode or not, the verdict is read directly);
- `"final"`: later turns are replayed from the ground truth and 1.0 is paid iff the whole episode passes;
- `"partial"`: as `"final"`, paying the share of turns passed.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import ValidationError

from funreason_envs.errors import ConfigError
from funreason_envs.multiturn import MultiTurnEnv
from funreason_envs.tasks import Task, load_tasks

TurnReward = Literal["turn", "final", "partial"]
TURN_REWARDS = ("turn", "final", "partial")
# The assistant's closing words for a replayed turn (the ground truth has calls, not replies).
REPLAYED_REPLY = "Done."


def resolve_tasks(
    tasks: str | Sequence[Task | Mapping[str, Any]], bfcl_data: str | None = None
) -> list[Task]:
    """A task-set spec (`"bfcl:base"`, `"demo"`, a JSONL path) or tasks, as a non-empty list of `Task`s."""
    if bfcl_data is not None and not isinstance(bfcl_data, str):
        raise ConfigError(f"bfcl_data must be a folder path (a string) or None, got {bfcl_data!r}")
    if isinstance(tasks, str):
        resolved = load_tasks(tasks, bfcl_data)
    elif isinstance(tasks, Sequence):
        resolved = [_task(task, index) for index, task in enumerate(tasks)]
    else:
        raise ConfigError(
            "tasks must be a task-set spec ('demo', 'bfcl:base', a JSONL path) or a list of tasks, "
            f"got {type(tasks).__name__}"
        )
    if not resolved:
        raise ConfigError("the task set is empty; give at least one task")
    return resolved


def _task(task: Any, index: int) -> Task:
    if isinstance(task, Task):
        return task
    if not isinstance(task, Mapping):
        raise ConfigError(f"tasks[{index}] must be a Task or a task dict, got {type(task).__name__}")
    try:
        return Task.model_validate(task)
    except ValidationError as error:
        raise ConfigError(f"tasks[{index}] is not a valid task: {error}") from None


def check_settings(reward: Any, strict: Any, max_steps_per_turn: Any) -> None:
    """Raise `ConfigError` naming the first bad turn-episode setting, before anything is built."""
    if reward not in TURN_REWARDS:
        raise ConfigError(f"reward {reward!r} is not one of {', '.join(TURN_REWARDS)}")
    if not isinstance(strict, bool):
        raise ConfigError(f"strict must be True or False, got {strict!r}")
    if not _is_int(max_steps_per_turn) or max_steps_per_turn < 1:
        raise ConfigError(
            f"max_steps_per_turn must be a whole number of at least 1 (BFCL uses 20), "
            f"got {max_steps_per_turn!r}"
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def ground_truth_action(task: Task, turn: int) -> list[dict[str, Any]]:
    """The ground-truth calls of a turn as an action `step` takes."""
    return [{"name": call.name, "arguments": dict(call.arguments)} for call in task.ground_truth[turn]]


def replayed_conversation(task: Task, turn: int) -> list[dict[str, Any]]:
    """The messages a model sees when it starts `turn`: a system prompt if any, earlier turns replayed
    from the ground truth (tool-call arguments as objects), and this turn's user message."""
    episode = TurnEpisode([task])
    episode.start(task.id, turn)
    return episode.prompt_messages()


class TurnEpisode:
    """Play one turn of one task at a time in a fresh `MultiTurn-v0`.

    Args:
        tasks: the tasks this episode may be started on.
        reward: `"turn"`, `"final"` or `"partial"` (see the module docstring).
        strict: held-out tools refused before their turn, acting in a no-action turn fails.
        max_steps_per_turn: steps (call batches) allowed before the turn is cut off, as BFCL's 20.
    """

    def __init__(
        self,
        tasks: Sequence[Task],
        *,
        reward: TurnReward = "turn",
        strict: bool = False,
        max_steps_per_turn: int = 20,
    ) -> None:
        check_settings(reward, strict, max_steps_per_turn)
        self.tasks = {task.id: task for task in tasks}
        self.reward = reward
        self.env = MultiTurnEnv(
            list(tasks), reward_mode="final", strict=strict, max_steps_per_turn=max_steps_per_turn
        )
        self.task: Task | None = None
        self.turn = 0
        self.info: dict[str, Any] = {}
        self.done = False
        self.verdict: dict[str, Any] | None = None

    def start(self, task_id: str, turn: int = 0, seed: int | None = None) -> dict[str, Any]:
        """Reset onto `task_id` and replay turns before `turn`; returns the observation of `turn`'s user."""
        if task_id not in self.tasks:
            raise ConfigError(f"no task with id {task_id!r} in this task set")
        task = self.tasks[task_id]
        if not _is_int(turn):
            raise ConfigError(f"turn must be a whole number (a turn index of task {task_id!r}), got {turn!r}")
        turn = int(turn)
        if not 0 <= turn < len(task.turns):
            raise ConfigError(f"task {task_id!r} has turns 0 to {len(task.turns) - 1}, not {turn}")
        self.task, self.turn, self.done, self.verdict = task, turn, False, None
        observation, self.info = self.env.reset(seed=seed, options={"task": task_id})
        for earlier in range(turn):
            self._replay(earlier)
            observation, _, _, _, self.info = self.env.step({"role": "assistant", "content": REPLAYED_REPLY})
        return observation

    def _replay(self, turn: int) -> None:
        assert self.task is not None
        action = ground_truth_action(self.task, turn)
        if action:
            _, _, _, _, self.info = self.env.step(action)

    def prompt_messages(self) -> list[dict[str, Any]]:
        """The conversation so far (OpenAI messages, tool-call arguments as objects), system prompt first."""
        assert self.task is not None
        head = [{"role": "system", "content": self.task.system_prompt}] if self.task.system_prompt else []
        return head + [_with_object_arguments(message) for message in self.env.messages]

    def tools(self) -> list[dict[str, Any]]:
        """The tools visible now, in OpenAI format."""
        return list(self.info.get("tools", []))

    def step(self, action: Any) -> tuple[dict[str, Any], bool]:
        """Execute an action (calls, or an assistant message as a model wrote it) in this turn.

        Returns the observation and whether the turn is over (a reply without calls closes it).
        """
        if self.done:
            return {"role": "user", "content": "Error: this turn is over.", "tool_results": []}, True
        observation, _, terminated, truncated, self.info = self.env.step(action)
        check = self.info["check"]["turns"]
        if terminated or truncated or len(check) > self.turn:
            self._conclude()
        return observation, self.done

    def call(self, name: str, arguments: Mapping[str, Any]) -> str:
        """Execute one call; the result text exactly as the tool returned it (or why it was refused)."""
        observation, _ = self.step({"name": name, "arguments": dict(arguments)})
        results = observation["tool_results"]
        return results[0]["content"] if results else observation["content"]

    def finish(self) -> float:
        """Close the turn if still open and return its reward."""
        if not self.done:
            self.step({"role": "assistant", "content": ""})
        assert self.verdict is not None
        return float(self.verdict["reward"])

    def _conclude(self) -> None:
        """Record this turn's verdict; for episode rewards, replay the remaining turns first."""
        assert self.task is not None
        check = self.info["check"]
        turns = check["turns"]
        own = turns[self.turn] if len(turns) > self.turn else None
        if self.reward != "turn":
            while self.env.report is None:
                next_turn = len(turns)
                self._replay(next_turn)
                _, _, _, _, self.info = self.env.step({"role": "assistant", "content": REPLAYED_REPLY})
                turns = self.info["check"]["turns"]
            check = self.info["check"]
            own = check["turns"][self.turn]
        passed = bool(own and own["passed"])
        if self.reward == "turn":
            reward = 1.0 if passed else 0.0
        elif self.reward == "final":
            reward = 1.0 if check.get("passed") else 0.0
        else:
            reward = float(check.get("score", 0.0))
        self.verdict = {
            "reward": reward,
            "turn": own,
            "episode": {k: v for k, v in check.items() if k != "turns"},
        }
        self.done = True


def _with_object_arguments(message: Mapping[str, Any]) -> dict[str, Any]:
    copy = dict(message)
    if copy.get("tool_calls"):
        copy["tool_calls"] = [
            {**call, "function": {**call["function"], "arguments": _object(call["function"]["arguments"])}}
            for call in copy["tool_calls"]
        ]
    return copy


def _object(arguments: Any) -> Any:
    return json.loads(arguments) if isinstance(arguments, str) else arguments
