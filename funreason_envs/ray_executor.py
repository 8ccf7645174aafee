"""Run work items on a Ray cluster (or a local Ray instance): a pool of actors, results in item order.

The driver starts up to `max_concurrency` actors (a new one only while all are busy), each running one
batch of `batch` items at a time with one more queued, and never runs more than two batches per actor
ahead of the oldest result it still waits for, so memory and the load on a model server stay bounded.
A worker that dies (killed, node lost) makes
its batches run again on a fresh actor; an item whose worker dies on every attempt gets `on_lost`'s result
instead of being retried forever. Ctrl-C kills the actors, so no cluster work outlives the driver. Lost
workers, reruns, give-ups and cancelled items are counted in `stats` and reported on stderr.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from funreason_envs.errors import ConfigError, FunReasonError, MissingDependencyError
from funreason_envs.executors import OnLost

INSTALL_HINT = "pip install 'funreason-envs[ray]'"
PIPELINE = 2  # batches queued per actor: one running, one waiting, so an actor never idles between them
ATTEMPTS = 3  # tries per batch whose worker died before an item is given up as lost
SETTLE_SECONDS = 5.0  # how long a dead actor's other calls may take to report (a result or the death)
CONNECT_SECONDS = 5.0  # how long a --ray-address may take to accept a connection


def import_ray() -> Any:
    """The `ray` module, or a one-line error that says how to install it."""
    try:
        import ray
    except ImportError:
        raise MissingDependencyError(f"--executor ray needs Ray: {INSTALL_HINT}") from None
    return ray


@dataclass
class RayStats:
    """What happened to a run's items besides finishing normally."""

    workers_lost: int = 0
    items_rerun: int = 0
    items_lost: int = 0
    items_cancelled: int = 0

    def describe(self) -> str:
        """One line for stderr, or "" when nothing unusual happened."""
        parts = []
        if self.workers_lost:
            parts.append(
                f"{self.workers_lost} worker(s) died; {self.items_rerun} item(s) ran again elsewhere"
            )
        if self.items_lost:
            parts.append(f"{self.items_lost} item(s) given up after {ATTEMPTS} workers died on them")
        if self.items_cancelled:
            parts.append(
                f"interrupted: {self.items_cancelled} item(s) in flight cancelled (a rerun does them)"
            )
        return "ray: " + "; ".join(parts) if parts else ""


class _Worker:
    """The actor: holds the work function (and whatever state it keeps) and runs batches of items."""

    def __init__(self, work: Callable[[Any], Any]) -> None:
        self.work = work

    def run(self, batch: list[Any]) -> list[Any]:
        return [self.work(item) for item in batch]

    def pid(self) -> int:
        return os.getpid()


@dataclass
class _Batch:
    first: int  # the position of its first item in the run
    items: list[Any]
    attempts: int = 0  # times a worker died while running it


