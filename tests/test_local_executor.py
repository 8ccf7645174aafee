"""`LocalExecutor`: results in item order from a process pool, and a caller that stops early does not
wait for the items still running (a slow model call would otherwise hold up the process's exit)."""

from __future__ import annotations

import os
import time
from contextlib import closing

import pytest

from funreason_envs.executors import LocalExecutor


def _square(item: int) -> int:
    return item * item


def _sleep_unless_first(item: int) -> tuple[int, int]:
    """The first item returns at once; every other one runs far longer than the test may wait."""
    if item:
        time.sleep(600)
    return item, os.getpid()


def test_results_come_back_in_item_order_with_or_without_a_pool():
    for workers in (1, 2):
        assert list(LocalExecutor(workers).map(_square, range(7))) == [n * n for n in range(7)]


def test_stopping_early_ends_the_workers_still_running_items():
    results = LocalExecutor(2).map(_sleep_unless_first, range(4))
    with closing(results):
        first, worker = next(results)
    assert first == 0
    deadline = time.monotonic() + 30  # a generous bound on process teardown, not a speed measurement
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        try:  # a terminated child of this process lingers as a zombie until reaped
            if os.waitpid(worker, os.WNOHANG)[0] == worker:
                break
        except ChildProcessError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("a worker of the pool was still alive 30 s after the caller stopped")
