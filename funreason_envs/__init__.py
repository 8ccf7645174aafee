"""funreason-envs: stateful Gymnasium tool environments, an Environment-API graph, and FunReason-MT synthesis.

Importing the package registers the `FunReason/*` environments with Gymnasium.
"""

from funreason_envs.calls import ToolCall, parse_calls
from funreason_envs.domains.registry import register_domain, registered_domain, unregister_domain
from funreason_envs.domains.typed import TypedDomain, condition, tool
from funreason_envs.env import ToolEnv
from funreason_envs.errors import (
    ArgumentError,
    CallParseError,
    ConfigError,
    FunReasonError,
    SpecError,
    ToolCallError,
    ToolFailure,
    UnknownToolError,
)
from funreason_envs.executor import ToolResult, ToolRouter
from funreason_envs.forksafe import install as _install_fork_hook
from funreason_envs.registration import register_envs
from funreason_envs.session import Session
from funreason_envs.specs import DomainSpec, ToolSpec, load_domain_spec, load_spec_file

__version__ = "0.1.0"

_install_fork_hook()
register_envs()

__all__ = [
    "ArgumentError",
    "CallParseError",
    "ConfigError",
    "DomainSpec",
    "FunReasonError",
    "Session",
    "SpecError",
    "ToolCall",
    "ToolCallError",
    "ToolEnv",
    "ToolFailure",
    "ToolResult",
    "ToolRouter",
    "ToolSpec",
    "TypedDomain",
    "UnknownToolError",
    "__version__",
    "condition",
    "load_domain_spec",
    "load_spec_file",
    "parse_calls",
    "register_domain",
    "registered_domain",
    "tool",
    "unregister_domain",
]
