"""The compiled argument checker agrees with jsonschema on every tool's parameters."""

from __future__ import annotations

import jsonschema
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from funreason_envs.domains import domain_class, domain_names
from funreason_envs.schema import compile_schema, sample_value

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=8,
)


def all_tools():
    return [tool for name in domain_names() for tool in domain_class(name).spec().tools]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_checker_agrees_with_jsonschema(data):
    tool = data.draw(st.sampled_from(all_tools()))
    names = [*tool.parameter_names, "extra"]
    arguments = data.draw(st.dictionaries(st.sampled_from(names), JSON_VALUES, max_size=4))
    schema = {"additionalProperties": False, **tool.parameters}
    expected = jsonschema.Draft202012Validator(schema).is_valid(arguments)
    assert (compile_schema(schema)(arguments) is None) == expected


def test_samples_are_valid_for_every_tool():
    rng = np.random.default_rng(0)
    for tool in all_tools():
        check = tool.compile_checker()
        for _ in range(20):
            assert check(sample_value(tool.parameters, rng)) is None, tool.name


def test_messages_name_the_argument():
    check = compile_schema(
        {
            "type": "object",
            "properties": {
                "n": {"type": "integer", "minimum": 1},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["n"],
            "additionalProperties": False,
        }
    )
    assert check({}) == "missing required argument 'n'"
    assert check({"n": "3"}) == "'n': expected integer, got string '3'"
    assert check({"n": 0}) == "'n': must be >= 1, got 0"
    assert check({"n": 1, "tags": ["a", 2]}) == "'tags': item 1: expected string, got integer 2"
    assert check({"n": 1, "x": 1}) == "unexpected argument 'x' (accepted: n, tags)"
    assert check({"n": True}) == "'n': expected integer, got boolean True"
