"""Synthesis kit for the file system: varied workspaces, new names and text a user would type."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from funreason_envs.domains.base import Domain
from funreason_envs.synthesis.kits import DomainKit, load_phrasebook

ROOTS = ("workspace", "home", "projects", "alex", "team_drive")
FOLDERS = (
    "documents",
    "reports",
    "archive",
    "drafts",
    "photos",
    "notes",
    "data",
    "backup",
    "invoices",
    "research",
)
TOPICS = (
    "budget",
    "roadmap",
    "meeting",
    "inventory",
    "travel",
    "hiring",
    "survey",
    "release",
    "audit",
    "forecast",
)
KINDS = (
    ("notes", ".txt"),
    ("summary", ".md"),
    ("report", ".txt"),
    ("data", ".csv"),
    ("plan", ".doc"),
    ("log", ".txt"),
)
LINES = (
    "{topic} review scheduled for Monday",
    "total {topic} cost: {number} units",
    "owner: {name}",
    "status: {status}",
    "next step: send the {topic} figures to {name}",
    "{topic} numbers improved by {number} percent",
    "open question about the {topic} timeline",
)
NAMES = ("Dana", "Priya", "Marco", "Lena", "Omar", "Yuki", "Sam")
STATUSES = ("draft", "approved", "pending review", "done")
SENTENCES = (
    "Meeting moved to Thursday at 10.",
    "Remember to back up the quarterly figures.",
    "All invoices for March are settled.",
    "Draft approved; final copy due Friday.",
    "Call the supplier about the delayed order.",
)


def _file_text(rng: random.Random, topic: str) -> str:
    lines = rng.sample(LINES, rng.randint(2, 5))
    return "\n".join(
        line.format(
            topic=topic, number=rng.randint(2, 90), name=rng.choice(NAMES), status=rng.choice(STATUSES)
        )
        for line in lines
    )


def _files(rng: random.Random, count: int) -> dict[str, Any]:
    files: dict[str, Any] = {}
    while len(files) < count:
        topic = rng.choice(TOPICS)
        kind, extension = rng.choice(KINDS)
        files[f"{topic}_{kind}{extension}"] = {"type": "file", "content": _file_text(rng, topic)}
    return files


def scenario(rng: random.Random) -> dict[str, Any]:
    """A workspace of 2-3 folders (one nested) holding a few text files."""
    folders = rng.sample(FOLDERS, rng.randint(2, 3))
    contents: dict[str, Any] = _files(rng, rng.randint(1, 2))
    for index, folder in enumerate(folders):
        inner = _files(rng, rng.randint(1, 3))
        if index == 0:
            nested = rng.choice([f for f in FOLDERS if f not in folders])
            inner[nested] = {"type": "directory", "contents": _files(rng, rng.randint(1, 2))}
        contents[folder] = {"type": "directory", "contents": inner}
    return {"root": {rng.choice(ROOTS): {"type": "directory", "contents": contents}}}


def _here(domains: Mapping[str, Domain], kind: str) -> list[str]:
    return list(domains["file_system"].available_resources().get(kind, []))


def new_name(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """A file or folder name not yet used in the current directory."""
    taken = set(_here(domains, "file_name")) | set(_here(domains, "directory_name"))
    while True:
        topic = rng.choice(TOPICS)
        name = rng.choice(
            [f"{topic}_copy.txt", f"{topic}_final.txt", f"{topic}_2024", f"old_{topic}", f"{topic}.bak"]
        )
        if name not in taken:
            return name


def search_text(rng: random.Random, domains: Mapping[str, Domain]) -> str | None:
    """A word that occurs in a file of the current directory (so a search finds something)."""
    files = _here(domains, "file_name")
    if not files:
        return rng.choice(TOPICS)
    content = domains["file_system"].cat(rng.choice(files)).get("file_content", "")
    words = [word for word in content.replace(":", " ").split() if len(word) > 3 and word.isalpha()]
    return rng.choice(words) if words else rng.choice(TOPICS)


def every_name(domain: Domain) -> list[str]:
    """A user knows every file and folder name in their own tree, not only those in the current folder."""
    names: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        for name, child in node.get("contents", {}).items():
            names.append(name)
            walk(child)

    for root in domain.state_dict()["root"].values():
        walk(root)
    return names


KIT = DomainKit(
    domain="file_system",
    scenario=scenario,
    values={
        "new_name": new_name,
        "search_text": search_text,
        "text": lambda rng, domains: rng.choice(SENTENCES),
        "tail.lines": lambda rng, domains: rng.randint(1, 3),
        "wc.mode": lambda rng, domains: rng.choice(["l", "w", "c"]),
        "ls.a": lambda rng, domains: rng.random() < 0.3,
        "du.human_readable": lambda rng, domains: rng.random() < 0.5,
    },
    phrases=load_phrasebook("file_system"),
    known=every_name,
)
