"""Register the FunReason environments with Gymnasium (`gym.make("FunReason/...")`).

One free-play env per registered domain (`FunReason/<Name>-v0`), `FunReason/MultiTurn-v0` for task sets,
and `FunReason/Combined-v0`, which holds every domain registered when it is made (packaged or registered
in code with `register_domain`).

They are registered with `disable_env_checker=True`: Gymnasium's passive checker wrapper stays broken
for good once a first `reset` raised (it then compares the next step with data it never recorded), and
a `reset` with bad options raising `ConfigError` is part of this API. The test suite runs Gymnasium's
full `check_env` on every env instead. They are also registered with `order_enforce=False`: the envs
refuse `step` and `render` before `reset` themselves (`gym.error.ResetNeeded`), so Gymnasium's wrapper
doing the same would only add two calls to every step.
"""

from __future__ import annotations

import gymnasium as gym

from funreason_envs.domains.registry import domain_names

NAMESPACE = "FunReason"
FREE_PLAY_STEP_LIMIT = 100


def env_id(domain: str) -> str:
    """The free-play env id of a domain: `file_system` -> `FunReason/FileSystem-v0`."""
    return f"{NAMESPACE}/{''.join(part.capitalize() for part in domain.split('_'))}-v0"


def registered_env_ids() -> list[str]:
    """Ids of every FunReason env in Gymnasium's registry."""
    return sorted(name for name in gym.registry if name.startswith(f"{NAMESPACE}/"))


def register_free_play(domain: str) -> None:
    """Register the free-play env of one domain; safe to call twice."""
    if env_id(domain) not in gym.registry:
        gym.register(
            id=env_id(domain),
            entry_point="funreason_envs.env:ToolEnv",
            kwargs={"domains": [domain], "max_steps": FREE_PLAY_STEP_LIMIT},
            max_episode_steps=FREE_PLAY_STEP_LIMIT,
            disable_env_checker=True,
            order_enforce=False,
        )


def unregister_free_play(domain: str) -> None:
    """Remove the free-play env of a domain that is being unregistered."""
    gym.registry.pop(env_id(domain), None)


def register_envs() -> None:
    """Register one free-play env per domain, the multi-turn env and the combined one; safe to call twice."""
    for domain in domain_names():
        register_free_play(domain)
    multi_turn = f"{NAMESPACE}/MultiTurn-v0"
    if multi_turn not in gym.registry:
        gym.register(
            id=multi_turn,
            entry_point="funreason_envs.multiturn:MultiTurnEnv",
            disable_env_checker=True,
            order_enforce=False,
        )
    combined = f"{NAMESPACE}/Combined-v0"
    if combined not in gym.registry:
        gym.register(
            id=combined,
            entry_point="funreason_envs.env:ToolEnv",
            kwargs={"domains": "all", "max_steps": FREE_PLAY_STEP_LIMIT},
            max_episode_steps=FREE_PLAY_STEP_LIMIT,
            disable_env_checker=True,
            order_enforce=False,
        )
