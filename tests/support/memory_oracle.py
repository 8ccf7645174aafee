"""bfcl-eval's memory backends as a test oracle, run in a child process with an offline hub cache.

bfcl-eval's vector backend loads `all-MiniLM-L6-v2` by its hub name when imported; the child process
gets HF_HOME pointing at a hub cache laid out over our extracted copy of the model and HF_HUB_OFFLINE=1,
so the name resolves locally and nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from funreason_envs.domains.memory_embedding import model_dir
from tests.support.oracle import require_bfcl

HUB_REPO = "models--sentence-transformers--all-MiniLM-L6-v2"
FAKE_REVISION = "0" * 40
CHILD = Path(__file__).with_name("memory_oracle_child.py")


def offline_hub(home: Path) -> Path:
    """An HF_HOME whose hub cache holds sentence-transformers/all-MiniLM-L6-v2 as links to our copy."""
    repo = home / "hub" / HUB_REPO
    snapshot = repo / "snapshots" / FAKE_REVISION
    if not snapshot.is_dir():
        source = model_dir()
        for path in source.rglob("*"):
            if path.is_file():
                link = snapshot / path.relative_to(source)
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(path)
        (repo / "refs").mkdir(parents=True, exist_ok=True)
        (repo / "refs" / "main").write_text(FAKE_REVISION)
    return home


def bfcl_replay(
    domain: str, calls: list[tuple[str, dict[str, Any]]], snapshot: dict[str, Any], hf_home: Path
) -> dict[str, Any]:
    """Run `calls` on bfcl-eval's backend for `domain` from `snapshot`: {"results": [...], "state": {...}}."""
    require_bfcl()
    env = {
        **os.environ,
        "HF_HOME": str(offline_hub(hf_home)),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(Path.cwd()), os.environ.get("PYTHONPATH")])),
    }
    request = json.dumps({"domain": domain, "calls": calls, "snapshot": snapshot})
    done = subprocess.run(
        [sys.executable, str(CHILD)], input=request, capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"bfcl-eval oracle failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])
