"""`funreason eval`: roll an agent out on task sets (or re-score recorded responses) into a results folder."""

from __future__ import annotations

import argparse
import math
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from funreason_envs.agents.base import Agent
from funreason_envs.commands.executor_options import add_executor_arguments, make_executor
from funreason_envs.errors import ConfigError
from funreason_envs.tasks import Task

AGENTS = ("replay", "reference", "random", "openai", "hf")
EXIT_NO_ANSWER = 1  # the run finished but no task got a real answer (dead server, wrong model, ...)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tasks",
        required=True,
        help="comma-separated task sets: bfcl:<category> (base or multi_turn_base, miss_func, miss_param, "
        "long_context; memory_kv, memory_vector, memory_rec_sum or memory, played as prerequisite "
        "conversations then questions; needs bfcl-eval or --bfcl-data), funreason:<domain> (workspace, "
        "retail, banking, web_search), demo, or task JSONL files",
    )
    parser.add_argument("--bfcl-data", help="folder with BFCL's data files, if bfcl-eval is not installed")
    parser.add_argument(
        "--out",
        required=True,
        help="results folder (results.jsonl, summary.json, run.json); a rerun with the same settings resumes "
        "and retries tasks that got no answer",
    )
    parser.add_argument(
        "--agent",
        default="replay",
        choices=AGENTS,
        help="who acts (default: replay); reference: a rule-based memory agent on memory tasks (stores "
        "what the user says, answers with what it retrieves), a rule-based browsing agent on web search "
        "questions, replay elsewhere",
    )
    parser.add_argument(
        "--responses",
        help="re-score recorded responses instead of rolling out an agent: a JSONL file of "
        '{"id", "result"} rows, a bfcl-eval result file, or a bfcl-eval result folder',
    )
    parser.add_argument("--workers", type=int, default=1, help="episodes in flight at once (default 1)")
    parser.add_argument(
        "--limit",
        type=int,
        help="only the first N tasks of each task set (memory sets: N questions and their scenarios' "
        "prerequisite conversations)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for env resets and sampling agents")
    parser.add_argument(
        "--reward-mode",
        default="final",
        choices=("final", "turn", "partial"),
        help="reward the env gives: final (1 if the task passed, at the end), turn (per passed turn), "
        "partial (share of passed turns) (default final)",
    )
    parser.add_argument(
        "--max-steps-per-turn",
        type=int,
        default=20,
        help="agent messages allowed in one user turn before the env ends it (default 20)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="hidden tools not callable early; acting in empty turns fails"
    )
    parser.add_argument(
        "--numeric-tolerance", type=float, help="compare numbers with this relative tolerance"
    )
    parser.add_argument(
        "--tools",
        default="bfcl",
        choices=("bfcl", "ours"),
        help="tool docs a model sees on BFCL tasks: bfcl-eval's own (default, comparable with the "
        "leaderboard) or our specs",
    )
    model = parser.add_argument_group("model agents (--agent openai | hf)")
    model.add_argument("--model", help="openai: the served model name; hf: a local model folder")
    model.add_argument("--base-url", help="openai: the server's API root, e.g. http://localhost:8000/v1")
    model.add_argument(
        "--tool-mode", default="native", choices=("native", "text"), help="openai: tool calling"
    )
    model.add_argument("--temperature", type=float, help="sampling temperature")
    model.add_argument("--top-p", type=float, help="nucleus sampling")
    model.add_argument("--max-tokens", type=int, help="tokens per reply at most")
    model.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        help="openai: seconds one request attempt may take in all, reply body included (default 120)",
    )
    model.add_argument(
        "--max-retries",
        type=int,
        default=3,
        help="openai: further attempts after a timeout, a dropped connection, 429 or 5xx (default 3)",
    )
    model.add_argument("--device", help="hf: cpu, cuda, cuda:1, ...")
    model.add_argument("--dtype", default="auto", help="hf: auto, float32, float16, bfloat16")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_executor_arguments(parser)


def load_task_sets(spec: str, bfcl_data: str | None, limit: int | None) -> list[Task]:
    from funreason_envs.tasks import load_tasks
    from funreason_envs.tasks.bfcl_memory import first_questions, is_memory_category

    tasks: list[Task] = []
    for part in (piece.strip() for piece in spec.split(",") if piece.strip()):
        chunk = load_tasks(part, bfcl_data)
        if limit is not None and is_memory_category(part.removeprefix("bfcl:")):
            chunk = first_questions(chunk, limit)
        elif limit is not None:
            chunk = chunk[:limit]
        if not part.startswith("bfcl:") and part != "demo":
            check_tasks(part, chunk)
        tasks.extend(chunk)
    if not tasks:
        raise ConfigError(f"--tasks {spec!r} holds no tasks")
    return tasks


