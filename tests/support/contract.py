"""What a domain's implementation must agree on with its spec: each method's parameters (names, order,
types, required flags, defaults). Returns the disagreements so a test states its own expectation."""

from __future__ import annotations

import collections.abc
import inspect
import json
import types
import typing
from typing import Any

from funreason_envs.domains.base import Domain
from funreason_envs.specs import ToolSpec

# Python annotation -> the JSON-Schema type it stands for.
JSON_TYPES: dict[Any, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "array",
    tuple: "array",
    collections.abc.Sequence: "array",
    dict: "object",
    collections.abc.Mapping: "object",
    type(None): "null",
}


def json_types(hint: Any) -> set[str] | None:
    """The JSON-Schema types an annotation admits; None for `Any` (no claim to check)."""
    if hint is Any:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        found: set[str] = set()
        for arg in typing.get_args(hint):
            part = json_types(arg)
            if part is None:
                return None
            found |= part
        return found
    if origin is typing.Literal:
        return {JSON_TYPES[type(value)] for value in typing.get_args(hint)}
    if isinstance(hint, typing.NewType):
        return json_types(hint.__supertype__)
    base = origin or hint
    if base not in JSON_TYPES:
        return {f"unmapped {hint!r}"}
    return {JSON_TYPES[base]}


def _schema_types(schema: dict[str, Any]) -> set[str]:
    declared = schema.get("type", ())
    return {declared} if isinstance(declared, str) else set(declared)


def _as_json(value: Any) -> Any:
    return json.loads(json.dumps(value))


def signature_problems(cls: type[Domain], tool: ToolSpec) -> list[str]:
    """Where the method of `tool` disagrees with the spec on parameter names, order, types, required
    flags or defaults (a default is compared as JSON: a Python tuple default equals a JSON list)."""
    method = getattr(cls, tool.name, None)
    if method is None:
        return [f"{tool.name}: no method"]
    hints = typing.get_type_hints(method)
    parameters = [
        p for p in list(inspect.signature(method).parameters.values())[1:] if p.kind != p.VAR_KEYWORD
    ]
    problems = []
    if [p.name for p in parameters] != list(tool.parameter_names):
        problems.append(f"{tool.name}: parameters {[p.name for p in parameters]} != {tool.parameter_names}")
    properties = tool.parameters.get("properties", {})
    for parameter in parameters:
        schema = properties.get(parameter.name)
        if schema is None:
            continue
        where = f"{tool.name}.{parameter.name}"
        if parameter.name not in hints:
            problems.append(f"{where}: no annotation")
        else:
            annotated = json_types(hints[parameter.name])
            if annotated is not None and annotated != _schema_types(schema):
                problems.append(
                    f"{where}: annotated {sorted(annotated)}, spec {sorted(_schema_types(schema))}"
                )
        has_default = parameter.default is not parameter.empty
        if has_default == (parameter.name in tool.required):
            problems.append(
                f"{where}: required in the spec: {not has_default}; default in code: {has_default}"
            )
        if has_default and "default" not in schema:
            problems.append(f"{where}: default {parameter.default!r} in code, none in the spec")
        elif has_default and _as_json(parameter.default) != schema["default"]:
            problems.append(
                f"{where}: default {parameter.default!r} in code, {schema['default']!r} in the spec"
            )
    return problems
