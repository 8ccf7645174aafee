"""TRL's `GRPOTrainer(environment_factory=...)` over any FunReason task set.

    from funreason_envs.integrations.trl import build_dataset, environment_factory

    dataset = build_dataset("bfcl:base")                    # one prompt row per (task, turn)
    factory = environment_factory("bfcl:base", reward="turn")
    trainer = GRPOTrainer(model=..., args=..., train_dataset=dataset, environment_factory=factory)

TRL turns an environment's public methods into the model's tools, reading each schema from the method's
type hints and Google-style docstring (`transformers.utils.get_json_schema`; it has no hook for a ready
schema). So every tool method here is generated from our spec: the parameter order, types, required
parameters and descriptions are ours, and what the hints cannot carry (examples, defaults, nested object
fields, item schemas) is written into the parameter's description as JSON.

A rollout is one user turn. `reset(task_id=..., turn=...)` replays the earlier turns from the ground
truth (the dataset row's prompt holds their messages); `get_reward()` closes the turn, since TRL never
passes the model's final reply to the environment, and pays the verdict (`"turn"`, `"final"` or
`"partial"`, see `funreason_envs.integrations.episode`). Held-out tools: each distinct set of visible
tools is its own environment class, chosen per row by the dataset's `environment` column.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Literal, Union

from funreason_envs.domains import domain_class
from funreason_envs.errors import ConfigError
from funreason_envs.integrations.episode import (
    TurnEpisode,
    TurnReward,
    check_settings,
    replayed_conversation,
    resolve_tasks,
)
from funreason_envs.tasks import Task

JSON_TYPES: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "object": dict,
    "null": type(None),
}
TurnChoice = Literal["all", "first", "last"]


def tool_method(tool: Mapping[str, Any]) -> Callable[..., str]:
    """A method whose signature and docstring make `get_json_schema` render this OpenAI tool."""
    function = tool.get("function", tool)
    name = function["name"]
    schema = function.get("parameters") or {}
    properties: Mapping[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or ())

    def call_tool(self: FunReasonEnvironment, **arguments: Any) -> str:
        return self.episode.call(name, arguments)

    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    annotations: dict[str, Any] = {"return": str}
    lines = []
    for parameter, property_schema in properties.items():
        annotation = annotation_for(property_schema)
        default = inspect.Parameter.empty if parameter in required else property_schema.get("default")
        parameters.append(
            inspect.Parameter(
                parameter, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
            )
        )
        annotations[parameter] = annotation
        lines.append(f"    {parameter}: {parameter_description(property_schema)}")
    description = " ".join(str(function.get("description") or name).split())
    call_tool.__name__ = call_tool.__qualname__ = name
    call_tool.__signature__ = inspect.Signature(parameters, return_annotation=str)  # type: ignore[attr-defined]
    call_tool.__annotations__ = annotations
    call_tool.__doc__ = description + ("\n\nArgs:\n" + "\n".join(lines) if lines else "")
    return call_tool


def annotation_for(schema: Mapping[str, Any]) -> Any:
    """The type hint `get_json_schema` maps back to this JSON-Schema `type` (and `items`)."""
    kind = schema.get("type")
    if isinstance(kind, list):
        hints = tuple(annotation_for({**schema, "type": single}) for single in kind)
        return Union[hints]  # noqa: UP007  (a runtime union of computed types)
    if kind == "array":
        items = schema.get("items")
        return list[annotation_for(items)] if isinstance(items, Mapping) and "type" in items else list
    if kind in JSON_TYPES:
        return JSON_TYPES[kind]
    return Any


def parameter_description(schema: Mapping[str, Any]) -> str:
    """The description, then as JSON what type hints cannot say: enum, default, examples, nested schemas."""
    parts = [" ".join(str(schema.get("description") or "").split())]
    if isinstance(schema.get("properties"), Mapping):
        parts.append(f"Fields: {_json(schema['properties'])}.")
    items = schema.get("items")
    if isinstance(items, Mapping) and set(items) - {"type"}:
        parts.append(f"Items: {_json(items)}.")
    if "default" in schema:
        parts.append(f"Default: {_json(schema['default'])}.")
    if "examples" in schema:
        parts.append(f"Examples: {_json(schema['examples'])}.")
    text = " ".join(part for part in parts if part)
    if "enum" in schema:
        text += f" (choices: {_json(schema['enum'])})"
    return text


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class FunReasonEnvironment:
    """Base of the generated environment classes: one `TurnEpisode` per instance (TRL pools, resets them)."""

    tasks: ClassVar[Sequence[Task]] = ()
    reward: ClassVar[TurnReward] = "turn"
    strict: ClassVar[bool] = False
    max_steps_per_turn: ClassVar[int] = 20

    def __init__(self) -> None:
        self.episode = TurnEpisode(
            self.tasks, reward=self.reward, strict=self.strict, max_steps_per_turn=self.max_steps_per_turn
        )

    def reset(self, task_id: str, turn: int = 0, **row: Any) -> None:
        """Start the row's task at its turn (earlier turns replayed); the prompt already shows them."""
        self.episode.start(str(task_id), turn)

    def get_reward(self) -> float:
        """Close the turn and pay its verdict."""
        return self.episode.finish()


