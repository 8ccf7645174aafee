"""Load BFCL's multi-turn categories as `Task`s, from the installed bfcl-eval data or a folder.

bfcl-eval is never imported (importing it creates folders); its data files are located through the
package's install path. Ground-truth call strings are parsed with our specs' parameter orders, so
positional arguments such as `sort('report.pdf')` become keyword arguments.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from funreason_envs.calls import parse_calls
from funreason_envs.domains import bfcl_class_map, domain_class
from funreason_envs.errors import CallParseError, ConfigError
from funreason_envs.jsonutil import read_jsonl
from funreason_envs.tasks.model import GroundTruthCall, Task

CATEGORIES = ("multi_turn_base", "multi_turn_miss_func", "multi_turn_miss_param", "multi_turn_long_context")
BFCL_VERSION = "2026.3.23"
GET_BFCL = (
    f"install bfcl-eval (pip install --no-deps bfcl-eval=={BFCL_VERSION}) or name a folder with "
    "BFCL_v4_<category>.json and possible_answer/ (--bfcl-data DIR on the command line, bfcl_data= in Python)"
)


class BfclDataNotFound(ConfigError):
    """BFCL's data files are neither installed nor in the given folder."""


def normalise_category(name: str) -> str:
    """`base` or `multi_turn_base` -> `multi_turn_base`; anything else is an error naming the choices."""
    full = name if name.startswith("multi_turn_") else f"multi_turn_{name}"
    if full not in CATEGORIES:
        raise ConfigError(
            f"unknown BFCL category {name!r}; choose from: {category_choices()}; a set of your own "
            f"(BFCL_v4_{name}.json with possible_answer/) loads from its folder: --bfcl-data DIR on the "
            "command line, bfcl_data= in Python"
        )
    return full


def category_choices() -> str:
    """The categories with both of their accepted names (`base (multi_turn_base)`), and the memory sets."""
    multi_turn = ", ".join(f"{full.removeprefix('multi_turn_')} ({full})" for full in CATEGORIES)
    return f"{multi_turn}, memory_kv, memory_vector, memory_rec_sum, memory (those three)"


def bfcl_data_dir(data_dir: str | Path | None = None) -> Path:
    """The folder holding BFCL's question files: `data_dir` if given, else the installed package's data."""
    if data_dir is not None:
        folder = Path(data_dir)
        if not folder.is_dir():
            raise BfclDataNotFound(f"BFCL data folder {folder}: no such folder; {GET_BFCL}")
        return folder
    spec = importlib.util.find_spec("bfcl_eval")
    if spec is None or spec.origin is None:
        raise BfclDataNotFound(f"BFCL data not found: {GET_BFCL}")
    return Path(spec.origin).parent / "data"


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise BfclDataNotFound(f"{path}: missing; {GET_BFCL}")
    return [row for _, row in read_jsonl(path)]


def load_bfcl_tasks(category: str, data_dir: str | Path | None = None) -> list[Task]:
    """All tasks of one BFCL multi-turn category, in file order.

    With `data_dir`, any `BFCL_v4_<name>.json` (or `BFCL_v4_multi_turn_<name>.json`) there also loads as
    category `<name>` (`multi_turn_<name>`): an exported synthetic set, say; a name containing
    `long_context` runs in long-context mode, as in bfcl-eval.
    """
    local = [name for name in (category, f"multi_turn_{category}") if data_dir is not None]
    found = [name for name in local if (Path(str(data_dir)) / f"BFCL_v4_{name}.json").is_file()]
    if found:
        category = found[0]
        folder = Path(str(data_dir))
    elif data_dir is not None and f"multi_turn_{category.removeprefix('multi_turn_')}" not in CATEGORIES:
        raise BfclDataNotFound(
            f"bfcl:{category}: {Path(data_dir) / f'BFCL_v4_{category}.json'} is missing; "
            f"a BFCL category is one of {category_choices()}"
        )
    else:
        category = normalise_category(category)
        folder = bfcl_data_dir(data_dir)
    questions = _read_jsonl(folder / f"BFCL_v4_{category}.json")
    answers = {
        row["id"]: row["ground_truth"]
        for row in _read_jsonl(folder / "possible_answer" / f"BFCL_v4_{category}.json")
    }
    tasks = []
    for entry in questions:
        if entry["id"] not in answers:
            raise ConfigError(f"{category}: entry {entry['id']} has no ground truth in possible_answer/")
        tasks.append(bfcl_entry_to_task(entry, answers[entry["id"]], category))
    return tasks


def bfcl_entry_to_task(entry: dict[str, Any], ground_truth: list[list[str]], category: str) -> Task:
    """Convert one BFCL question entry and its ground truth to a `Task`."""
    class_map = bfcl_class_map()
    unknown = [name for name in entry["involved_classes"] if name not in class_map]
    if unknown:
        raise ConfigError(f"{entry['id']}: no domain reproduces {', '.join(unknown)}")
    domains = [class_map[name] for name in entry["involved_classes"]]
    order = {
        tool: entry_spec.spec.parameter_names
        for name in domains
        for tool, entry_spec in domain_class(name).tool_table().items()
    }
    config = entry.get("initial_config", {})
    used = {class_map[name]: value for name, value in config.items() if name in entry["involved_classes"]}
    unused = {name: value for name, value in config.items() if name not in entry["involved_classes"]}
    turns_truth = []
    for index, turn in enumerate(ground_truth):
        calls = []
        for text in turn:
            try:
                calls.extend(parse_calls(text, order))
            except CallParseError as exc:
                raise ConfigError(f"{entry['id']} turn {index}: ground truth {text!r}: {exc}") from None
        turns_truth.append([GroundTruthCall(name=c.name, arguments=c.arguments) for c in calls])
    metadata: dict[str, Any] = {"bfcl_involved_classes": entry["involved_classes"]}
    for key in ("path", "excluded_function"):
        if key in entry:
            metadata[f"bfcl_{key}"] = entry[key]
    if unused:
        metadata["bfcl_unused_initial_config"] = unused
    return Task(
        id=entry["id"],
        category=category,
        domains=domains,
        initial_config=used,
        turns=entry["question"],
        ground_truth=turns_truth,
        held_out={int(turn): names for turn, names in entry.get("missed_function", {}).items()},
        long_context="long_context" in category,
        metadata=metadata,
    )
