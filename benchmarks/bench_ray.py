"""Local vs Ray on the same work: template synthesis, eval rollouts, and served-model synthesis.

    python benchmarks/bench_ray.py [--indices 160] [--tasks 160] [--repeat 3] [--concurrency 1,2,4]

Template synthesis (sample indices) and eval (`bfcl:multi_turn_base` tasks, replay agent; needs bfcl-eval)
each run locally in one process and on Ray with 1 and 2 workers (`--ray-batch` 1 and 8), passes
interleaved, medians. Each item reports its worker, when it started and ended and its CPU time, so the
script prints, per setup: throughput (wall clock, actor start-up included); an item's wall and CPU time
inside its worker (wall above CPU means the item waited for a core: the machine is busy); and the time a
worker spends between its items, from its first item's start to its last one's end: Ray's per-item
overhead (the call, the result, the next batch arriving), as a share of a local item's cost. A no-op map
gives Ray's bare cost per call. Then the `openai` backend against a local server answering after
`--delay` seconds: requests/s as `--max-concurrency` grows, against the ideal concurrency / delay.
Ray runs on a local instance with 2 CPUs, started once.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' stand-in server

import ray

from funreason_envs.agents.player import TaskPlayer
from funreason_envs.agents.replay import ReplayAgent
from funreason_envs.domains import domain_names
from funreason_envs.executors import Executor, LocalExecutor
from funreason_envs.ray_executor import RayExecutor
from funreason_envs.synthesis.kits import kit_domains
from funreason_envs.synthesis.pipeline import Settings
from funreason_envs.synthesis.roles.backends import BackendSpec
from funreason_envs.synthesis.run import make_sample, synthesize
from funreason_envs.tasks import load_tasks
from tests.support.llm_stand_in import SETTINGS, stand_in
from tests.support.openai_server import Scripted, ScriptedServer

SETUPS: list[tuple[str, Callable[[], Executor]]] = [
    ("local, 1 process", lambda: LocalExecutor(1)),
    ("ray, 1 worker, batch 1", lambda: RayExecutor(max_concurrency=1)),
    ("ray, 1 worker, batch 8", lambda: RayExecutor(max_concurrency=1, batch=8)),
    ("ray, 2 workers, batch 1", lambda: RayExecutor(max_concurrency=2)),
    ("ray, 2 workers, batch 8", lambda: RayExecutor(max_concurrency=2, batch=8)),
]


class Timed:
    """Wraps work so each item reports its worker, when it started and ended (wall clock), its CPU seconds."""

    def __init__(self, work: Callable[[Any], object]) -> None:
        self.work = work

    def __call__(self, item: Any) -> tuple[int, float, float, float]:
        start, cpu = time.time(), time.process_time()
        self.work(item)
        return os.getpid(), start, time.time(), time.process_time() - cpu


def _replay(task: object) -> ReplayAgent:
    return ReplayAgent()


def profile(label: str, work: Callable[[Any], object], items: Sequence[Any], repeat: int) -> None:
    """Throughput, time inside items and time between them, per setup (see the module docstring)."""
    rows: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name, _ in SETUPS}
    for _ in range(repeat):
        for name, make in SETUPS:
            start = time.perf_counter()
            timings = list(make().map(Timed(work), items))
            wall = time.perf_counter() - start
            spans = 0.0
            for pid in {t[0] for t in timings}:
                mine = [t for t in timings if t[0] == pid]
                spans += max(t[2] for t in mine) - min(t[1] for t in mine)
            inside, cpu = sum(t[2] - t[1] for t in timings), sum(t[3] for t in timings)
            rows[name].append((wall, inside, cpu, spans - inside))
    count = len(items)
    print(f"{label}: {count} items per pass, median of {repeat} interleaved passes")
    local = statistics.median(row[1] for row in rows[SETUPS[0][0]]) / count
    for name, _ in SETUPS:
        wall, inside, cpu, between = (
            statistics.median(row[i] for row in rows[name]) / count for i in range(4)
        )
        print(
            f"  {name:<24} {1 / wall:6.1f} items/s; inside an item {inside * 1000:6.2f} ms wall, "
            f"{cpu * 1000:6.2f} ms CPU; between items {between * 1000:5.2f} ms ({between / local:5.1%} of a "
            "local item)"
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
    parser.add_argument("--indices", type=int, default=160, help="synthesis sample indices per pass")
    parser.add_argument("--tasks", type=int, default=160, help="bfcl:multi_turn_base tasks per eval pass")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved passes per setup")
    parser.add_argument("--served", type=int, default=24, help="samples per served-backend run")
    parser.add_argument("--delay", type=float, default=0.05, help="server reply delay in seconds")
    parser.add_argument("--concurrency", default="1,2,4", help="--max-concurrency levels, served backend")
    args = parser.parse_args()
    start = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING)
    print(f"ray.init (local instance, 2 CPUs): {time.perf_counter() - start:.1f} s, paid once per run")
    bare_call_cost(400)
    settings = Settings(seed=0, domains=tuple(d for d in domain_names() if d in kit_domains()))
    synthesis = partial(make_sample, settings=settings, spec=BackendSpec("template"))
    profile("synthesis, template backend, sample indices", synthesis, range(args.indices), args.repeat)
    tasks = load_tasks("bfcl:multi_turn_base")[: args.tasks]
    profile("eval, bfcl:multi_turn_base, replay agent, tasks", TaskPlayer(_replay), tasks, args.repeat)
    served(args.served, args.delay, [int(level) for level in args.concurrency.split(",")])
    ray.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
