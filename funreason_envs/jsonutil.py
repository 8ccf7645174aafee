"""Small helpers for JSON-shaped data: fast copies, JSON-able views, BFCL's result serialisation."""

from __future__ import annotations

import json
from typing import Any


def copy_json(value: Any) -> Any:
    """Copy nested dicts and lists (much faster than `copy.deepcopy` for JSON-shaped data)."""
    kind = type(value)
    if kind is dict:
        return {key: copy_json(item) for key, item in value.items()}
    if kind is list:
        return [copy_json(item) for item in value]
    if kind is set:
        return set(value)
    return value


def to_jsonable(value: Any) -> Any:
    """A JSON-able copy: sets become sorted lists, tuples lists, non-string keys strings."""
    if isinstance(value, dict):
        return {key if isinstance(key, str) else str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item) for item in value]
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
