"""Recorded responses for re-scoring: our decoded lists, or bfcl-eval's own result files as written.

A row is `{"id": ..., "result": [turn][step] ...}`. A step is one of:
- a list of call strings (already decoded, our format);
- a string of Python calls, as bfcl-eval stores a prompt-mode model's raw output;
- a list of `{name: arguments}` dicts (arguments a dict or a JSON string), as it stores an FC-mode model's.

Raw steps are decoded the way bfcl-eval's multi-turn runner decodes them (keyword arguments only,
values rendered with `repr`); a step that does not decode (the model chatted) or decodes to nothing
is dropped, as there. A row whose shape is not one of these is refused, naming the file and row.

Agentic rows (memory questions) keep only what bfcl-eval's agentic runner scores: the last step that is
not a call (`FinalReply`). Memory prerequisite rows are skipped: bfcl-eval does not score them.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from funreason_envs.errors import ConfigError
from funreason_envs.jsonutil import read_jsonl

RESULT_SUFFIX = "_result.json"
MAX_STEP_CHARS = 200_000  # a step longer than this is not a call list a model meant; it is dropped


@dataclass(frozen=True)
class FinalReply:
    """An agentic row as bfcl-eval reads it: the last step that is not a call (`None` when there is none,
    or it is empty) and how many turns the row holds (bfcl-eval wants exactly one)."""

    text: Any
    turns: int


def is_agentic_id(task_id: str) -> bool:
    """A row of BFCL's agentic categories (scored on the final reply, not on calls)."""
    return task_id.startswith(("memory_", "web_search"))


def _is_prereq_id(task_id: str) -> bool:
    return task_id.startswith("memory_") and "_prereq_" in task_id


def _scored_file(name: str) -> bool:
    return "multi_turn" in name or ("memory" in name and "prereq" not in name)


class Undecodable(Exception):
    """A raw step that bfcl-eval would also fail to decode (and skip)."""


class BadRow(Exception):
    """A row whose structure is none of the accepted shapes."""


def read_responses(path: str | Path) -> dict[str, Any]:
    """Decoded responses by id from a file or a folder of bfcl-eval result files.

    A value is `[turn][step][call string]` (a `FinalReply` for agentic rows), or whatever non-list a row
    holds (scored as an inference error, as bfcl-eval does).
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(file for file in path.rglob(f"*{RESULT_SUFFIX}") if _scored_file(file.name))
        if not files:
            raise ConfigError(
                f"--responses {path}: no multi-turn or memory result files (*multi_turn*{RESULT_SUFFIX}, "
                f"*memory*{RESULT_SUFFIX}) in this folder"
            )
    elif path.is_file():
        files = [path]
    else:
        raise ConfigError(f"--responses {path}: no such file or folder")
    responses: dict[str, Any] = {}
    for file in files:
        for number, row in read_jsonl(file):
            where = f"{file}:{number}"
            if not isinstance(row, dict) or not isinstance(row.get("id"), str) or "result" not in row:
                raise ConfigError(f'{where}: each line needs "id" (a string) and "result"')
            if row["id"] in responses:
                raise ConfigError(f"{where}: id {row['id']!r} appears twice in the responses")
            if _is_prereq_id(row["id"]):
                continue
            if is_agentic_id(row["id"]):
                responses[row["id"]] = final_reply(row["result"])
                continue
            try:
                responses[row["id"]] = decode_result(row["result"])
            except BadRow as exc:
                raise ConfigError(f"{where} ({row['id']}): {exc}") from None
    if not responses:
        raise ConfigError(
            f'--responses {path}: no responses to score; pass a file of {{"id", "result"}} rows or a '
            "bfcl-eval result file or folder"
        )
    return responses


def decode_result(result: Any) -> Any:
    """One row's `result` as `[turn][step][call string]`; a non-list is returned as it is."""
    if not isinstance(result, list):
        return result
    turns = []
    for index, turn in enumerate(result):
        if not isinstance(turn, list):
            raise BadRow(f"turn {index} is {_kind(turn)}, not a list of steps")
        fc_row = any(not isinstance(step, str) for step in turn)
        steps = []
        for position, step in enumerate(turn):
            try:
                calls = decode_step(step, fc_row)
            except Undecodable:
                continue
            except BadRow as exc:
                raise BadRow(f"turn {index} step {position}: {exc}") from None
            if calls and calls != [""]:
                steps.append(calls)
        turns.append(steps)
    return turns


def final_reply(result: Any) -> Any:
    """An agentic row's `result` as a `FinalReply`: of its one turn, the last step that does not decode to
    calls (a step of any shape bfcl-eval cannot decode counts); a non-list is returned as it is."""
    if not isinstance(result, list):
        return result
    if len(result) != 1 or not isinstance(result[0], list):
        return FinalReply(None, len(result))
    turn = result[0]
    fc_row = any(not isinstance(step, str) for step in turn)
    last: Any = None
    for step in turn:
        try:
            calls = decode_step(step, fc_row)
        except (Undecodable, BadRow):
            last = step
            continue
        if not calls or calls == [""]:
            last = step
    return FinalReply(last if last else None, 1)


