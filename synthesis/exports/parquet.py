"""`parquet`: the `openai` rows as one parquet file, written with HF `datasets`.

Rows are appended as JSON Lines to `parquet/rows.jsonl`, under the same ledger as every format, and
`close()` rebuilds `parquet/train.parquet` from all of them. A full rebuild keeps appends across runs
simple and a crash harmless: the JSON Lines are the record, the parquet file is derived from them.
`tools` is a JSON string, since tool schemas differ too much for one Arrow struct (TRL parses a
string `tools` column); message lists stay nested, each message with the same keys, absent ones null
(TRL drops null keys when it reads rows). Tool-call `arguments` are objects in a `datasets.Json` column
(datasets 4.7 or later), or JSON strings with `string_arguments`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

from funreason_envs.errors import ConfigError
from funreason_envs.synthesis.exports.base import Row
from funreason_envs.synthesis.exports.openai import OpenAIExporter
from funreason_envs.synthesis.exports.options import ExportOptions

MESSAGE_KEYS = ("role", "content", "reasoning_content", "tool_calls", "tool_call_id", "name")
MESSAGE_COLUMNS = ("messages", "prompt", "completion")
PARQUET_BATCH_ROWS = 1000
INSTALL_HINT = "the parquet export needs HF datasets: pip install 'funreason-envs[datasets]'"


def require_datasets() -> ModuleType:
    """The `datasets` module, or a one-line error saying how to install it."""
    try:
        import datasets
    except ImportError:
        raise ConfigError(INSTALL_HINT) from None
    return datasets


class ParquetExporter(OpenAIExporter):
    """`openai` rows, staged as JSON Lines and turned into `parquet/train.parquet` on `close()`."""

    name: ClassVar[str] = "parquet"
    file: ClassVar[str] = "parquet/rows.jsonl"
    target: ClassVar[str] = "parquet/train.parquet"

    @classmethod
    def check_dependencies(cls) -> None:
        require_datasets()

    def __init__(self, out_dir: str | Path, options: ExportOptions | None = None) -> None:
        self._datasets = require_datasets()  # fail before hours of synthesis, not at the end
        super().__init__(out_dir, options)

    def files(self) -> list[str]:
        return [self.file, self.target]

    def close(self) -> None:
        """Rebuild the parquet file from every row written so far (none yet: no file)."""
        staged = self.out_dir / self.file
        if not staged.exists():
            return
        keys = (*MESSAGE_KEYS, "weight") if self.options.openai_loss_marking == "weight" else MESSAGE_KEYS
        with staged.open(encoding="utf-8") as handle:
            rows = [
                flatten(json.loads(line), keys, self.options.string_arguments)
                for line in handle
                if line.strip()
            ]
        if not rows:
            return
        datasets = self._datasets
        target = self.out_dir / self.target
        partial = target.with_name(target.name + ".partial")
        features = schema(datasets, list(rows[0]), keys, self.options.string_arguments)
        table = datasets.Dataset.from_list(rows, features=features)
        bars_were_on = not datasets.utils.are_progress_bars_disabled()
        datasets.utils.disable_progress_bars()
        try:
            # An explicit batch size: datasets cannot estimate the size of nested Json columns.
            table.to_parquet(str(partial), batch_size=PARQUET_BATCH_ROWS)
        finally:
            if bars_were_on:
                datasets.utils.enable_progress_bars()
        os.replace(partial, target)


def schema(datasets: ModuleType, columns: list[str], keys: tuple[str, ...], string_arguments: bool) -> Any:
    """Fixed column types, so every export has the same schema whatever its rows happen to hold."""
    text = datasets.Value("string")
    arguments = text if string_arguments else datasets.Json()
    call = {"id": text, "type": text, "function": {"name": text, "arguments": arguments}}
    message = {key: text for key in keys}
    message["tool_calls"] = [call]
    if "weight" in keys:
        message["weight"] = datasets.Value("int64")
    types = {
        "tools": text,
        "id": text,
        "sample_id": text,
        "turn": datasets.Value("int64"),
        "error_tool_response": datasets.Value("bool"),
    }
    return datasets.Features(
        {column: [message] if column in MESSAGE_COLUMNS else types[column] for column in columns}
    )


def flatten(row: Row, keys: tuple[str, ...], string_arguments: bool = True) -> Row:
    """A row with a stable Arrow schema: `tools` as a JSON string, every message with the same keys."""
    out: Row = {}
    for column, value in row.items():
        if column == "tools":
            out[column] = json.dumps(value, ensure_ascii=False)
        elif column in MESSAGE_COLUMNS:
            out[column] = [_message(message, keys, string_arguments) for message in value]
        else:
            out[column] = value
    return out


def _message(message: dict[str, Any], keys: tuple[str, ...], string_arguments: bool) -> dict[str, Any]:
    flat = {key: message.get(key) for key in keys}
    if flat["tool_calls"]:
        flat["tool_calls"] = [_call(call, string_arguments) for call in flat["tool_calls"]]
    return flat


def _call(call: dict[str, Any], string_arguments: bool) -> dict[str, Any]:
    function = call["function"]
    arguments = function.get("arguments")
    if string_arguments and not isinstance(arguments, str):
        arguments = json.dumps(arguments or {}, ensure_ascii=False)
    return {
        "id": call.get("id"),
        "type": call.get("type", "function"),
        "function": {"name": function["name"], "arguments": arguments},
    }
