"""Exports loaded by the real libraries: HF `datasets`, TRL's SFTTrainer dataset preparation on a tiny
model, every chat template bundled with TRL, and LLaMA-Factory's sharegpt rules."""

from __future__ import annotations

import json
import re

import datasets
import pytest

from funreason_envs.synthesis.exports import ExportOptions, export
from funreason_envs.synthesis.exports.options import QWEN_RESULT_SEPARATOR, result_separator_for
from tests.support.synthesis_samples import samples
from tests.support.tiny_lm import tiny_model, tiny_tokenizer, trl_templates

TEMPLATES = trl_templates()
# Templates with no tool role or tool calls at all, or vision templates wanting content parts: no
# tool-calling conversation renders in them (checked below, so this list cannot silently grow).
NO_TOOL_USE = {
    name
    for name in TEMPLATES
    if name.startswith(("cohere", "gemma3", "idefics3", "llava_next", "smolvlm"))
    or name in ("gemma", "gemma_training")
}
# Templates that take one call per assistant message, or string arguments only: the export options for them.
OPTIONS_FOR = {
    "llama3_1": {"one_call_per_message": True},
    "llama3_2": {"one_call_per_message": True},
    "deepseekv3": {"string_arguments": True},
    "deepseekv3_training": {"string_arguments": True},
}
# DeepSeek-R1-distill renders calls only for `content: null`, a key TRL removes from rows: calls vanish.
CALLS_DROPPED_UNDER_TRL = ("deepseek_r1_distill", "deepseek_r1_distill_training")
FAMILIES = ("qwen2_5", "qwen3", "gptoss", "gemma4", "glm4moe", "nemotron", "llama3")


def load_rows(folder, file="openai.jsonl"):
    return datasets.load_dataset("json", data_files=str(folder / file), split="train")


def exported(tmp_path, fmt="openai", **options):
    folder = tmp_path / "-".join([fmt, *(f"{k}={v}" for k, v in sorted(options.items()))])
    export(samples(), folder, fmt, ExportOptions(**options))
    return folder


def without_nulls(messages):
    """What TRL hands the template: `datasets` fills absent keys with None, TRL drops them again."""
    return [{key: value for key, value in message.items() if value is not None} for message in messages]


@pytest.fixture(scope="module")
def tokenizer():
    return tiny_tokenizer(TEMPLATES["qwen3"])


def test_the_acceptance_families_are_all_bundled():
    for family in FAMILIES:
        assert any(name.startswith(family) and name not in NO_TOOL_USE for name in TEMPLATES), family


@pytest.mark.parametrize("name", sorted(set(TEMPLATES) - NO_TOOL_USE))
def test_every_bundled_tool_template_renders_the_openai_export_with_its_reasoning(name, tmp_path, tokenizer):
    template = TEMPLATES[name]
    rows = load_rows(exported(tmp_path, **OPTIONS_FOR.get(name, {})))
    code = re.sub(r"\{#.*?#\}", "", template, flags=re.DOTALL)  # comments do not render anything
    shows_reasoning = "reasoning" in code
    for row in rows:
        messages = without_nulls(row["messages"])
        text = tokenizer.apply_chat_template(
            messages, tools=row["tools"], tokenize=False, chat_template=template, bos_token="<s>"
        )
        assert messages[-1]["content"] in text
        if "tool_calls" in code and name not in CALLS_DROPPED_UNDER_TRL:
            names = {call["function"]["name"] for m in messages for call in m.get("tool_calls") or []}
            assert any(name in text for name in names)
        if shows_reasoning:  # the reasoning of the last turn (every template keeps at least that)
            last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
            thoughts = [m["reasoning_content"] for m in messages[last_user:] if m.get("reasoning_content")]
            assert any(thought in text for thought in thoughts), name


@pytest.mark.parametrize("name", sorted(NO_TOOL_USE))
def test_templates_left_out_cannot_render_any_tool_conversation(name, tokenizer):
    messages = [
        {"role": "system", "content": "s"},
        {"role": "user", "content": "u"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"type": "function", "function": {"name": "ls", "arguments": {}}}],
        },
        {"role": "tool", "content": "r"},
        {"role": "assistant", "content": "done"},
    ]
    with pytest.raises(Exception):  # noqa: B017  (each template fails its own way)
        tokenizer.apply_chat_template(
            messages, tokenize=False, chat_template=TEMPLATES[name], bos_token="<s>"
        )


def sft_dataset(trainer_args, rows, template, tmp_path):
    from trl import SFTConfig, SFTTrainer

    tokenizer = tiny_tokenizer(template)
    config = SFTConfig(
        output_dir=str(tmp_path / "sft"),
        report_to="none",
        use_cpu=True,
        bf16=False,
        max_length=None,
        **trainer_args,
    )
    trainer = SFTTrainer(
        model=tiny_model(tokenizer), args=config, train_dataset=rows, processing_class=tokenizer
    )
    return trainer, tokenizer


