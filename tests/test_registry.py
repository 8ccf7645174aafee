"""The domain registry: packaged domains are found from their spec files, and a domain whose spec, class
and kit live in a folder of its own, registered through the public API, works everywhere a packaged one
does (`funreason envs`, `gym.make`, the graph, synthesis) with no other edit, and leaves no trace after."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import funreason_envs
from funreason_envs.cli import main
from funreason_envs.domains import domain_class, domain_names, domain_spec, resolve_domains
from funreason_envs.domains.registry import combinable_domain_names, domain_entry
from funreason_envs.errors import ConfigError, SpecError
from funreason_envs.graph import ApiGraph
from funreason_envs.specs import spec_domains
from funreason_envs.synthesis.kits import kit_domains, kit_for
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.run import synthesize
from funreason_envs.synthesis.settings import Settings
from funreason_envs.synthesis.verify import verify_sample

TOY = "toy_notebook"
TOY_ENV = "FunReason/ToyNotebook-v0"

SPEC = {
    "domain": TOY,
    "title": "Notebook",
    "description": "A notebook of short notes: write a note, read one back by its id, count them.",
    "user_supplied": ["note_text"],
    "resources": {"note_id": "The id the notebook gave a note.", "note_text": "What a note says."},
    "conditions": {"notebook_has_notes": "The notebook holds at least one note."},
    "tools": [
        {
            "name": "write_note",
            "description": "Save a note; returns its id.",
            "parameters": {
                "type": "object",
                "properties": {"text": {"type": "string", "description": "What the note says."}},
                "required": ["text"],
            },
            "returns": {"type": "object", "properties": {"note_id": {"type": "integer"}}},
            "mutates_state": True,
            "consumes": {"text": "note_text"},
            "produces": [{"resource": "note_id", "at": "note_id"}],
            "provides": ["notebook_has_notes"],
        },
        {
            "name": "read_note",
            "description": "The text of a note.",
            "parameters": {
                "type": "object",
                "properties": {"note_id": {"type": "integer", "description": "The note's id."}},
                "required": ["note_id"],
            },
            "returns": {"type": "object", "properties": {"text": {"type": "string"}}},
            "mutates_state": False,
            "consumes": {"note_id": "note_id"},
            "requires": ["notebook_has_notes"],
        },
        {
            "name": "count_notes",
            "description": "How many notes the notebook holds.",
            "parameters": {"type": "object", "properties": {}},
            "returns": {"type": "object", "properties": {"count": {"type": "integer"}}},
            "mutates_state": False,
        },
    ],
}

DOMAIN_MODULE = '''
from typing import Any

from funreason_envs.domains.base import Domain, config_value


class Notebook(Domain):
    """Short notes by id."""

    def load(self, config: dict[str, Any], long_context: bool = False) -> None:
        self.notes = config_value(config, "notes", {})

    def conditions(self) -> set[str]:
        return {"notebook_has_notes"} if self.notes else set()

    def available_resources(self) -> dict[str, list[Any]]:
        return {"note_id": [int(key) for key in self.notes]}

    def write_note(self, text: str) -> dict[str, Any]:
        note_id = len(self.notes) + 1
        self.notes[str(note_id)] = text
        return {"note_id": note_id}

    def read_note(self, note_id: int) -> dict[str, Any]:
        if str(note_id) not in self.notes:
            return {"error": f"no note {note_id}"}
        return {"text": self.notes[str(note_id)]}

    def count_notes(self) -> dict[str, Any]:
        return {"count": len(self.notes)}
'''

KIT_MODULE = """
from pathlib import Path

from funreason_envs.synthesis.kits import DomainKit, load_phrasebook

TEXTS = ["buy more oat milk", "call the plumber on Monday", "water the ferns"]


def scenario(rng):
    return {"notes": {"1": rng.choice(TEXTS)}} if rng.random() < 0.5 else {}


