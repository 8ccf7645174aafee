"""Tool specs: the model, the validated loader for `api_specs/*.json`, and conversions to other dialects.

A spec file is the single source of truth for a domain's tools: the environment validates calls
against it, agents are shown conversions of it, and the Environment-API graph is built from its
annotations. Property order in `parameters` is the positional-argument order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Self

import jsonschema
from pydantic import BaseModel, ConfigDict, Field

from funreason_envs.errors import SpecError
from funreason_envs.frozen import freeze
from funreason_envs.jsonutil import SCALARS
from funreason_envs.schema import Checker, UnsupportedSchemaError, compile_schema

SPEC_PACKAGE = "funreason_envs.api_specs"
SPEC_SCHEMA_FILE = "spec.schema.json"

# JSON-Schema types -> BFCL's function-doc dialect (its docs say "dict" and "float").
BFCL_TYPE_NAMES = {"object": "dict", "number": "float"}


class CachedViews(BaseModel):
    """A frozen model with `cached_property` views of its fields; a changed copy computes them afresh."""

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        copy = super().model_copy(update=update, deep=deep)
        for name, member in vars(type(self)).items():
            if isinstance(member, cached_property):
                copy.__dict__.pop(name, None)  # computed from the original's fields
        return copy


class Produced(BaseModel):
    """A resource type found in a tool's result, and where in the result it sits."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    resource: str
    at: str


class ToolSpec(CachedViews):
    """One tool: its interface (JSON Schema) plus the annotations the graph is built from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str
    parameters: dict[str, Any]
    returns: dict[str, Any]
    mutates_state: bool
    consumes: dict[str, str | tuple[str, ...]] = Field(default_factory=dict)
    produces: tuple[Produced, ...] = ()
    requires: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()
    may_provide: tuple[str, ...] = ()
    revokes: tuple[str, ...] = ()
    domain: str = ""

    @cached_property
    def consumed(self) -> dict[str, tuple[str, ...]]:
        """Parameter -> the resource types its argument may be (a single type becomes a 1-tuple)."""
        consumed = self.consumes.items()
        return {param: (types,) if isinstance(types, str) else tuple(types) for param, types in consumed}

    @cached_property
    def parameter_names(self) -> tuple[str, ...]:
        """Parameter names in positional order."""
        return tuple(self.parameters.get("properties", {}))

    @cached_property
    def required(self) -> frozenset[str]:
        return frozenset(self.parameters.get("required", ()))

    def compile_checker(self) -> Checker:
        """A fresh argument checker; parameters are closed (unknown arguments are errors).

        Callers keep the result (the per-class tool table, the action space): compiling is the slow part.
        """
        return compile_schema({"additionalProperties": False, **self.parameters})

    def compile_lenient_checker(self) -> Checker:
        """A checker of what a Python call would refuse too: a missing required or an unknown argument.

        Types, enums and bounds are not checked: bfcl-eval runs such calls, so BFCL scoring does too.
        """
        names = self.parameters.get("properties", {})
        required = list(self.parameters.get("required", ()))
        return compile_schema(
            {"additionalProperties": False, "properties": {name: {} for name in names}, "required": required}
        )

    def to_openai(self) -> dict[str, Any]:
        """An entry of OpenAI's `tools` list."""
        parameters = {
            "type": "object",
            "properties": _copy_json(self.parameters.get("properties", {})),
            "required": list(self.parameters.get("required", ())),
        }
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": parameters},
        }

    @cached_property
    def openai_shared(self) -> dict[str, Any]:
        """`to_openai()` built once and read-only (a `FrozenDict`): what envs put in `info["tools"]`."""
        return freeze(self.to_openai())

    def to_bfcl(self) -> dict[str, Any]:
        """A function doc in BFCL's dialect (`dict`/`float` types, `None` defaults as the string "None")."""
        return {
            "name": self.name,
            "description": self.description,
            "parameters": {
                "type": "dict",
                "properties": {
                    name: _to_bfcl_schema(sub) for name, sub in self.parameters.get("properties", {}).items()
                },
                "required": list(self.parameters.get("required", ())),
            },
            "response": _to_bfcl_schema(self.returns),
        }

    def to_text(self) -> str:
        """A compact, human-readable signature and description for plain-text prompts."""
        lines = [f"{self.name}({', '.join(self._signature_parts())})", f"    {self.description}"]
        for name, sub in self.parameters.get("properties", {}).items():
            note = sub.get("description", "")
            lines.append(f"    - {name} ({_type_label(sub)}): {note}".rstrip())
        return "\n".join(lines)

    def _signature_parts(self) -> Iterable[str]:
        for name, sub in self.parameters.get("properties", {}).items():
            label = f"{name}: {_type_label(sub)}"
            if name not in self.required:
                label += f" = {json.dumps(sub.get('default'))}"
            yield label


