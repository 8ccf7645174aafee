"""What every exporter shares: the registry, append-only resumable writing, crash roll-back,
determinism, error-tool-response rows, and refusing malformed samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funreason_envs.errors import ConfigError
from funreason_envs.synthesis.exports import EXPORTERS, ExportOptions, export, make_exporter
from funreason_envs.synthesis.exports.faults import FAILURES
from tests.support.synthesis_samples import handmade_sample, read_jsonl, samples, tool_call

ROOT = Path(__file__).resolve().parent.parent
ROW_FILES = {
    "openai": "openai.jsonl",
    "sharegpt": "sharegpt.jsonl",
    "hermes": "hermes.jsonl",
    "bfcl": "bfcl/BFCL_v4_multi_turn_synthesized.json",
    "parquet": "parquet/rows.jsonl",
    "tasks": "tasks.jsonl",
}


def test_registry_names_every_format_and_refuses_unknown_ones(tmp_path):
    assert set(EXPORTERS) == set(ROW_FILES)
    with pytest.raises(
        ConfigError, match="unknown export format 'csv'; choose from: openai, sharegpt, hermes"
    ):
        make_exporter("csv", tmp_path)
    with pytest.raises(ConfigError, match="no export format given"):
        export(samples(), tmp_path, " , ")
    with pytest.raises(ConfigError, match=r"error_rows is a fraction of samples in \[0, 1\], got 1.5"):
        ExportOptions(error_rows=1.5)


@pytest.mark.parametrize("name", list(ROW_FILES))
def test_one_sample_at_a_time_then_a_rerun_writes_each_sample_once(tmp_path, name):
    options = ExportOptions(split_turns=True, error_rows=0.5)
    export(samples(), tmp_path / "reference", name, options)
    reference = (tmp_path / "reference" / ROW_FILES[name]).read_bytes()
    exporter = make_exporter(name, tmp_path / "out", options)
    for sample in samples()[:2]:
        assert exporter.write([sample]).samples == 1
    assert exporter.write(samples()[:1]).already_written == 1
    exporter.close()
    rerun = make_exporter(name, tmp_path / "out", options)
    stats = rerun.write(samples())
    rerun.close()
    assert (stats.samples, stats.already_written) == (len(samples()) - 2, 2)
    assert (tmp_path / "out" / ROW_FILES[name]).read_bytes() == reference


def test_output_is_byte_identical_across_runs(tmp_path):
    options = ExportOptions(split_turns=True, error_rows=0.5)
    for run in ("a", "b"):
        export(samples(), tmp_path / run, list(ROW_FILES), options)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) >= 10
    for relative in files:
        if relative.suffix != ".parquet":  # parquet embeds writer metadata; its rows are checked elsewhere
            assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes(), (
                relative
            )


def test_a_crash_mid_sample_is_rolled_back_on_reopening(tmp_path):
    export(samples()[:1], tmp_path, "openai")
    data = tmp_path / "openai.jsonl"
    ledger = tmp_path / ".ledger" / "openai.jsonl"
    committed = data.read_bytes()
    # what a process killed while writing sample 2 leaves: its "begin" and half a row
    with ledger.open("a") as handle:
        handle.write(json.dumps({"begin": samples()[1].id, "sizes": {"openai.jsonl": len(committed)}}) + "\n")
    with data.open("a") as handle:
        handle.write('{"messages": [{"role": "sys')
    exporter = make_exporter("openai", tmp_path)
    assert data.read_bytes() == committed
    assert exporter.write(samples()).samples == len(samples()) - 1
    assert [row["sample_id"] for row in read_jsonl(data)] == [s.id for s in samples()]
    # and a ledger line torn by a crash while logging is dropped
    with ledger.open("a") as handle:
        handle.write('{"begin": "x", "si')
    assert make_exporter("openai", tmp_path).write(samples()).already_written == len(samples())


def test_reusing_a_folder_with_other_options_or_foreign_files_is_refused(tmp_path):
    export(samples()[:1], tmp_path, "openai,bfcl")
    with pytest.raises(
        ConfigError, match=r"exported with split_turns=false; this run has split_turns=true; use the same"
    ):
        make_exporter("openai", tmp_path, ExportOptions(split_turns=True))
    make_exporter(
        "openai", tmp_path, ExportOptions(bfcl_name="multi_turn_other")
    )  # not an openai option: fine
    with (tmp_path / "openai.jsonl").open("a") as handle:
        handle.write("{}\n")
    with pytest.raises(ConfigError, match=r"openai.jsonl is .* bytes but the export ledger says"):
        make_exporter("openai", tmp_path)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "hermes.jsonl").write_text('{"text": "mine"}\n')
    with pytest.raises(
        ConfigError, match=r"hermes.jsonl exists but no ledger .* says this exporter wrote it"
    ):
        make_exporter("hermes", foreign)


def test_error_rows_fail_one_call_and_retry_it_leaving_the_rest_unchanged(tmp_path):
    export(samples(), tmp_path, "openai", ExportOptions(error_rows=1.0))
    rows = read_jsonl(tmp_path / "openai.jsonl")
    normal = {row["sample_id"]: row for row in rows if not row["error_tool_response"]}
    errors = [row for row in rows if row["error_tool_response"]]
    assert len(errors) == len(samples())
    for row in errors:
        original = normal[row["sample_id"]]["messages"]
        messages = row["messages"]
        assert len(messages) == len(original) + 2
        at = next(i for i, (a, b) in enumerate(zip(messages, original, strict=False)) if a != b)
        failed, retry, recovered = messages[at], messages[at + 1], messages[at + 2]
        call = next(m for m in reversed(messages[:at]) if m.get("tool_calls"))["tool_calls"][-1]
        assert call["id"] == failed["tool_call_id"]  # the failed call is its step's last
        assert failed["role"] == "tool" and failed["content"] != original[at]["content"]
        assert failed["content"] in {failure.render(call["function"]["name"]) for failure in FAILURES}
        assert failed["content"].startswith(('{"error": ', "Error during execution: "))
        assert retry["role"] == "assistant" and call["function"]["name"] in retry["reasoning_content"]
        (again,) = retry["tool_calls"]
        assert again["function"] == call["function"] and again["id"] == call["id"] + "_retry"
        assert recovered == {**original[at], "tool_call_id": again["id"]}
        assert messages[:at] + messages[at + 3 :] == original[:at] + original[at + 1 :]


def test_which_samples_get_error_rows_follows_their_seeds(tmp_path):
    base = samples()[0]
    many = [base.model_copy(update={"id": f"s{n}", "seed": n}) for n in range(200)]
    export(many, tmp_path / "a", "openai", ExportOptions(error_rows=0.3))
    export(list(reversed(many)), tmp_path / "b", "openai", ExportOptions(error_rows=0.3))
    chosen = {
        row["sample_id"] for row in read_jsonl(tmp_path / "a" / "openai.jsonl") if row["error_tool_response"]
    }
    again = {
        row["sample_id"] for row in read_jsonl(tmp_path / "b" / "openai.jsonl") if row["error_tool_response"]
    }
    assert chosen == again
    assert 40 <= len(chosen) <= 80
    texts = {
        row["messages"][4]["content"]
        for row in read_jsonl(tmp_path / "a" / "openai.jsonl")
        if row["error_tool_response"]
    }
    assert len(texts) > 1  # the failure wording varies between samples


def test_samples_without_calls_get_no_error_row(tmp_path):
    messages = [
        {"role": "system", "content": "s"},
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
    ]
    stats = export([handmade_sample(messages)], tmp_path, "openai", ExportOptions(error_rows=1.0))["openai"]
    assert (stats.rows, stats.error_rows) == (1, 0)


@pytest.mark.parametrize(
    ("messages", "problem"),
    [
        ([{"role": "user", "content": "a"}], "the last user turn has no assistant reply"),
        (
            [
                {"role": "user", "content": "a"},
                {"role": "assistant", "content": None, "tool_calls": [tool_call("c1", "pwd")]},
            ],
            r"message 1: 1 call\(s\) need as many tool messages right after them",
        ),
        (
            [
                {"role": "user", "content": "a"},
                {"role": "assistant", "tool_calls": [tool_call("c1", "pwd")]},
                {"role": "tool", "tool_call_id": "c9", "content": "x"},
                {"role": "assistant", "content": "ok"},
            ],
            "tool message answers 'c9', expected 'c1'",
        ),
        ([{"role": "assistant", "content": "x"}], "message 0: an assistant message before any user message"),
        (
            [
                {"role": "user", "content": "a"},
                {"role": "assistant", "content": "b"},
                {"role": "user", "content": "c"},
                {"role": "assistant", "content": "d"},
            ],
            "the messages hold 2 user turn",
        ),
    ],
)
def test_malformed_conversations_are_refused_with_the_place(tmp_path, messages, problem):
    with pytest.raises(ConfigError, match=f"sample handmade: .*{problem}"):
        export([handmade_sample(messages)], tmp_path, "sharegpt")
