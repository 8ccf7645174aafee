"""Score BFCL's four multi-turn categories (ground truth against itself) here and with bfcl-eval's checker.

Both sides get the same decoded responses (per turn one step holding the ground-truth call strings),
execute them on fresh instances and check state and results after every turn against the ground
truth's. Prints entries/s for each and the ratio. Ours is `check_responses` (the report only, as
bfcl-eval's checker gives); `--outcomes` times `check_task(task, execute_responses(...))` instead,
which also records every turn's state (what `funreason eval --rescore` writes). bfcl-eval executes
the ground truth on every check; ours runs it once per task object and keeps it (prototypes too), as
RL code scoring many responses to the same tasks gets: the first pass pays for it. `--cold` gives every
pass new task objects, so every pass runs the ground truth again, as a one-off evaluation does.

    python benchmarks/bench_check.py [--repeat 9] [--outcomes] [--cold]

Needs bfcl-eval: pip install --no-deps -r tests/oracle-requirements.txt
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys

from common import Entry, Pass, TaskPasses, interleaved, load_entries, prepare_bfcl, print_ratios

from funreason_envs.checker import check_responses, check_task, execute_responses


def responses(turns: list[list[str]]) -> list[list[list[str]]]:
    return [[turn] if turn else [] for turn in turns]


def ours_runner(tasks: TaskPasses, outcomes: bool = False) -> Pass:
    def run_ours(entries: list[Entry]) -> None:
        for task, (_, turns, _) in zip(tasks.next(), entries, strict=True):
            if outcomes:
                report = check_task(task, execute_responses(task, responses(turns)))
            else:
                report = check_responses(task, responses(turns))
            assert report.passed, task.id

    return run_ours


def bfcl_runner() -> Pass:
    prepare_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_checker import multi_turn_checker

    passes = itertools.count()

    def run_bfcl(entries: list[Entry]) -> None:
        model = f"bench{next(passes)}"
        for entry, turns, _ in entries:
            result = multi_turn_checker(responses(turns), turns, entry, entry["id"].rsplit("_", 1)[0], model)
            assert result["valid"], entry["id"]

    return run_bfcl


def main() -> int:
    parser = argparse.ArgumentParser(description="Multi-turn checking: funreason-envs vs bfcl-eval.")
    parser.add_argument("--repeat", type=int, default=9, help="passes over all four categories (default 9)")
    parser.add_argument(
        "--outcomes",
        action="store_true",
        help="time check_task(execute_responses(...)), which records each turn's state, instead",
    )
    parser.add_argument("--cold", action="store_true", help="new Task objects every pass (see TaskPasses)")
    args = parser.parse_args()
    entries = load_entries()
    tasks = TaskPasses(entries, args.repeat, args.cold)
    run_ours, run_bfcl = ours_runner(tasks, args.outcomes), bfcl_runner()
    python = sys.version.split()[0]
    print(f"{len(entries)} entries per pass (ground truth vs itself), {args.repeat} passes", end="")
    print(f" (interleaved), Python {python}")
    timings = interleaved([run_ours, run_bfcl], entries, args.repeat)
    ours, theirs = ([wall for wall, _ in side] for side in timings)
    ours_rate, theirs_rate = len(entries) / statistics.median(ours), len(entries) / statistics.median(theirs)
    print(f"median pass: ours {ours_rate:>8,.0f} entries/s   bfcl-eval {theirs_rate:>8,.0f} entries/s")
    print_ratios(*timings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
