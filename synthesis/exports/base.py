"""The exporter contract, and the shared walk of chat formats over normal and error-row variants.

An exporter turns `Sample`s into rows appended to files in an output folder. The pipeline calls
`write([sample])` as each sample is verified and `close()` at the end (formats built from the rows,
such as parquet, are produced there). Writing is idempotent per sample id: a sample already in the
folder's ledger, from this run or an earlier one, is skipped, so a rerun never duplicates rows, and
a crash mid-sample leaves no partial rows behind (see `ledger.py`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

from funreason_envs.errors import ConfigError
from funreason_envs.synthesis.exports.conversation import Conversation, read_conversation
from funreason_envs.synthesis.exports.faults import inject_failure, wants_error_row
from funreason_envs.synthesis.exports.ledger import Ledger
from funreason_envs.synthesis.exports.options import ExportOptions, ExportStats
from funreason_envs.synthesis.record import Sample

Row = dict[str, Any]


class Exporter:
    """Writes rows for samples into `out_dir`: append-only, resumable, idempotent per sample id."""

    name: ClassVar[str]
    option_keys: ClassVar[tuple[str, ...]] = ()

    def __init__(self, out_dir: str | Path, options: ExportOptions | None = None) -> None:
        self.out_dir = Path(out_dir)
        if self.out_dir.exists() and not self.out_dir.is_dir():
            raise ConfigError(f"{self.out_dir}: exists and is not a folder")
        self.options = options or ExportOptions()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.ledger = Ledger(self.out_dir, self.name, self.options.pick(self.option_keys), self.files())
        self.stats = ExportStats()

    @classmethod
    def check_dependencies(cls) -> None:
        """Raise a one-line error if an optional package this format needs is missing (none by default)."""

    def files(self) -> list[str]:
        """The files (relative to the output folder) this exporter may write."""
        raise NotImplementedError

    def rows(self, sample: Sample) -> dict[str, list[Row]]:
        """The rows one sample contributes, per file."""
        raise NotImplementedError

    def skip_reason(self, sample: Sample) -> str | None:
        """Why this format cannot hold the sample, or None."""
        return None

    def write(self, samples: Iterable[Sample]) -> ExportStats:
        """Append the rows of every sample not yet written; returns this call's counts."""
        batch = ExportStats()
        for sample in samples:
            if sample.id in self.ledger:
                batch.already_written += 1
                continue
            reason = self.skip_reason(sample)
            if reason is not None:
                self.ledger.skip(sample.id, reason)
                batch.skipped[reason] += 1
                continue
            rows = self.rows(sample)
            self.ledger.commit(
                sample.id, {name: [encode(row) for row in items] for name, items in rows.items()}
            )
            batch.samples += 1
            for items in rows.values():
                batch.rows += len(items)
                batch.error_rows += sum(bool(row.get("error_tool_response")) for row in items)
        self.stats.add(batch)
        return batch

    def close(self) -> None:
        """Finish the output (nothing to do for formats written row by row)."""

    def __enter__(self) -> Exporter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()


def encode(row: Row) -> str:
    """One JSON Lines line."""
    return json.dumps(row, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Variant:
    """The conversation rows are made from: the verified one, or a copy with one injected failure.

    For an error copy, `turn` is the turn holding the failure and `retry_step` the step that retries:
    split rows of other turns (and, per step, of earlier steps) would repeat the normal rows, so
    only the rest is rendered.
    """

    conversation: Conversation
    error: bool = False
    turn: int | None = None
    retry_step: int = 0

    def split_turns(self) -> list[int]:
        if self.turn is not None:
            return [self.turn]
        return [turn.index for turn in self.conversation.turns]

    def row_meta(self, sample: Sample, turn: int | None = None, step: int | None = None) -> Row:
        """The columns every chat row carries: row id, sample id, turn, and the error flag."""
        parts = [sample.id, *(["error"] if self.error else [])]
        if turn is not None:
            parts.append(f"turn{turn}")
        if step is not None:
            parts.append(f"step{step}")
        return {
            "id": "/".join(parts),
            "sample_id": sample.id,
            "turn": turn,
            "error_tool_response": self.error,
        }


class ChatExporter(Exporter):
    """A chat format: rows for the verified conversation, plus an error-row copy for some samples."""

    option_keys: ClassVar[tuple[str, ...]] = ("split_turns", "error_rows")
    file: ClassVar[str]

    def files(self) -> list[str]:
        return [self.file]

    def rows(self, sample: Sample) -> dict[str, list[Row]]:
        return {self.file: self.chat_rows(sample)}

    def chat_rows(self, sample: Sample) -> list[Row]:
        conversation = read_conversation(sample)
        rows = self.render(sample, Variant(conversation))
        if wants_error_row(sample, self.options.error_rows):
            injected = inject_failure(conversation, sample)
            if injected is not None and self.options.split_turns:
                rows.extend(
                    self.render(
                        sample, Variant(injected.conversation, True, injected.turn, injected.retry_step)
                    )
                )
            elif injected is not None:
                rows.extend(self.render(sample, Variant(injected.conversation, True)))
        return rows

    def render(self, sample: Sample, variant: Variant) -> list[Row]:
        """The rows of one variant: one whole-conversation row, or split rows."""
        raise NotImplementedError