def decode_step(step: Any, fc_row: bool) -> list[str]:
    """One step's call strings (see the module docstring for the accepted shapes)."""
    if isinstance(step, str):
        if fc_row:  # an FC model's text reply: no calls
            raise Undecodable
        return decode_prompt_step(step)
    if isinstance(step, dict):
        step = [step]
    if not isinstance(step, list):
        raise BadRow(f"a step is {_kind(step)}; expected call strings, a string or function-call dicts")
    if all(isinstance(item, str) for item in step):
        return list(step)
    return [call for item in step for call in _fc_calls(item)]


def _fc_calls(item: Any) -> list[str]:
    if not isinstance(item, dict):
        raise BadRow(f"a function call is {_kind(item)}, not a {{name: arguments}} object")
    calls = []
    for name, arguments in item.items():
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments)
            except (json.JSONDecodeError, RecursionError):
                raise Undecodable from None  # the model wrote broken JSON: bfcl-eval drops the step
        if not isinstance(arguments, dict):
            raise BadRow(f"call {name!r}: arguments are {_kind(arguments)}, not an object")
        rendered = ",".join(f"{key}={_repr(value)}" for key, value in arguments.items())
        calls.append(f"{name}({rendered})")
    return calls


def decode_prompt_step(text: str) -> list[str]:
    """A prompt-mode step (`"[f(a=1), g(b='x')]"`) as call strings; only keyword arguments are kept."""
    if len(text) > MAX_STEP_CHARS:
        raise Undecodable
    text = text.strip("`\n ")
    if not text.startswith("["):
        text = "[" + text
    if not text.endswith("]"):
        text = text + "]"
    try:
        tree = ast.parse(text.strip().strip("'"), mode="eval").body
        nodes = [tree] if isinstance(tree, ast.Call) else getattr(tree, "elts", None)
        if nodes is None or not all(isinstance(node, ast.Call) for node in nodes):
            raise Undecodable
        return [_render_call(*_call(node)) for node in nodes]
    except (SyntaxError, ValueError, TypeError, AttributeError, IndexError, RecursionError, MemoryError):
        raise Undecodable from None


def _call(node: ast.Call) -> tuple[str, dict[Any, Any]]:
    parts = []
    target: ast.expr = node.func
    while isinstance(target, ast.Attribute):
        parts.append(target.attr)
        target = target.value
    if isinstance(target, ast.Name):
        parts.append(target.id)
    arguments = {keyword.arg: _value(keyword.value) for keyword in node.keywords}
    return ".".join(reversed(parts)), arguments


def _value(node: ast.expr) -> Any:
    """A literal argument, read the way bfcl-eval reads it (names become strings), never evaluated."""
    if isinstance(node, ast.Constant):
        return "..." if node.value is Ellipsis else node.value
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.operand, ast.Constant):
            raise Undecodable
        return -node.operand.value
    if isinstance(node, ast.List):
        return [_value(item) for item in node.elts]
    if isinstance(node, ast.Tuple):
        return tuple(_value(item) for item in node.elts)
    if isinstance(node, ast.Dict):
        if any(key is None for key in node.keys):
            raise Undecodable
        return {_value(key): _value(value) for key, value in zip(node.keys, node.values, strict=True)}  # type: ignore[arg-type]
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return ast.unparse(node) if not node.keywords else {_call(node)[0]: _call(node)[1]}
    if isinstance(node, ast.Subscript):
        return f"{ast.unparse(node.value)}[{ast.unparse(node.slice)}]"
    raise Undecodable  # arithmetic and lambdas: bfcl-eval evaluates them as code; we do not


def _render_call(name: str, arguments: dict[Any, Any]) -> str:
    return f"{name}({', '.join(f'{key}={_render(value)}' for key, value in arguments.items())})"


def _render(value: Any) -> str:
    if isinstance(value, dict):
        if all(isinstance(item, dict) for item in value.values()):
            if not value:
                raise Undecodable
            name, arguments = next(iter(value.items()))
            return _render_call(name, arguments)
        return "{" + ", ".join(f"'{key}': {_render(item)}" for key, item in value.items()) + "}"
    return _repr(value)


def _repr(value: Any) -> str:
    try:
        return repr(value)
    except (ValueError, RecursionError):  # an integer too long for repr, or absurd nesting
        raise Undecodable from None


def _kind(value: Any) -> str:
    try:
        shown = json.dumps(value, default=str)
    except (ValueError, RecursionError):
        shown = "..."
    return f"a {type(value).__name__} ({shown[:40]})"
