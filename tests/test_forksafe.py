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
