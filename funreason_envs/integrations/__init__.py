"""Adapters to the trainers people use: TRL (`integrations.trl`), OpenEnv (`integrations.openenv`,
`funreason serve`) and verifiers (`integrations.verifiers`). Each needs its optional extra; the shared
turn-by-turn episode is `integrations.episode`."""

from __future__ import annotations

import importlib
from types import ModuleType

from funreason_envs.errors import MissingDependencyError


def require(module: str, extra: str) -> ModuleType:
    """Import an optional dependency, or raise one line naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{module} is not installed ({exc}); pip install 'funreason-envs[{extra}]'"
        ) from None
