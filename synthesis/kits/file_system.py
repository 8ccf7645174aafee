"""Synthesis kit for the file system: varied workspaces, new names and text a user would type."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from funreason_envs.domains.base import Domain
from funreason_envs.synthesis.kits import DomainKit, load_phrasebook
from funreason_envs.synthesis.kits.grammar import Grammar, expand, sentence

ROOTS = ("workspace", "home", "projects", "alex", "team_drive", "office", "shared", "studio")
# folder -> the stems of files that belong there; a file's name fits the folder it sits in.
FOLDER_FILES: dict[str, tuple[str, ...]] = {
    "documents": ("cover_letter", "lease_terms", "insurance_policy", "passport_renewal", "tax_checklist"),
    "reports": ("quarterly_sales", "site_visit", "incident_review", "annual_summary", "customer_churn"),
    "archive": ("old_contacts", "project_atlas", "minutes_2022", "retired_servers", "legacy_pricing"),
    "drafts": ("blog_post", "grant_proposal", "speech_outline", "newsletter_may", "press_release"),
    "photos": ("album_index", "captions", "shot_list", "wedding_selects", "print_order"),
    "notes": ("meeting_notes", "reading_list", "ideas", "phone_numbers", "todo"),
    "data": ("survey_results", "sensor_readings", "sales_2024", "signups", "inventory_counts"),
    "backup": ("settings_backup", "contacts_export", "bookmarks", "mail_rules", "db_dump_notes"),
    "invoices": ("invoice_1042", "invoice_1043", "supplier_terms", "payment_log", "overdue_list"),
    "research": ("literature_review", "interview_notes", "experiment_log", "sources", "hypotheses"),
    "recipes": ("sourdough_method", "weeknight_dinners", "shopping_list", "spice_mix", "birthday_cake"),
    "travel": ("packing_list", "rome_itinerary", "visa_checklist", "hotel_options", "budget_trip"),
    "music": ("setlist", "chord_sheets", "practice_log", "gear_wishlist", "lyrics_draft"),
    "clients": ("acme_brief", "contract_terms", "call_notes", "feedback_round2", "pricing_quote"),
}
LOOSE_FILES = (
    "readme", "todo", "changelog", "contacts", "goals_2025", "scratch", "conference_notes",
    "moving_checklist", "renovation_quotes", "subscriptions", "holiday_dates", "team_birthdays",
    "password_policy", "loan_tracker", "car_service_log", "office_inventory", "vendor_list",
    "onboarding_steps", "parking_rota", "license_keys",
)  # fmt: skip
# extensions a folder's files have, weighted by repeats (seven each: a draw costs the same everywhere)
EXTENSIONS = (".txt", ".txt", ".txt", ".txt", ".md", ".md", ".md")
TABLE_EXTENSIONS = (".csv", ".csv", ".csv", ".csv", ".txt", ".txt", ".md")
TABLE_FOLDERS = ("data", "invoices", "reports")
# Lines a file holds: about its stem's subject, with people, numbers and states.
LINE_GRAMMAR: Grammar = {
    "line": (
        "{subject} review scheduled for {day}",
        "total {subject} cost: {number} euros",
        "owner: {name}",
        "status: {status}",
        "next step: send the {subject} to {name}",
        "{subject}: {number} entries checked so far",
        "open question about the {subject} timeline",
        "{name} to confirm the {subject} deadline by {day}",
        "{number} items still missing from the {subject} list",
        "call {name} about the {subject} before {day}",
        "{subject} approved by {name} on {day}",
        "remember: the {subject} file goes to the {team} team",
        "{day}: {name} raised a concern about the {subject}",
    ),
    "name": ("Dana", "Priya", "Marco", "Lena", "Omar", "Yuki", "Sam", "Ines", "Kofi", "Tess", "Bruno", "Mei"),
    "status": ("draft", "approved", "pending review", "done", "on hold", "waiting for sign-off"),
    "day": ("Monday", "Tuesday", "Thursday", "Friday", "the 14th", "month end"),
    "team": ("finance", "design", "legal", "sales", "support"),
}
# What a user writes into a file.
TEXT_GRAMMAR: Grammar = {
    "text": ("{note}", "{note} {extra}"),
    "note": (
        "Meeting moved to {day} at {time}.",
        "Remember to back up the {data} before {day}.",
        "All invoices for {month} are settled.",
        "Draft approved; final copy due {day}.",
        "Call {name} about the delayed {supplies}.",
        "{name} has the spare keys until {day}.",
        "Budget for {month}: {number} euros, {number2} already spent.",
        "Pick up the {supplies} from {name} on {day}.",
        "The {supplies} are in the blue cabinet, second shelf.",
        "Ask {name} whether the {data} can wait until {month}.",
        "Send the {data} to {name} once it is checked.",
    ),
    "extra": ("Do not share yet.", "Updated by me today.", "Check with {name} first.", "Low priority."),
    "data": ("quarterly figures", "client database", "photo library", "survey results", "project folder"),
    "supplies": ("printer toner", "event badges", "signed forms", "sample kits", "office chairs"),
    "name": ("Dana", "Priya", "Marco", "Lena", "Omar", "Yuki", "Ines", "Kofi", "accounting"),
    "day": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "time": ("9", "10:30", "noon", "2 PM", "4:15"),
    "month": ("March", "April", "June", "September", "October", "December"),
    "number": ("300", "1,200", "850", "4,000", "95"),
    "number2": ("120", "600", "75", "2,500", "40"),
}


def _subject(stem: str) -> str:
    """The words a file's stem is about ("quarterly_sales" -> "quarterly sales")."""
    return " ".join(word for word in stem.split("_") if word.isalpha()) or "project"


