"""`funreason eval`: roll an agent out on task sets (or re-score recorded responses) into a results folder."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from funreason_envs.agents.base import Agent
from funreason_envs.errors import ConfigError
from funreason_envs.tasks import Task

AGENTS = ("replay", "random", "openai", "hf")


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
    model.add_argument("--timeout", type=float, default=120.0, help="openai: seconds per request")
    model.add_argument("--device", help="hf: cpu, cuda, cuda:1, ...")
    model.add_argument("--dtype", default="auto", help="hf: auto, float32, float16, bfloat16")
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
    if args.agent == "random":
        from funreason_envs.agents.random_agent import RandomAgent

        counter = iter(range(10**9))
        return AgentPlan(lambda task: RandomAgent(seed=args.seed * 100_003 + next(counter)))
    if not args.model:
        raise ConfigError(f"--agent {args.agent} needs --model")
    sampling = {"temperature": args.temperature, "top_p": args.top_p, "max_tokens": args.max_tokens}
    if args.agent == "openai":
        from funreason_envs.agents.openai_agent import OpenAIAgent
        from funreason_envs.agents.openai_client import OpenAIClient

        client = OpenAIClient(args.base_url, max_concurrency=args.workers, timeout=args.timeout)
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


def run(args: argparse.Namespace) -> int:
    from funreason_envs.bfcl_docs import BfclToolView
    from funreason_envs.checker import CheckOptions
    from funreason_envs.evaluation import evaluate, format_summary, rescore

    if args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {args.workers}")
    tasks = load_task_sets(args.tasks, args.bfcl_data, args.limit)
    if args.responses:
        options = CheckOptions(strict=args.strict, numeric_tolerance=args.numeric_tolerance)
        summary = rescore(tasks, args.responses, args.out, options=options, progress=not args.quiet)
    else:
        plan = agent_plan(args)
        env_kwargs = {
            "reward_mode": args.reward_mode,
            "max_steps_per_turn": args.max_steps_per_turn,
            "strict": args.strict,
            "numeric_tolerance": args.numeric_tolerance,
        }
        uses_docs = args.tools == "bfcl" and args.agent in ("openai", "hf")
        summary = evaluate(
            tasks,
            plan.make,
            args.out,
            workers=args.workers,
            env_kwargs=env_kwargs,
            tool_view=BfclToolView() if uses_docs else None,
            seed=args.seed,
            progress=not args.quiet,
            act_batch=plan.act_batch,
        )
    print(format_summary(summary))
    print(f"results: {args.out}/results.jsonl  summary: {args.out}/summary.json")
    return 0
