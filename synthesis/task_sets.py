"""Build the packaged `funreason:<domain>` task sets of the typed domains from synthesis.

Each set holds 50 verified multi-turn tasks: most in the domain alone, some beside a BFCL domain its
data can flow into, with raised rates of vague turns (a missing parameter, then the clarification)
and held-out tools. Rebuild with `python -m funreason_envs.synthesis.task_sets` (deterministic).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from funreason_envs.synthesis.pipeline import Settings
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.run import synthesize
from funreason_envs.tasks import FUNREASON_TASKS, Task, write_tasks

PARTNERS = {"banking": "travel", "retail": "vehicle", "workspace": "file_system"}
SIZE = 50
PAIRED = 10  # tasks drawn with the partner domain available too
VAGUE_RATE = 0.2
HELD_OUT_RATE = 0.15


def build_task_set(domain: str, seed: int = 0) -> list[Task]:
    """The task set of one typed domain: `SIZE` tasks, `PAIRED` of them with its BFCL partner."""
    partner = PARTNERS[domain]
    with tempfile.TemporaryDirectory() as scratch:
        alone = _tasks(domain, (domain,), SIZE - PAIRED, seed, Path(scratch) / "alone")
        paired = _tasks(domain, (domain, partner), PAIRED, seed, Path(scratch) / "paired")
    return [task.model_copy(update={"category": f"funreason:{domain}"}) for task in alone + paired]


def _tasks(domain: str, domains: tuple[str, ...], num: int, seed: int, out: Path) -> list[Task]:
    settings = Settings(
        seed=seed,
        domains=domains,
        vague_rate=VAGUE_RATE,
        held_out_rate=HELD_OUT_RATE,
        id_prefix=f"funreason_{'_'.join(domains)}",
    )
    tasks: list[Task] = []
    wanted = num
    while len(tasks) < num:  # with a partner, keep only tasks that use this domain
        folder = synthesize(wanted, settings, out, progress=False)
        samples = [Sample.model_validate(row) for row in folder.samples]
        tasks = [sample.task for sample in samples if domain in sample.task.domains][:num]
        wanted += num - len(tasks)
    return tasks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--domains", default=",".join(PARTNERS), help="comma-separated typed domains")
    parser.add_argument("--out-dir", type=Path, default=FUNREASON_TASKS, help="where the JSONL files go")
    args = parser.parse_args(argv)
    for domain in args.domains.split(","):
        path = args.out_dir / f"funreason_{domain}.jsonl"
        count = write_tasks(path, build_task_set(domain))
        print(f"wrote {path}: {count} tasks")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