class DomainSpec(CachedViews):
    """All tools of one domain, with the domain's resource and condition vocabulary."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    domain: str
    title: str
    description: str
    bfcl_class: str | None = None
    implementation: str | None = None
    kit: str | None = None
    user_supplied: tuple[str, ...] = ()
    resources: dict[str, str] = Field(default_factory=dict)
    conditions: dict[str, str] = Field(default_factory=dict)
    tools: tuple[ToolSpec, ...]

    @cached_property
    def by_name(self) -> dict[str, ToolSpec]:
        return {tool.name: tool for tool in self.tools}

    def tool(self, name: str) -> ToolSpec:
        return self.by_name[name]


def _type_label(schema: dict[str, Any]) -> str:
    declared = schema.get("type", "any")
    label = "|".join(declared) if isinstance(declared, list) else declared
    if label == "array" and "items" in schema:
        label = f"array[{_type_label(schema['items'])}]"
    return label


def _to_bfcl_schema(schema: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "type":
            names = [value] if isinstance(value, str) else [n for n in value if n != "null"]
            converted["type"] = BFCL_TYPE_NAMES.get(names[0], names[0])
        elif key == "properties":
            converted["properties"] = {name: _to_bfcl_schema(sub) for name, sub in value.items()}
        elif key == "items":
            converted["items"] = _to_bfcl_schema(value)
        elif key == "default" and value is None:
            converted["default"] = "None"
        else:
            converted[key] = _copy_json(value)
    return converted


def _copy_json(value: Any) -> Any:
    # plain dicts and lists all the way down (read-only views too); scalars are shared, not visited
    if isinstance(value, dict):
        return {key: item if type(item) in SCALARS else _copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [item if type(item) in SCALARS else _copy_json(item) for item in value]
    return value


@cache
def _spec_file_validator() -> jsonschema.Draft202012Validator:
    text = resources.files(SPEC_PACKAGE).joinpath(SPEC_SCHEMA_FILE).read_text(encoding="utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


def _where(data: dict[str, Any], path: Iterable[Any]) -> tuple[str, str]:
    """Split a JSON path inside a spec file into (tool name, dotted field) for messages."""
    parts = list(path)
    tool = "-"
    if len(parts) >= 2 and parts[0] == "tools" and isinstance(parts[1], int):
        tools = data.get("tools", [])
        entry = tools[parts[1]] if parts[1] < len(tools) else {}
        tool = entry.get("name", f"#{parts[1]}") if isinstance(entry, dict) else f"#{parts[1]}"
        parts = parts[2:]
    field = ".".join(str(part) for part in parts) or "-"
    return tool, field


def parse_spec(data: Any, source: str) -> DomainSpec:
    """Validate decoded spec-file data and build the model; errors read `source: tool: field: problem`."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise SpecError(f"{source}: -: -: the file must hold a JSON object, got {type(data).__name__}")
    for error in sorted(_spec_file_validator().iter_errors(data), key=lambda e: list(map(str, e.path))):
        tool, field = _where(data, error.absolute_path)
        problems.append(f"{source}: {tool}: {field}: {error.message}")
    if problems:
        raise SpecError("\n".join(problems))

    seen: set[str] = set()
    for tool in data["tools"]:
        name = tool["name"]
        if name in seen:
            problems.append(f"{source}: {name}: name: duplicate tool name")
        seen.add(name)
        properties = tool["parameters"]["properties"]
        for required in tool["parameters"].get("required", []):
            if required not in properties:
                problems.append(f"{source}: {name}: parameters.required: {required!r} is not a parameter")
        for param in tool.get("consumes", {}):
            if param not in properties:
                problems.append(f"{source}: {name}: consumes.{param}: not a parameter of the tool")
        try:
            compile_schema({"additionalProperties": False, **tool["parameters"]})
        except UnsupportedSchemaError as exc:
            problems.append(f"{source}: {name}: parameters: {exc}")
        try:
            jsonschema.Draft202012Validator.check_schema(tool["parameters"])
        except jsonschema.SchemaError as exc:
            problems.append(f"{source}: {name}: parameters: not a valid JSON Schema: {exc.message}")
    problems.extend(_vocabulary_problems(data, source))
    if problems:
        raise SpecError("\n".join(problems))

    domain = data["domain"]
    tools = tuple(ToolSpec(**tool, domain=domain) for tool in data["tools"])
    fields = {key: value for key, value in data.items() if key not in {"tools", "$schema"}}
    return DomainSpec(**fields, tools=tools)


