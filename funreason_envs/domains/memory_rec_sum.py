"""The recursive-summary memory domain (BFCL's MemoryAPI_rec_sum): one running text the agent rewrites.

Limit, messages and result shapes follow bfcl-eval 2026.3.23; the state (`memory`) is the snapshot BFCL
carries from a scenario's prerequisite conversation into its questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from funreason_envs.domains.base import Domain, config_value
from funreason_envs.errors import ConfigError

MAX_MEMORY_LENGTH = 10000


def _too_long(action: str) -> dict[str, str]:
    return {
        "error": f"Entry will be too long after {action}. Please shorten the entry to less than "
        f"{MAX_MEMORY_LENGTH} characters."
    }


class SummaryMemory(Domain):
    """Append to, rewrite, edit, read and clear a single memory text of bounded length."""

    memory: str

    def load(self, config: Mapping[str, Any], long_context: bool = False) -> None:
        memory = config_value(config, "memory", "")
        if not isinstance(memory, str):
            raise ConfigError(
                f"MemoryAPI_rec_sum config: 'memory' must be a string, got {type(memory).__name__}"
            )
        self.memory = memory

    def memory_append(self, text: str) -> dict[str, str]:
        text = str(text)
        if len(self.memory + text) > MAX_MEMORY_LENGTH:
            return _too_long("appending")
        self.memory += text
        return {"status": "Memory appended."}

    def memory_update(self, text: str) -> dict[str, str]:
        text = str(text)
        if len(text) > MAX_MEMORY_LENGTH:
            return _too_long("updating")
        self.memory = text
        return {"status": "Memory updated."}

    def memory_clear(self) -> dict[str, str]:
        self.memory = ""
        return {"status": "Short term memory cleared."}

    def memory_replace(self, old_text: str, new_text: str) -> dict[str, str]:
        old_text, new_text = str(old_text), str(new_text)
        if old_text not in self.memory:
            return {"error": f"Text '{old_text}' not found in memory."}
        if len(new_text) > MAX_MEMORY_LENGTH:
            return _too_long("replacing")
        self.memory = self.memory.replace(old_text, new_text)
        return {"status": "Memory updated."}

    def memory_retrieve(self) -> dict[str, str]:
        if not self.memory:
            return {"error": "Memory is empty."}
        return {"memory_content": self.memory}