def check_tasks(source: str, tasks: list[Task]) -> None:
    """Start every task of a task file once, so a bad one is a one-line error now, not a failed row later."""
    from funreason_envs.multiturn import MultiTurnEnv

    if not tasks:
        return
    env = MultiTurnEnv(tasks)
    for task in tasks:
        try:
            env.reset(options={"task": task})
        except ConfigError as exc:
            raise ConfigError(f"{source}: task {task.id!r}: {exc}") from None
        except Exception as exc:  # the env could not start this task: say which and why
            raise ConfigError(
                f"{source}: task {task.id!r} cannot start: {type(exc).__name__}: {exc}"[:500]
            ) from None


@dataclass
class AgentPlan:
    """How to make agents for a run, and (for local models) how to answer a batch of them at once."""

    make: Callable[[Task], Agent]
    act_batch: Callable[[list[Agent], list[dict[str, Any]]], list[dict[str, Any]]] | None = None


def agent_plan(args: argparse.Namespace) -> AgentPlan:
    """The agent factory named by `--agent` and its options."""
    if args.agent == "replay":
        from funreason_envs.agents.replay import ReplayAgent

        return AgentPlan(lambda task: ReplayAgent())
    if args.agent == "reference":
        from funreason_envs.agents.memory_reference import MemoryReferenceAgent
        from funreason_envs.agents.replay import ReplayAgent
        from funreason_envs.agents.web_reference import WebReferenceAgent
        from funreason_envs.memory_carry import phase

        def reference(task: Task) -> Agent:
            if phase(task):
                return MemoryReferenceAgent()
            if task.answers is not None and task.domains == ["web_search"]:
                return WebReferenceAgent()
            return ReplayAgent()

        return AgentPlan(reference)
    if args.agent == "random":
        from funreason_envs.agents.random_agent import RandomAgent

        # seeded by task id, not by arrival: a resumed, threaded or Ray run gives each task the same agent
        return AgentPlan(lambda task: RandomAgent(seed=args.seed * 100_003 + zlib.crc32(task.id.encode())))
    if not args.model:
        raise ConfigError(f"--agent {args.agent} needs --model")
    sampling = {"temperature": args.temperature, "top_p": args.top_p, "max_tokens": args.max_tokens}
    if args.agent == "openai":
        from funreason_envs.agents.openai_agent import OpenAIAgent
        from funreason_envs.agents.openai_client import OpenAIClient

        client = OpenAIClient(
            args.base_url, max_concurrency=args.workers, timeout=args.timeout, max_retries=args.max_retries
        )
        return AgentPlan(
            lambda task: OpenAIAgent(args.model, client=client, tool_mode=args.tool_mode, **sampling)
        )
    from funreason_envs.agents.hf_agent import TransformersAgent, act_batch
    from funreason_envs.agents.hf_model import TransformersModel

    options: dict[str, Any] = {"device": args.device, "dtype": args.dtype}
    if args.max_tokens:
        options["max_new_tokens"] = args.max_tokens
    if args.temperature is not None:
        options["temperature"] = args.temperature
    model = TransformersModel(args.model, **options)
    return AgentPlan(lambda task: TransformersAgent(model), act_batch)


