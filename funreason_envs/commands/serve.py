"""`funreason serve`: any FunReason env as an OpenEnv server (HTTP and WebSocket), for OpenEnv clients and
TRL's OpenEnv path. Needs the `openenv` extra."""

from __future__ import annotations

import argparse
from typing import Any

from funreason_envs.errors import ConfigError

MULTI_TURN = "FunReason/MultiTurn-v0"


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


def run(args: argparse.Namespace) -> int:
    from funreason_envs.integrations import require
    from funreason_envs.integrations.openenv import create_server

    if args.max_sessions < 1:
        raise ConfigError(f"--max-sessions must be at least 1, got {args.max_sessions}")
    uvicorn = require("uvicorn", "openenv")
    app = create_server(args.env, max_sessions=args.max_sessions, **env_kwargs(args))
    print(
        f"serving {args.env} on http://{args.host}:{args.port} (WebSocket /ws, {args.max_sessions} sessions)"
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
