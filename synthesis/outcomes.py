"""Did a tool call fail? One shared reading of result strings, for the assistant's narration and the audit.

A result fails when it carries an `error`, a `success` of false, an "Error..." string, or a `*_status`
of false from a call that changes state. A look-up answering false (`*_get_login_status`, a check that
changes nothing) gives information, so it is no failure.
"""

from __future__ import annotations

import json
from typing import Any

STATUS_QUERIES = ("get_login_status",)


def result_failed(content: str, tool: str | None = None, changes_state: bool = True) -> bool:
    """Whether a result string (as the tool returned it) reports a failure."""
    return failure_reason(content, tool, changes_state) is not None


def failure_reason(content: str, tool: str | None = None, changes_state: bool = True) -> str | None:
    """What the result says went wrong (the error text, or e.g. "unfollow_status is false"); None if fine."""
    statuses = changes_state and not (tool is not None and tool.endswith(STATUS_QUERIES))
    try:
        value: Any = json.loads(content)
    except (TypeError, ValueError):
        value = content
    return _reason(value, statuses)


def _reason(value: Any, statuses: bool) -> str | None:
    if isinstance(value, str):
        return value.removeprefix("Error:").strip() or "error" if value.startswith("Error") else None
    if isinstance(value, list):
        return next((reason for item in value if (reason := _reason(item, statuses)) is not None), None)
    if not isinstance(value, dict):
        return None
    if "error" in value:
        return str(value["error"])
    if value.get("success") is False:
        return str(value.get("message") or "success is false")
    for key, item in value.items():
        if statuses and key.endswith("_status") and item is False:
            message = value.get("message") or value.get("error")
            return str(message) if message else f"{key} is false"
    return None
