"""Typed domains: a domain written as one Python class (tools as hinted, documented methods; the state a
pydantic model) derives its spec, registers through the public API, and then works everywhere a packaged
domain does: Gymnasium's checker, the graph, eval with replay, and synthesis with a derived kit."""

from __future__ import annotations

import importlib
import json
import textwrap
from pathlib import Path
from typing import Annotated, Any, Literal

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env
from pydantic import BaseModel, Field

import funreason_envs
from funreason_envs.cli import main
from funreason_envs.domains import domain_names
from funreason_envs.domains.typed import spec_data
from funreason_envs.errors import ConfigError, SpecError
from funreason_envs.graph import ApiGraph
from funreason_envs.synthesis.kits import kit_for
from funreason_envs.synthesis.pipeline import Settings
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.run import synthesize
from funreason_envs.synthesis.verify import verify_sample
from funreason_envs.tasks import write_tasks

LIBRARY = "toy_library"
LIBRARY_ENV = "FunReason/ToyLibrary-v0"

# A user's own domain, written only against the public API, in a module of its own.
LIBRARY_MODULE = '''
from __future__ import annotations

import random
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, Field

import funreason_envs
from funreason_envs import ToolFailure, TypedDomain, condition, tool

Title = Annotated[str, Field(min_length=1, examples=["Dune", "Emma", "Ulysses", "Beloved"])]
Reader = Annotated[str, Field(min_length=1, examples=["Noor", "Tomas", "Ines"])]
LOAN_LIMIT = 2


class Book(BaseModel):
    title: str
    borrower: str | None = None


class LibraryState(BaseModel):
    books: dict[str, Book] = {}
    next_id: int = 1


class ToyLibrary(TypedDomain):
    """A small lending library: add books, find them by title, lend them out and take them back."""

    name = "toy_library"
    title = "Library"
    State = LibraryState
    resources: ClassVar[dict[str, str]] = {
        "book_id": "The id the library gave a book.",
        "book_title": "A book's title.",
        "reader": "Someone who borrows books.",
    }
    user_supplied = ("book_title", "reader")

    @classmethod
    def scenario(cls, rng: random.Random) -> dict[str, Any]:
        titles = rng.sample(["Dune", "Emma", "Ulysses", "Beloved"], rng.randint(0, 3))
        books = {str(n): {"title": title} for n, title in enumerate(titles, 1)}
        return {"books": books, "next_id": len(books) + 1}

    def available_resources(self) -> dict[str, list[Any]]:
        return {
            "book_id": [int(key) for key in self.state.books],
            "book_title": [book.title for book in self.state.books.values()],
        }

    @condition
    def library_has_books(self) -> bool:
        """The library holds at least one book."""
        return bool(self.state.books)

    @tool(
        mutates=True,
        consumes={"title": "book_title"},
        produces={"book_id": "book_id"},
        provides=["library_has_books"],
    )
    def add_book(self, title: Title) -> dict[str, Any]:
        """Add a book to the library; returns its id.

        Args:
            title: The book's title.
        """
        book_id = self.state.next_id
        self.state.books[str(book_id)] = Book(title=title)
        self.state.next_id += 1
        return {"book_id": book_id}

    @tool(consumes={"title": "book_title"}, produces={"book_id": "book_ids[]"})
    def find_books(self, title: Title) -> dict[str, Any]:
        """Find the ids of the books with a title.

        Args:
            title: The title to look for.
        """
        return {"book_ids": [int(k) for k, book in self.state.books.items() if book.title == title]}

    @tool(mutates=True, consumes={"book_id": "book_id", "reader": "reader"}, requires=["library_has_books"])
    def lend_book(self, book_id: int, reader: Reader) -> dict[str, Any]:
        """Lend a book to a reader (at most two books per reader).

        Args:
            book_id: The book's id.
            reader: Who borrows it.
        """
        book = self._book(book_id)
        if book.borrower is not None:
            raise ToolFailure(f"book {book_id} is already lent to {book.borrower}")
        held = sum(other.borrower == reader for other in self.state.books.values())
        book.borrower = reader
        if held >= LOAN_LIMIT:
            raise ToolFailure(f"{reader} already has {LOAN_LIMIT} books; return one first")
        return {"book_id": book_id, "borrower": reader}

    @tool(mutates=True, consumes={"book_id": "book_id"}, requires=["library_has_books"])
    def return_book(self, book_id: int) -> dict[str, Any]:
        """Take a lent book back.

        Args:
            book_id: The book's id.
        """
        book = self._book(book_id)
        if book.borrower is None:
            raise ToolFailure(f"book {book_id} is not lent out")
        book.borrower = None
        return {"book_id": book_id, "returned": True}

    def _book(self, book_id: int) -> Book:
        book = self.state.books.get(str(book_id))
        if book is None:
            raise ToolFailure(f"no book {book_id}")
        return book
'''


