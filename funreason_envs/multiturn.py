"""`MultiTurnEnv` (`FunReason/MultiTurn-v0`): tasks played as multi-turn episodes with BFCL scoring.

The user turns of a task arrive in order. Within a turn the agent calls tools; an assistant message
without calls ends the turn, the turn is checked against the ground truth, and the next user turn
arrives. Tools held out until a later turn are hidden until then (shown with BFCL's "new tools" notice).
A turn that runs past `max_steps_per_turn` steps truncates the episode, which then fails as BFCL's
force-terminated entries do (unless it was the last turn). A task with `answers` (BFCL's agentic
questions) is scored on its final reply instead, with bfcl-eval's agentic checker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import gymnasium as gym

from funreason_envs.agentic_check import answer_report
from funreason_envs.checker import CheckOptions, check_task, check_turn, execute_ground_truth, summarise
from funreason_envs.env import ToolEnv
from funreason_envs.errors import ConfigError
from funreason_envs.executor import ToolResult
from funreason_envs.jsonutil import copy_json
from funreason_envs.records import CheckReport, Observation, TurnOutcome, TurnVerdict
from funreason_envs.session import Session
from funreason_envs.tasks import Task, load_tasks
from funreason_envs.trajectory import Trajectory, TurnRecord

RewardMode = Literal["final", "turn", "partial"]
REWARD_MODES = ("final", "turn", "partial")
BFCL_STEP_LIMIT = 20
TASK_OPTIONS = frozenset({"task"})
GROUND_CACHE_SIZE = 1024  # tasks whose per-task plan an env keeps (RL replays the same tasks)


class MultiTurnEnv(ToolEnv):
    """Play tasks turn by turn and score them.

    Args:
        tasks: a task-set spec (`"demo"`, `"bfcl:multi_turn_base"`, a JSONL path, comma-separated) or a list
            of `Task`s / task dicts. `reset(seed=...)` samples one; `reset(options={"task": ...})` picks one
            (a `Task`, a task dict, or the id of a loaded task).
        reward_mode: `"final"` (1.0 at the end iff the episode passes, as BFCL), `"turn"` (1.0 at the end of
            each checked turn that passes) or `"partial"` (at the end, the share of checked turns passed).
        max_steps_per_turn: steps allowed in one turn before the episode is truncated (BFCL: 20).
        strict: hidden tools cannot be called before their turn, and acting in a turn whose ground truth is
            empty fails that turn. Off by default, as in BFCL.
        numeric_tolerance: compare numbers in states and results with this relative tolerance.
        bfcl_data: folder with BFCL's data files, when bfcl-eval is not installed.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(
        self,
        tasks: str | Sequence[Task | Mapping[str, Any]] = "demo",
        *,
        reward_mode: RewardMode = "final",
        max_steps_per_turn: int = BFCL_STEP_LIMIT,
        strict: bool = False,
        numeric_tolerance: float | None = None,
        bfcl_data: str | None = None,
        render_mode: str | None = None,
    ) -> None:
        if reward_mode not in REWARD_MODES:
            raise ConfigError(f"reward_mode {reward_mode!r} is not one of {', '.join(REWARD_MODES)}")
        if max_steps_per_turn < 1:
            raise ConfigError(f"max_steps_per_turn must be at least 1, got {max_steps_per_turn}")
        self.tasks = _resolve_tasks(tasks, bfcl_data)
        if not self.tasks:
            raise ConfigError("the task set is empty; give at least one task")
        self._tasks_by_id = {task.id: task for task in self.tasks}
        domains = list(dict.fromkeys(name for task in self.tasks for name in task.domains))
        super().__init__(domains, render_mode=render_mode)
        self.reward_mode = reward_mode
        self.max_steps_per_turn = max_steps_per_turn
        self.strict = strict
        self.check_options = CheckOptions(strict=strict, numeric_tolerance=numeric_tolerance)
        self._task: Task | None = None
        self._turn = 0
        self._verdicts: list[TurnVerdict] = []
        self._verdict_dumps: list[dict[str, Any]] = []  # each verdict dumped once, copied into info
        self._report: CheckReport | None = None
        self._plans: dict[str, _TaskPlan] = {}

    # -- the episode, readable once reset() has started one ----------------------------------------

    def _started(self) -> None:
        if self._task is None:
            raise gym.error.ResetNeeded("call reset() first: no task is being played yet")

    @property
    def task(self) -> Task:
        """The task being played."""
        self._started()
        assert self._task is not None
        return self._task

    @property
    def turn(self) -> int:
        """The index of the current user turn."""
        self._started()
        return self._turn

    @property
    def verdicts(self) -> list[TurnVerdict]:
        """The verdicts of the turns closed so far."""
        self._started()
        return list(self._verdicts)

    @property
    def turn_outcomes(self) -> list[TurnOutcome]:
        """What each closed turn produced (results, state after it, whether it made calls); records to read,
        never to change (a turn that ran the ground truth's calls shares the truth's state)."""
        self._started()
        return list(self.session.outcomes)

    @property
    def report(self) -> CheckReport | None:
        """The episode's verdict once it has ended; `None` while it runs."""
        self._started()
        return self._report

    # -- episode set-up --------------------------------------------------------------------------

    def reset_options(self) -> frozenset[str]:
        return TASK_OPTIONS

    def _configure(self, options: Mapping[str, Any]) -> None:
        task = self._choose_task(options.get("task"))
        self._task = task
        self._plan = self._plan_of(task)
        self.domains = list(task.domains)
        self.initial_config = dict(self._plan.config)  # the env's own: changing it changes no plan
        self.long_context = task.long_context

    def _lenient_calls(self) -> bool:
        return not self.strict  # BFCL scoring runs what bfcl-eval runs; strict mode refuses mistyped calls

    def _new_session(self) -> Session:
        # clones of the task's prototypes: the same instances as built from `initial_config`, which is the
        # task's own (a task is the only reset option)
        session = Session.for_task(self.task, lenient=self._lenient_calls(), reuse_states=True)
        session.record_calls(in_outcomes=False)  # a turn that ran the truth's calls takes its states
        return session

    def _choose_task(self, choice: Any) -> Task:
        if choice is None:
            return self.tasks[int(self.np_random.integers(len(self.tasks)))]
        if isinstance(choice, Task):
            return choice
        if isinstance(choice, Mapping):
            return Task.model_validate(choice)
        if isinstance(choice, str):
            if choice not in self._tasks_by_id:
                raise ConfigError(f"no task with id {choice!r} in this env's task set")
            return self._tasks_by_id[choice]
        raise ConfigError(
            f"options['task'] must be a Task, a task dict or a task id, got {type(choice).__name__}"
        )

    def _start_episode(self) -> None:
        self._turn = 0
        self._ground = self._ground_of(self._plan)
        self._turn_steps = 0
        self._verdicts = []
        self._verdict_dumps = []
        self._result_texts: list[str] = []
        self._report = None
        self._force_terminated = False
        self._reply: Any = None
        self._reveal_tools()

    def _plan_of(self, task: Task) -> _TaskPlan:
        """What every episode of a task reads and never changes: its initial config keyed by domain id,
        each turn's user text and hidden tools, and (once the first episode has built its instances)
        its ground-truth outcomes. Kept per task object, the oldest dropped past `GROUND_CACHE_SIZE`."""
        plan = self._plans.get(task.id)
        if plan is not None and plan.task is task:
            return plan
        turns = range(len(task.turns))
        plan = _TaskPlan(
            task,
            self._normalise_config(task.initial_config),
            tuple(task.user_text(index) for index in turns),
            tuple(frozenset(task.revealed_by(index)) for index in turns),
        )
        if len(self._plans) >= GROUND_CACHE_SIZE:
            del self._plans[next(iter(self._plans))]
        self._plans[task.id] = plan
        return plan

    @staticmethod
    def _ground_of(plan: _TaskPlan) -> list[TurnOutcome]:
        """The task's ground-truth outcomes, executed once per plan (read-only: the checker only
        compares them)."""
        if plan.ground is None:
            task = plan.task
            if any(task.ground_truth):
                plan.ground = execute_ground_truth(task, record_calls=True)
            else:  # nothing to compare with: no need to build the instances
                plan.ground = [TurnOutcome([], {}, False) for _ in task.turns]
        return plan.ground

    def _reveal_tools(self) -> None:
        self.set_hidden_tools(self._plan.hidden[self._turn], enforce=self.strict)

    def _opening_message(self, options: Mapping[str, Any]) -> str:
        return self._plan.user_texts[0]

    # -- turn mechanics --------------------------------------------------------------------------

    def step(self, action: Any) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        if self._session is not None and self._episode_over():
            raise gym.error.ResetNeeded("the episode has ended; call reset()")
        return ToolEnv.step(self, action)  # `super().step`, without building a `super` object per step

    def _episode_over(self) -> bool:
        return self._report is not None

    def _after_calls(self, results: list[ToolResult]) -> tuple[float, bool]:
        return self._count_step()

    def _refuse(self, action: Any, problem: str) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        observation, _, _, _, info = super()._refuse(action, problem)
        reward, terminated = self._count_step()
        return observation, reward, terminated, self._truncated(), self._info_with_check(info)

    def _count_step(self) -> tuple[float, bool]:
        """One more step in this turn; past the limit the episode is force-terminated (truncated)."""
        self._turn_steps += 1
        if self._turn_steps > self.max_steps_per_turn:
            self._force_terminated = True
            self._close_turn()
            return self._finish(), False
        return 0.0, False

    def _truncated(self) -> bool:
        return self._force_terminated

    def _on_reply(self, message: Mapping[str, Any]) -> tuple[dict[str, Any], float, bool]:
        self._reply = message.get("content") or ""
        reward = self._close_turn()
        if self._turn + 1 >= len(self._task.turns):
            reward += self._finish()
            return Observation.user(""), reward, True
        self._turn += 1
        self._turn_steps = 0
        self._reveal_tools()
        return self._user_observation(self._plan.user_texts[self._turn]), reward, False

    def _close_turn(self) -> float:
        """Record and check the current turn; returns its reward in "turn" mode."""
        session, truth = self._session, self._ground[self._turn]
        outcome = session.end_turn(like=truth)  # the truth's states where the same calls ran
        texts = self._result_texts  # every result string so far, extended with the ones not listed yet
        texts.extend([result.content for result in session.results[len(texts) :]])
        verdict = check_turn(self._turn, self._task, outcome, truth, texts, self.check_options)
        self._verdicts.append(verdict)
        self._verdict_dumps.append(verdict.dump())
        if self.reward_mode == "turn" and verdict.checked and verdict.passed:
            return 1.0
        return 0.0

    def _finish(self) -> float:
        """Score the whole episode; returns the end-of-episode reward."""
        outcomes = self.session.outcomes
        if self._task.answers is not None:
            reply = None if self._force_terminated else self._reply
            self._report = answer_report(len(self._task.turns), reply, self._task.answers)
            return 1.0 if self._report.passed else 0.0  # one checked turn: every reward mode agrees
        if len(outcomes) == len(self._task.turns):
            self._report = summarise(list(self._verdicts))
        else:
            self._report = check_task(self._task, outcomes, self._ground, self.check_options)
        if self.reward_mode == "final":
            return 1.0 if self._report.passed else 0.0
        if self.reward_mode == "partial":
            return self._report.score
        return 0.0

    # -- info ------------------------------------------------------------------------------------

    def _info(self, results: list[ToolResult] | None = None) -> dict[str, Any]:
        return self._info_with_check(ToolEnv._info(self, results))

    def _info_with_check(self, info: dict[str, Any]) -> dict[str, Any]:
        info["task_id"] = self._task.id
        info["turn"] = self._turn
        if self._report is not None:
            info["check"] = self._report.dump()
        else:  # each info gets its own copy of every dump (lists too): changing one changes no other
            turns = []
            for dump in self._verdict_dumps:
                copied = dump.copy()
                copied["missing_results"] = [*dump["missing_results"]]
                copied["state_diff"] = [*dump["state_diff"]]
                turns.append(copied)
            info["check"] = {"turns": turns}
        return info

    def trajectory(self, *, error: str | None = None) -> Trajectory:
        """The episode so far, with each closed turn's verdict and state, and the episode's verdict
        once it has ended (until then it counts as failed: "unfinished", or "agent_error")."""
        record = super().trajectory(error=error)
        task, report = self.task, self._report
        verdicts = report.turns if report is not None else self._verdicts
        turns = [  # states of their own: an outcome's may be shared with the ground truth's record
            TurnRecord.of(verdicts[i], copy_json(outcome.state))
            for i, outcome in enumerate(self.session.outcomes)
        ]
        if report is not None:
            verdict = {"passed": report.passed, "score": report.score, "reason": report.reason}
        else:
            verdict = {"passed": False, "score": 0.0, "reason": "agent_error" if error else "unfinished"}
        return record.model_copy(
            update={
                "id": task.id,
                "category": task.category,
                "turns": turns,
                "metadata": dict(task.metadata),
                **verdict,
            }
        )


@dataclass(slots=True)
class _TaskPlan:
    """A task's read-only per-episode data (see `MultiTurnEnv._plan_of`)."""

    task: Task
    config: dict[str, Any]  # the initial config keyed by domain id
    user_texts: tuple[str, ...]
    hidden: tuple[frozenset[str], ...]  # per turn: the tools still held out
    ground: list[TurnOutcome] | None = None  # executed with the first episode


def _resolve_tasks(tasks: str | Sequence[Task | Mapping[str, Any]], bfcl_data: str | None) -> list[Task]:
    if isinstance(tasks, str):
        return load_tasks(tasks, bfcl_data)
    return [task if isinstance(task, Task) else Task.model_validate(task) for task in tasks]
