"""The options that bound each request to an OpenAI-compatible server: `--timeout` and `--max-retries`."""

from __future__ import annotations

import argparse
import math

from funreason_envs.errors import ConfigError

DEFAULT_TIMEOUT = 120.0
DEFAULT_MAX_RETRIES = 3


def add_request_arguments(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """`--timeout SECONDS` and `--max-retries N`, worded as `funreason eval` words them."""
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help="openai: seconds one request attempt may take in all, reply body included (default 120)",
    )
    parser.add_argument(
        "--max-retries",
        type=int,
        default=DEFAULT_MAX_RETRIES,
        help="openai: further attempts after a timeout, a dropped connection, 429 or 5xx (default 3)",
    )


def check_request_options(args: argparse.Namespace) -> None:
    """Refuse a timeout that is not a positive number of seconds and a negative retry count."""
    if args.max_retries < 0:
        raise ConfigError(f"--max-retries must be 0 or more, got {args.max_retries}")
    if not (math.isfinite(args.timeout) and args.timeout > 0):
        raise ConfigError(f"--timeout must be a positive number of seconds, got {args.timeout}")
