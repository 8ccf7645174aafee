"""Local vs Ray on the same work: template synthesis, eval rollouts, and served-model synthesis.

    python benchmarks/bench_ray.py [--num 100] [--tasks 100] [--repeat 3] [--served 24] [--concurrency 1,2,4]

For synthesis (template backend) and eval (`bfcl:multi_turn_base`, replay agent; needs bfcl-eval) it
times a local sequential run and Ray with 1 and 2 workers (`--ray-batch` 1 and 8) on a small and a large
run, passes interleaved, and prints the marginal throughput, the start-up (actors and their imports) and
the per-item overhead Ray adds: workers x marginal wall time per item minus the local marginal cost of an
item, as a share of that cost. A no-op map gives Ray's bare cost per call. Then the `openai`
backend against a local server answering after `--delay` seconds: requests/s as `--max-concurrency`
grows, against the ideal concurrency / delay. Ray runs on a local instance with 2 CPUs, started once.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' stand-in server

import ray

from funreason_envs.agents.evaluation import evaluate
from funreason_envs.agents.replay import ReplayAgent
from funreason_envs.domains import domain_names
from funreason_envs.executors import Executor
from funreason_envs.ray_executor import RayExecutor
from funreason_envs.synthesis.kits import kit_domains
from funreason_envs.synthesis.pipeline import Settings
from funreason_envs.synthesis.run import synthesize
from funreason_envs.tasks import load_tasks
from tests.support.llm_stand_in import SETTINGS, stand_in
from tests.support.openai_server import Scripted, ScriptedServer

Setup = tuple[str, int, Callable[[], Executor | None]]  # name, workers, executor factory
SETUPS: list[Setup] = [
    ("local, 1 process", 1, lambda: None),
    ("ray, 1 worker, batch 1", 1, lambda: RayExecutor(max_concurrency=1)),
    ("ray, 1 worker, batch 8", 1, lambda: RayExecutor(max_concurrency=1, batch=8)),
    ("ray, 2 workers, batch 1", 2, lambda: RayExecutor(max_concurrency=2)),
    ("ray, 2 workers, batch 8", 2, lambda: RayExecutor(max_concurrency=2, batch=8)),
]
Run = Callable[[int, Executor | None], tuple[float, int]]  # (size, executor) -> (seconds, items)


def synthesis_pass(num: int, executor: Executor | None) -> tuple[float, int]:
    """Seconds to keep `num` template samples (the CLI's default settings), and how many indices it took."""
    settings = Settings(seed=0, domains=tuple(d for d in domain_names() if d in kit_domains()))
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        folder = synthesize(num, settings, out, progress=False, executor=executor)
        return time.perf_counter() - start, len(folder.samples) + len(folder.rejections)


def eval_pass(tasks: list, size: int, executor: Executor | None) -> tuple[float, int]:
    """Seconds to replay the ground truth of the first `size` tasks into a results folder."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        evaluate(tasks[:size], _replay, out, progress=False, executor=executor)
        return time.perf_counter() - start, size


def _replay(task: object) -> ReplayAgent:
    return ReplayAgent()


def compare(label: str, run: Run, small: int, large: int, repeat: int) -> None:
    """Each setup on a small and a large run, passes interleaved, medians. The difference of the two is
    the marginal cost per item; what is left of the small run is the start-up (actors, imports)."""
    marginal: dict[str, float] = {}
    start_up: dict[str, float] = {}
    passes: dict[str, list[tuple[float, int, float, int]]] = {name: [] for name, _, _ in SETUPS}
    for _ in range(repeat):
        for name, _, make in SETUPS:
            passes[name].append((*run(small, make()), *run(large, make())))
    for name, _, _ in SETUPS:
        small_s, small_n, large_s, large_n = (statistics.median(p[i] for p in passes[name]) for i in range(4))
        marginal[name] = (large_s - small_s) / (large_n - small_n)
        start_up[name] = small_s - small_n * marginal[name]
    local = marginal[SETUPS[0][0]]
    print(f"{label}: {small} and {large} per run, median of {repeat} interleaved passes")
    for name, workers, _ in SETUPS:
        overhead = workers * marginal[name] - local
        print(
            f"  {name:<24} {1 / marginal[name]:7.1f} items/s marginal "
            f"({marginal[name] * 1000:6.2f} ms/item), "
            f"start-up {start_up[name]:5.2f} s, overhead {overhead * 1000:+6.2f} ms/item "
            f"({overhead / local:+5.0%} of the local {local * 1000:.2f} ms)"
        )


def bare_call_cost(count: int) -> None:
    """Ray's own cost per item: a no-op work function on 1 worker, batch 1 and 8 (start-up included)."""
    for batch in (1, 8):
        start = time.perf_counter()
        list(RayExecutor(max_concurrency=1, batch=batch).map(int, range(count)))
        taken = time.perf_counter() - start
        print(f"  no-op map of {count}, 1 worker, batch {batch}: {taken / count * 1000:.2f} ms/item")


def served(num: int, delay: float, levels: list[int]) -> None:
    """Requests/s of LLM-role synthesis on Ray as --max-concurrency grows, against the ideal; timed from
    the first request to the last, so the actors' start-up is left out."""
    settings = replace(SETTINGS, seed=0, second_goal_rate=0.0)
    print(f"openai backend on Ray against a local server answering after {delay * 1000:.0f} ms:")
    for level in levels:
        stamps: list[float] = []

        def slow(body: dict, stamps: list[float] = stamps) -> Scripted:
            stamps.append(time.perf_counter())
            reply = stand_in(body)
            reply.delay = delay
            return reply

        with ScriptedServer(responder=slow) as server, tempfile.TemporaryDirectory() as out:
            synthesize(
                num,
                settings,
                out,
                backend=f"openai:{server.url}",
                model="test-model",
                progress=False,
                executor=RayExecutor(max_concurrency=level),
            )
        rate = (len(stamps) - 1) / (stamps[-1] - stamps[0] + delay)
        ideal = level / delay
        print(
            f"  --max-concurrency {level:>2}: {rate:6.1f} requests/s (ideal {ideal:6.1f}, "
            f"{rate / ideal:4.0%}), peak in flight {server.peak}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description="Local vs Ray on the same work.")
    parser.add_argument("--num", type=int, default=100, help="template samples kept per large synthesis run")
    parser.add_argument(
        "--tasks", type=int, default=100, help="bfcl:multi_turn_base tasks per large eval run"
    )
    parser.add_argument("--repeat", type=int, default=3, help="interleaved passes per setup")
    parser.add_argument("--served", type=int, default=24, help="samples per served-backend run")
    parser.add_argument("--delay", type=float, default=0.05, help="server reply delay in seconds")
    parser.add_argument("--concurrency", default="1,2,4", help="--max-concurrency levels, served backend")
    args = parser.parse_args()
    start = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING)
    print(f"ray.init (local instance, 2 CPUs): {time.perf_counter() - start:.1f} s, paid once per run")
    bare_call_cost(400)
    compare("synthesis, template backend, samples kept", synthesis_pass, 4, args.num, args.repeat)
    tasks = load_tasks("bfcl:multi_turn_base")
    compare(
        "eval, bfcl:multi_turn_base, replay agent, tasks",
        lambda size, executor: eval_pass(tasks, size, executor),
        4,
        args.tasks,
        args.repeat,
    )
    served(args.served, args.delay, [int(level) for level in args.concurrency.split(",")])
    ray.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
