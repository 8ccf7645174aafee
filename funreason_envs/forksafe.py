"""Keep forked env workers from hanging: OpenMP (torch's and faiss's) is not fork-safe, so a child that
enters a parallel region its parent already used waits forever. `AsyncVectorEnv` forks by default, and the
vector-memory env encodes with torch, so forked children run torch and faiss on one thread."""

from __future__ import annotations

import os
import sys


def _one_thread_after_fork() -> None:
    """In a freshly forked child, switch the OpenMP users that are already loaded to a single thread."""
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
    faiss = sys.modules.get("faiss")
    if faiss is not None:
        faiss.omp_set_num_threads(1)


def install() -> None:
    """Register the child-side fork hook (the package calls this once, on import)."""
    os.register_at_fork(after_in_child=_one_thread_after_fork)
