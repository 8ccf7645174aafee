"""Did a tool call fail? One shared reading of result strings, for the assistant's narration and the audit.

A result fails when it carries an `error`, a `success` of false, any `*_status` of false, or an
"Error..." string. Status look-ups (`*_get_login_status`) answer a question, so their false is no failure.
"""

from __future__ import annotations

import json
from typing import Any

STATUS_QUERIES = ("get_login_status",)


def result_failed(content: str, tool: str | None = None) -> bool:
    """Whether a result string (as the tool returned it) reports a failure."""
    return failure_reason(content, tool) is not None


def failure_reason(content: str, tool: str | None = None) -> str | None:
    """What the result says went wrong (the error text, or e.g. "unfollow_status is false"); None if fine."""
    if tool is not None and tool.endswith(STATUS_QUERIES):
        return None
    try:
        value: Any = json.loads(content)
    except (TypeError, ValueError):
        value = content
    return _reason(value)


def _reason(value: Any) -> str | None:
    if isinstance(value, str):
        return value.removeprefix("Error:").strip() or "error" if value.startswith("Error") else None
    if isinstance(value, list):
        return next((reason for item in value if (reason := _reason(item)) is not None), None)
    if not isinstance(value, dict):
        return None
    if "error" in value:
        return str(value["error"])
    if value.get("success") is False:
        return str(value.get("message") or "success is false")
    for key, item in value.items():
        if key.endswith("_status") and item is False:
            message = value.get("message") or value.get("error")
            return str(message) if message else f"{key} is false"
    return None
