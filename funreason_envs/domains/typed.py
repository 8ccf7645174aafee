"""Typed domains: a domain written as one Python class, from which its tool spec is derived.

Tools are methods marked with `@tool`; their parameters come from the type hints, their descriptions
from the docstring (first paragraph for the tool, an `Args:` section for parameters), and the decorator
carries the graph annotations (`mutates`, `consumes`, `produces`, `requires`, `provides`, `revokes`).
Conditions are methods marked with `@condition` that say whether they hold now. The state is a pydantic
model, so `initial_config` is validated and snapshots come from `model_dump`. A tool raises
`ToolFailure` to refuse a call: the agent sees `{"error": ...}` and the state is restored.
"""

from __future__ import annotations

import functools
import inspect
import random
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python

from funreason_envs.domains.base import Domain
from funreason_envs.domains.typed_schema import annotation_schema
from funreason_envs.errors import ConfigError, SpecError, ToolFailure
from funreason_envs.jsonutil import copy_json
from funreason_envs.specs import DomainSpec, parse_spec

__all__ = ["ToolFailure", "ToolInfo", "TypedDomain", "condition", "spec_data", "tool"]

TOOL_MARK = "__funreason_tool__"
CONDITION_MARK = "__funreason_condition__"
ARGS_HEADER = re.compile(r"^\s*(Args|Arguments|Parameters):\s*$")
ARG_LINE = re.compile(r"^\s+(\w+)(?:\s*\([^)]*\))?:\s*(.*)$")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class ToolInfo:
    """What `@tool` records beside the method: graph annotations and optional wording for synthesis."""

    mutates: bool = False
    consumes: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)
    produces: tuple[tuple[str, str], ...] = ()  # (resource type, path into the result)
    requires: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()
    may_provide: tuple[str, ...] = ()
    revokes: tuple[str, ...] = ()
    returns: Mapping[str, Any] | None = None  # the result's JSON Schema, when the return hint says too little
    say: tuple[str, ...] = ()  # how a user asks for it, with `{param}` placeholders (optional)
    goal: bool = True  # False: a look-up users never ask for by itself, only a step toward a goal
    refer: Mapping[str, str] = field(default_factory=dict)  # resource -> how a user points at a result
    done: str = ""  # how the assistant tells what a call did, with `{param}` and `{result.key}` placeholders
    owned: bool = False  # an action the user owns (buying, paying): synthesis never leaves it implicit


def tool(
    function: F | None = None,
    *,
    mutates: bool = False,
    consumes: Mapping[str, str | Sequence[str]] | None = None,
    produces: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    requires: Sequence[str] = (),
    provides: Sequence[str] = (),
    may_provide: Sequence[str] = (),
    revokes: Sequence[str] = (),
    returns: Mapping[str, Any] | None = None,
    say: Sequence[str] = (),
    refer: Mapping[str, str] | None = None,
    done: str = "",
    owned: bool = False,
    goal: bool = True,
) -> Any:
    """Mark a method of a `TypedDomain` as a tool (usable bare, `@tool`, or with annotations).

    `consumes` maps a parameter to the resource type(s) its argument is; `produces` maps a resource
    type to where its values sit in the result (`"id"`, `"items[].id"`, `""` for the whole result).
    `goal=False` marks a look-up that synthesized users never ask for by itself (only as a step).
    Wording for synthesis (each optional; the spec's words are used without it): `say`, goal templates
    ("transfer {amount} to {payee}"); `refer`, per produced resource, how a user points back at it ("the
    payee I saved"); `done`, the assistant's report of the call ("Sent {amount}: {result.status}.");
    `owned=True`, an action the user owns (putting a product in the cart), which a synthesized user always
    asks for, never left for the assistant to infer as a prerequisite.
    """
    made = produces.items() if isinstance(produces, Mapping) else (produces or ())
    used = (consumes or {}).items()
    info = ToolInfo(
        mutates=mutates,
        consumes={param: kinds if isinstance(kinds, str) else tuple(kinds) for param, kinds in used},
        produces=tuple((resource, at) for resource, at in made),
        requires=tuple(requires),
        provides=tuple(provides),
        may_provide=tuple(may_provide),
        revokes=tuple(revokes),
        returns=returns,
        say=tuple(say),
        refer=dict(refer or {}),
        done=done,
        owned=owned,
        goal=goal,
    )

    def mark(method: F) -> F:
        @functools.wraps(method)
        def run(self: TypedDomain, *args: Any, **kwargs: Any) -> Any:
            saved = self.state.model_copy(deep=True) if info.mutates else None
            try:
                value = method(self, *args, **kwargs)
            except ToolFailure as exc:
                if saved is not None:
                    self.state = saved
                return {"error": str(exc)}
            except BaseException:
                if saved is not None:
                    self.state = saved
                raise
            return to_jsonable_python(value)  # a fresh copy: results never alias the live state

        setattr(run, TOOL_MARK, info)
        return typing.cast(F, run)

    return mark(function) if function is not None else mark


