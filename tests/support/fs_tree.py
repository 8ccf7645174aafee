"""File-system trees in BFCL's initial-config shape, written compactly."""

from __future__ import annotations

from typing import Any


def directory(**contents: Any) -> dict[str, Any]:
    return {"type": "directory", "contents": contents}


def file(content: str = "") -> dict[str, Any]:
    return {"type": "file", "content": content}
