"""The options that choose where `eval` and `synthesize` run their work items: locally or on Ray."""

from __future__ import annotations

import argparse

from funreason_envs.errors import ConfigError
from funreason_envs.executors import Executor

EXECUTORS = ("local", "ray")


def add_executor_arguments(parser: argparse.ArgumentParser) -> None:
    """`--executor {local,ray}` and the Ray options (extra: ray)."""
    group = parser.add_argument_group("scale out (--executor ray; extra: ray)")
    group.add_argument(
        "--executor",
        default="local",
        choices=EXECUTORS,
        help="where work items run: local (this machine, --workers) or ray (a Ray cluster; the driver "
        "still writes the output) (default local)",
    )
    group.add_argument(
        "--ray-address",
        help="ray: the cluster to join, e.g. 10.0.0.1:6379 (default: the running local instance, else a new "
        "one)",
    )
    group.add_argument(
        "--max-concurrency",
        type=int,
        help="ray: items running at once across the cluster, which bounds the calls a model server gets "
        "(default: one per CPU of the cluster)",
    )
    group.add_argument(
        "--ray-batch",
        type=int,
        default=1,
        help="ray: items sent to a worker per call; more amortises Ray's overhead on cheap items (default 1)",
    )


def make_executor(args: argparse.Namespace) -> Executor | None:
    """The Ray executor the options ask for, or None for a local run (which keeps its own --workers)."""
    if args.executor == "local":
        used = [
            flag
            for flag, value, default in (
                ("--ray-address", args.ray_address, None),
                ("--max-concurrency", args.max_concurrency, None),
                ("--ray-batch", args.ray_batch, 1),
            )
            if value != default
        ]
        if used:
            raise ConfigError(f"{', '.join(used)} only apply with --executor ray")
        return None
    if args.workers != 1:
        raise ConfigError("--workers is for local runs; with --executor ray use --max-concurrency")
    from funreason_envs.ray_executor import RayExecutor

    return RayExecutor(args.ray_address, args.max_concurrency, args.ray_batch)
