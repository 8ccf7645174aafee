"""The contract every registered domain keeps with its spec file, parametrized over the registry: method
signatures match the spec, the state probes speak the spec's vocabulary and agree with the graph
annotations over random calls, and the synthesis kit's value makers name real parameters and resources."""

from __future__ import annotations

import random
import typing

import pytest

from funreason_envs.domains import domain_class, domain_names
from funreason_envs.domains.base import Domain
from funreason_envs.synthesis.kits import kit_domains, kit_for
from tests.support.contract import json_types, signature_problems
from tests.support.kit_checks import ProbeQuirks, probe_disagreements

DOMAINS = domain_names()
# Behaviour kept as bfcl-eval has it that per-tool annotations cannot say (see ProbeQuirks).
QUIRKS = {
    # echo without a file name prints its text; `requires: file_here` is about writing into a file
    # (a name in a result is a name in the folder it was read from, and ls lists files with folders)
    "file_system": ProbeQuirks(conditional_requires={"echo": "file_name"}, relative_products=True),
    # trading_logout with nobody logged in reports a status and changes nothing
    "trading": ProbeQuirks(no_op_refusals=True),
}


@pytest.mark.parametrize("domain", DOMAINS)
def test_methods_agree_with_the_spec(domain):
    cls = domain_class(domain)
    spec = cls.spec()
    assert cls.tool_methods() == sorted(spec.by_name)
    assert list(cls.tool_table()) == [tool.name for tool in spec.tools]
    problems = [problem for tool in spec.tools for problem in signature_problems(cls, tool)]
    assert problems == []


def test_the_signature_check_sees_each_kind_of_disagreement():
    """The checker itself: a class that gets every point wrong is told so, point by point."""

    class Wrong(Domain):
        def cd(self, folder: int = 3) -> None: ...

    spec = domain_class("file_system").spec().tool("cd")
    problems = signature_problems(Wrong, spec)
    assert problems == [
        "cd.folder: annotated ['integer'], spec ['string']",
        "cd.folder: required in the spec: False; default in code: True",
        "cd.folder: default 3 in code, none in the spec",
    ]
    assert json_types(typing.Literal["a", "b"] | None) == {"string", "null"}
    assert json_types(typing.Any) is None


@pytest.mark.parametrize("domain", DOMAINS)
def test_probes_speak_the_spec_vocabulary(domain):
    cls = domain_class(domain)
    spec = cls.spec()
    consumed = {kind for tool in spec.tools for kinds in tool.consumed.values() for kind in kinds}
    if spec.conditions:  # a domain with state conditions probes them and the values its state offers
        assert cls.conditions is not Domain.conditions, "the spec declares conditions: probe them"
        assert cls.available_resources is not Domain.available_resources
    configs = (
        [kit_for(domain).scenario(random.Random(seed)) for seed in range(10)]
        if domain in kit_domains()
        else [{}]
    )
    for config in configs:
        instance = cls(config)
        assert instance.conditions() <= set(spec.conditions)
        offered = instance.available_resources()
        assert set(offered) <= set(spec.resources) & consumed
        assert all(isinstance(values, list) for values in offered.values())
    assert not {"conditions", "available_resources"} & set(cls.tool_table())


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("domain", kit_domains())
def test_probes_agree_with_the_annotations(domain, seed):
    """A call whose required condition does not hold fails; a successful one brings about its `provides`,
    ends nothing it does not revoke, and what it produces the probes list (unless `QUIRKS` says why not)."""
    checked, problems = probe_disagreements(domain, seed, quirks=QUIRKS.get(domain, ProbeQuirks()))
    assert problems == []
    assert checked >= 20


def test_every_quirk_is_needed():
    """Without its quirk, each listed domain shows the disagreement the quirk is for."""
    for domain in QUIRKS:
        found = [problem for seed in range(8) for problem in probe_disagreements(domain, seed)[1]]
        assert found, f"{domain}: the quirk is not needed"


@pytest.mark.parametrize("domain", kit_domains())
def test_kit_value_makers_name_real_parameters_and_resources(domain):
    spec = domain_class(domain).spec()
    consumed = {kind for tool in spec.tools for kinds in tool.consumed.values() for kind in kinds}
    for key in kit_for(domain).values:
        tool, dot, param = key.partition(".")
        if dot:
            assert tool in spec.by_name, f"{key}: no tool {tool!r}"
            assert param in spec.by_name[tool].parameter_names, f"{key}: no parameter {param!r}"
        else:
            assert key in spec.resources, f"{key}: not a resource type of the spec"
            assert key in consumed, f"{key}: no tool consumes it, so the maker is never used"