def condition(method: F) -> F:
    """Mark a method `(self) -> bool` as a state condition; its docstring says what it means."""
    setattr(method, CONDITION_MARK, True)
    return method


class TypedDomain(Domain):
    """Base class of domains written in Python: set `name`, `State`, the `resources` vocabulary, and
    mark tools with `@tool` and conditions with `@condition`.

    `scenario(rng)` draws a varied initial config for synthesis; `available_resources()` lists the
    values of each resource type the state holds (what an argument sampler may pick); `backstories`
    ("I'm moving house next week") give synthesized users a reason to be there.
    """

    bfcl_class: ClassVar[str | None] = None
    title: ClassVar[str] = ""
    State: ClassVar[type[BaseModel]]
    resources: ClassVar[Mapping[str, str]] = {}
    user_supplied: ClassVar[tuple[str, ...]] = ()
    backstories: ClassVar[tuple[str, ...]] = ()  # clauses a synthesized user's story is drawn from
    # resource types whose values in the starting state a synthesized user knows (None: every type the
    # state offers); ids a user never sees (an email's id) must then come from a look-up
    known_resources: ClassVar[tuple[str, ...] | None] = None
    # False keeps the domain out of synthesis (no derived kit) until its data would be worth training on
    synthesizable: ClassVar[bool] = True
    state: BaseModel

    def load(self, config: Mapping[str, Any], long_context: bool = False) -> None:
        try:
            self.state = self.State.model_validate(copy_json(dict(config)))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "-"
            raise ConfigError(f"{type(self).__name__} config: {where}: {first['msg']}") from None

    def state_dict(self) -> dict[str, Any]:
        return self.state.model_dump(mode="json")

    def conditions(self) -> set[str]:
        return {name for name, method in _conditions(type(self)).items() if method(self)}

    @classmethod
    def scenario(cls, rng: random.Random) -> dict[str, Any]:
        """An initial config for one synthesized conversation; the default is the State's defaults."""
        return {}

    @classmethod
    def tool_methods(cls) -> list[str]:
        return sorted(_tools(cls))

    @classmethod
    def typed_spec(cls) -> DomainSpec:
        """The spec derived from the class (validated like a spec file), built once per class."""
        return _typed_spec(cls)


def spec_data(cls: type[TypedDomain]) -> dict[str, Any]:
    """The spec of a typed domain as spec-file data (what `funreason spec-export` writes)."""
    name = inspect.getattr_static(cls, "name", None)
    if not isinstance(name, str):
        raise SpecError(f"{cls.__qualname__}: -: name: set a class attribute name = 'my_domain'")
    if not isinstance(getattr(cls, "State", None), type) or not issubclass(cls.State, BaseModel):
        raise SpecError(f"{name}: -: State: set State to a pydantic model class holding the domain's state")
    description = _paragraphs(cls.__doc__)[0] if cls.__doc__ else ""
    if not description:
        raise SpecError(f"{name}: -: description: give {cls.__qualname__} a docstring saying what it is")
    target = f"{cls.__module__}:{cls.__qualname__}"
    data: dict[str, Any] = {
        "domain": name,
        "title": cls.title or cls.__name__,
        "description": description,
        "implementation": target,
        **({"kit": target} if cls.synthesizable else {}),
        "user_supplied": list(cls.user_supplied),
        "resources": dict(cls.resources),
        "conditions": {key: _paragraphs(method.__doc__)[0] for key, method in _conditions(cls).items()},
        "tools": [_tool_data(name, key, method) for key, method in _tools(cls).items()],
    }
    missing = [key for key, text in data["conditions"].items() if not text]
    if missing:
        raise SpecError(f"{name}: -: conditions: give {missing} a docstring saying what the condition means")
    return data


