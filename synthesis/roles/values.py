"""Whether a user's text states a value, in any form the tool's spec makes unambiguous.

A model writing a query should not have to copy API literals: `'Buy'` may be said as "buy", an enum
word `read_write` as "read write", `1.0` as "1", `500` as "$500" or "500 dollars", a date
`2026-05-03` as "May 3rd 2026". Strings that are names or ids must still appear as written.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

NUMBER = re.compile(r"(?<![\w.])[$€£¥]?\s?(\d[\d,]*(?:\.\d+)?)")
NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def states_value(text: str, value: Any, schema: dict[str, Any] | None = None) -> bool:
    """Whether `text` states `value` of a parameter described by `schema` (its JSON Schema)."""
    schema = schema or {}
    lowered = text.lower()
    if isinstance(value, bool):
        return True  # a flag is said in words the check cannot pin down
    if isinstance(value, (int, float)):
        return _states_number(lowered, float(value))
    if not isinstance(value, str):
        return str(value) in text
    if value in text or value.lower() in lowered:
        return True
    declared = [str(word) for word in [*schema.get("enum", ()), *schema.get("examples", ())]]
    if value in declared and _spoken(value) in _spoken(lowered):
        return True
    parsed = _iso_date(value)
    return parsed is not None and _states_date(lowered, parsed)


def _spoken(text: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", text.lower()).split())


def _states_number(text: str, value: float) -> bool:
    for match in NUMBER.finditer(text):
        try:
            if float(match.group(1).replace(",", "")) == value:
                return True
        except ValueError:
            continue
    return (
        value.is_integer()
        and 0 <= value < len(NUMBER_WORDS)
        and (re.search(rf"\b{NUMBER_WORDS[int(value)]}\b", text) is not None)
    )


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


def _states_date(text: str, day: date) -> bool:
    """ "May 3", "May 3rd, 2026", "3 May 2026", "05/03/2026" (US order)."""
    month = MONTHS[day.month - 1]
    ordinal = rf"{day.day}(?:st|nd|rd|th)?"
    forms = (
        rf"\b{month}\.?\s+{ordinal}\b",
        rf"\b{ordinal}\s+(?:of\s+)?{month}\b",
        rf"\b0?{day.month}/0?{day.day}/{day.year}\b",
    )
    return any(re.search(form, text) for form in forms)
