"""The Environment-API graph: tools linked through the resources and state conditions of their specs.

`ApiGraph` is built from the spec files' annotations (`consumes`, `produces`, `requires`, `provides`,
`may_provide`, `revokes`). It answers what a tool needs, what is callable in a situation and how far a
tool is from another; `WalkSampler` draws seeded, dependency-respecting walks toward a target tool
(FunReason-MT phase I). Exports and pictures live in `export` and `draw`.
"""

from funreason_envs.graph.api_graph import ApiGraph
from funreason_envs.graph.extract import extract_values
from funreason_envs.graph.model import Reason, Requirement
from funreason_envs.graph.situation import Situation
from funreason_envs.graph.walk import Walk, WalkError, WalkSampler

__all__ = [
    "ApiGraph",
    "Reason",
    "Requirement",
    "Situation",
    "Walk",
    "WalkError",
    "WalkSampler",
    "extract_values",
]
