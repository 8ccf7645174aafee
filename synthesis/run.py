"""Drive a synthesis run: resumable, deterministic, optionally parallel.

The output folder holds `samples.jsonl` (every kept sample, in index order), `rejections.jsonl`
(every index that produced no sample, with the reason), `run.json` (the settings), the exports, and
`report.json`. Sample `i` depends only on the seed, the settings and `i`, and indices are written in
order, so a rerun after a crash or Ctrl-C continues at the first missing index and the final folder
equals an uninterrupted run's. A rerun with different settings is refused rather than mixed in.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any

from tqdm import tqdm

from funreason_envs import writer
from funreason_envs.errors import BackendError, ConfigError, MissingDependencyError, SampleRejected
from funreason_envs.executors import Executor, LocalExecutor
from funreason_envs.synthesis.agentic import AgenticSampleBuilder, agentic_audit, is_agentic
from funreason_envs.synthesis.audit import audit_sample
from funreason_envs.synthesis.pipeline import SampleBuilder
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.roles.backends import DEFAULT_LIMITS, BackendSpec, RequestLimits
from funreason_envs.synthesis.roles.base import Roles
from funreason_envs.synthesis.settings import Settings
from funreason_envs.synthesis.verify import verify_sample

SAMPLES_FILE = "samples.jsonl"
REJECTIONS_FILE = "rejections.jsonl"
RUN_FILE = "run.json"
RolesFactory = Callable[[random.Random], Roles]


def roles_factory(
    spec: BackendSpec | str, settings: Settings, limits: RequestLimits = DEFAULT_LIMITS
) -> RolesFactory:
    """The roles for a backend spec (a bare string is a backend with default options)."""
    spec = spec if isinstance(spec, BackendSpec) else BackendSpec(spec)
    if spec.backend == "template":
        from funreason_envs.synthesis.roles.template import TemplateRoles

        return lambda rng: TemplateRoles(rng, settings.mistake_rate)
    from funreason_envs.synthesis.roles.backends import chat_model
    from funreason_envs.synthesis.roles.llm import LLMRoles

    chat = chat_model(spec, limits)
    return lambda rng: LLMRoles(chat, rng, spec.kind, judge=spec.judge)


def make_sample(
    index: int, settings: Settings, spec: BackendSpec, limits: RequestLimits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """Build, verify, audit and serialise sample `index`; a failure becomes a rejection record.

    Both carry the LLM roles' fallbacks (role -> reason -> count), so the report can show them all.
    """
    made: list[Roles] = []
    factory = roles_factory(spec, settings, limits)

    def tracked(rng: random.Random) -> Roles:
        made.append(factory(rng))
        return made[-1]

    def rejected(reason: str, detail: str, **extra: Any) -> dict[str, Any]:
        return {"index": index, "rejected": reason, "detail": detail, **extra, **_fallbacks(made)}

    agentic = is_agentic(settings.domains)  # web search and memory have a builder of their own
    try:
        sample = (AgenticSampleBuilder if agentic else SampleBuilder)(index, settings, tracked).build()
    except SampleRejected as exc:
        return rejected(exc.reason, exc.detail)
    except (BackendError, ConfigError, MissingDependencyError):
        raise  # an unreachable model or a bad option stops the run with its own one-line message
    except Exception as exc:  # one broken sample must not stop a long run; it is counted instead
        return rejected("error", f"{type(exc).__name__}: {exc}"[:300])
    sample.backend = spec.kind
    problems = verify_sample(sample)
    if problems:
        return rejected("verification_failed", "; ".join(problems[:3]))
    if settings.audit and (findings := (agentic_audit if agentic else audit_sample)(sample)):
        detail = "; ".join(problem for found in findings.values() for problem in found[:1])[:300]
        return rejected("audit_failed", detail, rules=sorted(findings))
    sample.metadata.update(_fallbacks(made))
    return {"index": index, "sample": sample.model_dump(mode="json")}


def _fallbacks(roles: list[Roles]) -> dict[str, Any]:
    """`{"fallbacks": role -> reason -> count}` of the sample's LLM roles (nothing for templates)."""
    counts = getattr(roles[0], "fallback_counts", None) if roles else None
    return {"fallbacks": counts()} if counts is not None else {}


