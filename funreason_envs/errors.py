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


class SessionError(FunReasonError):
    """A `Session` was asked for something its history does not allow (e.g. recording calls too late)."""


class MissingDependencyError(FunReasonError, ImportError):
    """An optional dependency is not installed; the message names the pip command that installs it."""


class BackendError(FunReasonError):
    """A model backend (an OpenAI-compatible server or a local model) could not produce a reply."""


class BackendUnreachableError(BackendError):
    """The server could not be reached: wrong URL, nothing listening, or a network failure."""


class BackendNotListeningError(BackendUnreachableError):
    """Not even a connection could be opened (nothing listens there, or the host is unknown): every
    further request would fail the same way, so a long run stops instead of waiting out each one."""


class BackendAuthError(BackendError):
    """The server refused the credentials (HTTP 401 or 403)."""


class ModelNotFoundError(BackendError):
    """The server does not serve the requested model; the message lists what it serves when it can."""


class BackendTimeoutError(BackendError):
    """The server did not answer within the timeout, on every allowed attempt."""


class BackendUnavailableError(BackendError):
    """The server kept answering 429 or 5xx until the retries ran out."""


class BackendRequestError(BackendError):
    """The server rejected the request (another 4xx) or sent a reply that cannot be used."""


class SampleRejected(FunReasonError):
    """Synthesis could not complete a sample; `reason` names the phase (e.g. `phase1_no_walk`)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class ToolFailure(FunReasonError):
    """Raised inside a typed domain's tool when the call cannot be honoured (a limit, a permission, a
    conflict); the agent sees `{"error": message}` and the domain's state is left as it was."""


class InvalidUrlError(FunReasonError, ValueError):
    """A web tool was given an address that is not http:// or https:// (a real fetch refuses it too)."""
