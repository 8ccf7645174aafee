"""The knobs of a synthesis run; together with the seed they fix every sample."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Knobs of the pipeline; together with the seed they fix every sample."""

    seed: int = 0
    domains: tuple[str, ...] = ()
    min_turns: int = 3
    max_turns: int = 4
    max_domains: int = 2
    vague_rate: float = 0.05
    held_out_rate: float = 0.03
    gather: float = 0.9
    max_calls_per_turn: int = 8
    second_goal_rate: float = 0.9
    discover_rate: float = 0.8
    max_attempts: int = 3
    mistake_rate: float = 0.2
    implicit_rate: float = 0.85  # share of state-changing prerequisites the user leaves unsaid
    continuity: float = 0.97  # chance to redraw a later turn's goals when they use no earlier result
    typo_rate: float = 0.03  # share of user turns with one swapped-letter typo (never inside a value)
    id_prefix: str = "funreason_mt"
    audit: bool = True  # reject samples the label audit (synthesis/audit.py) finds problems in
    # Phase 1 refuses what the audit would reject (failed calls, goals that change nothing, ...);
    # False keeps the raw walks, failed calls included (to study the audit or the narration of failures).
    coherent: bool = True


def sample_draw(settings: Settings, index: int) -> tuple[random.Random, list[str]]:
    """Sample `index`'s own random generator (fixed by the seed and the index, so samples can be made in
    any order or process) and the domains it draws from it."""
    rng = random.Random(f"{settings.seed}:{index}")
    count = rng.randint(1, min(settings.max_domains, len(settings.domains)))
    return rng, sorted(rng.sample(list(settings.domains), count))
