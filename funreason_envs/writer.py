"""The one resumable output folder of every long job (eval, synthesis, exports).

A `RunFolder` is locked for the life of the job (an exclusive `fcntl.flock` on `.lock`, so a second
job into the same folder is refused instead of interleaving rows), remembers the settings it was made
with (`run.json`; a rerun with other settings is refused with the names of the settings that differ,
and results whose `run.json` is missing or unreadable are never taken over by a run with any settings),
and hands out `JsonlLog`s: append-only JSONL files whose torn last line (a crash mid-write) is cut off
when they are opened, so a rerun continues after the last complete row and never duplicates one.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from funreason_envs.errors import ConfigError

FINGERPRINT_FILE = "run.json"
LOCK_FILE = ".lock"
SHOWN_VALUE = 40  # characters of a differing setting's value quoted in a refusal


def dumps(row: Any) -> str:
    """One JSON line. Unicode stays readable; a lone surrogate (invalid in UTF-8) is written escaped."""
    text = json.dumps(row, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(row)
    return text


class JsonlLog:
    """An append-only JSONL file: its complete rows, and `append` that writes one whole line at a time."""

    def __init__(self, path: Path, *, flush_every: bool = True) -> None:
        self.path = path
        self.rows: list[Any] = self._load()
        self._handle: IO[str] | None = None
        self._flush_every = flush_every

    def _load(self) -> list[Any]:
        if not self.path.exists():
            return []
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):  # a crash mid-write left part of a line: drop it so appends start clean
            os.truncate(self.path, end)
            data = data[:end]
        rows = []
        for number, line in enumerate(data.split(b"\n"), 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line.decode("utf-8")))
            except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
                raise ConfigError(
                    f"{self.path}:{number}: unreadable row in an output file; remove that line to resume"
                ) from None
        return rows

    def append(self, row: Any) -> None:
        """Write one row as one line and flush it, so a killed process loses at most this row."""
        if self._handle is None:
            self._handle = self.path.open("a", encoding="utf-8")
        self._handle.write(dumps(row) + "\n")
        self._handle.flush()
        self.rows.append(row)

    def rewrite(self, keep: Callable[[Any], bool]) -> int:
        """Keep only the rows `keep` accepts (atomically); returns how many rows were dropped."""
        kept = [row for row in self.rows if keep(row)]
        dropped = len(self.rows) - len(kept)
        if dropped:
            self.close()
            temporary = self.path.with_name(self.path.name + ".tmp")
            temporary.write_text("".join(dumps(row) + "\n" for row in kept), encoding="utf-8")
            os.replace(temporary, self.path)
            self.rows = kept
        return dropped

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


class RunFolder:
    """An output folder owned by one job at a time, tied to the settings it was made with.

    Args:
        path: the folder (created if missing).
        settings: what makes two runs comparable (agent, model, tasks, options); JSON-able.
        flag: the option that named the folder, for messages (`--out`).
        fingerprint_file: where the settings are kept, relative to the folder.
        results: the logs whose rows are the job's results; if one holds rows while the settings file is
            missing or unreadable, the folder is refused (those rows cannot be matched to any settings).
    """

    def __init__(
        self,
        path: str | Path,
        settings: Mapping[str, Any],
        *,
        flag: str = "--out",
        fingerprint_file: str = FINGERPRINT_FILE,
        results: Sequence[str] = (),
    ) -> None:
        self.path = prepare_folder(path, flag)
        self.flag = flag
        self.logs: list[JsonlLog] = []
        self._lock = _take_lock(self.path, flag)
        try:
            self.settings = json.loads(json.dumps(dict(settings)))
            self._check_fingerprint(self.path / fingerprint_file, results)
        except BaseException:
            self.close()
            raise

    def log(self, name: str) -> JsonlLog:
        """The append-only JSONL file `name` inside the folder (opened, torn tail repaired)."""
        log = JsonlLog(self.path / name)
        self.logs.append(log)
        return log

    def _check_fingerprint(self, path: Path, results: Sequence[str]) -> None:
        recorded = _read_fingerprint(path)
        if recorded is None:
            held = [name for name in results if _holds_rows(self.path / name)]
            state = "unreadable" if path.exists() else "missing"
            if held:
                raise ConfigError(
                    f"{self.flag} {self.path} holds results ({', '.join(held)}) but its {path.name} is "
                    f"{state}, so they cannot be matched to this run's settings; restore {path.name}, "
                    f"or use a new {self.flag}"
                )
            if state == "unreadable":
                print(f"warning: {path} was unreadable; rewritten with this run's settings", file=sys.stderr)
            _write_atomic(path, json.dumps(self.settings, indent=2) + "\n")
            return
        differences = describe_differences(recorded, self.settings)
        if differences:
            was, now = differences
            raise ConfigError(
                f"{self.flag} {self.path} was made with {was}; this run has {now}; "
                f"use another {self.flag} or the same settings"
            )

    def close(self) -> None:
        for log in self.logs:
            log.close()
        if self._lock is not None:
            self._lock.close()  # closing the descriptor releases the flock
            self._lock = None

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def prepare_folder(path: str | Path, flag: str = "--out") -> Path:
    """Create the output folder, or say in one line why it cannot be one."""
    folder = Path(path)
    if str(path).strip() == "":
        raise ConfigError(f"{flag} is empty; name an output folder")
    if "\0" in str(path):
        raise ConfigError(f"{flag} {str(path)!r}: a path cannot hold a null byte")
    resolved = folder.resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home():
        raise ConfigError(f"{flag} {path}: refusing to write into {resolved}; name a folder of its own")
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{flag} {path}: exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{flag} {path}: cannot create the folder ({exc.strerror or exc})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"{flag} {path}: the folder is not writable; choose another {flag}")
    return folder


def _take_lock(folder: Path, flag: str) -> IO[str]:
    try:
        handle = (folder / LOCK_FILE).open("a", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{flag} {folder}: cannot write there ({exc.strerror or exc})") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ConfigError(
            f"{flag} {folder} is in use by another running job; wait for it to finish or use another {flag}"
        ) from None
    return handle


def _read_fingerprint(path: Path) -> dict[str, Any] | None:
    """The recorded settings, or None when the file is missing or is not a JSON object."""
    if not path.exists():
        return None
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return recorded if isinstance(recorded, dict) else None


def _holds_rows(path: Path) -> bool:
    """Whether a log file has anything in it (a row, or the start of one)."""
    return path.is_file() and path.stat().st_size > 0


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def describe_differences(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> tuple[str, str] | None:
    """`("agent=replay", "agent=random")`-style texts of the settings that differ, or None if none do."""
    was, now = _flatten(recorded), _flatten(current)
    changed = sorted(key for key in was.keys() | now.keys() if was.get(key) != now.get(key))
    if not changed:
        return None
    return (
        ", ".join(f"{key}={_show(was.get(key))}" for key in changed),
        ", ".join(f"{key}={_show(now.get(key))}" for key in changed),
    )


def _flatten(settings: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in settings.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _show(value: Any) -> str:
    text = "(unset)" if value is None else value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 3] + "..."