class AgentsOnWorker:
    """`make_agent` for remote workers: each worker builds the `--agent` plan once (its own client or
    model, so concurrency is bounded per worker) and makes one agent per task from it."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = argparse.Namespace(**{k: v for k, v in vars(args).items() if k != "command_parser"})
        self._make: Callable[[Task], Agent] | None = None

    def __call__(self, task: Task) -> Agent:
        if self._make is None:
            self._make = agent_plan(self.args).make
        return self._make(task)

    def __getstate__(self) -> dict[str, Any]:
        return {"args": self.args, "_make": None}


def run_settings(args: argparse.Namespace) -> dict[str, Any]:
    """What makes two runs into one --out comparable; a rerun must match (--limit may grow)."""
    if args.responses:
        return {
            "mode": "rescore",
            "tasks": args.tasks,
            "responses": str(args.responses),
            "strict": args.strict,
            "numeric_tolerance": args.numeric_tolerance,
        }
    settings: dict[str, Any] = {
        "mode": "rollout",
        "tasks": args.tasks,
        "agent": args.agent,
        "seed": args.seed,
        "reward_mode": args.reward_mode,
        "max_steps_per_turn": args.max_steps_per_turn,
        "strict": args.strict,
        "numeric_tolerance": args.numeric_tolerance,
    }
    if args.agent in ("openai", "hf"):
        settings.update(
            model=args.model,
            tools=args.tools,
            temperature=args.temperature,
            top_p=args.top_p,
            max_tokens=args.max_tokens,
        )
    if args.agent == "openai":
        settings["tool_mode"] = args.tool_mode
    return settings


def check_options(args: argparse.Namespace) -> None:
    """Refuse out-of-range options before any work, naming the flag."""
    if args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {args.workers}")
    if args.limit is not None and args.limit < 1:
        raise ConfigError(f"--limit must be at least 1, got {args.limit}")
    if args.seed < 0:
        raise ConfigError(f"--seed must be 0 or more, got {args.seed}")
    if args.max_steps_per_turn < 1:
        raise ConfigError(f"--max-steps-per-turn must be at least 1, got {args.max_steps_per_turn}")
    tolerance = args.numeric_tolerance
    if tolerance is not None and not (math.isfinite(tolerance) and 0 < tolerance < 1):
        raise ConfigError(
            f"--numeric-tolerance must be a relative tolerance between 0 and 1 (e.g. 1e-6), got {tolerance}"
        )
    if args.max_retries < 0:
        raise ConfigError(f"--max-retries must be 0 or more, got {args.max_retries}")
    if not (math.isfinite(args.timeout) and args.timeout > 0):
        raise ConfigError(f"--timeout must be a positive number of seconds, got {args.timeout}")


def play_with_memory(
    tasks: list[Task], args: argparse.Namespace, play: Callable[[list[Task], bool], dict[str, Any]]
) -> dict[str, Any]:
    """Play the tasks; memory tasks in BFCL's phases (prerequisite conversations in order, then the
    questions), each starting from the memory recorded in the results so far."""
    from funreason_envs.agents.evaluation import RESULTS_FILE
    from funreason_envs.memory_carry import phase, play_in_phases, recorded_rows
    from funreason_envs.tasks.bfcl import bfcl_data_dir
    from funreason_envs.tasks.bfcl_memory import memory_prompts

    if not any(phase(task) for task in tasks):
        return play(tasks, True)
    prompts = memory_prompts(str(bfcl_data_dir(args.bfcl_data)))
    return play_in_phases(tasks, prompts, play, lambda: recorded_rows(Path(args.out) / RESULTS_FILE))


def run(args: argparse.Namespace) -> int:
    from funreason_envs.agents.evaluation import evaluate, format_summary, rescore
    from funreason_envs.bfcl_docs import BfclToolView
    from funreason_envs.checker import CheckOptions

    check_options(args)
    tasks = load_task_sets(args.tasks, args.bfcl_data, args.limit)
    settings = run_settings(args)
    if args.responses:
        if args.executor != "local":
            raise ConfigError(
                "--executor ray runs rollouts; re-scoring --responses runs locally, drop --executor"
            )
        options = CheckOptions(strict=args.strict, numeric_tolerance=args.numeric_tolerance)
        summary = rescore(
            tasks, args.responses, args.out, options=options, progress=not args.quiet, settings=settings
        )
    else:
        executor = make_executor(args)
        if executor is None:
            plan = agent_plan(args)
        else:  # agents are made on the workers; the driver only checks the options now
            if args.agent == "hf" and not args.model:
                raise ConfigError("--agent hf needs --model")
            if args.agent != "hf":  # (a local model is loaded on the workers only)
                agent_plan(args)
            plan = AgentPlan(AgentsOnWorker(args))
        env_kwargs = {
            "reward_mode": args.reward_mode,
            "max_steps_per_turn": args.max_steps_per_turn,
            "strict": args.strict,
            "numeric_tolerance": args.numeric_tolerance,
        }
        uses_docs = args.tools == "bfcl" and args.agent in ("openai", "hf")

        def play(batch: list[Task], first: bool) -> dict[str, Any]:
            return evaluate(
                batch,
                plan.make,
                args.out,
                workers=args.workers,
                env_kwargs=env_kwargs,
                tool_view=BfclToolView() if uses_docs else None,
                seed=args.seed,
                progress=not args.quiet,
                act_batch=plan.act_batch,
                settings=settings,
                retry_failed=first,
                executor=executor,
            )

        summary = play_with_memory(tasks, args, play)
    print(format_summary(summary))
    if summary.get("prerequisites_no_answer"):
        print(
            f"funreason eval: {summary['prerequisites_no_answer']} memory prerequisite conversation(s) got "
            "no answer (agent_error); their questions saw less memory; rerun the same command to retry them",
            file=sys.stderr,
        )
    print(f"results: {args.out}/results.jsonl  summary: {args.out}/summary.json")
    if summary["tasks"] and summary["no_answer"] == summary["tasks"]:
        print(
            f"funreason eval: no task got an answer from the agent ({summary['no_answer']} agent_error), "
            f"e.g. {summary.get('no_answer_example', '')}; fix that and rerun the same command to retry them",
            file=sys.stderr,
        )
        return EXIT_NO_ANSWER
    if summary["no_answer"]:
        print(
            f"funreason eval: {summary['no_answer']} of {summary['tasks']} tasks got no answer "
            "(agent_error); "
            "rerun the same command to retry them",
            file=sys.stderr,
        )
    return 0
