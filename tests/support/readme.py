"""The README's fenced snippets, found by their `<!-- snippet: name -->` markers, for tests that run them."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def snippet(name: str, replacements: dict[str, str] | None = None) -> str:
    """The code block after `<!-- snippet: name -->`, each replacement applied exactly once."""
    match = re.search(
        rf"<!-- snippet: {re.escape(name)} -->\n```\w+\n(.*?)```", README.read_text(), re.DOTALL
    )
    assert match, f"README has no snippet {name!r}"
    code = match.group(1)
    for old, new in (replacements or {}).items():
        assert code.count(old) == 1, (name, old)
        code = code.replace(old, new)
    return code