KIT = DomainKit(
    domain="toy_notebook",
    scenario=scenario,
    values={"note_text": lambda rng, domains: rng.choice(TEXTS)},
    phrases=load_phrasebook("toy_notebook", Path(__file__).parent),
)
"""

PHRASES = {
    "openers": ["About my notebook."],
    "tools": {
        "write_note": {
            "intent": ["save a note saying {text}"],
            "refer": {"note_id": "the note you just saved"},
            "done": "The note is saved.",
        },
        "read_note": {"intent": ["read me note {note_id}"], "done": "That is the note."},
        "count_notes": {"intent": ["tell me how many notes I have"], "done": "That is the count."},
    },
}


@pytest.fixture
def toy_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder outside the package holding the toy domain: `spec/toy_notebook.json`, the class module,
    the kit module and the kit's phrasebook beside it."""
    folder = tmp_path / "toy"
    (folder / "spec").mkdir(parents=True)
    (folder / "spec" / f"{TOY}.json").write_text(json.dumps(SPEC, indent=2))
    (folder / "toy_notebook_domain.py").write_text(textwrap.dedent(DOMAIN_MODULE))
    (folder / "toy_notebook_kit.py").write_text(textwrap.dedent(KIT_MODULE))
    (folder / f"{TOY}.json").write_text(json.dumps(PHRASES, indent=2))
    monkeypatch.syspath_prepend(str(folder))
    return folder


@pytest.fixture
def toy(toy_folder: Path):
    """The toy domain registered for one test through the public API, and unregistered after it."""
    with funreason_envs.registered_domain(
        toy_folder / "spec" / f"{TOY}.json", "toy_notebook_domain:Notebook", kit="toy_notebook_kit"
    ) as name:
        yield name
    assert TOY not in domain_names() and TOY_ENV not in gym.registry


def test_packaged_domains_are_found_from_their_spec_files():
    assert domain_names() == spec_domains()
    for name in domain_names():
        spec = domain_spec(name)
        cls = domain_class(name)
        assert (cls.name, cls.bfcl_class) == (spec.domain, spec.bfcl_class)
        assert spec.implementation == f"{cls.__module__}:{cls.__qualname__}"
        if name in kit_domains():
            assert kit_for(name).domain == name
        else:  # the agentic domains (memory, web search) have no kit: synthesis/agentic.py builds their data
            assert domain_entry(name).kit is None and spec.kit is None
        assert f"FunReason/{''.join(p.capitalize() for p in name.split('_'))}-v0" in gym.registry
    agentic = {name for name in domain_names() if name.startswith("memory_")} | {"web_search"}
    assert set(kit_domains()) == set(domain_names()) - agentic
    assert resolve_domains("GorillaFileSystem,math") == ["file_system", "math"]


def test_a_registered_domain_appears_in_the_envs_listing(toy, capsys):
    assert main(["envs", "--json"]) == 0
    listing = {entry["id"]: entry for entry in json.loads(capsys.readouterr().out)}
    assert listing[TOY_ENV]["tools"] == {TOY: ["write_note", "read_note", "count_notes"]}
    assert listing["FunReason/Combined-v0"]["tools"][TOY] == ["write_note", "read_note", "count_notes"]
    assert main(["envs"]) == 0
    assert f"{TOY_ENV}  (3 tools)" in capsys.readouterr().out


def test_a_registered_domain_makes_a_checked_gym_env(toy):
    env = gym.make(TOY_ENV)
    check_env(env.unwrapped, skip_render_check=True)
    env.reset(seed=0)
    observation, *_ = env.step({"name": "write_note", "arguments": {"text": "hello"}})
    assert env.unwrapped.state_dict()[TOY] == {"notes": {"1": "hello"}}
    assert json.loads(observation["content"]) == {"note_id": 1}
    observation, *_ = env.step("read_note(note_id=7)")
    assert "no note 7" in observation["content"]
    assert env.unwrapped.state_dict() == {TOY: {"notes": {"1": "hello"}}}
    env.close()
    combined = gym.make("FunReason/Combined-v0")
    _, info = combined.reset(seed=0)
    assert {"write_note", "ls"} <= {tool["function"]["name"] for tool in info["tools"]}
    combined.close()


