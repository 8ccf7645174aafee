"""A tiny Qwen2-style causal LM and a byte-level BPE tokenizer, built locally (no downloads), wearing one of
the chat templates bundled with TRL, for tests that drive TRL and transformers for real."""

from __future__ import annotations

from pathlib import Path

TRL_TEMPLATE_DIR = "chat_templates"
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
ADDED_TOKENS = ["<think>", "</think>", "<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>"]
CORPUS = [
    '<tool_call>\n{"name": "ls", "arguments": {"a": true}}\n</tool_call>',
    "Done. The file system holds a document folder with report.txt and notes.md.",
    "You are a helpful assistant. Use the tools to answer the user's request.",
    "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ {}[]():,.'\"_-/",
]


def trl_templates() -> dict[str, str]:
    """Every chat template bundled with TRL, by file stem."""
    import trl

    folder = Path(trl.__file__).parent / TRL_TEMPLATE_DIR
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.jinja"))}


def tiny_tokenizer(chat_template: str, eos_token: str = "<|im_end|>"):
    """A fast tokenizer over bytes with Qwen's special tokens and `chat_template`."""
    from transformers import PreTrainedTokenizerFast

    from tests.support.tiny_model import byte_bpe

    bpe = byte_bpe(CORPUS, 400, SPECIAL_TOKENS)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        eos_token=eos_token,
        pad_token="<|endoftext|>",
        bos_token=None,
        chat_template=chat_template,
        clean_up_tokenization_spaces=False,
    )
    tokenizer.add_tokens(ADDED_TOKENS)
    return tokenizer


def tiny_model(tokenizer, seed: int = 0):
    """A randomly initialised two-layer Qwen2 model sized to `tokenizer`."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(seed)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=8192,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.eos_token_id,
        tie_word_embeddings=True,
    )
    return Qwen2ForCausalLM(config)
