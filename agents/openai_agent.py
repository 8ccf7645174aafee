"""`OpenAIAgent`: an agent backed by any OpenAI-compatible chat-completions server.

Works with vLLM, SGLang, llama.cpp's server and hosted APIs. In `"native"` tool mode the tools go in
the request's `tools` field and calls come back as `tool_calls` (text calls are still read if the server
returns them as plain content). In `"text"` mode, for servers without tool calling, the tools are
described in the system prompt, calls are read from the reply text, and results go back as user
messages of `<tool_response>` blocks. Many agents may share one `OpenAIClient` (its concurrency bound
covers them all); `aact` runs in the caller's event loop, `act` on the client's own loop thread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from funreason_envs.agents.chat import ChatAgent, Reply
from funreason_envs.agents.openai_client import OpenAIClient
from funreason_envs.agents.prompts import tool_responses_text, tools_system_prompt

from funreason_envs.errors import BackendRequestError, ConfigError

ToolMode = Literal["native", "text"]
TOOL_MODES = ("native", "text")


class OpenAIAgent(ChatAgent):
    """Acts by asking a chat-completions server for each assistant message.

    Args:
        model: the model name the server serves.
        client: a shared `OpenAIClient`; when omitted the agent makes its own from `base_url`, `api_key`,
            `timeout`, `max_retries` and `max_concurrency`.
        tool_mode: `"native"` (the server's tool calling) or `"text"` (tools in the system prompt).
        system_prompt: the system message (a task's own `system_prompt` takes its place).
        temperature, top_p, max_tokens, seed: sampling options, sent only when given.
        extra_body: extra JSON fields for the request body (e.g. vLLM's `top_k`, `chat_template_kwargs`).
    """

    def __init__(
        self,
        model: str,
        *,
        client: OpenAIClient | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        tool_mode: ToolMode = "native",
        system_prompt: str | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
        max_tokens: int | None = None,
        seed: int | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float = 120.0,
        max_retries: int = 3,
        max_concurrency: int = 16,
    ) -> None:
        super().__init__(system_prompt=system_prompt)
        if tool_mode not in TOOL_MODES:
            raise ConfigError(f"tool_mode {tool_mode!r} is not supported; use 'native' or 'text'")
        if client is not None and (base_url is not None or api_key is not None):
            raise ConfigError("pass either a shared client or base_url/api_key, not both")
        self.model = model
        self.tool_mode = tool_mode
        self.owns_client = client is None
        self.client = client or OpenAIClient(
            base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            max_concurrency=max_concurrency,
        )
        sampling = {"temperature": temperature, "top_p": top_p, "max_tokens": max_tokens, "seed": seed}
        self.sampling = {key: value for key, value in sampling.items() if value is not None}
        self.extra_body = dict(extra_body or {})

    # -- conversation shape per tool mode ---------------------------------------------------------

    def system_text(self) -> str | None:
        if self.tool_mode == "text" and self.tools:
            return tools_system_prompt(self.tools, self._preamble)
        return self._preamble

    def tool_messages(self, results: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        if self.tool_mode == "text":
            return [{"role": "user", "content": tool_responses_text(results)}]
        return super().tool_messages(results)

    def history_message(self, reply: Reply) -> dict[str, Any]:
        if self.tool_mode == "text":
            return {"role": "assistant", "content": reply.text}
        return super().history_message(reply)

    # -- acting -------------------------------------------------------------------------------------

    def act(self, observation: dict[str, Any]) -> dict[str, Any]:
        """Answer an observation (blocking; runs on the client's event-loop thread)."""
        return self.client.run(self.aact(observation))

    async def aact(self, observation: dict[str, Any]) -> dict[str, Any]:
        """Answer an observation from inside an event loop."""
        self.observe(observation)
        completion, timing = await self.client.chat(self.request())
        self._count(completion, timing)
        return self.commit(self._read(completion))

    def request(self) -> dict[str, Any]:
        """The chat-completions request for the conversation so far."""
        request: dict[str, Any] = {"model": self.model, "messages": list(self.messages), **self.sampling}
        if self.tool_mode == "native" and self.tools:
            request["tools"] = self.tools
        if self.extra_body:
            request["extra_body"] = dict(self.extra_body)
        return request

    def close(self) -> None:
        """Close the client if this agent made it."""
        if self.owns_client:
            self.client.close()

    def _read(self, completion: Any) -> Reply:
        choices = getattr(completion, "choices", None) or []
        message = getattr(choices[0], "message", None) if choices else None
        if message is None:
            raise BackendRequestError(f"{self.client.base_url} returned a completion without a message")
        reasoning = getattr(message, "reasoning_content", None) or getattr(message, "reasoning", None)
        reasoning = reasoning if isinstance(reasoning, str) else None
        content = message.content or ""
        tool_calls = getattr(message, "tool_calls", None)
        if self.tool_mode == "native" and tool_calls:
            entries = [call.model_dump() if hasattr(call, "model_dump") else call for call in tool_calls]
            return self.reply_from_tool_calls(content, reasoning, entries)
        return self.reply_from_text(content, reasoning)

    def _count(self, completion: Any, timing: dict[str, float]) -> None:
        self.usage["requests"] += 1
        self.usage["retries"] += int(timing["attempts"]) - 1
        usage = getattr(completion, "usage", None)
        if usage is not None:
            prompt = getattr(usage, "prompt_tokens", 0) or 0
            completion_tokens = getattr(usage, "completion_tokens", 0) or 0
            self.usage["prompt_tokens"] += prompt
            self.usage["completion_tokens"] += completion_tokens
            self.usage["total_tokens"] += getattr(usage, "total_tokens", 0) or prompt + completion_tokens
        self.timings.append(timing)