def environment_key(task: Task, turn: int) -> str:
    """The name of the environment class for a task's turn: its domains and the tools still hidden."""
    hidden = sorted(task.revealed_by(turn))
    return "+".join(task.domains) + (f" -{','.join(hidden)}" if hidden else "")


def visible_tools(task: Task, turn: int) -> list[dict[str, Any]]:
    """The OpenAI tools a model may call in `turn` of `task`."""
    hidden = task.revealed_by(turn)
    specs = [tool for name in task.domains for tool in domain_class(name).spec().tools]
    return [spec.to_openai() for spec in specs if spec.name not in hidden]


def environment_class(
    name: str, tools: Sequence[Mapping[str, Any]], tasks: Sequence[Task], **settings: Any
) -> type[FunReasonEnvironment]:
    """A `FunReasonEnvironment` subclass whose methods are exactly `tools`."""
    methods: dict[str, Any] = {}
    for tool in tools:
        method = tool_method(tool)
        if method.__name__ in ("reset", "get_reward") or method.__name__ in methods:
            raise ConfigError(f"tool name {method.__name__!r} clashes with another method of the environment")
        methods[method.__name__] = method
    class_name = "FunReason_" + "".join(ch if ch.isalnum() else "_" for ch in name)
    return type(class_name, (FunReasonEnvironment,), {"tasks": tuple(tasks), **settings, **methods})


def environment_factory(
    tasks: str | Sequence[Task | Mapping[str, Any]],
    *,
    reward: TurnReward = "turn",
    strict: bool = False,
    max_steps_per_turn: int = 20,
    bfcl_data: str | None = None,
) -> dict[str, type[FunReasonEnvironment]]:
    """`environment_factory` for `GRPOTrainer`: one class per visible-tool set, keyed as `build_dataset`'s
    `environment` column names them. Every setting is checked here, not when TRL builds an instance."""
    check_settings(reward, strict, max_steps_per_turn)
    resolved = resolve_tasks(tasks, bfcl_data)
    tool_sets: dict[str, list[dict[str, Any]]] = {}
    for task in resolved:
        for turn in range(len(task.turns)):
            key = environment_key(task, turn)
            if key not in tool_sets:
                tool_sets[key] = visible_tools(task, turn)
    settings = {"reward": reward, "strict": strict, "max_steps_per_turn": max_steps_per_turn}
    return {key: environment_class(key, tools, resolved, **settings) for key, tools in tool_sets.items()}


def prompt_rows(
    tasks: str | Sequence[Task | Mapping[str, Any]],
    *,
    turns: TurnChoice = "all",
    bfcl_data: str | None = None,
) -> list[dict[str, Any]]:
    """Prompt rows `{"prompt", "task_id", "turn", "environment"}`: one per task and chosen turn."""
    if turns not in ("all", "first", "last"):
        raise ConfigError(f"turns {turns!r} is not one of all, first, last")
    rows = []
    for task in resolve_tasks(tasks, bfcl_data):
        count = len(task.turns)
        chosen = {"all": range(count), "first": range(1), "last": range(count - 1, count)}[turns]
        for turn in chosen:
            rows.append(
                {
                    "prompt": replayed_conversation(task, turn),
                    "task_id": task.id,
                    "turn": turn,
                    "environment": environment_key(task, turn),
                }
            )
    return rows


def build_dataset(
    tasks: str | Sequence[Task | Mapping[str, Any]],
    *,
    turns: TurnChoice = "all",
    bfcl_data: str | None = None,
) -> Any:
    """`prompt_rows` as a HF `datasets.Dataset` (extra `datasets`), the `train_dataset` of GRPOTrainer."""
    from funreason_envs.integrations import require

    datasets = require("datasets", "datasets")
    return datasets.Dataset.from_list(prompt_rows(tasks, turns=turns, bfcl_data=bfcl_data))
