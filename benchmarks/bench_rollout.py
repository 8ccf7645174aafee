"""The Gymnasium rollout loop as RL code drives it, against bfcl-eval's checker doing the same work.

Ours: `gym.make("FunReason/MultiTurn-v0")` over the 800 entries of BFCL's four multi-turn categories;
per entry `reset`, then per turn one `step` with the ground truth as OpenAI tool calls and one text
`step` that closes the turn; the BFCL verdict is read from `info["check"]`. Peer: bfcl-eval's
`multi_turn_checker` on the same entries (it executes the same calls and the ground truth and judges
them). Passes are interleaved; the median pass gives the ratio. Also: steps/s of `Combined-v0` free
play with all tools visible, and `AsyncVectorEnv` with 2 workers against 1.

    python benchmarks/bench_rollout.py [--repeat 7]

Needs bfcl-eval: pip install --no-deps -r tests/oracle-requirements.txt
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

import gymnasium as gym
from common import Entry, load_entries, peak_rss_mb, prepare_bfcl, retained, tasks_of

import funreason_envs  # noqa: F401  (registers the FunReason envs)
from funreason_envs.tasks import Task

CLOSE_TURN = {"role": "assistant", "content": "Done."}
FREE_PLAY_ACTIONS = ("[ls(), pwd()]", "[get_current_time()]", "[mean(numbers=[1, 2, 3])]")


def turn_actions(task: Task) -> list[dict[str, Any] | None]:
    """Per turn, the assistant message carrying that turn's ground truth as OpenAI tool calls."""
    actions: list[dict[str, Any] | None] = []
    for index in range(len(task.turns)):
        calls = task.turn_calls(index)
        tool_calls = [{**call.to_openai(), "id": f"call_{index}_{n}"} for n, call in enumerate(calls)]
        actions.append({"role": "assistant", "content": None, "tool_calls": tool_calls} if calls else None)
    return actions


class OursPass:
    """One env, reset per entry; returns the steps taken so steps/s can be reported."""

    def __init__(self, tasks: list[Task]) -> None:
        self.env = gym.make("FunReason/MultiTurn-v0", tasks=tasks)
        self.plan = [(task.id, turn_actions(task)) for task in tasks]

    def __call__(self) -> int:
        steps = 0
        for task_id, actions in self.plan:
            _, info = self.env.reset(options={"task": task_id})
            for action in actions:
                if action is not None:
                    self.env.step(action)
                    steps += 1
                _, _, terminated, _, info = self.env.step(CLOSE_TURN)
                steps += 1
            assert terminated and info["check"]["passed"], task_id
        return steps


def bfcl_pass(entries: list[Entry]) -> Any:
    prepare_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_checker import multi_turn_checker

    passes = itertools.count()

    def run() -> int:
        model = f"bench{next(passes)}"
        for entry, turns, _ in entries:
            responses = [[turn] if turn else [] for turn in turns]
            result = multi_turn_checker(responses, turns, entry, entry["id"].rsplit("_", 1)[0], model)
            assert result["valid"], entry["id"]
        return 0

    return run


def free_play_rate(seconds: float = 2.0) -> float:
    """Steps/s of Combined-v0 (every tool visible) with a few cheap read-only actions."""
    env = gym.make("FunReason/Combined-v0")
    env.reset(seed=0)
    actions = itertools.cycle(FREE_PLAY_ACTIONS)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        _, _, terminated, truncated, _ = env.step(next(actions))
        steps += 1
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - start)


