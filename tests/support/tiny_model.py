"""A tiny random Llama and a tools-aware byte-level BPE tokenizer, built in-test (no downloads)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gymnasium as gym
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

import funreason_envs  # noqa: F401  (registers the envs)

SPECIAL_TOKENS = ["<|pad|>", "<|end|>", "<|system|>", "<|user|>", "<|assistant|>", "<|tool|>"]
TEMPLATE = """
{%- if note is defined %}{{ note }}{% endif %}
{%- if tools %}<|system|>You may call these tools:
{% for tool in tools %}{{ tool.function | tojson }}
{% endfor %}<|end|>{% endif %}
{%- for message in messages %}
{%- if message.role == "assistant" %}<|assistant|>{{ message.content or "" }}
{%- for call in message.tool_calls or [] %}<tool_call>{{ {"name": call.function.name,
"arguments": call.function.arguments} | tojson }}</tool_call>{% endfor %}<|end|>
{%- elif message.role == "tool" %}<|tool|>{{ message.name }}: {{ message.content }}<|end|>
{%- else %}<|{{ message.role }}|>{{ message.content }}<|end|>{% endif %}
{%- endfor %}
{%- if add_generation_prompt %}<|assistant|>{% endif %}"""


def file_system_tools() -> list[dict[str, Any]]:
    _, info = gym.make("FunReason/FileSystem-v0").reset(seed=0)
    return info["tools"]


def byte_bpe(corpus: list[str], vocab_size: int, special_tokens: list[str]) -> Tokenizer:
    """A byte-level BPE trained on `corpus` in memory (no downloads), with `special_tokens` first."""
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=special_tokens,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(corpus, trainer)
    return bpe


def build_tiny_model(folder: Path) -> Path:
    """Save a tiny model and tools-aware tokenizer, trained on the file-system tool specs, to `folder`."""
    corpus = [json.dumps(tool) for tool in file_system_tools()]
    corpus += ['<tool_call>{"name": "ls", "arguments": {}}</tool_call>', "Done. notes.md says one two three."]
    bpe = byte_bpe(corpus, 600, SPECIAL_TOKENS)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        eos_token="<|end|>",
        pad_token="<|pad|>",
        chat_template=TEMPLATE,
        clean_up_tokenization_spaces=False,
    )
    tokenizer.add_tokens(["<tool_call>", "</tool_call>", "<think>", "</think>"])
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        initializer_range=0.3,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.eos_token_id,
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
