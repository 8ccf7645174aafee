"""Small helpers for JSON-shaped data: fast copies, JSON-able views, BFCL's result serialisation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from funreason_envs.errors import ConfigError

SCALARS = frozenset({str, int, float, bool, type(None)})


def copy_json(value: Any) -> Any:
    """Copy nested dicts and lists (much faster than `copy.deepcopy` for JSON-shaped data)."""
    kind = type(value)
    if kind is dict:
        return {key: item if type(item) in SCALARS else copy_json(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in SCALARS else copy_json(item) for item in value]
    if kind is set:
        return set(value)
    return value


def to_jsonable(value: Any) -> Any:
    """A JSON-able copy: sets become sorted lists, tuples lists, non-string keys strings."""
    kind = type(value)
    if kind in SCALARS:
        return value
    if kind is dict:
        return {
            key if type(key) is str else str(key): item if type(item) in SCALARS else to_jsonable(item)
            for key, item in value.items()
        }
    if kind is list or kind is tuple:
        return [item if type(item) in SCALARS else to_jsonable(item) for item in value]
    if isinstance(value, dict):
        return to_jsonable(dict(value))
    if isinstance(value, (list, tuple)):
        return to_jsonable(list(value))
    if isinstance(value, (set, frozenset)):
        return sorted((to_jsonable(item) for item in value), key=repr)
    return value


def serialize_result(value: Any) -> str:
    """A tool's return value as the string the model sees, exactly as bfcl-eval renders it.

    Strings pass through; dicts go through `json.dumps` (falling back to `str`); everything else,
    including `None` and lists, through `str()`.
    """
    kind = type(value)
    if kind is str:
        return value
    if kind is dict:
        try:
            return json.dumps(value)
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each non-empty line; a bad line raises `ConfigError` as `file:line: ...`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    for number, raw in enumerate(data.splitlines(), 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{path}:{number}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
            ) from None
        if line.strip():
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{number}: invalid JSON: {exc.msg}") from None
            except RecursionError:
                raise ConfigError(f"{path}:{number}: nested too deeply to read") from None
