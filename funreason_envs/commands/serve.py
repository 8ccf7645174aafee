"""`funreason serve`: any FunReason env as an OpenEnv server (HTTP and WebSocket), for OpenEnv clients and
TRL's OpenEnv path. Needs the `openenv` extra."""

from __future__ import annotations

import argparse
import errno
import socket
from typing import Any

from funreason_envs.errors import ConfigError

MULTI_TURN = "FunReason/MultiTurn-v0"
MAX_PORT = 65535


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", default=MULTI_TURN, help="env id to serve (default %(default)s)")
    parser.add_argument("--tasks", help="MultiTurn-v0: task set, e.g. bfcl:base or a JSONL file")
    parser.add_argument("--bfcl-data", help="MultiTurn-v0: folder with BFCL data files")
    parser.add_argument(
        "--reward-mode", choices=("final", "turn", "partial"), default="final", help="MultiTurn-v0 reward"
    )
    parser.add_argument("--strict", action="store_true", help="MultiTurn-v0: strict checking")
    parser.add_argument("--domains", help="Combined-v0: domains to serve, e.g. trading,message")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port (default %(default)s)")
    parser.add_argument(
        "--max-sessions", type=int, default=16, help="concurrent WebSocket sessions (default %(default)s)"
    )


def env_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments `gym.make` gets for the served env."""
    if args.env == MULTI_TURN:
        kwargs: dict[str, Any] = {"reward_mode": args.reward_mode, "strict": args.strict}
        if args.tasks:
            kwargs["tasks"] = args.tasks
        if args.bfcl_data:
            kwargs["bfcl_data"] = args.bfcl_data
        return kwargs
    if args.tasks or args.bfcl_data or args.strict:
        raise ConfigError(f"--tasks, --bfcl-data and --strict apply to {MULTI_TURN} only, not {args.env}")
    return {"domains": args.domains} if args.domains else {}


def check_env(args: argparse.Namespace, kwargs: dict[str, Any]) -> None:
    """Build the served env once (and start every task of a task file), so bad --tasks or options are one
    line now instead of an HTTP 500 on every reset once the server runs."""
    import gymnasium as gym

    from funreason_envs.commands.eval import load_task_sets

    if args.env == MULTI_TURN and args.tasks:
        load_task_sets(args.tasks, args.bfcl_data, None)
    gym.make(args.env, **kwargs).close()


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on host:port, bound before the server is announced; one line if it cannot be."""
    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise ConfigError(f"--host {host}: not an address of this machine ({exc.strerror})") from None
    try:
        return socket.create_server(address, family=family)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"--port {port}: already in use on {host}; stop what listens there or choose another --port"
            ) from None
        raise ConfigError(
            f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc})"
        ) from None


def run(args: argparse.Namespace) -> int:
    from funreason_envs.integrations import require
    from funreason_envs.integrations.openenv import create_server

    if args.max_sessions < 1:
        raise ConfigError(f"--max-sessions must be at least 1, got {args.max_sessions}")
    if not 0 <= args.port <= MAX_PORT:
        raise ConfigError(f"--port must be 0 to {MAX_PORT} (0: any free port), got {args.port}")
    uvicorn = require("uvicorn", "openenv")
    kwargs = env_kwargs(args)
    app = create_server(args.env, max_sessions=args.max_sessions, **kwargs)
    check_env(args, kwargs)
    listener = listen(args.host, args.port)
    host, port = listener.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(
        f"serving {args.env} on http://{shown}:{port} (WebSocket /ws, {args.max_sessions} sessions)",
        flush=True,
    )
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[listener])
    return 0