@pytest.mark.parametrize(
    "name", ["qwen2_5", "qwen3", "gptoss", "gemma4", "glm4moe", "nemotron_3_nano", "llama3_1"]
)
def test_sft_trainer_tokenizes_the_openai_export(name, tmp_path):
    rows = load_rows(exported(tmp_path, **OPTIONS_FOR.get(name, {})))
    trainer, tokenizer = sft_dataset({}, rows, TEMPLATES[name], tmp_path)
    prepared = trainer.train_dataset
    assert len(prepared) == len(rows)
    for row, ids in zip(rows, prepared["input_ids"], strict=True):
        text = tokenizer.decode(ids)
        assert row["messages"][-1]["content"] in text


def test_assistant_only_loss_trains_every_turns_reasoning_with_qwen3(tmp_path):
    rows = load_rows(exported(tmp_path))
    trainer, tokenizer = sft_dataset({"assistant_only_loss": True}, rows, TEMPLATES["qwen3"], tmp_path)
    for row, example in zip(rows, trainer.train_dataset, strict=True):
        trained = trained_text(tokenizer, example)
        thoughts = [m["reasoning_content"] for m in row["messages"] if m.get("reasoning_content")]
        assert thoughts and all(thought in trained for thought in thoughts)
        assert all(m["content"] not in trained for m in row["messages"] if m["role"] == "user")


def test_split_openai_rows_train_only_their_turn(tmp_path):
    rows = load_rows(exported(tmp_path, split_turns=True))
    trainer, tokenizer = sft_dataset({}, rows, TEMPLATES["qwen3"], tmp_path)
    for row, example in zip(rows, trainer.train_dataset, strict=True):
        trained = trained_text(tokenizer, example)
        assert row["completion"][-1]["content"] in trained
        assert row["prompt"][-1]["content"] not in trained


@pytest.mark.parametrize("split_turns", [False, True])
def test_hermes_rows_get_exactly_one_end_token_per_block_from_trl(split_turns, tmp_path):
    folder = exported(tmp_path, "hermes", split_turns=split_turns)
    rows = load_rows(folder, "hermes.jsonl")
    trainer, tokenizer = sft_dataset({}, rows, TEMPLATES["qwen3"], tmp_path)
    end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    for row, ids in zip(rows, trainer.train_dataset["input_ids"], strict=True):
        text = row["text"] if not split_turns else row["prompt"] + row["completion"]
        assert ids.count(end) == text.count("<|im_end|>")
        assert ids[-1] == end


def test_parquet_export_loads_with_object_arguments(tmp_path):
    folder = exported(tmp_path, "parquet")
    rows = datasets.load_dataset(
        "parquet", data_files=str(folder / "parquet" / "train.parquet"), split="train"
    )
    calls = [call for row in rows for m in row["messages"] for call in m["tool_calls"] or []]
    assert calls and all(isinstance(call["function"]["arguments"], dict) for call in calls)


def test_sharegpt_rows_follow_llama_factorys_converter_rules(tmp_path):
    """LLaMA-Factory (which cannot share this venv) reads sharegpt rows by these rules: roles alternate
    human/observation (odd) with gpt/function_call (even), function_call values are JSON calls after an
    optional <think> block, tools is a JSON list of functions."""
    for template in ("qwen3", "llama3"):
        folder = exported(tmp_path, "sharegpt", sharegpt_result_separator=result_separator_for(template))
        rows = load_rows(folder, "sharegpt.jsonl")
        for row in rows:
            entries = row["conversations"]
            assert len(entries) % 2 == 0
            for position, entry in enumerate(entries):
                expected = ("human", "observation") if position % 2 == 0 else ("gpt", "function_call")
                assert entry["from"] in expected
                if entry["from"] == "function_call":
                    payload = entry["value"].split("</think>")[-1].strip()
                    calls = json.loads(payload)
                    calls = calls if isinstance(calls, list) else [calls]
                    assert all(set(call) == {"name", "arguments"} for call in calls)
            assert all("name" in tool for tool in json.loads(row["tools"]))
            separated = any(
                QWEN_RESULT_SEPARATOR in e["value"] for e in entries if e["from"] == "observation"
            )
            assert separated == (template == "qwen3") or template == "qwen3"


def trained_text(tokenizer, example):
    """The text of the tokens that carry loss (labels other than -100)."""
    ids = [
        token for token, label in zip(example["input_ids"], example["labels"], strict=True) if label != -100
    ]
    return tokenizer.decode(ids)


def test_split_rows_show_no_empty_thinking_in_history_with_the_stock_template(tmp_path, tokenizer):
    """The README's advice for split rows: the stock Qwen3 template leaves earlier turns without thinking;
    TRL's training template (what `assistant_only_loss=True` swaps in) writes empty blocks there."""
    rows = [row for row in load_rows(exported(tmp_path, split_turns=True)) if row["turn"] > 0]
    for row in rows:
        messages = without_nulls(row["prompt"]) + without_nulls(row["completion"])
        stock = tokenizer.apply_chat_template(messages, tools=row["tools"], tokenize=False)
        training = tokenizer.apply_chat_template(
            messages, tools=row["tools"], tokenize=False, chat_template=TEMPLATES["qwen3_training"]
        )
        assert "<think>\n\n</think>" not in stock
        assert "<think>\n\n</think>" in training
