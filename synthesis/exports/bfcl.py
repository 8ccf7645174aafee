"""`bfcl`: synthesized tasks as BFCL multi-turn data, to run in bfcl-eval and in `funreason eval`.

`bfcl/BFCL_v4_<name>.json` holds question entries: `id`, `question` (per turn the user messages;
`[]` for a held-out reveal turn), `initial_config` and `involved_classes` keyed by bfcl-eval's class
names, and `missed_function` for held-out tools. `bfcl/possible_answer/BFCL_v4_<name>.json` holds
each entry's `ground_truth`, per turn the calls in Python syntax. Both are JSON Lines, like BFCL's.

Ids are `<category>_<n>`, counting per file, because bfcl-eval reads the category (the part before
the last underscore) from the id and turns long context on when it contains `long_context`; so
long-context tasks go to `<name>_long_context` files. The sample id rides along in an extra
`sample_id` field, which bfcl-eval ignores. The ground truth is the task's: split and error-row
options do not apply here.

Skipped and counted: samples with a domain that reproduces no bfcl-eval class, samples with a memory
domain (bfcl-eval builds its memory classes only in its memory category, from a snapshot folder its
runner supplies, so a multi-turn entry cannot run them; `tasks.jsonl` holds these), and samples whose
ground truth has a tool name followed by `(` inside a string argument, because bfcl-eval's executor
prefixes tool names with a regex that also reaches into string literals, so the call would not run
as written.

Read the files back with `funreason eval --tasks bfcl:<name> --bfcl-data OUT/bfcl`.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from funreason_envs.domains import domain_class
from funreason_envs.errors import ConfigError
from funreason_envs.jsonutil import copy_json
from funreason_envs.synthesis.exports.base import Exporter, Row
from funreason_envs.synthesis.record import Sample
from funreason_envs.tasks import MEMORY_CATEGORIES, Task

# What bfcl-eval's executor treats as a function name in a call string (it rewrites every match).
CALL_NAME = re.compile(r"\b([A-Za-z_]\w*)\s*(?=\()")
NO_BFCL_CLASS = "domain_without_bfcl_class"
MEMORY_DOMAIN = "memory_domain_outside_bfcl_memory_category"
CALL_TEXT_IN_STRING = "tool_call_text_inside_string_argument"


def question_file(category: str) -> str:
    return f"bfcl/BFCL_v4_{category}.json"


def answer_file(category: str) -> str:
    return f"bfcl/possible_answer/BFCL_v4_{category}.json"


class BfclExporter(Exporter):
    """BFCL question and possible-answer files under `bfcl/`."""

    name: ClassVar[str] = "bfcl"
    option_keys: ClassVar[tuple[str, ...]] = ("bfcl_name",)

    def categories(self) -> tuple[str, str]:
        return self.options.bfcl_name, f"{self.options.bfcl_name}_long_context"

    def files(self) -> list[str]:
        return [
            path
            for category in self.categories()
            for path in (question_file(category), answer_file(category))
        ]

    def skip_reason(self, sample: Sample) -> str | None:
        task = sample.task
        if any(domain_class(name).bfcl_class is None for name in task.domains):
            return NO_BFCL_CLASS
        if any(name in MEMORY_CATEGORIES for name in task.domains):
            return MEMORY_DOMAIN
        tools = {tool for name in task.domains for tool in domain_class(name).tool_table()}
        for text in (call for turn in ground_truth_strings(task) for call in turn):
            if any(name in tools for name in CALL_NAME.findall(text)[1:]):
                return CALL_TEXT_IN_STRING
        return None

    def rows(self, sample: Sample) -> dict[str, list[Row]]:
        task = sample.task
        category = self.categories()[1 if task.long_context else 0]
        questions = question_file(category)
        entry_id = f"{category}_{self.ledger.rows[questions]}"
        answer = {"id": entry_id, "ground_truth": ground_truth_strings(task)}
        return {questions: [question_entry(task, entry_id, sample.id)], answer_file(category): [answer]}


def question_entry(task: Task, entry_id: str, sample_id: str) -> Row:
    """A BFCL question entry for a task whose domains all reproduce bfcl-eval classes."""
    classes = [_bfcl_class(name) for name in task.domains]
    config = {
        _bfcl_class(key): copy_json(value)
        for key, value in task.initial_config.items()
        if domain_class(key).bfcl_class is not None
    }
    entry: dict[str, Any] = {
        "id": entry_id,
        "question": [
            [] if index in task.held_out else copy_json(turn) for index, turn in enumerate(task.turns)
        ],
        "initial_config": config,
        "involved_classes": classes,
    }
    if task.held_out:
        entry["missed_function"] = {str(turn): list(names) for turn, names in sorted(task.held_out.items())}
    entry["sample_id"] = sample_id
    return entry


def ground_truth_strings(task: Task) -> list[list[str]]:
    """Per turn, the ground-truth calls as BFCL writes them, e.g. `cd(folder='document')`."""
    return [[call.to_call().to_python() for call in turn] for turn in task.ground_truth]


def _bfcl_class(domain: str) -> str:
    name = domain_class(domain).bfcl_class
    if name is None:
        raise ConfigError(f"domain {domain!r} reproduces no bfcl-eval class; it has no BFCL form")
    return name
