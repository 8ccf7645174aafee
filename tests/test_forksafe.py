"""Forked workers (AsyncVectorEnv's default) do not hang in torch after the parent used its thread pool."""

from __future__ import annotations

import subprocess
import sys
import textwrap

PARENT_USES_OPENMP_THEN_FORKS = textwrap.dedent(
    """
    import os, sys
    import torch
    {import_line}
    torch.set_num_threads(2)
    a = torch.randn(1500, 1500)
    (a @ a).sum(); torch.sin(torch.randn(400_000)).sum()
    pid = os.fork()
    if pid == 0:
        {child_work}
        os._exit(0 if torch.get_num_threads() == 1 else 3)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))
    """
)
PARALLEL_WORK = "b = torch.randn(1500, 1500); (b @ b).sum(); torch.sin(torch.randn(400_000)).sum()"


def run_script(import_line: str, child_work: str) -> subprocess.CompletedProcess[str]:
    code = PARENT_USES_OPENMP_THEN_FORKS.format(import_line=import_line, child_work=child_work)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_forked_child_runs_torch_on_one_thread_once_the_package_is_imported():
    done = run_script("import funreason_envs", PARALLEL_WORK)
    assert done.returncode == 0, done.stderr


def test_without_the_package_a_forked_child_keeps_the_parent_thread_count():
    # the hook is what makes the child single-threaded (the parallel work is left out: it would hang)
    done = run_script("", "pass")
    assert done.returncode == 3, done.stderr


LOCK_HELD_ACROSS_FORK = textwrap.dedent(
    """
    import os, sys
    from funreason_envs.session import prototypes_of
    from funreason_envs.text_cache import TextCache
    cache = TextCache(100, 10)
    locks = [prototypes_of._lock, cache._lock]
    for lock in locks:
        lock.acquire()  # as if another thread were inside when the fork came
    pid = os.fork()
    if pid == 0:
        taken = [(prototypes_of._lock, cache._lock)[i].acquire(timeout=5) for i in range(2)]
        os._exit(0 if all(taken) else 4)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))
    """
)


def test_a_forked_child_gets_free_cache_and_memo_locks_even_if_the_parent_held_them():
    done = subprocess.run(
        [sys.executable, "-c", LOCK_HELD_ACROSS_FORK], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
