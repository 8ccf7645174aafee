"""The `funreason` command line: one subcommand per module in `funreason_envs.commands`."""

from __future__ import annotations

import argparse
import importlib
import os
import select
import signal
import sys
from collections.abc import Sequence

from funreason_envs.errors import FunReasonError

# Subcommand name -> module exposing `add_arguments(parser)` and `run(args) -> int`, and a summary.
COMMANDS: dict[str, tuple[str, str]] = {
    "envs": ("funreason_envs.commands.envs", "list the registered environments and their tools"),
    "eval": (
        "funreason_envs.commands.eval",
        "evaluate an agent on task sets, or re-score recorded responses",
    ),
    "graph": ("funreason_envs.commands.graph", "export the Environment-API graph (png, json, graphml)"),
    "new-domain": (
        "funreason_envs.commands.new_domain",
        "write a typed-domain skeleton and its test (funreason new-domain NAME)",
    ),
    "quality": (
        "funreason_envs.commands.quality",
        "quality figures of synthesized data (optionally beside BFCL's multi_turn_base)",
    ),
    "serve": ("funreason_envs.commands.serve", "serve an env as an OpenEnv server (extra: openenv)"),
    "spec-export": (
        "funreason_envs.commands.spec_export",
        "write the api_specs JSON of typed domain classes (or --check it is up to date)",
    ),
    "synthesize": (
        "funreason_envs.commands.synthesize",
        "synthesize verified multi-turn trajectories (FunReason-MT)",
    ),
}


EXIT_USAGE = 2  # a bad command line, a bad option value or a bad input file
EXIT_CLOSED_PIPE = 128 + signal.SIGPIPE  # what a shell reports for `yes | head`: the reader went away


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="funreason",
        description="Stateful tool-use environments, the Environment-API graph, "
        "and FunReason-MT data synthesis.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, summary) in COMMANDS.items():
        command = sub.add_parser(name, help=summary, description=summary)
        command.set_defaults(command_parser=command)  # for errors in the subcommand's own usage
        importlib.import_module(module_name).add_arguments(command)
    return parser


def _version() -> str:
    from funreason_envs import __version__

    return f"funreason-envs {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if unknown:  # a misspelled option: show the subcommand's usage, not the top-level one
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        module = importlib.import_module(COMMANDS[args.command][0])
        code = int(module.run(args) or 0)
        sys.stdout.flush()  # a reader that went away shows here, not in a traceback at exit
        return code
    except BrokenPipeError:
        if not _reader_gone():
            raise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        return EXIT_CLOSED_PIPE
    except FunReasonError as exc:
        print(f"funreason {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"funreason {args.command}: interrupted; rerun the same command to continue", file=sys.stderr)
        return 130


def _reader_gone() -> bool:
    """Whether stdout is a pipe whose reader has exited (`funreason envs | head`), rather than some other
    broken pipe (a socket) that should still be reported."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (OSError, ValueError):  # no real stdout (captured, closed)
        return False


if __name__ == "__main__":
    sys.exit(main())
