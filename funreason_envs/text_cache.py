"""A least-recently-used cache of values read from text, bounded by the characters of text it holds.

The parser keeps raw calls by call text and the router keeps resolved, checked calls by (table, text):
both repeat in rollouts and checks. Texts longer than the per-text limit are never kept, so a few huge
calls cannot pin memory; an entry counts as twice its text (the text and the values read from it).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class TextCache:
    """Values by key (a text, or a tuple ending in one), least recently used first out; safe to share
    between threads (rollouts run episodes in threads)."""

    def __init__(self, max_chars: int, max_text_chars: int) -> None:
        self.max_chars = max_chars
        self.max_text_chars = max_text_chars
        self.chars = 0
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        # a child forked while another thread held the lock would wait on it forever
        os.register_at_fork(after_in_child=self._new_lock)

    def _new_lock(self) -> None:
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The value kept for `key`, or None. Read without the lock: each of the two dict operations
        is atomic, and a key another thread evicts in between is simply not moved."""
        entries = self._entries
        found = entries.get(key)
        if found is None:
            return None
        try:
            entries.move_to_end(key)
        except KeyError:  # evicted meanwhile: the value read is still good
            return found[0]
        return found[0]

    def put(self, key: Hashable, value: Any, text_chars: int) -> None:
        """Keep `value` (read from a text of `text_chars` characters) unless the text is too long."""
        if text_chars > self.max_text_chars:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (value, text_chars)
            self.chars += 2 * text_chars
            while self.chars > self.max_chars:
                _, (_, evicted_chars) = self._entries.popitem(last=False)
                self.chars -= 2 * evicted_chars

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.chars = 0
