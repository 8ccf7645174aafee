"""`TransformersModel`: a local causal LM and its tokenizer, generating replies for many chats at once.

Prompts are rendered by the tokenizer's own chat template with `tools=`, so each model sees tools and
tool results the way it was trained to. Conversations are left-padded into one batch and generated in a
single `generate` call; each row's text is cut at the first end-of-sequence token and decoded with
special tokens kept (tool-call tags are special tokens in some vocabularies).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from funreason_envs.errors import ConfigError, MissingDependencyError

if TYPE_CHECKING:
    import torch

DTYPES = ("auto", "float32", "float16", "bfloat16")
INSTALL_HINT = "pip install torch 'funreason-envs[hf]' (install torch first to choose its CPU or CUDA build)"

Conversation = tuple[Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]]


def import_torch_transformers() -> tuple[Any, Any]:
    """(`torch`, `transformers`), or a `MissingDependencyError` naming the install command."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise MissingDependencyError(f"the transformers agent needs {exc.name}: {INSTALL_HINT}") from None
    return torch, transformers


@dataclass(frozen=True, slots=True)
class Generation:
    """One generated reply: its text and token counts."""

    text: str
    prompt_tokens: int
    completion_tokens: int


class TransformersModel:
    """A causal LM from a local folder (or already-loaded model and tokenizer objects).

    Args:
        model: a folder holding a `transformers` model and tokenizer, or a loaded model.
        tokenizer: the tokenizer when `model` is an object (default: loaded from the folder).
        device: `"cpu"`, `"cuda"`, `"cuda:1"`, ... (default: CUDA when available).
        dtype: `"auto"` (the checkpoint's), `"float32"`, `"float16"` or `"bfloat16"`.
        max_new_tokens: tokens generated per reply at most.
        temperature: 0 for greedy decoding; above 0 samples (with `top_p`).
        seed: with sampling, seeds torch's generator before each batch (call index added), for
            reproducible runs; note that torch's generator is process-wide.
        chat_template_kwargs: extra variables for the chat template (e.g. `{"enable_thinking": False}`).
        generate_kwargs: extra keyword arguments for `model.generate` (e.g. `repetition_penalty`).
    """

    def __init__(
        self,
        model: str | Path | Any,
        tokenizer: Any | None = None,
        *,
        device: str | None = None,
        dtype: str = "auto",
        max_new_tokens: int = 512,
        temperature: float = 0.0,
        top_p: float = 1.0,
        seed: int | None = None,
        chat_template_kwargs: Mapping[str, Any] | None = None,
        generate_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        torch, transformers = import_torch_transformers()
        self._torch = torch
        if dtype not in DTYPES:
            raise ConfigError(f"dtype {dtype!r} is not supported; use one of {', '.join(DTYPES)}")
        if max_new_tokens < 1 or temperature < 0 or not 0 < top_p <= 1:
            raise ConfigError("TransformersModel needs max_new_tokens >= 1, temperature >= 0, 0 < top_p <= 1")
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        torch_dtype = "auto" if dtype == "auto" else getattr(torch, dtype)
        if isinstance(model, (str, Path)):
            folder = Path(model)
            if not folder.is_dir():
                raise ConfigError(
                    f"{folder}: no such model folder; pass a local folder saved by transformers"
                )
            tokenizer = tokenizer or transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
            model = transformers.AutoModelForCausalLM.from_pretrained(
                folder, dtype=torch_dtype, local_files_only=True
            )
        elif tokenizer is None:
            raise ConfigError("pass the tokenizer along with a loaded model object")
        elif torch_dtype != "auto":
            model = model.to(dtype=torch_dtype)
        if getattr(tokenizer, "chat_template", None) is None:
            raise ConfigError("the tokenizer has no chat template; this agent renders prompts with it")
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.top_p = top_p
        self.seed = seed
        self.chat_template_kwargs = dict(chat_template_kwargs or {})
        self.generate_kwargs = dict(generate_kwargs or {})
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        if self.pad_id is None:
            raise ConfigError("the tokenizer has neither a pad token nor an end-of-sequence token")
        self.stop_ids = self._stop_ids()
        self.batches = 0

    def _stop_ids(self) -> frozenset[int]:
        configured = getattr(getattr(self.model, "generation_config", None), "eos_token_id", None)
        ids = configured if isinstance(configured, (list, tuple)) else [configured]
        return frozenset(i for i in [*ids, self.tokenizer.eos_token_id] if isinstance(i, int))

    def render(self, messages: Sequence[Mapping[str, Any]], tools: Sequence[Mapping[str, Any]] = ()) -> str:
        """The prompt text for a conversation, ready for the assistant's next message."""
        return self.tokenizer.apply_chat_template(
            list(messages),
            tools=list(tools) or None,
            add_generation_prompt=True,
            tokenize=False,
            **self.chat_template_kwargs,
        )

    def generate_batch(self, conversations: Sequence[Conversation]) -> tuple[list[Generation], float]:
        """Generate the next assistant message of each (messages, tools) pair in one batch.

        Returns the generations in order and the seconds the batch took.
        """
        torch = self._torch
        started = time.perf_counter()
        prompts = [self.render(messages, tools) for messages, tools in conversations]
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token_id = self.pad_id
        encoded = self.tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
        encoded = {key: value.to(self.device) for key, value in encoded.items()}
        options: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "pad_token_id": self.pad_id}
        if self.temperature > 0:
            options.update(do_sample=True, temperature=self.temperature, top_p=self.top_p)
            if self.seed is not None:
                torch.manual_seed(self.seed + self.batches)
        else:
            options["do_sample"] = False
        self.batches += 1
        with torch.inference_mode():
            output = self.model.generate(**encoded, **options, **self.generate_kwargs)
        prompt_length = encoded["input_ids"].shape[1]
        prompt_tokens = encoded["attention_mask"].sum(dim=1).tolist()
        generations = [
            self._decode(row, int(count))
            for row, count in zip(output[:, prompt_length:], prompt_tokens, strict=True)
        ]
        return generations, time.perf_counter() - started

    def _decode(self, row: torch.Tensor, prompt_tokens: int) -> Generation:
        ids = row.tolist()
        end = next((index for index, token in enumerate(ids) if token in self.stop_ids), len(ids))
        kept = [token for token in ids[:end] if token != self.pad_id]
        text = self.tokenizer.decode(kept, skip_special_tokens=False, clean_up_tokenization_spaces=False)
        return Generation(text, prompt_tokens, min(end + 1, len(ids)))
