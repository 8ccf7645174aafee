"""Compile the JSON-Schema subset used by tool parameters into fast checking closures.

`jsonschema` is exact but costs ~10 µs per call; tool calls are the hot path of every rollout, so each
parameter schema is compiled once into nested closures that return `None` for a valid value and a
readable message otherwise. Keywords outside the subset are refused at compile time, so a spec can
never rely on a rule that is silently skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Checker = Callable[[Any], "str | None"]

ANNOTATION_KEYWORDS = frozenset({"description", "title", "default", "examples", "format", "$comment"})
SUPPORTED_KEYWORDS = ANNOTATION_KEYWORDS | {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
}

JSON_TYPE_NAMES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    tuple: "array",
    dict: "object",
    type(None): "null",
}


class UnsupportedSchemaError(ValueError):
    """A schema uses a keyword or type this compiler does not implement."""


def describe(value: Any, limit: int = 60) -> str:
    """A short `type value` description of a value for error messages."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{JSON_TYPE_NAMES.get(type(value), type(value).__name__)} {text}"


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def accept_any(value: Any) -> None:
    """The checker of a schema that constrains nothing."""
    return None


def compile_schema(schema: dict[str, Any], where: str = "") -> Checker:
    """Return a checker for `schema`; `where` prefixes messages (e.g. the argument name)."""
    unknown = set(schema) - SUPPORTED_KEYWORDS
    if unknown:
        raise UnsupportedSchemaError(f"unsupported schema keyword(s) {sorted(unknown)}")
    checks: list[Checker] = []
    type_check = _compile_type(schema.get("type"))
    if type_check is not None:
        checks.append(type_check)
    if "enum" in schema:
        checks.append(_compile_enum(schema["enum"]))
    checks.extend(_compile_bounds(schema))
    if "properties" in schema or "required" in schema or "additionalProperties" in schema:
        checks.append(_compile_object(schema))
    if "items" in schema:
        checks.append(_compile_items(schema["items"]))

    prefix = f"{where}: " if where else ""
    if not checks:
        return accept_any
    if len(checks) == 1:
        only = checks[0]
        if not prefix:
            return only

        def check_one(value: Any) -> str | None:
            problem = only(value)
            return None if problem is None else prefix + problem

        return check_one

    def check_all(value: Any) -> str | None:
        for check in checks:
            problem = check(value)
            if problem is not None:
                return prefix + problem
        return None

    return check_all


def _compile_type(declared: Any) -> Checker | None:
    if declared is None:
        return None
    names = [declared] if isinstance(declared, str) else list(declared)
    for name in names:
        if name not in TYPE_TESTS:
            raise UnsupportedSchemaError(f"unknown type {name!r}")
    tests = [TYPE_TESTS[name] for name in names]
    expected = " or ".join(names)

    if len(tests) == 1:
        test = tests[0]

        def check_single(value: Any) -> str | None:
            return None if test(value) else f"expected {expected}, got {describe(value)}"

        return check_single

    def check_union(value: Any) -> str | None:
        if any(test(value) for test in tests):
            return None
        return f"expected {expected}, got {describe(value)}"

    return check_union


def _compile_enum(options: list[Any]) -> Checker:
    def check_enum(value: Any) -> str | None:
        for option in options:
            if value == option and type(value) is type(option):
                return None
        return f"expected one of {options!r}, got {describe(value)}"

    return check_enum


def _compile_bounds(schema: dict[str, Any]) -> list[Checker]:
    checks: list[Checker] = []
    if "minimum" in schema:
        low = schema["minimum"]
        checks.append(lambda v: None if not _is_number(v) or v >= low else f"must be >= {low}, got {v!r}")
    if "maximum" in schema:
        high = schema["maximum"]
        checks.append(lambda v: None if not _is_number(v) or v <= high else f"must be <= {high}, got {v!r}")
    if "exclusiveMinimum" in schema:
        xlow = schema["exclusiveMinimum"]
        checks.append(lambda v: None if not _is_number(v) or v > xlow else f"must be > {xlow}, got {v!r}")
    if "exclusiveMaximum" in schema:
        xhigh = schema["exclusiveMaximum"]
        checks.append(lambda v: None if not _is_number(v) or v < xhigh else f"must be < {xhigh}, got {v!r}")
    for keyword, kind, compare in (
        ("minLength", str, "at least"),
        ("maxLength", str, "at most"),
        ("minItems", list, "at least"),
        ("maxItems", list, "at most"),
    ):
        if keyword in schema:
            checks.append(_length_check(schema[keyword], kind, compare == "at least"))
    return checks


