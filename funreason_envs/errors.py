"""Exception classes. Each names the problem and, where there is one, the fix."""

from __future__ import annotations


class FunReasonError(Exception):
    """Base class of every error this package raises on purpose."""


class SpecError(FunReasonError):
    """A tool-spec file is malformed; the message reads `file: tool: field: problem`."""


class CallParseError(FunReasonError):
    """An action could not be read as tool calls; the message says what and where."""


class ToolCallError(FunReasonError):
    """A parsed call cannot be executed (unknown tool, bad arguments, hidden tool)."""


class UnknownToolError(ToolCallError):
    """The call names a tool that is not available; the message lists the closest names."""


class ArgumentError(ToolCallError):
    """The call's arguments do not satisfy the tool's parameter schema."""


class ConfigError(FunReasonError):
    """An option, initial configuration or input file is invalid."""