def _vocabulary_problems(data: dict[str, Any], source: str) -> list[str]:
    """Graph annotations may only name the resource types and conditions the file declares."""
    resources = data.get("resources", {})
    conditions = data.get("conditions", {})
    problems = [
        f"{source}: -: user_supplied: resource {name!r} is not declared in 'resources'"
        for name in data.get("user_supplied", [])
        if name not in resources
    ]
    for tool in data["tools"]:
        name = tool["name"]
        for param, types in tool.get("consumes", {}).items():
            for kind in [types] if isinstance(types, str) else types:
                if kind not in resources:
                    problems.append(
                        f"{source}: {name}: consumes.{param}: resource {kind!r} "
                        "is not declared in 'resources'"
                    )
        for index, produced in enumerate(tool.get("produces", [])):
            if produced["resource"] not in resources:
                problems.append(
                    f"{source}: {name}: produces.{index}.resource: resource {produced['resource']!r} "
                    "is not declared in 'resources'"
                )
        for field in ("requires", "provides", "may_provide", "revokes"):
            for condition in tool.get(field, []):
                if condition not in conditions:
                    problems.append(
                        f"{source}: {name}: {field}: condition {condition!r} is not declared in 'conditions'"
                    )
    return problems


def load_spec_file(path: str | Path) -> DomainSpec:
    """Load and validate one spec file from disk."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"{path}: -: -: no such file") from None
    except json.JSONDecodeError as exc:
        raise SpecError(f"{path}: -: line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}") from None
    return parse_spec(data, str(path))


def spec_domains() -> list[str]:
    """Names of the domains that ship a spec file."""
    files = resources.files(SPEC_PACKAGE)
    return sorted(
        entry.name.removesuffix(".json")
        for entry in files.iterdir()
        if entry.name.endswith(".json") and entry.name != SPEC_SCHEMA_FILE
    )


@cache
def load_domain_spec(domain: str) -> DomainSpec:
    """The packaged spec of `domain`, loaded and validated once per process (specs are immutable)."""
    entry = resources.files(SPEC_PACKAGE).joinpath(f"{domain}.json")
    if not entry.is_file():
        known = ", ".join(spec_domains()) or "none"
        raise SpecError(f"{domain}.json: -: -: no spec for domain {domain!r} (known: {known})")
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SpecError(
            f"{domain}.json: -: line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}"
        ) from None
    spec = parse_spec(data, f"{domain}.json")
    if spec.domain != domain:
        raise SpecError(
            f"{domain}.json: -: domain: the file declares domain {spec.domain!r}; rename one of them"
        )
    return spec
