"""Chat models for the LLM roles: any OpenAI-compatible server, or a local transformers model.

Both reuse the agents' clients (`OpenAIClient`: shared, bounded, retrying; `TransformersModel`:
chat-template rendering and generation), so a backend behaves exactly as it does in `funreason eval`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from funreason_envs.errors import ConfigError


@dataclass(frozen=True)
class RequestLimits:
    """How long an OpenAI-compatible backend may take: seconds per request attempt (reply body included)
    and further attempts after a timeout, a dropped connection, 429 or 5xx. Not a setting of the data, so
    not in `run.json`: a rerun may change them."""

    timeout: float = 120.0
    max_retries: int = 3


DEFAULT_LIMITS = RequestLimits()


class OpenAIChatModel:
    """`complete()` through a chat-completions server."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        temperature: float = 0.7,
        max_tokens: int = 1024,
        limits: RequestLimits = DEFAULT_LIMITS,
    ) -> None:
        from funreason_envs.agents.openai_client import OpenAIClient

        self.client = OpenAIClient(base_url, timeout=limits.timeout, max_retries=limits.max_retries)
        self.model = model
        self.options = {"temperature": temperature, "max_tokens": max_tokens}

    def complete(self, messages: list[dict[str, Any]]) -> str:
        request = {"model": self.model, "messages": messages, **self.options}
        completion, _ = self.client.run(self.client.chat(request))
        return completion.choices[0].message.content or ""


class TransformersChatModel:
    """`complete()` with a local model folder."""

    def __init__(self, path: str, **options: Any) -> None:
        from funreason_envs.agents.hf_model import TransformersModel

        self.model = TransformersModel(path, **options)

    def complete(self, messages: list[dict[str, Any]]) -> str:
        (generation,), _ = self.model.generate_batch([(messages, [])])
        return generation.text


@dataclass(frozen=True)
class BackendSpec:
    """Which model plays the LLM roles: `template`, `openai:URL` (with `model`) or `hf:PATH` (with
    `device`, `dtype`); `judge` adds the judge role that checks each query against the calls."""

    backend: str = "template"
    model: str | None = None
    device: str | None = None
    dtype: str = "auto"
    judge: bool = False

    @property
    def kind(self) -> str:
        return self.backend.partition(":")[0]


@cache
def chat_model(
    spec: BackendSpec, limits: RequestLimits = DEFAULT_LIMITS
) -> OpenAIChatModel | TransformersChatModel:
    """The chat model of a backend spec (one per process); `limits` bound an `openai:URL` backend's calls."""
    kind, _, where = spec.backend.partition(":")
    if kind == "openai" and where:
        if not spec.model:
            raise ConfigError("--llm openai:URL needs --model NAME (the model the server serves)")
        return OpenAIChatModel(where, spec.model, limits=limits)
    if kind == "hf" and where:
        return TransformersChatModel(where, device=spec.device, dtype=spec.dtype)
    raise ConfigError(f"unknown --llm backend {spec.backend!r}; use template, openai:URL or hf:PATH")
