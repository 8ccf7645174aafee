"""Scoring of BFCL's agentic categories (memory, web search): does the final reply mention an answer?

The semantics are bfcl-eval 2026.3.23's agentic checker: the reply and each acceptable answer are
normalised (lower case, the characters , . / - _ * ^ ( ) dropped, ' turned into "), and the reply
passes when some normalised answer occurs in it between word boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from funreason_envs.records import CheckReport, TurnVerdict

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


def answer_report(turns: int, reply: Any | None, answers: Sequence[str]) -> CheckReport:
    """The verdict of an answer task over `turns` user turns: only the last is judged, on the final reply.

    `reply` is `None` when the episode ended without a text reply (it ran out of steps), which bfcl-eval
    scores as a failure too ("no last message").
    """
    if reply is None:
        passed, reason = False, "no_final_reply"
    else:
        passed = answer_found(reply, answers)
        reason = None if passed else "answer_not_found"
    verdicts = [TurnVerdict(turn=i, checked=False, passed=True) for i in range(turns - 1)]
    verdicts.append(TurnVerdict(turn=turns - 1, checked=True, passed=passed, reason=reason))
    return CheckReport(passed=passed, reason=reason, turns=verdicts, score=float(passed))
