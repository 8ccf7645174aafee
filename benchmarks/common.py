"""Shared pieces of the benchmarks: BFCL's ground-truth entries, timing passes, retained memory."""

from __future__ import annotations

import atexit
import gc
import json
import os
import shutil
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from funreason_envs.tasks import Task
from funreason_envs.tasks.bfcl import CATEGORIES, bfcl_data_dir, bfcl_entry_to_task

Entry = tuple[dict[str, Any], list[list[str]], bool]  # (question entry, ground-truth turns, long context)
Pass = Callable[[list[Entry]], None]
Timing = tuple[float, float]  # (wall, CPU) seconds of one pass


def load_entries() -> list[Entry]:
    """Every entry of BFCL's four multi-turn categories with its ground truth, read from bfcl-eval's data."""
    folder = bfcl_data_dir()
    entries = []
    for category in CATEGORIES:
        answer_lines = (folder / "possible_answer" / f"BFCL_v4_{category}.json").read_text().splitlines()
        answers = {row["id"]: row["ground_truth"] for row in map(json.loads, answer_lines)}
        for line in (folder / f"BFCL_v4_{category}.json").read_text().splitlines():
            entry = json.loads(line)
            entries.append((entry, answers[entry["id"]], "long_context" in category))
    return entries


class TaskPasses:
    """Our side's `Task` objects, as users load them, handed out pass by pass. Warm (the default): the
    same objects every pass, so what is kept per task (instance prototypes, the ground truth's run) is
    built in the first pass only, as when RL code replays and scores the same tasks. `cold`: new objects
    for every pass, made before timing starts, so every pass builds all of that again, as a one-off
    evaluation does."""

    def __init__(self, entries: list[Entry], repeat: int, cold: bool = False) -> None:
        self._cold = cold
        count = repeat + 1 if cold else 1  # cold: one more set for the memory passes' warm-up
        self._sets = [tasks_of(entries) for _ in range(count)]

    def next(self) -> list[Task]:
        """The tasks of the next pass (cold: a set not used before, while any is left)."""
        if self._cold and len(self._sets) > 1:
            return self._sets.pop()
        return self._sets[0]


def tasks_of(entries: list[Entry]) -> list[Task]:
    """Each entry as the `Task` users load from BFCL's data."""
    return [bfcl_entry_to_task(entry, turns, entry["id"].rsplit("_", 1)[0]) for entry, turns, _ in entries]


def prepare_bfcl() -> None:
    """bfcl-eval creates folders under BFCL_PROJECT_ROOT when imported: point it at a scratch folder."""
    if "BFCL_PROJECT_ROOT" not in os.environ:  # made once per process, not on every call
        os.environ["BFCL_PROJECT_ROOT"] = tempfile.mkdtemp(prefix="bfcl-bench-")
        atexit.register(shutil.rmtree, os.environ["BFCL_PROJECT_ROOT"], ignore_errors=True)


def timed(run: Pass, entries: list[Entry], repeat: int) -> list[Timing]:
    """(wall, CPU) seconds taken by each of `repeat` passes. CPU time is this process's own, so it moves
    much less than wall time when other programs load the machine."""
    seconds = []
    for _ in range(repeat):
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        run(entries)
        seconds.append((time.perf_counter() - start, time.process_time() - cpu))
    return seconds


def interleaved(runs: list[Pass], entries: list[Entry], repeat: int) -> list[list[Timing]]:
    """(wall, CPU) seconds of each pass of each run, passes alternating between the runs (a busy
    machine's load then falls on both sides alike)."""
    seconds: list[list[Timing]] = [[] for _ in runs]
    for _ in range(repeat):
        for run, taken in zip(runs, seconds, strict=True):
            taken.extend(timed(run, entries, 1))
    return seconds


def median_ratio(ours: list[Timing], theirs: list[Timing], clock: int) -> float:
    """Their median pass over ours, on wall (`clock` 0) or CPU (`clock` 1) time."""
    return statistics.median(t[clock] for t in theirs) / statistics.median(t[clock] for t in ours)


def best_ratio(ours: list[Timing], theirs: list[Timing]) -> float:
    """Their fastest pass over ours, on CPU time: on a loaded machine the least disturbed pass of each
    side is the closest to its own cost (the work is the same every pass)."""
    return min(t[1] for t in theirs) / min(t[1] for t in ours)


def print_ratios(ours: list[Timing], theirs: list[Timing]) -> None:
    """One line: our speed over bfcl-eval's on wall time (median and first pass) and on CPU time
    (median and best pass)."""
    print(
        f"ratio: {median_ratio(ours, theirs, 0):.1f}x (median pass), {theirs[0][0] / ours[0][0]:.1f}x "
        f"(first pass); on CPU time: {median_ratio(ours, theirs, 1):.1f}x (median pass), "
        f"{best_ratio(ours, theirs):.1f}x (best pass)"
    )


def retained(run: Pass, entries: list[Entry], repeat: int) -> list[float]:
    """Traced memory (MB) still allocated after each pass, relative to before the first."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    after = []
    for _ in range(repeat):
        run(entries)
        gc.collect()
        after.append((tracemalloc.get_traced_memory()[0] - base) / 2**20)
    tracemalloc.stop()
    return after


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
