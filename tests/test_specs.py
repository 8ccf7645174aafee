"""Spec files: validation with `file: tool: field: problem` errors, and the three conversions."""

from __future__ import annotations

import json

import jsonschema
import pytest

from funreason_envs.domains import domain_class, domain_names
from funreason_envs.errors import SpecError
from funreason_envs.specs import load_domain_spec, load_spec_file, spec_domains

MINIMAL_TOOL = {
    "name": "tail",
    "description": "Show the end of a file.",
    "parameters": {
        "type": "object",
        "properties": {"file_name": {"type": "string"}, "lines": {"type": "integer", "default": 10}},
        "required": ["file_name"],
    },
    "returns": {"type": "object"},
    "mutates_state": False,
}


def write_spec(tmp_path, tools, **extra):
    data = {"domain": "demo", "title": "Demo", "description": "A demo domain.", "tools": tools, **extra}
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(data))
    return path


def test_every_registered_domain_ships_a_valid_spec():
    assert set(domain_names()) <= set(spec_domains())
    for name in domain_names():
        spec = load_domain_spec(name)
        assert spec.domain == name
        assert domain_class(name).tool_table().keys() == spec.by_name.keys()


def test_error_names_file_tool_field_and_problem(tmp_path):
    broken = dict(MINIMAL_TOOL, mutates_state="no")
    path = write_spec(tmp_path, [broken])
    with pytest.raises(SpecError) as caught:
        load_spec_file(path)
    assert str(caught.value) == f"{path}: tail: mutates_state: 'no' is not of type 'boolean'"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"parameters": {"type": "object", "properties": {}, "required": ["x"]}},
            "tail: parameters.required: 'x'",
        ),
        ({"consumes": {"nope": "file_name"}}, "tail: consumes.nope: not a parameter of the tool"),
        (
            {"parameters": {"type": "object", "properties": {"x": {"oneOf": []}}}},
            "unsupported schema keyword",
        ),
        ({"surprise": 1}, "tail: -: Additional properties are not allowed ('surprise' was unexpected)"),
    ],
)
def test_semantic_problems_are_reported(tmp_path, change, message):
    path = write_spec(tmp_path, [dict(MINIMAL_TOOL, **change)])
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_spec_file(path)


def test_duplicate_tools_and_bad_json(tmp_path):
    with pytest.raises(SpecError, match="tail: name: duplicate tool name"):
        load_spec_file(write_spec(tmp_path, [MINIMAL_TOOL, MINIMAL_TOOL]))
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  oops")
    with pytest.raises(SpecError, match=r"bad.json: -: line 2 column 3: invalid JSON"):
        load_spec_file(bad)
    with pytest.raises(SpecError, match="no such file"):
        load_spec_file(tmp_path / "missing.json")


def test_openai_conversion_is_a_valid_function_schema():
    tool = load_domain_spec("file_system").tool("tail")
    converted = tool.to_openai()
    assert converted["type"] == "function"
    function = converted["function"]
    assert function["name"] == "tail"
    assert list(function["parameters"]["properties"]) == ["file_name", "lines"]
    assert function["parameters"]["required"] == ["file_name"]
    jsonschema.Draft202012Validator.check_schema(function["parameters"])
    function["parameters"]["properties"]["lines"]["type"] = "string"  # a copy: the spec is untouched
    assert tool.parameters["properties"]["lines"]["type"] == "integer"


def test_bfcl_conversion_uses_bfcl_dialect():
    echo = load_domain_spec("file_system").tool("echo").to_bfcl()
    assert echo["parameters"]["type"] == "dict"
    assert echo["parameters"]["properties"]["file_name"] == {
        "type": "string",
        "default": "None",
        "description": echo["parameters"]["properties"]["file_name"]["description"],
    }
    assert echo["response"]["type"] == "dict"


def test_text_conversion_lists_signature_and_parameters():
    text = load_domain_spec("file_system").tool("tail").to_text()
    assert text.splitlines()[0] == "tail(file_name: string, lines: integer = 10)"
    assert "- lines (integer):" in text


def annotated_spec(tmp_path, **tool_fields):
    vocabulary = {
        "resources": {"file_name": "A file's name.", "text": "Some text."},
        "conditions": {"file_here": "A file is here."},
        "user_supplied": ["file_name"],
    }
    return write_spec(tmp_path, [dict(MINIMAL_TOOL, **tool_fields)], **vocabulary)


def test_graph_annotations_load_with_alternatives_and_possible_effects(tmp_path):
    path = annotated_spec(
        tmp_path,
        consumes={"file_name": ["file_name", "text"]},
        produces=[{"resource": "text", "at": "lines[]|lines"}],
        requires=["file_here"],
        may_provide=["file_here"],
        revokes=["file_here"],
    )
    tool = load_spec_file(path).tool("tail")
    assert tool.consumed == {"file_name": ("file_name", "text")}
    assert tool.produces[0].at == "lines[]|lines"
    assert tool.may_provide == ("file_here",)
    shipped = load_domain_spec("file_system").tool("cat")
    assert shipped.consumed == {"file_name": ("file_name",)}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"consumes": {"file_name": "path"}}, "tail: consumes.file_name: resource 'path' is not declared"),
        (
            {"produces": [{"resource": "size", "at": "size"}]},
            "tail: produces.0.resource: resource 'size' is not declared",
        ),
        ({"may_provide": ["online"]}, "tail: may_provide: condition 'online' is not declared"),
        ({"requires": ["online"]}, "tail: requires: condition 'online' is not declared"),
        ({"produces": [{"resource": "text", "at": "a..b"}]}, "tail: produces.0.at: 'a..b' does not match"),
        ({"produces": [{"resource": "text", "at": "a|x"}]}, "tail: produces.0.at: 'a|x' does not match"),
        ({"consumes": {"file_name": []}}, "tail: consumes.file_name: "),
    ],
)
def test_annotations_must_use_the_declared_vocabulary(tmp_path, fields, message):
    path = annotated_spec(tmp_path, **fields)
    with pytest.raises(SpecError, match=f"^{path}: " + message.replace("|", r"\|").replace(".", r"\.")):
        load_spec_file(path)


def test_user_supplied_types_must_be_declared(tmp_path):
    path = write_spec(tmp_path, [MINIMAL_TOOL], user_supplied=["ghost"])
    with pytest.raises(SpecError, match=r"-: user_supplied: resource 'ghost' is not declared in 'resources'"):
        load_spec_file(path)


def test_a_changed_copy_of_a_spec_describes_itself_not_the_original():
    domain = domain_class("math").spec()
    tool = domain.tools[0]
    assert tool.openai_shared and tool.parameter_names and domain.by_name  # computed and cached
    changed = tool.model_copy(update={"name": "renamed", "description": "changed"})
    assert changed.openai_shared["function"]["name"] == "renamed"
    assert changed.openai_shared["function"]["description"] == "changed"
    assert tool.openai_shared["function"]["name"] == domain.tools[0].name != "renamed"
    assert list(domain.model_copy(update={"tools": (changed,)}).by_name) == ["renamed"]
