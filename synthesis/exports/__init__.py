"""Exporters of synthesized samples (one module per format) and the registry the pipeline uses.

    exporter = make_exporter("openai", "data/", ExportOptions(split_turns=True, error_rows=0.1))
    for sample in verified_samples():
        exporter.write([sample])
    exporter.close()

The contract, for every format: rows are appended to files in the output folder one sample at a
time; a sample id already written there, in this run or an earlier one, is skipped, so a rerun never
duplicates rows; a crash loses at most the sample being written; reusing a folder with different
options is refused; `close()` finishes formats derived from the rows (parquet). Each exporter reads
only `Sample` records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from funreason_envs.errors import ConfigError
from funreason_envs.synthesis.exports.base import Exporter
from funreason_envs.synthesis.exports.bfcl import BfclExporter
from funreason_envs.synthesis.exports.hermes import HermesExporter
from funreason_envs.synthesis.exports.openai import OpenAIExporter
from funreason_envs.synthesis.exports.options import ExportOptions, ExportStats
from funreason_envs.synthesis.exports.parquet import ParquetExporter
from funreason_envs.synthesis.exports.sharegpt import ShareGPTExporter
from funreason_envs.synthesis.exports.tasks import TasksExporter
from funreason_envs.synthesis.record import Sample

EXPORTERS: dict[str, type[Exporter]] = {
    "openai": OpenAIExporter,
    "sharegpt": ShareGPTExporter,
    "hermes": HermesExporter,
    "bfcl": BfclExporter,
    "parquet": ParquetExporter,
    "tasks": TasksExporter,
}


def make_exporter(name: str, out_dir: str | Path, options: ExportOptions | None = None) -> Exporter:
    """The exporter registered as `name`, writing into `out_dir`."""
    if name not in EXPORTERS:
        raise ConfigError(f"unknown export format {name!r}; choose from: {', '.join(EXPORTERS)}")
    return EXPORTERS[name](out_dir, options)


def export(
    samples: Iterable[Sample],
    out_dir: str | Path,
    formats: str | Sequence[str],
    options: ExportOptions | None = None,
) -> dict[str, ExportStats]:
    """Write samples in several formats at once (`"openai,bfcl"` or a list); returns counts per format."""
    names = [name.strip() for name in formats.split(",")] if isinstance(formats, str) else list(formats)
    names = [name for name in dict.fromkeys(names) if name]
    if not names:
        raise ConfigError(f"no export format given; choose from: {', '.join(EXPORTERS)}")
    exporters = [make_exporter(name, out_dir, options) for name in names]
    for sample in samples:
        for exporter in exporters:
            exporter.write([sample])
    for exporter in exporters:
        exporter.close()
    return {exporter.name: exporter.stats for exporter in exporters}


__all__ = ["EXPORTERS", "ExportOptions", "ExportStats", "Exporter", "export", "make_exporter"]