def test_a_registered_domain_joins_the_graph(toy):
    graph = ApiGraph.from_domains(TOY)
    assert set(graph.tools) == {"write_note", "read_note", "count_notes"}
    assert [r.kind for r in graph.reasons("write_note", "read_note")] == ["data", "state"]
    everything = ApiGraph.from_domains("all")
    assert {"write_note", "ls", "mean"} <= set(everything.tools)
    assert TOY in everything.domains


def test_a_registered_domain_synthesizes_verified_samples(toy, tmp_path, capsys):
    folder = synthesize(4, Settings(seed=0, domains=(TOY,)), tmp_path / "run", progress=False)
    samples = [Sample.model_validate(row) for row in folder.samples]
    assert len(samples) == 4
    assert all(verify_sample(sample) == [] for sample in samples)
    called = {call.name for sample in samples for turn in sample.task.ground_truth for call in turn}
    assert called <= {"write_note", "read_note", "count_notes"} and called
    out = tmp_path / "cli"
    assert main(["synthesize", "--num", "2", "--domains", TOY, "--out", str(out), "--quiet"]) == 0
    rows = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
    assert len(rows) == 2 and all(row["domains"] == [TOY] for row in rows)
    assert "verification" in capsys.readouterr().out


def test_registration_refuses_what_would_clash_or_fail(toy_folder, tmp_path):
    before = domain_names()
    spec_file = toy_folder / "spec" / f"{TOY}.json"
    (tmp_path / "twin.json").write_text(json.dumps({**SPEC, "domain": "math"}))
    with pytest.raises(ConfigError, match="'math' is already registered"):
        funreason_envs.register_domain(tmp_path / "twin.json", "toy_notebook_domain:Notebook")
    clash = {**SPEC, "tools": [{**SPEC["tools"][2], "name": "ls"}]}
    (tmp_path / "clash.json").write_text(json.dumps(clash))
    with pytest.raises(ConfigError, match=r"tool names \['ls'\] already belong"):
        funreason_envs.register_domain(tmp_path / "clash.json", "toy_notebook_domain:Notebook")
    with pytest.raises(ConfigError, match="no implementation"):
        funreason_envs.register_domain(spec_file)
    with pytest.raises(ConfigError, match="cannot import its implementation"):
        funreason_envs.register_domain(spec_file, "no_such_module:Notebook")
    missing = {**SPEC, "tools": [*SPEC["tools"], {**SPEC["tools"][2], "name": "erase_all"}]}
    (tmp_path / "missing.json").write_text(json.dumps(missing))
    with pytest.raises(SpecError, match=r"no method Notebook\.erase_all"):
        funreason_envs.register_domain(tmp_path / "missing.json", "toy_notebook_domain:Notebook")
    with pytest.raises(ConfigError, match="packaged and cannot be unregistered"):
        funreason_envs.unregister_domain("math")
    assert domain_names() == before and TOY_ENV not in gym.registry


def test_all_leaves_out_alternative_backends_whose_tool_names_clash():
    """The memory backends share tool names: "all" keeps the first, and each stays selectable by name."""
    combined = resolve_domains("all")
    assert combined == combinable_domain_names()
    assert "memory_kv" in combined and "memory_rec_sum" in combined
    assert "memory_vector" not in combined
    assert resolve_domains("memory_vector") == ["memory_vector"]
    assert "memory_vector" in ApiGraph.from_domains("memory_vector").specs[0].domain
    with pytest.raises(ConfigError, match="memory_kv"):
        ApiGraph.from_domains("memory_kv,memory_vector")
