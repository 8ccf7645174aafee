"""`TransformersAgent`: an agent backed by a local `TransformersModel`; `act_batch` steps many at once.

Agents of parallel episodes share one `TransformersModel`; `act_batch` gathers their conversations into
a single `generate` call. The conversation keeps calls as structured `tool_calls` (arguments as objects,
which is what chat templates expect) and reasoning as `reasoning_content`, so the template renders
history the way the model was trained on; replies are read with `parse_model_text`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from funreason_envs.agents.chat import ChatAgent, Reply
from funreason_envs.agents.hf_model import Conversation, Generation, TransformersModel

from funreason_envs.errors import ConfigError


class TransformersAgent(ChatAgent):
    """Acts by generating with a local model; several agents may share one `TransformersModel`."""

    def __init__(self, model: TransformersModel, *, system_prompt: str | None = None) -> None:
        super().__init__(system_prompt=system_prompt)
        self.model = model

    def tool_messages(self, results: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "role": "tool",
                "tool_call_id": result.get("tool_call_id", ""),
                "name": result.get("name", ""),
                "content": result.get("content", ""),
            }
            for result in results
        ]

    def history_message(self, reply: Reply) -> dict[str, Any]:
        message: dict[str, Any] = {
            "role": "assistant",
            "content": reply.content if reply.calls else reply.text,
        }
        if reply.calls:
            message["tool_calls"] = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments},
                }
                for call in reply.calls
            ]
        if reply.reasoning:
            message["reasoning_content"] = reply.reasoning
        return message

    def act(self, observation: dict[str, Any]) -> dict[str, Any]:
        return act_batch([self], [observation])[0]

    def prepare(self, observation: Mapping[str, Any]) -> Conversation:
        """Take in an observation; returns the (messages, tools) to generate from."""
        self.observe(observation)
        return self.messages, self.tools

    def finish(self, generation: Generation, seconds: float, batch_size: int) -> dict[str, Any]:
        """Take in the generated reply; returns the env action."""
        self.usage["requests"] += 1
        self.usage["prompt_tokens"] += generation.prompt_tokens
        self.usage["completion_tokens"] += generation.completion_tokens
        self.usage["total_tokens"] += generation.prompt_tokens + generation.completion_tokens
        self.timings.append({"total_s": seconds, "batch_size": float(batch_size)})
        return self.commit(self.reply_from_text(generation.text))


def act_batch(
    agents: Sequence[TransformersAgent], observations: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Answer one observation per agent with a single batched generation; agents must share a model."""
    if len(agents) != len(observations):
        raise ConfigError(f"act_batch got {len(agents)} agents but {len(observations)} observations")
    if not agents:
        return []
    model = agents[0].model
    if any(agent.model is not model for agent in agents):
        raise ConfigError("act_batch needs agents that share one TransformersModel")
    conversations = [
        agent.prepare(observation) for agent, observation in zip(agents, observations, strict=True)
    ]
    generations, seconds = model.generate_batch(conversations)
    return [
        agent.finish(generation, seconds, len(agents))
        for agent, generation in zip(agents, generations, strict=True)
    ]
