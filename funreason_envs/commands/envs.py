"""`funreason envs`: the registered environments, their domains and their tools."""

from __future__ import annotations

import argparse
import json

import gymnasium as gym

from funreason_envs.domains import domain_class, resolve_domains
from funreason_envs.registration import registered_env_ids


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a listing")


def run(args: argparse.Namespace) -> int:
    listing = []
    for env_id in registered_env_ids():
        spec = gym.spec(env_id)
        domains = resolve_domains(spec.kwargs.get("domains", "all"))
        tools = {name: [tool.name for tool in domain_class(name).spec().tools] for name in domains}
        listing.append({"id": env_id, "domains": domains, "tools": tools})
    if args.json:
        print(json.dumps(listing, indent=2))
        return 0
    for entry in listing:
        count = sum(len(names) for names in entry["tools"].values())
        print(f"{entry['id']}  ({count} tools)")
        for domain, names in entry["tools"].items():
            print(f"    {domain}: {' '.join(names)}")
    return 0
