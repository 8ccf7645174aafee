"""Shared fixtures: small file-system scenarios in BFCL's initial-config shape."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.fs_tree import directory, file


@pytest.fixture
def fs_config() -> dict[str, Any]:
    """A workspace with a document folder, an archive and a hidden file."""
    return {
        "root": {
            "workspace": directory(
                document=directory(
                    **{
                        "report.txt": file("beta line\nalpha line\ngamma budget"),
                        "notes.md": file("one two three"),
                    }
                ),
                archive=directory(),
                **{".hidden": file("secret"), "log.txt": file("a\nb\nc\nd")},
            )
        }
    }
