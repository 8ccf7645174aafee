"""An exporter's ledger: which samples it wrote and how long each output file was afterwards.

Writing a sample is logged as "begin" (file sizes before), the rows appended, then "done" (sizes
after). On reopening, a "begin" without its "done" (a crash mid-sample) is rolled back by truncating
the files to their sizes before it, so output files only ever hold whole samples, and samples already
written are skipped. Flushed, not fsynced: this survives a killed process, not a power cut.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from funreason_envs.errors import ConfigError
from funreason_envs.writer import JsonlLog, describe_differences

LEDGER_DIR = ".ledger"


class Ledger:
    """The write log of one exporter in one output folder."""

    def __init__(self, root: Path, name: str, settings: Mapping[str, Any], files: Sequence[str]) -> None:
        self.root = root
        self.path = root / LEDGER_DIR / f"{name}.jsonl"
        self.written: set[str] = set()
        self.skipped: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.rows: Counter[str] = Counter()
        if self.path.exists():
            self._resume(dict(settings))
        else:
            self._start(dict(settings), files)

    def __contains__(self, sample_id: object) -> bool:
        return sample_id in self.written or sample_id in self.skipped

    # -- opening ---------------------------------------------------------------------------------

    def _start(self, settings: dict[str, Any], files: Sequence[str]) -> None:
        for relative in files:
            target = self.root / relative
            if target.exists() and target.stat().st_size > 0:
                raise ConfigError(
                    f"{target} exists but no ledger ({self.path}) says this exporter wrote it; "
                    "export into an empty folder or move the file away"
                )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._log({"settings": settings})

    def _resume(self, settings: dict[str, Any]) -> None:
        log = JsonlLog(self.path)  # a line torn by a crash while logging is cut off: its step never finished
        entries = list(log)
        if not entries or not isinstance(entries[0], dict) or "settings" not in entries[0]:
            raise ConfigError(f"{self.path}: not an export ledger; remove it with the files it describes")
        differences = describe_differences(entries[0]["settings"], settings)
        if differences:
            was, now = differences
            raise ConfigError(
                f"{self.root} was exported with {was}; this run has {now}; "
                "use the same options or a new output folder"
            )
        pending: dict[str, Any] | None = None
        for entry in entries[1:]:
            if "begin" in entry:
                pending = entry
            elif "done" in entry:
                self.written.add(entry["done"])
                self.sizes.update(entry["sizes"])
                self.rows.update(entry["rows"])
                pending = None
            elif "skip" in entry:
                self.skipped[entry["skip"]] = entry["reason"]
        if pending is not None:
            for relative, size in pending["sizes"].items():
                target = self.root / relative
                if target.exists() and target.stat().st_size > size:
                    os.truncate(target, size)
            log.rewrite(lambda entry: entry is not pending)
        log.close()
        for relative in self.sizes:
            self._size(relative)  # every file must be as the ledger left it

    # -- writing ---------------------------------------------------------------------------------

    def _size(self, relative: str) -> int:
        target = self.root / relative
        actual = target.stat().st_size if target.exists() else 0
        expected = self.sizes.get(relative, 0)
        if actual != expected:
            raise ConfigError(
                f"{target} is {actual} bytes but the export ledger says {expected}: it was changed by "
                "something else; restore it or export into a new folder"
            )
        return actual

    def commit(self, sample_id: str, lines: Mapping[str, Sequence[str]]) -> None:
        """Append each file's lines for one sample, logged so a crash can be rolled back."""
        self._log({"begin": sample_id, "sizes": {relative: self._size(relative) for relative in lines}})
        after: dict[str, int] = {}
        for relative, rows in lines.items():
            target = self.root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("a", encoding="utf-8") as handle:
                handle.write("".join(rows))
            after[relative] = target.stat().st_size
        counts = {relative: len(rows) for relative, rows in lines.items()}
        self._log({"done": sample_id, "sizes": after, "rows": counts})
        self.written.add(sample_id)
        self.sizes.update(after)
        self.rows.update(counts)

    def skip(self, sample_id: str, reason: str) -> None:
        """Record that a sample was looked at and left out, so reruns count it the same way."""
        self._log({"skip": sample_id, "reason": reason})
        self.skipped[sample_id] = reason

    def _log(self, entry: dict[str, Any]) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")
