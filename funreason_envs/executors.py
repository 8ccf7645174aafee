"""Where a long job's work items run: in this process, in a local process pool, or on Ray.

Every executor has one method, `map(work, items, on_lost)`: it runs `work(item)` for each item and yields
the results in item order, however they finish, so the driver (which alone writes output) produces the
same file whatever runs the work. `work` is pickled once per worker and may keep per-worker state (an
env, a model client). `on_lost(item, exc)` is the result of an item whose worker died on every attempt
(only executors with remote workers lose items; a local run lets the error stop the run).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
OnLost = Callable[[Any, BaseException], Any]


class Executor(Protocol):
    """Runs work items and hands their results back in item order."""

    def map(
        self, work: Callable[[Item], Result], items: Iterable[Item], on_lost: OnLost | None = None
    ) -> Generator[Result, None, None]: ...


class LocalExecutor:
    """In this process (`workers=1`), or in a pool of `workers` processes with a bounded look-ahead."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers

    def map(
        self, work: Callable[[Item], Result], items: Iterable[Item], on_lost: OnLost | None = None
    ) -> Generator[Result, None, None]:
        if self.workers <= 1:
            for item in items:
                yield work(item)
            return
        pool = ProcessPoolExecutor(max_workers=self.workers)
        window: deque[Future[Result]] = deque()
        try:
            for item in items:
                window.append(pool.submit(work, item))
                if len(window) >= self.workers * 2:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        finally:
            if any(not future.done() for future in window):
                _stop_workers(pool)
            pool.shutdown(wait=False, cancel_futures=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's processes now: the caller stopped early (it has what it needs, or an item failed),
    so the items still running are unwanted, and one waiting on a slow server would otherwise hold up
    the exit of this process (which waits for its pool's workers) for as long as that call may take."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14 and later
    if terminate is not None:
        terminate()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())  # before `shutdown` drops them
    for process in processes:
        process.terminate()
    # reaped here, by `multiprocessing`: a child reaped by anyone else (`os.waitpid`) would stay "alive" to
    # the pool's manager thread, which then spins forever at this process's exit
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