@functools.cache
def _typed_spec(cls: type[TypedDomain]) -> DomainSpec:
    return parse_spec(spec_data(cls), cls.__qualname__)


def _tools(cls: type) -> dict[str, Callable[..., Any]]:
    """Method name -> tool function, in definition order (base classes first)."""
    found: dict[str, Callable[..., Any]] = {}
    for klass in reversed(cls.__mro__):
        for key, value in vars(klass).items():
            if hasattr(value, TOOL_MARK):
                found[key] = value
    return found


def _conditions(cls: type) -> dict[str, Callable[[Any], bool]]:
    found: dict[str, Callable[[Any], bool]] = {}
    for klass in reversed(cls.__mro__):
        for key, value in vars(klass).items():
            if getattr(value, CONDITION_MARK, False):
                found[key] = value
    return found


def _tool_data(domain: str, name: str, method: Callable[..., Any]) -> dict[str, Any]:
    info: ToolInfo = getattr(method, TOOL_MARK)
    where = f"{domain}: {name}"
    paragraphs = _paragraphs(method.__doc__)
    if not paragraphs[0]:
        raise SpecError(f"{where}: description: give the method a docstring saying what the tool does")
    notes = _argument_notes(method.__doc__ or "")
    hints = typing.get_type_hints(method, include_extras=True)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for param in list(inspect.signature(method).parameters.values())[1:]:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise SpecError(f"{where}: parameters: *{param.name} is not allowed; name every parameter")
        if param.name not in hints:
            raise SpecError(f"{where}: parameters.{param.name}: give the parameter a type hint")
        schema = annotation_schema(hints[param.name], f"{where}: parameters.{param.name}")
        if param.name in notes and "description" not in schema:
            schema = {"description": notes[param.name], **schema}
        if param.default is param.empty:
            required.append(param.name)
        else:
            schema["default"] = to_jsonable_python(param.default)
        properties[param.name] = schema
    returns = dict(info.returns) if info.returns is not None else _returns(hints, where)
    data: dict[str, Any] = {
        "name": name,
        "description": paragraphs[0],
        "parameters": {"type": "object", "properties": properties, "required": required},
        "returns": returns,
        "mutates_state": info.mutates,
    }
    optional = {
        "consumes": {key: list(v) if isinstance(v, tuple) else v for key, v in info.consumes.items()},
        "produces": [{"resource": resource, "at": at} for resource, at in info.produces],
        "requires": list(info.requires),
        "provides": list(info.provides),
        "may_provide": list(info.may_provide),
        "revokes": list(info.revokes),
    }
    data.update({key: value for key, value in optional.items() if value})
    return data


def _returns(hints: dict[str, Any], where: str) -> dict[str, Any]:
    hint = hints.get("return")
    if hint is None or hint is Any:
        return {"type": "object"}
    schema = annotation_schema(hint, f"{where}: returns")
    return schema if schema.get("type") == "object" else {"type": "object", "properties": {"result": schema}}


def _paragraphs(doc: str | None) -> list[str]:
    """A docstring's paragraphs, each on one line; the `Args:` section is left out."""
    text = inspect.cleandoc(doc or "")
    kept = []
    for block in re.split(r"\n\s*\n", text):
        if ARGS_HEADER.match(block.splitlines()[0] if block else ""):
            continue
        kept.append(" ".join(block.split()))
    return kept or [""]


def _argument_notes(doc: str) -> dict[str, str]:
    """Parameter name -> description, from a Google-style `Args:` section (ends at a blank line)."""
    lines = inspect.cleandoc(doc).splitlines()
    start = next((index for index, line in enumerate(lines) if ARGS_HEADER.match(line)), None)
    notes: dict[str, str] = {}
    if start is None:
        return notes
    indent, current = None, None
    for line in lines[start + 1 :]:
        depth = len(line) - len(line.lstrip())
        if not line.strip() or depth == 0:
            break
        indent = depth if indent is None else indent
        match = ARG_LINE.match(line)
        if depth == indent and match:
            current = match.group(1)
            notes[current] = match.group(2).strip()
        elif current is not None:
            notes[current] = f"{notes[current]} {line.strip()}"
    return notes
