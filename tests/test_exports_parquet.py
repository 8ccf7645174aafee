"""`parquet` export: the openai rows as parquet with a fixed schema, rebuilt as runs append."""

from __future__ import annotations

import builtins
import json

import datasets
import pytest

from funreason_envs.errors import ConfigError
from funreason_envs.synthesis.exports import ExportOptions, export, make_exporter
from tests.support.synthesis_samples import read_jsonl, samples


def load(out):
    return datasets.Dataset.from_parquet(str(out / "parquet" / "train.parquet"))


def without_nulls(value):
    """What TRL reads from a parquet row: null keys dropped."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


@pytest.mark.parametrize(
    "options",
    [{}, {"split_turns": True, "error_rows": 1.0}, {"split_turns": True, "openai_loss_marking": "weight"}],
)
def test_parquet_rows_are_the_openai_rows(tmp_path, options):
    export(samples(), tmp_path, "openai,parquet", ExportOptions(**options))
    expected = read_jsonl(tmp_path / "openai.jsonl")
    table = load(tmp_path)
    assert table.num_rows == len(expected)
    assert table.features["tools"] == datasets.Value("string")
    for row, want in zip(table, expected, strict=True):
        assert json.loads(row["tools"]) == want["tools"]
        for column in ("messages", "prompt", "completion"):
            if column in want:
                assert without_nulls(row[column]) == without_nulls(want[column])
        assert (row["id"], row["turn"], row["error_tool_response"]) == (
            want["id"],
            want["turn"],
            want["error_tool_response"],
        )


def test_schema_is_fixed_whatever_the_rows_hold(tmp_path):
    export(samples()[1:2], tmp_path / "one", "parquet", ExportOptions(split_turns=True))
    export(samples(), tmp_path / "all", "parquet", ExportOptions(split_turns=True))
    assert load(tmp_path / "one").features == load(tmp_path / "all").features


def test_appending_across_runs_rebuilds_one_file_without_duplicates(tmp_path):
    with make_exporter("parquet", tmp_path) as first:
        first.write(samples()[:2])
    assert load(tmp_path)["sample_id"] == [s.id for s in samples()[:2]]
    with make_exporter("parquet", tmp_path) as second:
        stats = second.write(samples())
    assert (stats.samples, stats.already_written) == (len(samples()) - 2, 2)
    assert load(tmp_path)["sample_id"] == [s.id for s in samples()]
    assert not list((tmp_path / "parquet").glob("*.partial"))


def test_missing_datasets_is_one_line_naming_the_extra(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_datasets(name, *args, **kwargs):
        if name == "datasets":
            raise ImportError("No module named 'datasets'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_datasets)
    with pytest.raises(
        ConfigError, match=r"^the parquet export needs HF datasets: pip install 'funreason-envs\[datasets\]'$"
    ):
        make_exporter("parquet", tmp_path)
    assert not (tmp_path / ".ledger").exists()