@pytest.fixture
def library_class(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> type:
    """The toy library class, imported from a module written to a temporary folder."""
    (tmp_path / "toy_library_domain.py").write_text(textwrap.dedent(LIBRARY_MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    return importlib.import_module("toy_library_domain").ToyLibrary


@pytest.fixture
def library(library_class: type):
    """The toy library registered for one test, and gone after it."""
    with funreason_envs.registered_domain(library_class) as name:
        yield name
    assert LIBRARY not in domain_names() and LIBRARY_ENV not in gym.registry


def test_the_spec_is_derived_from_hints_docstrings_and_the_decorator(library_class):
    data = spec_data(library_class)
    assert data["description"].startswith("A small lending library")
    assert data["conditions"] == {"library_has_books": "The library holds at least one book."}
    assert [tool["name"] for tool in data["tools"]] == ["add_book", "find_books", "lend_book", "return_book"]
    lend = data["tools"][2]
    assert lend["description"] == "Lend a book to a reader (at most two books per reader)."
    assert lend["parameters"] == {
        "type": "object",
        "properties": {
            "book_id": {"description": "The book's id.", "type": "integer"},
            "reader": {
                "description": "Who borrows it.",
                "type": "string",
                "minLength": 1,
                "examples": ["Noor", "Tomas", "Ines"],
            },
        },
        "required": ["book_id", "reader"],
    }
    assert (lend["mutates_state"], lend["consumes"], lend["requires"]) == (
        True,
        {"book_id": "book_id", "reader": "reader"},
        ["library_has_books"],
    )
    assert data["tools"][1]["produces"] == [{"resource": "book_id", "at": "book_ids[]"}]


def test_a_registered_typed_domain_makes_a_checked_env_and_refuses_with_state_untouched(library):
    env = gym.make(LIBRARY_ENV)
    check_env(env.unwrapped, skip_render_check=True)
    books = {"1": {"title": "Dune", "borrower": "Noor"}, "2": {"title": "Emma"}}
    config = {LIBRARY: {"books": books, "next_id": 3}}
    env.reset(seed=0, options={"initial_config": config})
    before = env.unwrapped.state_dict()
    assert before[LIBRARY]["books"]["2"] == {"title": "Emma", "borrower": None}
    # lend_book sets the borrower before it checks the limit: the failure must undo that
    env.step({"name": "add_book", "arguments": {"title": "Ulysses"}})
    env.step({"name": "lend_book", "arguments": {"book_id": 3, "reader": "Noor"}})
    held = env.unwrapped.state_dict()
    observation, *_ = env.step({"name": "lend_book", "arguments": {"book_id": 2, "reader": "Noor"}})
    assert json.loads(observation["content"]) == {"error": "Noor already has 2 books; return one first"}
    assert observation["tool_results"][0]["status"] == "error"
    assert env.unwrapped.state_dict() == held
    observation, *_ = env.step({"name": "return_book", "arguments": {"book_id": "2"}})
    assert observation["tool_results"][0]["status"] == "invalid"  # the derived schema says integer
    with pytest.raises(ConfigError, match=r"ToyLibrary config: books\.1\.title"):
        env.reset(options={"initial_config": {LIBRARY: {"books": {"1": {"borrower": "Noor"}}}}})
    env.close()


def test_a_registered_typed_domain_joins_listing_graph_and_combined_env(library, capsys):
    assert main(["envs", "--json"]) == 0
    listing = {entry["id"]: entry for entry in json.loads(capsys.readouterr().out)}
    assert listing[LIBRARY_ENV]["tools"] == {LIBRARY: ["add_book", "find_books", "lend_book", "return_book"]}
    graph = ApiGraph.from_domains(LIBRARY)
    assert "data" in [reason.kind for reason in graph.reasons("add_book", "lend_book")]
    assert {"add_book", "ls", "mean"} <= set(ApiGraph.from_domains("all").tools)
    combined = gym.make("FunReason/Combined-v0")
    _, info = combined.reset(seed=0)
    assert {"lend_book", "cd"} <= {tool["function"]["name"] for tool in info["tools"]}
    combined.close()


def test_a_typed_domain_synthesizes_with_a_derived_kit_and_replays_at_100_percent(library, tmp_path, capsys):
    kit = kit_for(LIBRARY)
    assert kit.phrases.tool("add_book").refer["book_id"].startswith("the book id you got")
    assert kit.values["reader"](__import__("random").Random(0), {}) in {"Noor", "Tomas", "Ines"}
    folder = synthesize(20, Settings(seed=0, domains=(LIBRARY,)), tmp_path / "run", progress=False)
    samples = [Sample.model_validate(row) for row in folder.samples]
    assert len(samples) == 20
    assert all(verify_sample(sample) == [] for sample in samples)
    called = {call.name for sample in samples for turn in sample.task.ground_truth for call in turn}
    assert called == {"add_book", "find_books", "lend_book", "return_book"}
    tasks = tmp_path / "tasks.jsonl"
    write_tasks(tasks, [sample.task for sample in samples])
    out = tmp_path / "eval"
    assert main(["eval", "--tasks", str(tasks), "--agent", "replay", "--out", str(out), "--quiet"]) == 0
    assert json.loads((out / "summary.json").read_text())["overall_accuracy"] == 1.0


def test_spec_export_writes_the_class_spec_and_check_spots_a_stale_file(library_class, tmp_path, capsys):
    assert main(["spec-export", "toy_library_domain:ToyLibrary", "--out-dir", str(tmp_path)]) == 0
    written = json.loads((tmp_path / f"{LIBRARY}.json").read_text())
    assert written == {"$schema": "./spec.schema.json", **spec_data(library_class)}
    assert funreason_envs.load_spec_file(tmp_path / f"{LIBRARY}.json") == library_class.typed_spec()
    assert main(["spec-export", "toy_library_domain:ToyLibrary", "--out-dir", str(tmp_path), "--check"]) == 0
    (tmp_path / f"{LIBRARY}.json").write_text(json.dumps({**written, "title": "Old"}))
    assert main(["spec-export", "toy_library_domain:ToyLibrary", "--out-dir", str(tmp_path), "--check"]) == 1
    assert "out of date" in capsys.readouterr().out
    assert main(["spec-export", "toy_library_domain:NoSuchClass", "--out-dir", str(tmp_path)]) == 2
    assert "cannot import" in capsys.readouterr().err


def test_new_domain_writes_a_skeleton_whose_test_passes(tmp_path, monkeypatch, capsys):
    assert main(["new-domain", "pantry", "--out-dir", str(tmp_path)]) == 0
    assert {path.name for path in tmp_path.iterdir()} == {"pantry.py", "test_pantry.py"}
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("test_pantry").test_pantry_works_as_an_env()
    assert "pantry" not in domain_names()
    assert main(["new-domain", "pantry", "--out-dir", str(tmp_path)]) == 2  # never overwrites
    assert main(["new-domain", "Bad-Name", "--out-dir", str(tmp_path)]) == 2
    assert "lower case" in capsys.readouterr().err


class _Hinted(BaseModel):
    size: int = 0


def _domain(**tools: Any) -> type:
    """A typed domain class with the given tool methods (for checking what the spec derivation refuses)."""
    body = {"name": "probe", "State": _Hinted, "__doc__": "A probe.", **tools}
    return type("Probe", (funreason_envs.TypedDomain,), body)


def test_type_hints_become_the_schema_subset_specs_use():
    @funreason_envs.tool
    def pick(
        self,
        colour: Literal["red", "blue"],
        note: str | None = None,
        sizes: list[int] | None = None,
        ratio: Annotated[float, Field(gt=0, le=1)] = 0.5,
    ) -> dict[str, Any]:
        """Pick a colour."""
        return {}

    properties = spec_data(_domain(pick=pick))["tools"][0]["parameters"]["properties"]
    assert properties == {
        "colour": {"enum": ["red", "blue"], "type": "string"},
        "note": {"type": ["string", "null"], "default": None},
        "sizes": {"type": ["array", "null"], "items": {"type": "integer"}, "default": None},
        "ratio": {"type": "number", "exclusiveMinimum": 0.0, "maximum": 1.0, "default": 0.5},
    }


def test_what_the_spec_derivation_refuses_is_named():
    @funreason_envs.tool
    def undocumented(self, size: int) -> dict[str, Any]:
        return {}

    @funreason_envs.tool
    def unhinted(self, size) -> dict[str, Any]:
        """Use a size."""
        return {}

    @funreason_envs.tool
    def tangled(self, size: Literal["small", "large"] | int) -> dict[str, Any]:
        """Take anything."""
        return {}

    with pytest.raises(SpecError, match="probe: undocumented: description: give the method a docstring"):
        spec_data(_domain(undocumented=undocumented))
    with pytest.raises(SpecError, match=r"probe: unhinted: parameters\.size: give the parameter a type hint"):
        spec_data(_domain(unhinted=unhinted))
    with pytest.raises(SpecError, match=r"probe: tangled: parameters\.size: a union of fixed values and a"):
        spec_data(_domain(tangled=tangled))
    with pytest.raises(ConfigError, match="is not a TypedDomain"):
        funreason_envs.register_domain(_Hinted)