def _file_text(rng: random.Random, stem: str) -> str:
    numbers = tuple(str(rng.randint(2, 90)) for _ in range(3))
    grammar = {**LINE_GRAMMAR, "subject": (_subject(stem),), "number": numbers}
    kinds = rng.sample(LINE_GRAMMAR["line"], rng.randint(2, 5))  # no two lines of one kind
    return "\n".join(expand(rng, {**grammar, "one": (kind,)}, "one") for kind in kinds)


def _files(rng: random.Random, count: int, folder: str | None) -> dict[str, Any]:
    """`count` files whose names fit `folder` (None: loose files at the top)."""
    stems = FOLDER_FILES[folder] if folder is not None else LOOSE_FILES
    files: dict[str, Any] = {}
    for stem in rng.sample(stems, min(count, len(stems))):
        extensions = TABLE_EXTENSIONS if folder in TABLE_FOLDERS else EXTENSIONS
        files[f"{stem}{rng.choice(extensions)}"] = {"type": "file", "content": _file_text(rng, stem)}
    return files


def scenario(rng: random.Random) -> dict[str, Any]:
    """A workspace of 2-3 folders (one nested) holding a few text files."""
    folders = rng.sample(sorted(FOLDER_FILES), rng.randint(2, 3))
    contents: dict[str, Any] = _files(rng, rng.randint(1, 2), None)
    for index, folder in enumerate(folders):
        inner = _files(rng, rng.randint(1, 3), folder)
        if index == 0:
            nested = rng.choice([f for f in sorted(FOLDER_FILES) if f not in folders])
            inner[nested] = {"type": "directory", "contents": _files(rng, rng.randint(1, 2), nested)}
        contents[folder] = {"type": "directory", "contents": inner}
    return {"root": {rng.choice(ROOTS): {"type": "directory", "contents": contents}}}


def _here(domains: Mapping[str, Domain], kind: str) -> list[str]:
    return list(domains["file_system"].available_resources().get(kind, []))


def new_name(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """A file or folder name not yet used in the current directory, fitting what the folder holds: a
    copy, a final or older version of a file there, or a new file of the folder's kind."""
    files = _here(domains, "file_name")
    taken = set(files) | set(_here(domains, "directory_name"))
    folder = _current_folder(domains)
    kin = FOLDER_FILES.get(folder, LOOSE_FILES)  # the kind of files this folder holds
    stems = [name.rsplit(".", 1)[0] for name in files] or list(kin)
    while True:
        stem = rng.choice(stems)
        name = rng.choice(
            (
                f"{stem}_copy.txt",
                f"{stem}_final.txt",
                f"{stem}_v{rng.randint(2, 4)}.txt",
                f"{stem}_{rng.choice(('2024', '2025', 'old', 'archive'))}",
                f"{stem}.bak",
                f"{rng.choice(kin)}_{rng.choice(('new', 'draft', 'notes'))}.md",
            )
        )
        if name not in taken:
            return name


def _current_folder(domains: Mapping[str, Domain]) -> str:
    return domains["file_system"].pwd()["current_working_directory"].rstrip("/").rsplit("/", 1)[-1]


def search_text(rng: random.Random, domains: Mapping[str, Domain]) -> str | None:
    """A word that occurs in a file of the current directory (so a search finds something)."""
    files = _here(domains, "file_name")
    if not files:
        return rng.choice(LINE_GRAMMAR["name"])
    content = domains["file_system"].cat(rng.choice(files)).get("file_content", "")
    words = [word for word in content.replace(":", " ").split() if len(word) > 3 and word.isalpha()]
    return rng.choice(words) if words else rng.choice(LINE_GRAMMAR["name"])


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
        "text": lambda rng, domains: sentence(rng, TEXT_GRAMMAR, "text"),
        "tail.lines": lambda rng, domains: rng.randint(1, 3),
        "wc.mode": lambda rng, domains: rng.choice(["l", "w", "c"]),
        "ls.a": lambda rng, domains: rng.random() < 0.3,
        "du.human_readable": lambda rng, domains: rng.random() < 0.5,
    },
    phrases=load_phrasebook("file_system"),
    known=every_name,
)
