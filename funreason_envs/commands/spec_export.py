"""`funreason spec-export`: write the spec file of typed domains (`TypedDomain` classes) as JSON.

The JSON is what the class already says; writing it lets packaged typed domains be discovered without
importing code, and `--check` (for tests and CI) fails when a file no longer matches its class.
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path
from typing import Any

from funreason_envs.domains.typed import TypedDomain, spec_data
from funreason_envs.errors import ConfigError

EXIT_STALE = 1  # --check found a file that differs from its class


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("classes", nargs="+", help="typed domain classes as 'module:Class'")
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=Path("api_specs"),
        help="folder for <domain>.json (default: api_specs)",
    )
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is out of date")


def run(args: argparse.Namespace) -> int:
    if not args.out_dir.is_dir():
        raise ConfigError(
            f"folder {str(args.out_dir)!r} does not exist; create it or choose another --out-dir"
        )
    stale = []
    for target in args.classes:
        data = spec_data(import_typed(target))
        path = args.out_dir / f"{data['domain']}.json"
        text = spec_text(data)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if args.check:
            if current != text:
                stale.append(str(path))
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}: {len(data['tools'])} tools")
    if stale:
        print(f"out of date: {', '.join(stale)}; run funreason spec-export without --check to rewrite them")
        return EXIT_STALE
    return 0


def spec_text(data: dict[str, Any]) -> str:
    """A spec file's text: the packaged files' layout (schema reference first, two-space indent)."""
    return json.dumps({"$schema": "./spec.schema.json", **data}, indent=2, ensure_ascii=False) + "\n"


def import_typed(target: str) -> type[TypedDomain]:
    """The `TypedDomain` subclass named by 'module:Class'."""
    module_name, _, class_name = target.partition(":")
    if not class_name:
        raise ConfigError(f"{target!r}: name the class as 'module:Class'")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot import {target!r}: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, TypedDomain)):
        raise ConfigError(f"{target!r} is not a TypedDomain subclass")
    return cls
