"""A cache of values read from text, bounded by the characters of text it holds.

The parser keeps raw calls by call text and the router keeps resolved, checked calls by (table, text):
both repeat in rollouts and checks. Texts longer than the per-text limit are never kept, so a few huge
calls cannot pin memory; an entry counts as twice its text (the text and the values read from it): the
characters of the key's strings.
Entries live in two generations of at most half the bound each: `put` and a hit in the old one
fill the young one, which becomes the old one when full (the old one's other entries go). A hit
costs one dict lookup and reorders nothing; what was used during the last generation stays.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Hashable
from typing import Any


class TextCache:
    """Values (never None) by key (a text, or a tuple holding the texts they were read from); what was
    not read or put during the last generation goes first. Safe to share between threads (rollouts
    run episodes in threads)."""

    def __init__(self, max_chars: int, max_text_chars: int) -> None:
        self.max_chars = max_chars
        self.max_text_chars = max_text_chars
        self._young: dict[Hashable, Any] = {}
        self._old: dict[Hashable, Any] = {}
        self._young_chars = self._old_chars = 0
        self._lock = threading.Lock()
        # a child forked while another thread held the lock would wait on it forever
        os.register_at_fork(after_in_child=self._new_lock)

    def _new_lock(self) -> None:
        self._lock = threading.Lock()

    @property
    def chars(self) -> int:
        """Characters counted for the entries kept (twice each text): never above `max_chars`."""
        return self._young_chars + self._old_chars

    def get(self, key: Hashable) -> Any:
        """The value kept for `key`, or None. A hit in the young generation is one dict lookup, read
        without the lock (atomic); one in the old generation moves the entry to the young one."""
        found = self._young.get(key)
        if found is not None:
            return found
        found = self._old.get(key)
        if found is not None:
            self._keep(key, found, _text_chars(key))
        return found

    def put(self, key: Hashable, value: Any) -> None:
        """Keep `value` (read from the text(s) in `key`) unless the text is too long."""
        text_chars = _text_chars(key)
        if text_chars <= self.max_text_chars:
            self._keep(key, value, text_chars)

    def _keep(self, key: Hashable, value: Any, text_chars: int) -> None:
        chars = 2 * text_chars
        with self._lock:
            if key in self._young or chars > self.max_chars // 2:
                return
            if self._young_chars + chars > self.max_chars // 2:  # full: it becomes the old one
                self._old, self._old_chars = self._young, self._young_chars
                self._young, self._young_chars = {}, 0
            self._young[key] = value
            self._young_chars += chars

    def clear(self) -> None:
        with self._lock:
            self._young, self._old = {}, {}
            self._young_chars = self._old_chars = 0


def _text_chars(key: Hashable) -> int:
    """The characters of the text(s) a key holds."""
    if isinstance(key, str):
        return len(key)
    return sum(len(part) for part in key if isinstance(part, str))  # type: ignore[attr-defined]
