"""bfcl-eval as a test oracle: its multi-turn data, its executor, and its public state as JSON.

Only used by tests and benchmarks. bfcl-eval creates folders when imported, so
`BFCL_PROJECT_ROOT` is pointed at a temporary folder first.
"""

from __future__ import annotations

import atexit
import importlib.util
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from funreason_envs.domains import bfcl_class_map, domain_class
from funreason_envs.executor import ToolRouter

ORACLE_INSTALL = (
    "pip install --no-deps bfcl-eval==2026.3.23 mpmath filelock overrides python-dotenv "
    "(see tests/oracle-requirements.txt)"
)
CATEGORIES = ("multi_turn_base", "multi_turn_miss_func", "multi_turn_miss_param", "multi_turn_long_context")
_run_counter = itertools.count()
Outcome = tuple[list[str], dict[str, Any]]  # a turn's result strings, and the public state after it


def require_bfcl() -> Path:
    """The installed bfcl_eval package folder; fails loudly (never skips) when it is missing."""
    if "BFCL_PROJECT_ROOT" not in os.environ:  # made once per process, not on every call
        os.environ["BFCL_PROJECT_ROOT"] = tempfile.mkdtemp(prefix="bfcl-root-")
        atexit.register(shutil.rmtree, os.environ["BFCL_PROJECT_ROOT"], ignore_errors=True)
    spec = importlib.util.find_spec("bfcl_eval")
    if spec is None or spec.origin is None:
        raise AssertionError(f"bfcl-eval is needed as the test oracle: {ORACLE_INSTALL}")
    return Path(spec.origin).parent


def load_category(category: str) -> list[tuple[dict[str, Any], list[list[str]]]]:
    """(question entry, ground-truth turns) pairs of a BFCL multi-turn category."""
    data = require_bfcl() / "data"
    questions = [
        json.loads(line) for line in (data / f"BFCL_v4_{category}.json").read_text().splitlines() if line
    ]
    answers_path = data / "possible_answer" / f"BFCL_v4_{category}.json"
    answers = {
        row["id"]: row["ground_truth"]
        for row in (json.loads(line) for line in answers_path.read_text().splitlines() if line)
    }
    return [(entry, answers[entry["id"]]) for entry in questions]


def bfcl_execute(
    entry: dict[str, Any], turns: list[list[str]], long_context: bool
) -> list[tuple[list[str], dict[str, Any]]]:
    """Run the turns in bfcl-eval's executor: per turn, the result strings and the public state after it."""
    require_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_utils import execute_multi_turn_func_call

    model = f"oracle{next(_run_counter)}"  # a fresh name so bfcl-eval's global instance cache starts clean
    outcome = []
    for turn in turns:
        results, instances = execute_multi_turn_func_call(
            turn, entry["initial_config"], entry["involved_classes"], model, entry["id"], long_context
        )
        state = {name: public_state(instance) for name, instance in instances.items()}
        outcome.append((results, state))
    return outcome


def public_state(instance: Any) -> dict[str, Any]:
    """The attributes bfcl-eval's state checker compares, as JSON-able data in our `state_dict()` layout.

    The file system's root directory is keyed by its name, as in an initial config.
    """
    state = {}
    for key, value in vars(instance).items():
        if key.startswith("_"):
            continue
        state[key] = (
            {value.name: _jsonable(value)} if type(value).__name__ == "Directory" else _jsonable(value)
        )
    return state


def _jsonable(value: Any) -> Any:
    kind = type(value).__name__
    if kind == "Directory":
        return {
            "type": "directory",
            "contents": {name: _jsonable(child) for name, child in value.contents.items()},
        }
    if kind == "File":
        return {"type": "file", "content": value.content}
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(item) for item in value), key=repr)
    return value


def our_execute(
    entry: dict[str, Any], turns: list[list[str]], long_context: bool
) -> list[tuple[list[str], dict[str, Any]]]:
    """Run BFCL call strings here, turn by turn: (result strings, public state by BFCL class) per turn."""
    config = entry["initial_config"]
    instances = [
        domain_class(name)(config.get(name, {}), long_context=long_context)
        for name in entry["involved_classes"]
    ]
    router = ToolRouter(instances)
    outcome = []
    for turn in turns:
        results = [router.run(call)[0].content for call in turn]
        state = {type(i).bfcl_class: i.state_dict() for i in instances}
        outcome.append((results, state))
    return outcome


def supported(entry: dict[str, Any]) -> bool:
    """Every class the BFCL entry involves has a domain here."""
    return all(name in bfcl_class_map() for name in entry["involved_classes"])


def paired_turns(category: str, long_context: bool) -> Iterator[tuple[str, Outcome, Outcome]]:
    """For every turn of every BFCL entry in `category`: (where, our outcome, bfcl-eval's outcome), each
    outcome the turn's result strings and the public state after it. Every entry must be supported."""
    entries = [(entry, turns) for entry, turns in load_category(category) if supported(entry)]
    assert len(entries) == 200, "every BFCL entry must run: all eight classes are implemented"
    for entry, turns in entries:
        ours = our_execute(entry, turns, long_context=long_context)
        theirs = bfcl_execute(entry, turns, long_context=long_context)
        for index, (mine, their) in enumerate(zip(ours, theirs, strict=True)):
            yield f"{entry['id']} turn {index}", mine, their


def bfcl_verdict(entry: dict[str, Any], ground_truth: list[list[str]], response: list[Any]) -> bool:
    """bfcl-eval's own multi-turn verdict for decoded `response` steps (False on a turn-count mismatch)."""
    require_bfcl()
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_checker import multi_turn_checker

    if len(response) != len(ground_truth):
        return False
    result = multi_turn_checker(
        response, ground_truth, entry, entry["id"].rsplit("_", 1)[0], f"probe{next(_run_counter)}"
    )
    return bool(result["valid"])


def bfcl_model_utils() -> Any:
    """bfcl-eval's `model_handler.utils` (its result decoders and prompt helpers); its Java and JavaScript
    parsers need tree-sitter, listed in tests/oracle-requirements.txt."""
    require_bfcl()
    from bfcl_eval.model_handler import utils

    return utils
