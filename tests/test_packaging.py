"""The built wheel carries all three packages and the spec files; the editable install finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from funreason_envs.domains.registry import domain_entry
from funreason_envs.specs import load_domain_spec, spec_domains
from funreason_envs.synthesis.kits import kit_domains

ROOT = Path(__file__).resolve().parent.parent


def test_installed_packages_import_and_find_specs():
    import funreason_envs.agents
    import funreason_envs.synthesis

    assert funreason_envs.agents.__doc__ and funreason_envs.synthesis.__doc__
    assert "file_system" in spec_domains()
    assert load_domain_spec("file_system").bfcl_class == "GorillaFileSystem"


def test_wheel_contains_packages_and_spec_files(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("funreason_envs-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "funreason_envs/api_specs/file_system.json" in names
    assert "funreason_envs/api_specs/spec.schema.json" in names
    assert "funreason_envs/agents/__init__.py" in names
    assert "funreason_envs/synthesis/__init__.py" in names
    assert "funreason_envs/tasks/data/demo.jsonl" in names
    assert "funreason_envs/synthesis/prompts/reasoning.md" in names
    for domain in spec_domains():
        assert f"funreason_envs/api_specs/{domain}.json" in names
    for domain in kit_domains():
        if ":" not in domain_entry(domain).kit:  # a typed domain's kit is derived from its class
            assert f"funreason_envs/synthesis/kits/{domain}.json" in names
    for domain in ("banking", "retail", "workspace"):
        assert f"funreason_envs/tasks/data/funreason_{domain}.jsonl" in names
    for module in ("__init__", "base", "ledger", "openai", "sharegpt", "hermes", "bfcl", "parquet", "faults"):
        assert f"funreason_envs/synthesis/exports/{module}.py" in names
    assert "funreason_envs/graph/api_graph.py" in names
    assert not any(name.startswith(("agents/", "synthesis/", "api_specs/", "tests/")) for name in names)
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    assert "funreason = funreason_envs.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
