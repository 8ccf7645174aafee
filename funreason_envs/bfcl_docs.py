"""BFCL's own multi-turn function docs, read from the installed bfcl-eval package, as OpenAI `tools`.

These are the descriptions the leaderboard shows models, so they are kept as data, word for word, and
converted the way bfcl-eval prepares them for function-calling models: its Python-syntax note appended to
each description, BFCL types mapped to JSON-Schema ones (`dict`->`object`, `float`->`number` with
`format: "float"` and a note in the description, `tuple`->`array`, `any`->`string`), and the `response`
schema kept beside the parameters. bfcl-eval is located, never imported (importing it creates folders).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from funreason_envs.errors import ConfigError, MissingDependencyError
from funreason_envs.jsonutil import copy_json, read_jsonl

INSTALL_HINT = "pip install --no-deps bfcl-eval==2026.3.23"
# Which doc file of `bfcl_eval/data/multi_turn_func_doc/` holds each BFCL class's functions.
DOC_FILES = {
    "GorillaFileSystem": "gorilla_file_system.json",
    "MathAPI": "math_api.json",
    "MessageAPI": "message_api.json",
    "TwitterAPI": "posting_api.json",
    "TicketAPI": "ticket_api.json",
    "TradingBot": "trading_bot.json",
    "TravelAPI": "travel_booking.json",
    "VehicleControlAPI": "vehicle_control.json",
    "WebSearchAPI": "web_search.json",
    "MemoryAPI_kv": "memory_kv.json",
    "MemoryAPI_vector": "memory_vector.json",
    "MemoryAPI_rec_sum": "memory_rec_sum.json",
}
PYTHON_NOTE = " Note that the provided function is in Python 3 syntax."
FLOAT_NOTE = " This is a float type value."
JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "array", "object", "null"})
TYPE_NAMES = {"dict": "object", "float": "number", "tuple": "array", "list": "array", "bool": "boolean"}


def bfcl_doc_folder() -> Path:
    """The folder of BFCL's multi-turn function docs inside the installed bfcl-eval package."""
    spec = importlib.util.find_spec("bfcl_eval")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(f"BFCL's function docs come from the bfcl-eval package: {INSTALL_HINT}")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "multi_turn_func_doc"
    if not folder.is_dir():
        raise MissingDependencyError(f"{folder} is missing; reinstall bfcl-eval: {INSTALL_HINT}")
    return folder


def load_bfcl_docs(class_names: Iterable[str]) -> list[dict[str, Any]]:
    """BFCL's function docs (its own dialect, unchanged) for these classes, in the order given."""
    names = list(class_names)
    unknown = [name for name in names if name not in DOC_FILES]
    if unknown:
        raise ConfigError(f"unknown BFCL class(es) {unknown}; known: {', '.join(DOC_FILES)}")
    folder = bfcl_doc_folder()
    docs: list[dict[str, Any]] = []
    for name in names:
        docs.extend(doc for _, doc in read_jsonl(folder / DOC_FILES[name]))
    return docs


def bfcl_tools(class_names: Iterable[str], *, keep_response: bool = True) -> list[dict[str, Any]]:
    """OpenAI `tools` entries for these BFCL classes, as bfcl-eval shows them to function-calling models."""
    return [doc_to_tool(doc, keep_response=keep_response) for doc in load_bfcl_docs(class_names)]


def doc_to_tool(doc: Mapping[str, Any], *, keep_response: bool = True) -> dict[str, Any]:
    """One BFCL function doc as an OpenAI `tools` entry (see the module docstring for the conversion)."""
    parameters = copy_json(dict(doc.get("parameters") or {}))
    parameters["type"] = "object"
    parameters["properties"] = _properties(parameters.get("properties") or {})
    function: dict[str, Any] = {
        "name": doc["name"],
        "description": doc.get("description", "") + PYTHON_NOTE,
        "parameters": parameters,
    }
    if keep_response and "response" in doc:
        function["response"] = copy_json(doc["response"])
    return {"type": "function", "function": function}


def _properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    for name, schema in properties.items():
        entry = copy_json(dict(schema))
        declared = entry.get("type")
        if declared == "float":
            entry["format"] = "float"
            entry["description"] = entry.get("description", "") + FLOAT_NOTE
        entry["type"] = _json_type(declared)
        _convert_children(entry)
        converted[name] = entry
    return converted


def _items(schema: Any) -> Any:
    if not isinstance(schema, Mapping):
        return schema  # a tuple-style list of item schemas: BFCL leaves these alone
    entry = copy_json(dict(schema))
    if "type" in entry:
        entry["type"] = _json_type(entry["type"])
    _convert_children(entry)
    return entry


def _convert_children(entry: dict[str, Any]) -> None:
    if "properties" in entry:
        entry["properties"] = _properties(entry["properties"])
    elif "items" in entry:
        entry["items"] = _items(entry["items"])


def _json_type(declared: Any) -> str:
    """BFCL's type name as a JSON-Schema type; a missing or unknown type becomes `string`, as in BFCL."""
    if declared in JSON_TYPES:
        return str(declared)
    return TYPE_NAMES.get(declared, "string")


class BfclToolView:
    """Show a BFCL task's visible tools as bfcl-eval's own function docs (what the leaderboard shows).

    Other tasks keep our specs. Docs are read once per set of classes; held-out tools stay hidden
    because only the names visible in the env's tool list are kept.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[str, ...], list[dict[str, Any]]] = {}

    def __call__(self, tools: list[dict[str, Any]], task: Any | None) -> list[dict[str, Any]]:
        classes = tuple(getattr(task, "metadata", {}).get("bfcl_involved_classes", ()))
        if not classes:
            return tools
        if classes not in self._cache:
            self._cache[classes] = bfcl_tools(classes)
        visible = {tool["function"]["name"] for tool in tools}
        return [copy_json(tool) for tool in self._cache[classes] if tool["function"]["name"] in visible]
