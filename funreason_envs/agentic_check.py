"""Scoring of BFCL's agentic categories (memory, web search): does the final reply mention an answer?

The semantics are bfcl-eval 2026.3.23's agentic checker: the reply and each acceptable answer are
normalised (lower case, the characters , . / - _ * ^ ( ) dropped, ' turned into "), and the reply
passes when some normalised answer occurs in it between word boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_DROPPED = re.compile(r"[,./\-_*^()]")


def normalise(text: str) -> str:
    """The form both reply and answers are compared in."""
    return _DROPPED.sub("", text).lower().replace("'", '"')


def reply_text(reply: Any) -> str:
    """A final reply as text: a one-element list counts as its element, anything else as its str()."""
    if isinstance(reply, list) and reply:
        reply = reply[0]
    return reply if isinstance(reply, str) else str(reply)


def answer_found(reply: Any, answers: Sequence[str]) -> bool:
    """True when one of the acceptable answers occurs, as whole words, in the normalised reply."""
    text = normalise(reply_text(reply))
    return any(re.search(rf"\b{re.escape(normalise(answer))}\b", text) for answer in answers)