def _length_check(limit: int, kind: type, is_lower: bool) -> Checker:
    unit = "characters" if kind is str else "items"

    def check_length(value: Any) -> str | None:
        if not isinstance(value, kind):
            return None
        size = len(value)
        if (size < limit) if is_lower else (size > limit):
            bound = "at least" if is_lower else "at most"
            return f"must have {bound} {limit} {unit}, got {size}"
        return None

    return check_length


def _compile_object(schema: dict[str, Any]) -> Checker:
    properties = {name: compile_schema(sub, repr(name)) for name, sub in schema.get("properties", {}).items()}
    required = tuple(schema.get("required", ()))
    extra = schema.get("additionalProperties", True)
    extra_check = compile_schema(extra) if isinstance(extra, dict) else None
    allow_extra = extra is not False
    known = tuple(properties)
    # Only what needs checking is called: a property that accepts anything is just a known name; when
    # every property does and no other is allowed, two set comparisons in C settle a valid value.
    checked = {name: check for name, check in properties.items() if check is not accept_any}
    names, needed = frozenset(properties), frozenset(required)
    names_only = not checked and not allow_extra

    def check_object(value: Any) -> str | None:
        if not isinstance(value, dict):
            return None
        if names_only and value.keys() <= names and value.keys() >= needed:
            return None
        for name in required:
            if name not in value:
                return f"missing required argument {name!r}"
        for name, item in value.items():
            check = checked.get(name)
            if check is not None:
                problem = check(item)
                if problem is not None:
                    return problem
            elif name in names:
                continue
            elif not allow_extra:
                listed = ", ".join(known) if known else "none"
                return f"unexpected argument {name!r} (accepted: {listed})"
            elif extra_check is not None:
                problem = extra_check(item)
                if problem is not None:
                    return f"{name!r}: {problem}"
        return None

    return check_object


def _compile_items(item_schema: dict[str, Any]) -> Checker:
    check_item = compile_schema(item_schema)

    def check_items(value: Any) -> str | None:
        if not isinstance(value, list):
            return None
        for index, item in enumerate(value):
            problem = check_item(item)
            if problem is not None:
                return f"item {index}: {problem}"
        return None

    return check_items


SAMPLE_WORDS = ("alpha", "report", "notes", "data", "draft", "summary", "archive", "temp", "log", "main")


def sample_value(schema: dict[str, Any], rng: Any, depth: int = 0) -> Any:
    """A random value valid for `schema`, drawn with a `numpy.random.Generator`.

    Uses `enum` and `examples` when present, respects numeric and length bounds, and fills every
    required property of an object (optional ones with probability one half).
    """
    if "enum" in schema:
        return schema["enum"][int(rng.integers(len(schema["enum"])))]
    if schema.get("examples") and rng.random() < 0.8:
        return schema["examples"][int(rng.integers(len(schema["examples"])))]
    declared = schema.get("type", "string")
    names = [declared] if isinstance(declared, str) else [n for n in declared if n != "null"] or ["null"]
    kind = names[int(rng.integers(len(names)))]
    if kind == "string":
        low = schema.get("minLength", 0)
        word = SAMPLE_WORDS[int(rng.integers(len(SAMPLE_WORDS)))]
        if int(rng.integers(3)) == 0:
            word += f"_{int(rng.integers(100))}.txt"
        text = word if len(word) >= low else word + "x" * (low - len(word))
        return text[: schema["maxLength"]] if "maxLength" in schema else text
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0 if kind == "integer" else 0.0))
        high = schema.get("maximum", schema.get("exclusiveMaximum", low + 100))
        if kind == "integer":
            low_i = int(low) + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0)
            high_i = int(high) - (1 if "exclusiveMaximum" in schema and "maximum" not in schema else 0)
            return int(rng.integers(low_i, max(low_i, high_i) + 1))
        value = round(float(rng.uniform(low, high)), 2)
        return min(max(value, low), high)
    if kind == "boolean":
        return bool(rng.integers(2))
    if kind == "array":
        low = schema.get("minItems", 0)
        high = schema.get("maxItems", low + 3)
        count = int(rng.integers(low, high + 1)) if depth < 3 else low
        return [sample_value(schema.get("items", {}), rng, depth + 1) for _ in range(count)]
    if kind == "object":
        required = set(schema.get("required", ()))
        result = {}
        for name, sub in schema.get("properties", {}).items():
            if name in required or (depth < 3 and rng.random() < 0.5):
                result[name] = sample_value(sub, rng, depth + 1)
        return result
    return None