def dedupe_key(sample: dict[str, Any]) -> str:
    """Samples with the same queries and ground truth are duplicates."""
    task = sample["task"]
    body = json.dumps([task["turns"], task["ground_truth"]], sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


class RunFolder:
    """The append-only files of one run (locked, fingerprinted by `run.json`), and what they hold."""

    def __init__(self, out_dir: str | Path, fingerprint: dict[str, Any]) -> None:
        self._folder = writer.RunFolder(out_dir, fingerprint, results=[SAMPLES_FILE, REJECTIONS_FILE])
        self.path = self._folder.path
        try:
            self._samples = self._folder.log(SAMPLES_FILE)
            self._rejections = self._folder.log(REJECTIONS_FILE)
        except BaseException:
            self._folder.close()
            raise
        self.samples: list[dict[str, Any]] = self._samples.rows
        self.rejections: list[dict[str, Any]] = self._rejections.rows
        self.done = {row["metadata"]["index"] for row in self.samples} | {
            row["index"] for row in self.rejections
        }
        self.keys = {dedupe_key(row) for row in self.samples}

    def record(self, outcome: dict[str, Any]) -> bool:
        """Append one index's outcome; returns whether a sample was kept."""
        if "sample" in outcome:
            sample = outcome["sample"]
            key = dedupe_key(sample)
            if key not in self.keys:
                self.keys.add(key)
                self._samples.append(sample)
                self.done.add(outcome["index"])
                return True
            outcome = {
                "index": outcome["index"],
                "rejected": "duplicate",
                "detail": sample["id"],
                **{k: v for k, v in sample["metadata"].items() if k == "fallbacks"},
            }
        row = {"index": outcome["index"], "reason": outcome["rejected"], "detail": outcome.get("detail", "")}
        row.update({key: outcome[key] for key in ("rules", "fallbacks") if key in outcome})
        self._rejections.append(row)
        self.done.add(outcome["index"])
        return False

    def close(self) -> None:
        """Release the folder (its lock) once the run and its exports are done."""
        self._folder.close()

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def synthesize(
    num: int,
    settings: Settings,
    out_dir: str | Path,
    *,
    backend: str | BackendSpec = "template",
    model: str | None = None,
    workers: int = 1,
    progress: bool = True,
    max_indices: int | None = None,
    keep_open: bool = False,
    executor: Executor | None = None,
    limits: RequestLimits = DEFAULT_LIMITS,
) -> RunFolder:
    """Make samples until `num` are kept (or `max_indices` indices were tried); returns the run folder.

    `backend` is a `BackendSpec` or a backend string (then `model` names the served model). With
    `keep_open` the folder stays locked for the caller (who exports, then calls `close()`). `executor`
    (default: `workers` local processes) runs the indices; the output does not depend on it. `limits`
    bound each request to an `openai:URL` backend.
    """
    if num < 1:
        raise ConfigError(f"--num must be at least 1, got {num}")
    spec = backend if isinstance(backend, BackendSpec) else BackendSpec(backend, model)
    roles_factory(spec, settings, limits)  # a bad backend or missing model fails here, before any work
    fingerprint = json.loads(json.dumps({**asdict(settings), **asdict(spec)}))
    folder = RunFolder(out_dir, fingerprint)
    try:
        work = partial(make_sample, settings=settings, spec=spec, limits=limits)
        _fill(folder, num, work, executor or LocalExecutor(workers), progress, max_indices)
    finally:
        if not keep_open:
            folder.close()
    return folder


def _fill(
    folder: RunFolder,
    num: int,
    work: Callable[[int], dict[str, Any]],
    executor: Executor,
    progress: bool,
    max_indices: int | None,
) -> None:
    limit = max_indices if max_indices is not None else max(num * 20, 100)
    outcomes = _outcomes(folder, work, executor, limit)
    with (
        tqdm(
            total=num, initial=min(len(folder.samples), num), disable=not progress, desc="synthesize"
        ) as bar,
        closing(outcomes),  # stops the executor's workers as soon as enough samples are kept
    ):
        for outcome in outcomes:
            if len(folder.samples) >= num:
                break
            if folder.record(outcome):
                bar.update(1)
            if len(folder.samples) >= num:
                break


def _outcomes(
    folder: RunFolder, work: Callable[[int], dict[str, Any]], executor: Executor, limit: int
) -> Generator[dict[str, Any], None, None]:
    """Outcomes of the indices not yet done, in index order (the executor may run ahead, boundedly)."""
    todo = (index for index in range(limit) if index not in folder.done)
    return executor.map(work, todo, on_lost=_lost)


def _lost(index: int, exc: BaseException) -> dict[str, Any]:
    """The rejection of an index whose worker died on every attempt (it would kill the next one too)."""
    return {"index": index, "rejected": "worker_lost", "detail": f"{type(exc).__name__}: {exc}"[:300]}


def load_samples(out_dir: str | Path) -> list[Sample]:
    return [Sample.model_validate(row) for row in writer.JsonlLog(Path(out_dir) / SAMPLES_FILE)]
