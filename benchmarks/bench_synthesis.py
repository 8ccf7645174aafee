"""Synthesis throughput: verified trajectories per second per worker on the offline template backend,
and, with the `openai` backend against a local chat-completions server that answers after a fixed
delay, how request throughput grows with concurrency (ideal: concurrency / delay).

    python benchmarks/bench_synthesis.py [--num 40] [--fresh 300] [--delay 0.05] [--concurrency 1,2,4,8]

First, what a user sees: `funreason synthesize --num 300` timed from a fresh process (imports, set-up
and writing included) with 1 and 2 workers.

The server is the tests' stand-in model (it plays all four roles), so no real model is needed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' stand-in server

from funreason_envs.domains import domain_names
from funreason_envs.synthesis.kits import kit_domains
from funreason_envs.synthesis.run import synthesize
from funreason_envs.synthesis.settings import Settings
from tests.support.llm_stand_in import SETTINGS, stand_in
from tests.support.openai_server import Scripted, ScriptedServer


def template_rate(num: int, workers: int) -> tuple[float, int]:
    """Verified trajectories per second with `workers` processes, and how many were written."""
    settings = Settings(seed=0, domains=tuple(d for d in domain_names() if d in kit_domains()))
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        folder = synthesize(num, settings, out, workers=workers, progress=False)
        return len(folder.samples) / (time.perf_counter() - start), len(folder.samples)


def fresh_process_rate(num: int, workers: int) -> float:
    """Verified trajectories per second of `funreason synthesize` run in a new process, wall clock."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "funreason_envs.cli", "synthesize", "--num", str(num)]
        command += ["--out", out, "--workers", str(workers), "--quiet"]
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        written = sum(1 for _ in (Path(out) / "samples.jsonl").open())
        return written / seconds


def served_rate(num: int, delay: float, workers: int) -> tuple[float, float]:
    """(requests/s, trajectories/s) with the openai backend and `workers` concurrent processes."""
    settings = replace(SETTINGS, seed=0, second_goal_rate=0.0)  # one goal per turn: steady request counts

    def slow(body: dict) -> Scripted:
        reply = stand_in(body)
        reply.delay = delay
        return reply

    with ScriptedServer(responder=slow) as server, tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        folder = synthesize(
            num,
            settings,
            out,
            backend=f"openai:{server.url}",
            model="test-model",
            workers=workers,
            progress=False,
        )
        seconds = time.perf_counter() - start
        return len(server.requests) / seconds, len(folder.samples) / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description="Synthesis throughput.")
    parser.add_argument("--num", type=int, default=40, help="trajectories per measurement (default 40)")
    parser.add_argument(
        "--delay", type=float, default=0.05, help="server reply delay in seconds (default 0.05)"
    )
    parser.add_argument("--concurrency", default="1,2,4,8", help="worker counts for the served backend")
    parser.add_argument("--fresh", type=int, default=300, help="trajectories per fresh-process run (0: skip)")
    args = parser.parse_args()
    for workers in (1, 2) if args.fresh else ():
        rate = fresh_process_rate(args.fresh, workers)
        print(
            f"funreason synthesize --num {args.fresh} --workers {workers}, fresh process: "
            f"{rate:.1f} verified trajectories/s ({rate / workers:.1f} per worker)"
        )
    for workers in (1, 2):
        rate, written = template_rate(args.num, workers)
        print(
            f"template backend, {workers} worker(s): {rate:.1f} verified trajectories/s "
            f"({rate / workers:.1f} per worker, {written} written)"
        )
    print(f"openai backend against a local server answering after {args.delay * 1000:.0f} ms:")
    for workers in (int(w) for w in args.concurrency.split(",")):
        requests, trajectories = served_rate(max(args.num // 4, 4), args.delay, workers)
        ideal = workers / args.delay
        print(
            f"  concurrency {workers:>2}: {requests:6.1f} requests/s (ideal {ideal:6.1f}, "
            f"{requests / ideal:5.0%}), {trajectories:.2f} trajectories/s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