def vector_rate(workers: int, steps: int = 2000, shared_memory: bool = True) -> VectorPass:
    """Env steps/s of an `AsyncVectorEnv` over `workers` copies of Combined-v0 (`shared_memory=False`
    sends observations through the pipes instead of shared memory), with where the CPU went: the main
    process's and the workers' CPU time per env step (read from /proc; 0 where it cannot be read)."""
    env = gym.vector.AsyncVectorEnv(
        [lambda: gym.make("FunReason/Combined-v0")] * workers, shared_memory=shared_memory
    )
    try:
        env.reset(seed=0)
        actions = itertools.cycle(FREE_PLAY_ACTIONS)
        pids = [process.pid for process in env.processes]
        start, cpu, worker_cpu = time.perf_counter(), time.process_time(), sum(map(process_cpu, pids))
        for _ in range(steps // workers):
            env.step(tuple(next(actions) for _ in range(workers)))
        rate = steps / (time.perf_counter() - start)
        main_us = (time.process_time() - cpu) / steps * 1e6
        return VectorPass(rate, main_us, (sum(map(process_cpu, pids)) - worker_cpu) / steps * 1e6)
    finally:
        env.close()


class VectorPass(NamedTuple):
    rate: float  # env steps/s
    main_us: float  # the main process's CPU per env step
    worker_us: float  # the workers' CPU per env step, summed


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc; 0 where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description="Gymnasium rollout loop: funreason-envs vs bfcl-eval.")
    parser.add_argument("--repeat", type=int, default=7, help="interleaved passes (default 7)")
    parser.add_argument("--skip-vector", action="store_true", help="skip the AsyncVectorEnv scaling")
    parser.add_argument(
        "--vector-pipes", action="store_true", help="AsyncVectorEnv with shared_memory=False (pipes)"
    )
    parser.add_argument(
        "--vector-steps",
        type=int,
        default=2000,
        help="env steps per AsyncVectorEnv measurement (default 2000; 400 before 2026-12-07 gave ratios "
        "from 1.45x to 2.6x between runs)",
    )
    args = parser.parse_args()
    entries = load_entries()
    ours, theirs = OursPass(tasks_of(entries)), bfcl_pass(entries)
    print(
        f"{len(entries)} entries per pass, {args.repeat} interleaved passes, Python {sys.version.split()[0]}"
    )
    ours_seconds, theirs_seconds, ours_cpu, theirs_cpu, rss = [], [], [], [], []
    steps = 0
    for _ in range(args.repeat):
        start, cpu = time.perf_counter(), time.process_time()
        steps = ours()
        ours_seconds.append(time.perf_counter() - start)
        ours_cpu.append(time.process_time() - cpu)
        rss.append(peak_rss_mb())
        start, cpu = time.perf_counter(), time.process_time()
        theirs()
        theirs_seconds.append(time.perf_counter() - start)
        theirs_cpu.append(time.process_time() - cpu)
    ours_rate = len(entries) / statistics.median(ours_seconds)
    theirs_rate = len(entries) / statistics.median(theirs_seconds)
    step_rate = steps / statistics.median(ours_seconds)
    print(f"median pass: ours {ours_rate:>7,.0f} entries/s ({step_rate:,.0f} steps/s)", end="")
    print(f"   bfcl-eval checker {theirs_rate:>7,.0f} entries/s")
    first = theirs_seconds[0] / ours_seconds[0]
    print(f"ratio: {ours_rate / theirs_rate:.2f}x (median pass), {first:.2f}x (first pass)", end="")
    cpu_ratio = statistics.median(theirs_cpu) / statistics.median(ours_cpu)
    best = min(theirs_cpu) / min(ours_cpu)
    print(f"; on CPU time: {cpu_ratio:.2f}x (median pass), {best:.2f}x (best pass)")
    print(f"peak RSS after each pass (MB, both sides): {', '.join(f'{value:.0f}' for value in rss)}")
    held = retained(lambda _: ours(), entries, 3)
    print(f"ours alone, traced memory held after 3 more passes (MB): {', '.join(f'{mb:.1f}' for mb in held)}")
    print(f"Combined-v0 free play: {free_play_rate():,.0f} steps/s")
    if not args.skip_vector:
        shared = not args.vector_pipes
        best: list[VectorPass] = []
        for _ in range(3):  # interleaved repeats, the best of each kept: the machine is shared
            runs = [
                vector_rate(1, args.vector_steps, shared_memory=shared),
                vector_rate(2, args.vector_steps, shared_memory=shared),
            ]
            best = [max(pair, key=lambda run: run.rate) for pair in zip(best or runs, runs, strict=True)]
        one, two = best
        mode = "shared memory" if shared else "pipes"
        print(
            f"AsyncVectorEnv ({mode}, {args.vector_steps} steps, best of 3): "
            f"1 worker {one.rate:,.0f} steps/s, 2 workers {two.rate:,.0f} steps/s "
            f"({two.rate / one.rate:.2f}x)"
        )
        for label, run in (("1 worker", one), ("2 workers", two)):
            print(
                f"  {label}: CPU per env step {run.main_us:.0f} us in the main process, "
                f"{run.worker_us:.0f} us in the workers"
            )
        print(f"  load average during the run: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
