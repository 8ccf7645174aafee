"""The key-value memory domain (BFCL's MemoryAPI_kv): a core and an archival tier of snake_case keys.

Limits, checks (in their order), messages and result shapes follow bfcl-eval 2026.3.23. The state is
the snapshot BFCL carries from a scenario's prerequisite conversation into its questions.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Mapping
from typing import Any

from funreason_envs.domains.base import Domain, config_value
from funreason_envs.errors import ConfigError, MissingDependencyError

CORE_LIMITS = (7, 300)  # most keys, longest value (exclusive)
ARCHIVAL_LIMITS = (50, 2000)
KEY_PATTERN = re.compile(r"^[a-z]+(_[a-z0-9]+)*$")
NOT_FOUND = {"error": "Key not found."}


def _too_long(limit: int) -> dict[str, str]:
    return {"error": f"Entry is too long. Please shorten the entry to less than {limit} characters."}


def bm25_rank(query: str, keys: list[str], k: int) -> list[tuple[float, str]]:
    """Keys ranked by BM25+ score against the query, best first (ties keep insertion order)."""
    if importlib.util.find_spec("rank_bm25") is None:
        raise MissingDependencyError(
            "key search needs 'rank-bm25'; install the memory extra: pip install 'funreason-envs[memory]'"
        )
    from rank_bm25 import BM25Plus

    def words(text: str) -> list[str]:
        return text.replace("_", " ").lower().split()

    scores = BM25Plus([words(key) for key in keys]).get_scores(words(query))
    return sorted(zip(scores, keys, strict=True), key=lambda pair: pair[0], reverse=True)[:k]


class KeyValueMemory(Domain):
    """Store, look up, search and forget snake_case keys in a small core and a large archival memory."""

    core_memory: dict[str, str]
    archival_memory: dict[str, str]

    def load(self, config: Mapping[str, Any], long_context: bool = False) -> None:
        for tier in ("core_memory", "archival_memory"):
            value = config_value(config, tier, {})
            if not isinstance(value, dict):
                raise ConfigError(
                    f"MemoryAPI_kv config: {tier!r} must map keys to values, got {type(value).__name__}"
                )
            setattr(self, tier, value)

    # -- shared behaviour of the two tiers --------------------------------------------------------------

    def _add(
        self, store: dict[str, str], limits: tuple[int, int], key: Any, value: Any, full: str, done: str
    ):
        key, value = str(key), str(value)
        if len(store) >= limits[0]:
            return {"error": full}
        if len(value) > limits[1]:
            return _too_long(limits[1])
        if not KEY_PATTERN.match(key):
            return {"error": "Key must be in snake_case format and cannot contain spaces."}
        if key in store:
            return {"error": "Key name must be unique."}
        store[key] = value
        return {"status": done}

    @staticmethod
    def _remove(store: dict[str, str], key: str) -> dict[str, str]:
        if key not in store:
            return NOT_FOUND
        del store[key]
        return {"status": "Key removed."}

    @staticmethod
    def _replace(store: dict[str, str], limit: int, key: Any, value: Any) -> dict[str, str]:
        key, value = str(key), str(value)
        if key not in store:
            return NOT_FOUND
        if len(value) > limit:
            return _too_long(limit)
        store[key] = value
        return {"status": "Key replaced."}

    @staticmethod
    def _retrieve(store: dict[str, str], key: str) -> dict[str, str]:
        return {"value": store[key]} if key in store else NOT_FOUND

    # -- core memory -------------------------------------------------------------------------------------

    def core_memory_add(self, key: str, value: str) -> dict[str, str]:
        full = "Core memory is full. Please clear some entries."
        return self._add(self.core_memory, CORE_LIMITS, key, value, full, "Key-value pair added.")

    def core_memory_remove(self, key: str) -> dict[str, str]:
        return self._remove(self.core_memory, key)

    def core_memory_replace(self, key: str, value: str) -> dict[str, str]:
        return self._replace(self.core_memory, CORE_LIMITS[1], key, value)

    def core_memory_clear(self) -> dict[str, str]:
        self.core_memory = {}
        return {"status": "Short term memory cleared."}

    def core_memory_retrieve(self, key: str) -> dict[str, str]:
        return self._retrieve(self.core_memory, key)

    def core_memory_list_keys(self) -> dict[str, list[str]]:
        return {"keys": list(self.core_memory)}

    def core_memory_key_search(self, query: str, k: int = 5) -> dict[str, list[tuple[float, str]]]:
        return {"ranked_results": bm25_rank(query, list(self.core_memory), k)}

    def core_memory_retrieve_all(self) -> dict[str, str]:
        """Core memory only: bfcl-eval offers no archival counterpart."""
        return dict(self.core_memory)

    # -- archival memory ---------------------------------------------------------------------------------

    def archival_memory_add(self, key: str, value: str) -> dict[str, str]:
        full = "Long term memory is full. Please clear some entries."
        return self._add(self.archival_memory, ARCHIVAL_LIMITS, key, value, full, "Key added.")

    def archival_memory_remove(self, key: str) -> dict[str, str]:
        return self._remove(self.archival_memory, key)

    def archival_memory_replace(self, key: str, value: str) -> dict[str, str]:
        return self._replace(self.archival_memory, ARCHIVAL_LIMITS[1], key, value)

    def archival_memory_clear(self) -> dict[str, str]:
        self.archival_memory = {}
        return {"status": "Long term memory cleared."}

    def archival_memory_retrieve(self, key: str) -> dict[str, str]:
        return self._retrieve(self.archival_memory, key)

    def archival_memory_list_keys(self) -> dict[str, list[str]]:
        return {"keys": list(self.archival_memory)}

    def archival_memory_key_search(self, query: str, k: int = 5) -> dict[str, list[tuple[float, str]]]:
        return {"ranked_results": bm25_rank(query, list(self.archival_memory), k)}
