"""BFCL's own function docs as OpenAI tools: every class loads, types are mapped as bfcl-eval maps them
for function-calling models, descriptions are kept word for word, a missing bfcl-eval is one clear line.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from funreason_envs.bfcl_docs import DOC_FILES, PYTHON_NOTE, bfcl_tools, doc_to_tool, load_bfcl_docs
from funreason_envs.errors import ConfigError, MissingDependencyError
from funreason_envs.schema import compile_schema
from funreason_envs.specs import load_domain_spec
from tests.support.oracle import require_bfcl


def test_every_class_loads_in_order_with_valid_openai_schemas():
    require_bfcl()
    counts = {"GorillaFileSystem": 18, "MathAPI": 17, "MessageAPI": 10, "TwitterAPI": 14, "TicketAPI": 9}
    counts |= {"TradingBot": 20, "TravelAPI": 18, "VehicleControlAPI": 22, "WebSearchAPI": 2}
    counts |= {"MemoryAPI_kv": 15, "MemoryAPI_vector": 12, "MemoryAPI_rec_sum": 5}
    for name, count in counts.items():
        tools = bfcl_tools([name])
        assert len(tools) == count, name
        for tool in tools:
            parameters = tool["function"]["parameters"]
            assert tool["type"] == "function" and parameters["type"] == "object"
            compile_schema(parameters)  # raises on a type or keyword that is not JSON Schema
            assert not _types(parameters) & {"float", "dict", "tuple", "any"}
    both = [tool["function"]["name"] for tool in bfcl_tools(["MathAPI", "GorillaFileSystem"])]
    assert both[:17] == [doc["name"] for doc in load_bfcl_docs(["MathAPI"])] and both[17] == "cat"


def _types(schema: object) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        if isinstance(schema.get("type"), str):
            found.add(schema["type"])
        for value in schema.values():
            found |= _types(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _types(value)
    return found


def test_conversion_follows_bfcl_for_function_calling_models():
    require_bfcl()
    docs = {doc["name"]: doc for doc in load_bfcl_docs(["MathAPI", "TicketAPI", "GorillaFileSystem"])}
    add = doc_to_tool(docs["add"])["function"]
    assert (
        add["description"]
        == docs["add"]["description"] + " Note that the provided function is in Python 3 syntax."
    )
    assert add["parameters"]["properties"]["a"] == {
        "type": "number",
        "description": "First number. This is a float type value.",
        "format": "float",
    }
    assert add["response"] == docs["add"]["response"]  # kept as BFCL wrote it (its own dialect)
    assert "response" not in doc_to_tool(docs["add"], keep_response=False)["function"]
    mean = doc_to_tool(docs["mean"])["function"]["parameters"]["properties"]["numbers"]
    assert mean["items"] == {"type": "number"} and "format" not in mean
    updates = doc_to_tool(docs["edit_ticket"])["function"]["parameters"]["properties"]["updates"]
    assert updates["type"] == "object" and updates["properties"]["priority"]["type"] == "integer"
    ls = doc_to_tool(docs["ls"])["function"]["parameters"]
    assert ls["properties"]["a"]["default"] is False and ls["required"] == []
    assert docs["add"]["parameters"]["properties"]["a"]["type"] == "float"  # the source doc is not changed


def test_tuple_any_and_untyped_properties():
    doc = {
        "name": "f",
        "description": "d.",
        "parameters": {
            "type": "dict",
            "properties": {
                "pair": {"type": "tuple", "description": "p", "items": {"type": "float"}},
                "anything": {"type": "any", "description": "x"},
                "untyped": {"description": "u"},
                "rows": {"type": "array", "items": {"type": "dict", "properties": {"v": {"type": "float"}}}},
            },
            "required": [],
        },
    }
    properties = doc_to_tool(doc)["function"]["parameters"]["properties"]
    assert properties["pair"] == {"type": "array", "description": "p", "items": {"type": "number"}}
    assert properties["anything"]["type"] == "string" and properties["untyped"]["type"] == "string"
    assert properties["rows"]["items"]["properties"]["v"]["format"] == "float"
    assert doc_to_tool(doc)["function"]["description"] == "d." + PYTHON_NOTE


def test_bfcl_tools_have_our_specs_names_and_parameter_order():
    require_bfcl()
    ours = {name: spec.parameter_names for name, spec in load_domain_spec("file_system").by_name.items()}
    theirs = {
        tool["function"]["name"]: tuple(tool["function"]["parameters"]["properties"])
        for tool in bfcl_tools(["GorillaFileSystem"])
    }
    assert theirs == ours


def test_unknown_class_and_missing_package_are_one_line_errors(monkeypatch):
    with pytest.raises(
        ConfigError, match=r"unknown BFCL class\(es\) \['FileSystem'\]; known: GorillaFileSystem"
    ):
        bfcl_tools(["FileSystem"])
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "bfcl_eval" else real_find_spec(name, *a),
    )
    with pytest.raises(MissingDependencyError, match=r"pip install --no-deps bfcl-eval==2026.3.23"):
        bfcl_tools(["MathAPI"])
    assert len(DOC_FILES) == 12


def test_tools_are_plain_json():
    require_bfcl()
    tools = bfcl_tools(list(DOC_FILES))
    assert json.loads(json.dumps(tools)) == tools and len(tools) == 162
