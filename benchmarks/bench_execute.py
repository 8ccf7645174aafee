"""Execute every ground-truth call of BFCL's four multi-turn categories here and in bfcl-eval's executor.

Both sides start each entry from the same initial config on fresh instances and run its turns in
order; our side runs every call string through a `Session` (parse, validate against the spec,
dispatch, record), as the envs, the checker and synthesis do. Our fresh instances are clones of
prototypes kept per task object (built in the first pass); `--cold` gives every pass new task
objects, so every pass builds them from the config again. Prints calls/s
for each and the ratio, then the memory each side retains after running all four categories
`--repeat` times in one process (ours stays flat; bfcl-eval keeps every instance in a module cache).

    python benchmarks/bench_execute.py [--repeat 10] [--cold]

Needs bfcl-eval: pip install --no-deps -r tests/oracle-requirements.txt
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys

from common import (
    Entry,
    Pass,
    TaskPasses,
    interleaved,
    load_entries,
    peak_rss_mb,
    prepare_bfcl,
    print_ratios,
    retained,
)

from funreason_envs.session import Session


def ours_runner(tasks: TaskPasses) -> Pass:
    """Our side: each entry as the `Task` users load, on fresh instances (`Session.for_task`: clones of
    the task's prototypes, built in the first pass that plays it), every call string through `Session.run`."""

    def run_ours(entries: list[Entry]) -> None:
        for task, (_, turns, _) in zip(tasks.next(), entries, strict=True):
            session = Session.for_task(task)
            for turn in turns:
                for call in turn:
                    session.run(call)

    return run_ours


def bfcl_runner() -> Pass:
    prepare_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_utils import execute_multi_turn_func_call

    passes = itertools.count()

    def run_bfcl(entries: list[Entry]) -> None:
        model = f"bench{next(passes)}"  # fresh instances each pass, as on our side
        for entry, turns, long_context in entries:
            for turn in turns:
                execute_multi_turn_func_call(
                    turn, entry["initial_config"], entry["involved_classes"], model, entry["id"], long_context
                )

    return run_bfcl


def main() -> int:
    parser = argparse.ArgumentParser(description="Ground-truth execution: funreason-envs vs bfcl-eval.")
    parser.add_argument("--repeat", type=int, default=10, help="passes over all four categories (default 10)")
    parser.add_argument("--cold", action="store_true", help="new Task objects every pass (see TaskPasses)")
    args = parser.parse_args()
    entries = load_entries()
    calls = sum(len(turn) for _, turns, _ in entries for turn in turns)
    run_ours, run_bfcl = ours_runner(TaskPasses(entries, args.repeat, args.cold)), bfcl_runner()
    python = sys.version.split()[0]
    print(f"{len(entries)} entries, {calls} calls per pass, {args.repeat} interleaved passes", end="")
    print(f", Python {python}")

    timings = interleaved([run_ours, run_bfcl], entries, args.repeat)
    ours, theirs = ([wall for wall, _ in side] for side in timings)
    ours_rate, theirs_rate = calls / statistics.median(ours), calls / statistics.median(theirs)
    first_ours, first_theirs = calls / ours[0], calls / theirs[0]
    print(f"first pass:  ours {first_ours:>9,.0f} calls/s   bfcl-eval {first_theirs:>9,.0f} calls/s")
    print(f"median pass: ours {ours_rate:>9,.0f} calls/s   bfcl-eval {theirs_rate:>9,.0f} calls/s")
    print_ratios(*timings)

    ours_memory = retained(run_ours, entries, args.repeat)
    theirs_memory = retained(run_bfcl, entries, args.repeat)
    print(
        f"memory retained after pass 1 and pass {args.repeat}: "
        f"ours {ours_memory[0]:.1f} -> {ours_memory[-1]:.1f} MB, "
        f"bfcl-eval {theirs_memory[0]:.1f} -> {theirs_memory[-1]:.1f} MB"
    )
    print(f"peak RSS of this process: {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
