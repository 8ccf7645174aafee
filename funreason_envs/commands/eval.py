"""`funreason eval`: roll an agent out on task sets (or re-score recorded responses) into a results folder."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from funreason_envs.agents.base import Agent
from funreason_envs.errors import ConfigError
from funreason_envs.tasks import Task

AGENTS = ("replay",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tasks",
        required=True,
        help="comma-separated task sets: bfcl:<category> (base, miss_func, miss_param, long_context), "
        "demo, or JSONL files",
    )
    parser.add_argument("--bfcl-data", help="folder with BFCL's data files, if bfcl-eval is not installed")
    parser.add_argument(
        "--out", required=True, help="results folder (results.jsonl, summary.json); reruns resume"
    )
    parser.add_argument("--agent", default="replay", choices=AGENTS, help="who acts (default: replay)")
    parser.add_argument(
        "--responses", help="re-score recorded BFCL-style responses instead of rolling out an agent"
    )
    parser.add_argument("--workers", type=int, default=1, help="episodes in flight at once (default 1)")
    parser.add_argument("--limit", type=int, help="only the first N tasks of each task set")
    parser.add_argument("--seed", type=int, default=0, help="seed for env resets and sampling agents")
    parser.add_argument("--reward-mode", default="final", choices=("final", "turn", "partial"))
    parser.add_argument("--max-steps-per-turn", type=int, default=20)
    parser.add_argument(
        "--strict", action="store_true", help="hidden tools not callable early; acting in empty turns fails"
    )
    parser.add_argument(
        "--numeric-tolerance", type=float, help="compare numbers with this relative tolerance"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def load_task_sets(spec: str, bfcl_data: str | None, limit: int | None) -> list[Task]:
    from funreason_envs.tasks import load_tasks

    tasks: list[Task] = []
    for part in (piece.strip() for piece in spec.split(",") if piece.strip()):
        chunk = load_tasks(part, bfcl_data)
        tasks.extend(chunk[:limit] if limit is not None else chunk)
    if not tasks:
        raise ConfigError(f"--tasks {spec!r} holds no tasks")
    return tasks


def agent_factory(args: argparse.Namespace) -> Callable[[Task], Agent]:
    if args.agent == "replay":
        from funreason_envs.agents.replay import ReplayAgent

        return lambda task: ReplayAgent()
    raise ConfigError(f"unknown agent {args.agent!r}; choose from {', '.join(AGENTS)}")


def run(args: argparse.Namespace) -> int:
    from funreason_envs.checker import CheckOptions
    from funreason_envs.evaluation import evaluate, format_summary, rescore

    if args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {args.workers}")
    tasks = load_task_sets(args.tasks, args.bfcl_data, args.limit)
    if args.responses:
        options = CheckOptions(strict=args.strict, numeric_tolerance=args.numeric_tolerance)
        summary = rescore(tasks, args.responses, args.out, options=options, progress=not args.quiet)
    else:
        env_kwargs = {
            "reward_mode": args.reward_mode,
            "max_steps_per_turn": args.max_steps_per_turn,
            "strict": args.strict,
            "numeric_tolerance": args.numeric_tolerance,
        }
        summary = evaluate(
            tasks,
            agent_factory(args),
            args.out,
            workers=args.workers,
            env_kwargs=env_kwargs,
            seed=args.seed,
            progress=not args.quiet,
        )
    print(format_summary(summary))
    print(f"results: {args.out}/results.jsonl  summary: {args.out}/summary.json")
    return 0
