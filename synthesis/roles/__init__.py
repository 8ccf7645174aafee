"""The four FunReason-MT roles (tooling, querying, reasoning, critiquing) behind one interface."""

from funreason_envs.synthesis.roles.base import Roles, TurnBrief
from funreason_envs.synthesis.roles.template import TemplateRoles

__all__ = ["Roles", "TemplateRoles", "TurnBrief"]
