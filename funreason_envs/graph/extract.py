"""Read the values a `produces.at` path points to out of a tool's result.

Grammar: dotted keys; `key[]` steps into list items, `key{}` into dict keys, a bare `[]`/`{}` does so
for the whole result, and the empty path is the result itself. A final `|parts` splits the strings
found into path components (dropping '', '.' and '..'), `|lines` into non-empty lines.
"""

from __future__ import annotations

from typing import Any

NAVIGATION_PARTS = frozenset({"", ".", ".."})


def extract_values(result: Any, at: str) -> list[Any]:
    """The scalar values at `at` in `result`, in order, without duplicates; [] where the path is absent."""
    path, _, transform = at.partition("|")
    found = [result]
    for segment in path.split(".") if path else ():
        found = _step(found, segment)
    if transform == "parts":
        found = [part for value in found if isinstance(value, str) for part in value.split("/")]
        found = [part for part in found if part not in NAVIGATION_PARTS]
    elif transform == "lines":
        found = [line for value in found if isinstance(value, str) for line in value.splitlines() if line]
    values = [
        value for value in found if isinstance(value, (str, int, float)) and not isinstance(value, bool)
    ]
    return list(dict.fromkeys(values))


def _step(found: list[Any], segment: str) -> list[Any]:
    key, marker = segment, ""
    if segment.endswith(("[]", "{}")):
        key, marker = segment[:-2], segment[-2:]
    following: list[Any] = []
    for item in found:
        if key:
            if not isinstance(item, dict) or key not in item:
                continue
            item = item[key]
        if marker == "[]":
            following.extend(item if isinstance(item, list) else ())
        elif marker == "{}":
            following.extend(item if isinstance(item, dict) else ())
        else:
            following.append(item)
    return following