class RayExecutor:
    """Map work over items on Ray. `address` None joins the running Ray instance or starts a local one;
    `max_concurrency` None means one actor per CPU of the cluster."""

    def __init__(
        self, address: str | None = None, max_concurrency: int | None = None, batch: int = 1
    ) -> None:
        self._ray = import_ray()
        if max_concurrency is not None and max_concurrency < 1:
            raise ConfigError(f"--max-concurrency must be at least 1, got {max_concurrency}")
        if batch < 1:
            raise ConfigError(f"--ray-batch must be at least 1, got {batch}")
        self.address, self.max_concurrency, self.batch = address, max_concurrency, batch
        if self.address and not _reachable(self.address):
            raise ConfigError(
                f"--ray-address {self.address}: nothing answers there; start the head with "
                "`ray start --head --port 6379` or drop --ray-address to run a local Ray"
            )
        self.stats = RayStats()
        self.actors: list[Any] = []

    def map(
        self, work: Callable[[Any], Any], items: Iterable[Any], on_lost: OnLost | None = None
    ) -> Generator[Any, None, None]:
        ray = self._ray
        started = self._connect()
        cpus = max(float(ray.cluster_resources().get("CPU", 1.0)), 1.0)
        size = self.max_concurrency or int(cpus)
        actor_class = ray.remote(num_cpus=min(1.0, cpus / size))(_Worker)
        shared = ray.put(work)
        self.actors = []
        try:
            yield from self._schedule(items, on_lost, size, actor_class, shared)
        finally:
            for actor in self.actors:
                ray.kill(actor)
            self.actors = []
            if started:
                ray.shutdown()
            if line := self.stats.describe():
                print(line, file=sys.stderr)

    def _schedule(
        self,
        items: Iterable[Any],
        on_lost: OnLost | None,
        size: int,
        actor_class: Any,
        shared: Any,
    ) -> Generator[Any, None, None]:
        ray = self._ray
        source = iter(items)
        queue: deque[_Batch] = deque()  # batches to run again, before new ones
        running: dict[Any, tuple[_Batch, int, int]] = {}  # object ref -> (batch, actor slot, order sent)
        finished: dict[int, Any] = {}  # item position -> result, until handed on in order
        load: list[int] = []  # batches sent to each actor and not yet back
        window = PIPELINE * size * self.batch  # items taken from `items` but not yet handed on
        handed = taken = sent = 0
        exhausted = False
        try:
            while True:
                while len(load) < size or min(load) < PIPELINE:
                    if queue:
                        batch = queue.popleft()
                    elif not exhausted and taken - handed < window:
                        chunk = list(islice(source, self.batch))
                        if not chunk:
                            exhausted = True
                            continue
                        batch, taken = _Batch(taken, chunk), taken + len(chunk)
                    else:
                        break
                    if len(load) < size and (not load or min(load) > 0):  # grow the pool only when busy
                        self.actors.append(actor_class.remote(shared))
                        load.append(0)
                    slot = load.index(min(load))
                    running[self.actors[slot].run.remote(batch.items)] = (batch, slot, sent)
                    sent, load[slot] = sent + 1, load[slot] + 1
                while handed in finished:
                    yield finished.pop(handed)
                    handed += 1
                if not running:
                    if exhausted and not queue:
                        return
                    continue  # results were just handed on, which frees the window: take more
                [ref], _ = ray.wait(list(running), num_returns=1)
                batch, slot, _ = running[ref]
                try:
                    results = ray.get(ref)
                except ray.exceptions.RayTaskError as exc:  # the work itself raised: that stops the run
                    cause = getattr(exc, "cause", None)
                    raise (cause if isinstance(cause, FunReasonError) else exc) from None
                except (ray.exceptions.RayActorError, ray.exceptions.WorkerCrashedError) as exc:
                    for lost in self._worker_died(slot, running, finished, load, actor_class, shared):
                        if lost.attempts < ATTEMPTS:
                            queue.append(lost)
                            self.stats.items_rerun += len(lost.items)
                        elif on_lost is None:
                            raise
                        else:
                            self.stats.items_lost += 1
                            finished[lost.first] = on_lost(lost.items[0], exc)
                    continue
                del running[ref]
                load[slot] -= 1
                finished.update(zip(range(batch.first, batch.first + len(results)), results, strict=True))
        except KeyboardInterrupt:
            self.stats.items_cancelled = sum(len(batch.items) for batch, _, _ in running.values())
            raise

    def _worker_died(
        self,
        slot: int,
        running: dict[Any, tuple[_Batch, int, int]],
        finished: dict[int, Any],
        load: list[int],
        actor_class: Any,
        shared: Any,
    ) -> list[_Batch]:
        """Replace the dead actor in `slot` and return its batches to run again (results it delivered
        before dying are kept). Only the batch it was running (the first lost one; an actor runs its
        calls in order) counts an attempt, split into single items, so an item that kills every worker
        is given up alone."""
        ray = self._ray
        mine = [
            ref
            for _, ref in sorted((order, ref) for ref, (_, owner, order) in running.items() if owner == slot)
        ]
        ready, _ = ray.wait(mine, num_returns=len(mine), timeout=SETTLE_SECONDS)  # all fail soon
        lost: list[_Batch] = []
        for ref in mine:
            batch = running.pop(ref)[0]
            results = self._delivered(ref) if ref in ready else None
            if results is None:
                lost.append(batch)
            else:
                finished.update(zip(range(batch.first, batch.first + len(results)), results, strict=True))
        self.actors[slot] = actor_class.remote(shared)
        load[slot] = 0
        self.stats.workers_lost += 1
        culprit = lost[0]
        singles = [
            _Batch(culprit.first + offset, [item], culprit.attempts + 1)
            for offset, item in enumerate(culprit.items)
        ]
        return singles + lost[1:]

    def _delivered(self, ref: Any) -> list[Any] | None:
        """The results behind `ref`, or None if its worker died before delivering them."""
        ray = self._ray
        try:
            return ray.get(ref)
        except (ray.exceptions.RayActorError, ray.exceptions.WorkerCrashedError):
            return None

    def _connect(self) -> bool:
        """Join the cluster at `address` (or the running instance, or a new local one); True if started."""
        ray = self._ray
        if ray.is_initialized():
            return False
        try:
            ray.init(address=self.address, include_dashboard=False, logging_level=logging.WARNING)
        except ConnectionError as exc:
            raise ConfigError(
                f"--ray-address {self.address}: cannot reach a Ray cluster ({exc}); "
                "start one with `ray start --head` or drop --ray-address to run a local one"
            ) from None
        return True


def _reachable(address: str) -> bool:
    """Whether a `host:port` address accepts connections (other forms, `auto` or `ray://...`, are left to Ray:
    it would otherwise retry an unreachable head for minutes before saying so)."""
    host, _, port = address.rpartition(":")
    if "://" in address or not host or not port.isdigit():
        return True
    try:
        with socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS):
            return True
    except OSError:
        return False
