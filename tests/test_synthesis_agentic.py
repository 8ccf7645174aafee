"""Synthesis for the agentic domains: `funreason synthesize --domains web_search,memory_kv`.

Real samples from the command line: every one replays; each answering turn's reply contains the fact,
and the fact came back from a call of that turn; a note is stored before it is recalled; queries ask
for outcomes without naming addresses, tools, keys or the hops in between; the chain of thought
quotes only what results really said; the exports read back and score 100% with the replay agent.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from funreason_envs.agentic_check import answer_found
from funreason_envs.cli import main
from funreason_envs.errors import ConfigError
from funreason_envs.synthesis.agentic import AgenticSampleBuilder
from funreason_envs.synthesis.exports.bfcl import MEMORY_DOMAIN
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.roles.template import TemplateRoles
from funreason_envs.synthesis.run import load_samples
from funreason_envs.synthesis.settings import Settings
from funreason_envs.synthesis.verify import verify_sample
from tests.support.synthesis_samples import turns_of

NUM = 40
WIKI = "https://www.orbipedia.org/wiki/"
TOOLS = ("search_engine_query", "fetch_url_content", "memory_add", "memory_retrieve", "list_keys")


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("agentic")
    formats = "openai,sharegpt,hermes,bfcl,tasks"
    argv = ["synthesize", "--domains", "web_search,memory_kv", "--num", str(NUM), "--seed", "0"]
    assert main([*argv, "--format", formats, "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def samples(run) -> list[Sample]:
    return load_samples(run)


def test_every_sample_replays_and_the_mix_is_there(run, samples):
    assert len(samples) == NUM
    assert all(verify_sample(sample) == [] for sample in samples)
    report = json.loads((run / "report.json").read_text())
    assert (
        report["acceptance"]["verification"] == 1.0 and report["rejected"].get("verification_failed") is None
    )
    mixed = [sample for sample in samples if sample.domains == ["memory_kv", "web_search"]]
    assert (
        mixed
        and any(s.domains == ["web_search"] for s in samples)
        and any(s.domains == ["memory_kv"] for s in samples)
    )
    calls = {call.name for sample in samples for turn in sample.task.ground_truth for call in turn}
    assert {"search_engine_query", "fetch_url_content", "archival_memory_add", "core_memory_add"} <= calls
    assert {"core_memory_retrieve", "archival_memory_retrieve", "core_memory_replace"} <= calls
    assert min(len(sample.task.turns) for sample in samples) >= 3
    assert sum(turn.attempts > 1 for sample in samples for turn in sample.turns) > 0  # phase 3 retried
    assert all(turn.hints for sample in samples for turn in sample.turns if turn.attempts > 1)


def test_a_researched_fact_is_stored_then_recalled_in_a_later_turn(samples):
    found = 0
    for sample in samples:
        stored = {
            call.arguments["key"]: index
            for index, turn in enumerate(sample.task.ground_truth)
            for call in turn
            if call.name == "archival_memory_add"
        }
        for index, turn in enumerate(sample.task.ground_truth):
            for call in turn:
                if (
                    call.name == "archival_memory_retrieve"
                    and stored.get(call.arguments["key"], index) < index
                ):
                    found += 1
                    fact = sample.task.metadata["turn_answers"][index]
                    searched = sample.task.ground_truth[stored[call.arguments["key"]]][0].name
                    assert searched in ("search_engine_query", "fetch_url_content") and fact
    assert found >= 3


def test_each_reply_contains_the_fact_that_a_call_of_its_turn_returned(samples):
    checked = 0
    for sample in samples:
        facts = sample.task.metadata["turn_answers"]
        assert facts[-1] is not None and sample.task.answers == [
            facts[-1]
        ]  # the conversation ends on a question
        for fact, messages in zip(facts, turns_of(sample), strict=True):
            reply = messages[-1]
            assert reply["role"] == "assistant" and not reply.get("tool_calls")
            if fact is None:
                continue
            results = " ".join(m["content"] for m in messages if m["role"] == "tool")
            assert fact in results.replace("\\n", " ")
            assert answer_found(reply["content"], [fact]), (sample.id, reply["content"], fact)
            checked += 1
    assert checked >= NUM


def test_memory_is_written_before_it_is_read(samples):
    for sample in samples:
        config = sample.task.initial_config.get("memory_kv", {})
        known = {
            "core": set(config.get("core_memory", {})),
            "archival": set(config.get("archival_memory", {})),
        }
        for turn in sample.task.ground_truth:
            for call in turn:
                tier = call.name.split("_", 1)[0]
                if call.name.endswith("_retrieve"):
                    assert call.arguments["key"] in known[tier], (sample.id, call)
            for call in turn:  # a turn's own additions count from the next turn on
                if call.name.endswith("_memory_add"):
                    known[call.name.split("_", 1)[0]].add(call.arguments["key"])


def test_a_corrected_note_is_recalled_with_its_new_value(samples):
    recalled = 0
    for sample in samples:
        latest: dict[str, str] = {}
        for index, turn in enumerate(sample.task.ground_truth):
            for call in turn:
                if call.name == "core_memory_replace":
                    latest[call.arguments["key"]] = call.arguments["value"]
                elif call.name == "core_memory_retrieve" and call.arguments["key"] in latest:
                    assert sample.task.metadata["turn_answers"][index] == latest[call.arguments["key"]]
                    recalled += 1
    assert recalled >= 1


def test_queries_ask_for_outcomes_and_name_no_address_tool_key_or_hop(samples):
    for sample in samples:
        keys = {  # snake_case keys; a one-word key ("allergy") may be the user's own word
            call.arguments["key"]
            for turn in sample.task.ground_truth
            for call in turn
            if "_" in call.arguments.get("key", "")
        }
        for record, turn in zip(sample.turns, sample.task.ground_truth, strict=True):
            query = record.query
            assert "http" not in query and "orbipedia" not in query.lower()
            assert not any(tool in query for tool in TOOLS) and not any(key in query for key in keys)
            start = (record.advanced_tool.inputs if record.advanced_tool else {}).get("start")
            for call in turn:
                if call.name == "fetch_url_content":
                    name = call.arguments["url"].removeprefix(WIKI).replace("_", " ")
                    assert name == start or name not in query, (sample.id, query, name)


def test_the_chain_of_thought_quotes_only_what_results_said(samples):
    quoted = 0
    for sample in samples:
        seen = ""
        for message in sample.messages:
            if message["role"] == "tool":
                content = (
                    json.loads(message["content"]).get("content", "")
                    if message["content"].startswith("{")
                    else ""
                )
                seen += re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", content)
            for said in re.findall(
                r'(?:says|article|it is): "([^"]+)"', message.get("reasoning_content") or ""
            ):
                assert said in seen, (sample.id, said)
                quoted += 1
    assert quoted >= NUM


def test_exports_read_back_and_the_tasks_replay_at_100_percent(run, tmp_path, samples):
    for name in ("openai.jsonl", "sharegpt.jsonl", "hermes.jsonl", "tasks.jsonl"):
        assert len((run / name).read_text().splitlines()) == NUM
    out = tmp_path / "eval"
    argv = ["eval", "--tasks", str(run / "tasks.jsonl"), "--agent", "replay", "--out", str(out), "--quiet"]
    assert main(argv) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall_accuracy"] == 1.0 and summary["tasks"] == NUM
    # bfcl-eval runs neither this web nor its memory classes in multi-turn entries: none goes to `bfcl`
    skipped = json.loads((run / "report.json").read_text())["exports"]["bfcl"]["skipped"]
    memory_only = sum(sample.domains == ["memory_kv"] for sample in samples)
    assert skipped == {"domain_without_bfcl_class": NUM - memory_only, MEMORY_DOMAIN: memory_only}


def test_a_sample_depends_only_on_its_index():
    settings = Settings(seed=5, domains=("memory_kv", "web_search"))

    def build(index: int) -> dict:
        return AgenticSampleBuilder(index, settings, lambda rng: TemplateRoles(rng)).build().model_dump()

    assert build(3) == build(3) and build(3) != build(4)


def test_agentic_domains_mix_only_with_each_other(tmp_path, capsys):
    argv = [
        "synthesize",
        "--domains",
        "web_search,travel",
        "--num",
        "1",
        "--out",
        str(tmp_path / "x"),
        "--quiet",
    ]
    assert main(argv) != 0 and not (tmp_path / "x").exists()
    assert "synthesize only with each other" in capsys.readouterr().err
    no_kit = [
        "synthesize",
        "--domains",
        "memory_vector",
        "--num",
        "1",
        "--out",
        str(tmp_path / "y"),
        "--quiet",
    ]
    assert main(no_kit) != 0  # the error names the agentic domains too, not only the kit domains
    assert "or the agentic memory_kv, web_search" in capsys.readouterr().err
    settings = Settings(domains=("memory_kv",))

    class Other(TemplateRoles):
        name = "openai"

    with pytest.raises(ConfigError, match="template roles only"):
        AgenticSampleBuilder(0, settings, lambda rng: Other(random.Random(0)))


def test_long_memory_conversations_fill_core_memory_then_correct_and_recall():
    settings = Settings(domains=("memory_kv",), min_turns=8, max_turns=8)
    for index in range(6):
        sample = AgenticSampleBuilder(index, settings, lambda rng: TemplateRoles(rng)).build()
        assert verify_sample(sample) == [] and len(sample.task.turns) == 8
        assert len(sample.final_state["memory_kv"]["core_memory"]) <= 7  # MemoryAPI_kv's core limit
