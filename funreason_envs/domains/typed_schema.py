"""Python type hints as the JSON-Schema subset tool specs use (see `funreason_envs.schema`).

Pydantic writes the schema; this module inlines its `$ref`s, drops titles, and folds unions of plain
types (`str | None`) and `Literal` constants into `type` lists and `enum`s, so the result passes the
project's schema compiler and reads like the hand-written BFCL specs.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from funreason_envs.errors import SpecError
from funreason_envs.schema import SUPPORTED_KEYWORDS


def annotation_schema(annotation: Any, where: str) -> dict[str, Any]:
    """The JSON Schema of a type hint; `where` ("domain: tool: param") prefixes a refusal."""
    try:
        raw = TypeAdapter(annotation).json_schema(mode="serialization")
    except Exception as exc:  # pydantic refuses types it cannot describe
        raise SpecError(f"{where}: cannot describe the type {annotation!r} as JSON Schema: {exc}") from None
    return simplify(raw, raw.get("$defs", {}), where)


def simplify(schema: dict[str, Any], defs: dict[str, Any], where: str) -> dict[str, Any]:
    """Inline references and fold unions; refuse keywords the tool-spec compiler does not know."""
    if "$ref" in schema:
        target = defs[schema["$ref"].rsplit("/", 1)[-1]]
        extra = {key: value for key, value in schema.items() if key != "$ref"}
        return simplify({**target, **extra}, defs, where)
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("title", "$defs"):
            continue
        if key == "anyOf":
            out.update(_fold_union([simplify(item, defs, where) for item in value], where))
        elif key == "const":
            out["enum"] = [value]
        elif key == "properties":
            out[key] = {name: simplify(sub, defs, where) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = simplify(value, defs, where)
        elif key in SUPPORTED_KEYWORDS:
            out[key] = value
        else:
            raise SpecError(f"{where}: the type uses {key!r}, which tool specs do not support; simplify it")
    return out


def _fold_union(options: list[dict[str, Any]], where: str) -> dict[str, Any]:
    """`X | None` and unions of plain types as one `type` list. A union whose members constrain values
    differently (`Literal["a"] | int`, two object models) has no such form and is refused."""
    kinds: list[str] = []
    merged: dict[str, Any] = {}
    for option in options:
        kind = option.get("type")
        if not isinstance(kind, str):
            raise SpecError(f"{where}: a union member without one plain type cannot be described; simplify")
        kinds.append(kind)
        for key, value in option.items():
            if key != "type" and merged.setdefault(key, value) != value:
                raise SpecError(f"{where}: union members disagree on {key!r}; use one type or split the tool")
    if "enum" in merged and any("enum" not in option for option in options if option["type"] != "null"):
        raise SpecError(f"{where}: a union of fixed values and a free type cannot be described; simplify")
    if "enum" in merged and "null" in kinds:  # `Literal["a", "b"] | None` accepts None too
        merged["enum"] = [*merged["enum"], None]
    return {"type": kinds, **merged}
