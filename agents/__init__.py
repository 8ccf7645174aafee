"""Agents that act in the environments, and `rollout()` (filled in by the agents issue)."""
