"""Shared fixtures: small file-system scenarios in BFCL's initial-config shape."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import settings

from tests.support.fs_tree import directory, file
from tests.support.kit_cases import KIT_CASES, KitRun, make_run
from tests.support.tiny_model import build_tiny_model

# Property tests draw the same examples on every run, so a CI run never turns red on a new draw; set
# FUNREASON_HYPOTHESIS=explore to search fresh inputs (how the lone-surrogate reset bug was found).
settings.register_profile("fixed", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("FUNREASON_HYPOTHESIS", "fixed"))


@pytest.fixture
def fs_config() -> dict[str, Any]:
    """A workspace with a document folder, an archive and a hidden file."""
    return {
        "root": {
            "workspace": directory(
                document=directory(
                    **{
                        "report.txt": file("beta line\nalpha line\ngamma budget"),
                        "notes.md": file("one two three"),
                    }
                ),
                archive=directory(),
                **{".hidden": file("secret"), "log.txt": file("a\nb\nc\nd")},
            )
        }
    }


@pytest.fixture(scope="session")
def kit_run(tmp_path_factory) -> Callable[[str], KitRun]:
    """The small run a domain's kit is judged on (tests/support/kit_cases.py), made once per session."""
    runs: dict[str, KitRun] = {}

    def get(domain: str) -> KitRun:
        if domain not in runs:
            num, seed = KIT_CASES[domain].run
            runs[domain] = make_run((domain,), num, seed, tmp_path_factory.mktemp(f"kit-{domain}"))
        return runs[domain]

    return get


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory):
    """A tiny model saved in-test (no download), for the local-model agent and backend tests."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny-llama"))
